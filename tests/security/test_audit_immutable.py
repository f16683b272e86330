"""The audit trail cannot be edited or deleted, enforced by PostgreSQL itself (a trigger)."""

import pytest
from django.db import DatabaseError, connection, transaction

from school.audit import record
from school.models import AuditEntry
from tests.conftest import IN_CI

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def needs_postgres(db):
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("CI must run this against PostgreSQL (DATABASE_URL).")
        pytest.skip("Needs PostgreSQL: set DATABASE_URL=postgres://...")


def test_audit_rows_cannot_be_updated_or_deleted(headteacher, pupil):
    entry = record(
        actor=headteacher, action="school.pupil.changed", obj=pupil, before={"a": 1}, after={"a": 2}
    )
    for attempt in (
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(sealed_reason="covered up"),
        lambda: AuditEntry.objects.filter(pk=entry.pk).delete(),
        lambda: entry.save(),
    ):
        with pytest.raises(DatabaseError, match="cannot be changed or deleted"):
            with transaction.atomic():
                attempt()
    with connection.cursor() as cursor, pytest.raises(DatabaseError), transaction.atomic():
        cursor.execute("UPDATE school_auditentry SET action = 'x'")
    entry.refresh_from_db()
    assert entry.reason == "" and entry.action == "school.pupil.changed"


def test_new_audit_rows_are_still_written(headteacher, pupil):
    record(actor=headteacher, action="school.pupil.changed", obj=pupil)
    record(actor=headteacher, action="school.pupil.changed", obj=pupil)
    assert AuditEntry.objects.filter(pupil=pupil).count() == 2
