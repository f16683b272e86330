"""Confidential documents through the permission matrix: every role, this school's and another's."""

import pytest
from django.urls import reverse

from school.models import AuditEntry
from tests.security.expectations.send import CONFIDENTIAL_DOWNLOAD
from tests.security.matrix import ROLES
from tests.security.test_permission_matrix import assert_allowed, assert_denied, build_world, client_as


@pytest.mark.django_db
def test_confidential_download_only_for_named_roles():
    world = build_world()
    url = reverse("send:document_download", kwargs=CONFIDENTIAL_DOWNLOAD.kwargs(world))
    for role in ROLES:
        before = AuditEntry.objects.filter(action="send.document.viewed").count()
        response = client_as(world, role).get(url)
        if role in CONFIDENTIAL_DOWNLOAD.get:
            assert_allowed(response, f"GET {url} as {role}")
            assert AuditEntry.objects.filter(action="send.document.viewed").count() == before + 1
        else:
            assert_denied(response, f"GET {url} as {role}", anonymous=role == "anonymous")
            assert AuditEntry.objects.filter(action="send.document.viewed").count() == before
    foreign = reverse("send:document_download", kwargs=CONFIDENTIAL_DOWNLOAD.foreign(world))
    for role in ("headteacher", "sendco"):
        assert client_as(world, role).get(foreign).status_code == 404
