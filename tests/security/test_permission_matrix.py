"""Every URL x every role x GET/POST, against the expectation tables in tests/security/expectations/.

A URL without an expectation fails the build, so a new page cannot ship without someone deciding
who may use it.
"""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from school.models import AuditEntry, Role
from tests import factories as f
from tests.conftest import sign_in
from tests.security.expectations import load_all
from tests.security.matrix import ROLES
from tests.security.world import world_fixture, world_private_media  # noqa: F401 - fixtures

EXPECTATIONS, SETUPS = load_all()
DENIED = {403, 404}
# URL namespaces outside the matrix: the Django admin is checked separately below.
EXCLUDED_NAMESPACES = {"admin"}


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in EXCLUDED_NAMESPACES:
                    continue
                namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                walk(pattern.url_patterns, namespace)
            elif isinstance(pattern, URLPattern):
                if not pattern.name:
                    names.add(f"{prefix}<unnamed {pattern.pattern}>")
                else:
                    names.add(f"{prefix}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def build_world() -> SimpleNamespace:
    school = f.SchoolFactory(name="Matrix Primary")
    f.add_academic_year(school)
    other_school = f.SchoolFactory(name="Elsewhere Primary")
    f.add_academic_year(other_school)
    own_class = f.RegistrationClassFactory(school=school, name="Oak", year_group=3)
    other_class = f.RegistrationClassFactory(school=school, name="Ash", year_group=4)
    foreign_class = f.RegistrationClassFactory(school=other_school, name="Birch", year_group=3)
    w = SimpleNamespace(
        school=school,
        other_school=other_school,
        own_class=own_class,
        other_class=other_class,
        foreign_class=foreign_class,
        pupil=f.PupilFactory(school=school, registration_class=own_class),
        other_class_pupil=f.PupilFactory(school=school, registration_class=other_class),
        other_school_pupil=f.PupilFactory(school=other_school, registration_class=foreign_class),
        users={},
    )
    w.contact = f.PupilContactFactory(pupil=w.pupil).contact
    w.foreign_contact = f.PupilContactFactory(pupil=w.other_school_pupil).contact
    for role in Role:
        w.users[role.value] = f.staff(school, role, username=f"matrix-{role.value}")
    own_class.staff.add(w.users[Role.CLASS_TEACHER], w.users[Role.TEACHING_ASSISTANT])
    w.users["other_school_teacher"] = f.staff(other_school, Role.CLASS_TEACHER, username="matrix-other")
    foreign_class.staff.add(w.users["other_school_teacher"])
    for setup in SETUPS:
        setup(w)
    return w


def client_as(world, role) -> Client:
    client = Client()
    if role != "anonymous":
        sign_in(client, world.users[role])
    return client


def assert_allowed(response, where, *, may_redirect_to_login=False):
    assert response.status_code < 500, f"{where}: server error {response.status_code}"
    assert response.status_code not in {401, 403, 404}, f"{where}: refused ({response.status_code})"
    if response.status_code == 302 and not may_redirect_to_login:
        assert not response["Location"].startswith(reverse("login")), f"{where}: sent to sign-in"


def assert_denied(response, where, *, anonymous=False):
    if anonymous and response.status_code == 302:
        assert response["Location"].startswith(reverse("login")), f"{where}: redirected, not to sign-in"
        return
    assert response.status_code in DENIED | {405}, f"{where}: expected refusal, got {response.status_code}"


def test_every_url_has_an_expectation():
    names = all_url_names()
    missing = sorted(names - set(EXPECTATIONS))
    stale = sorted(set(EXPECTATIONS) - names)
    assert not missing, f"URLs without a permission expectation: {missing}"
    assert not stale, f"Expectations for URLs that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(EXPECTATIONS))
def test_permission_matrix(url_name, world):
    expect = EXPECTATIONS[url_name]
    url = reverse(url_name, kwargs=expect.kwargs(world) if expect.kwargs else None)
    for role in ROLES:
        client = client_as(world, role)
        for method, allowed_roles in (("GET", expect.get), ("POST", expect.post)):
            allowed = role in allowed_roles or (role == "anonymous" and expect.public and allowed_roles)
            audit_before = AuditEntry.objects.count()
            data = expect.post_data(world) if (expect.post_data and method == "POST") else {}
            response = client.get(url) if method == "GET" else client.post(url, data)
            where = f"{method} {url} as {role}"
            if allowed:
                assert_allowed(response, where, may_redirect_to_login=expect.may_redirect_to_login)
            else:
                assert_denied(response, where, anonymous=role == "anonymous")
                if method == "POST":
                    assert AuditEntry.objects.count() == audit_before, f"{where}: refused but wrote audit"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(n for n, e in EXPECTATIONS.items() if e.foreign))
def test_other_schools_objects_are_not_found(url_name, world):
    expect = EXPECTATIONS[url_name]
    url = reverse(url_name, kwargs=expect.foreign(world))
    for role in ROLES:
        if role in {"anonymous", "other_school_teacher"}:
            continue
        client = client_as(world, role)
        for method in ("GET", "POST"):
            audit_before = AuditEntry.objects.count()
            response = client.get(url) if method == "GET" else client.post(url, {})
            assert_denied(response, f"{method} {url} as {role}")
            assert AuditEntry.objects.count() == audit_before


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(n for n, e in EXPECTATIONS.items() if e.class_scoped))
def test_other_classes_objects_are_not_found_for_class_staff(url_name, world):
    expect = EXPECTATIONS[url_name]
    url = reverse(url_name, kwargs=expect.class_scoped(world))
    for role in ("class_teacher", "teaching_assistant"):
        client = client_as(world, role)
        for method in ("GET", "POST"):
            audit_before = AuditEntry.objects.count()
            response = client.get(url) if method == "GET" else client.post(url, {})
            assert response.status_code in {403, 404, 405}, (
                f"{method} {url} as {role}: {response.status_code}"
            )
            assert AuditEntry.objects.count() == audit_before


@pytest.mark.django_db
def test_admin_is_only_for_superusers(world):
    for role in ROLES:
        response = client_as(world, role).get("/admin/")
        assert response.status_code == 302, role  # to the admin's own sign-in page


@pytest.mark.django_db
def test_every_url_declares_its_methods_so_put_is_405(world):
    """The PUT column: no page accepts PUT (or any method it did not declare). A view without a method
    decorator would treat PUT like GET and answer 200, so this finds any view that forgot one."""
    accepting = []
    for url_name in sorted(EXPECTATIONS):
        expect = EXPECTATIONS[url_name]
        url = reverse(url_name, kwargs=expect.kwargs(world) if expect.kwargs else None)
        allowed = sorted((expect.get | expect.post) - {"other_school_teacher"})
        role = "anonymous" if expect.public or not allowed else allowed[0]
        audit_before = AuditEntry.objects.count()
        response = client_as(world, role).put(url, data="", content_type="application/x-www-form-urlencoded")
        if response.status_code != 405 and not (role == "anonymous" and response.status_code == 302):
            accepting.append(f"PUT {url_name} as {role}: {response.status_code}")
        if AuditEntry.objects.count() != audit_before:
            accepting.append(f"PUT {url_name} as {role} wrote an audit row")
    assert not accepting, "Views that do not declare their methods:\n" + "\n".join(accepting)
