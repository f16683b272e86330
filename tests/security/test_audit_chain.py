"""The audit trail is a hash chain: `audit_verify` names the first row edited, deleted or whose
personal details were changed. Runs on SQLite too (there the owner needs no trigger switched off)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from school.audit import record, record_bulk, snapshot
from school.models import AuditEntry, AuditSubject


def verify():
    call_command("audit_verify")


def trail(headteacher, pupil):
    before = snapshot(pupil)
    pupil.year_group = 5
    pupil.save()
    record(actor=headteacher, action="school.pupil.changed", obj=pupil, before=before, after=snapshot(pupil))
    record_bulk(
        actor=headteacher,
        action="attendance.mark.saved",
        school=pupil.school,
        entries=[
            {
                "object_type": "attendance.registermark",
                "object_id": n,
                "pupil_id": pupil.pk,
                "after": {"n": n},
            }
            for n in range(3)
        ],
    )
    record(actor=headteacher, action="school.pupil.viewed", obj=pupil)
    return list(AuditEntry.objects.order_by("id"))


def as_owner(sql, params=()):
    """What someone with the owner's credentials at a psql prompt can do."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks on the table
            cursor.execute("ALTER TABLE school_auditentry DISABLE TRIGGER school_auditentry_no_update_delete")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE school_auditentry ENABLE TRIGGER school_auditentry_no_update_delete")


def test_an_untouched_trail_verifies_and_prints_its_head(headteacher, pupil, capsys):
    rows = trail(headteacher, pupil)
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]  # bulk rows chain too
    verify()
    out = capsys.readouterr().out
    assert f"{len(rows)} rows" in out and f"head {rows[-1].id}:{rows[-1].hash}" in out
    call_command("audit_verify", expect_head=f"{rows[-1].id}:{rows[-1].hash}")


def test_a_row_edited_by_the_owner_is_named(headteacher, pupil, capsys):
    rows = trail(headteacher, pupil)
    as_owner("UPDATE school_auditentry SET actor_name = %s WHERE id = %s", ["Someone else", rows[2].id])
    with pytest.raises(CommandError, match="broken"):
        verify()
    assert f"Row {rows[2].id}: its contents were changed" in capsys.readouterr().err


def test_a_row_deleted_by_the_owner_is_named(headteacher, pupil, capsys):
    rows = trail(headteacher, pupil)
    as_owner("DELETE FROM school_auditentry WHERE id = %s", [rows[1].id])
    with pytest.raises(CommandError):
        verify()
    err = capsys.readouterr().err
    assert f"Row {rows[2].id}: the link to the row before it (row {rows[0].id}) is broken" in err


def test_a_row_rehashed_after_an_edit_breaks_the_next_link(headteacher, pupil, capsys):
    from school import audit_chain

    rows = trail(headteacher, pupil)
    forged = AuditEntry.objects.get(pk=rows[1].id)
    forged.actor_name = "Someone else"
    as_owner(
        "UPDATE school_auditentry SET actor_name = %s, hash = %s WHERE id = %s",
        ["Someone else", audit_chain.row_hash(forged, forged.prev_hash), forged.id],
    )
    with pytest.raises(CommandError):
        verify()
    assert f"Row {rows[2].id}: the link to the row before it" in capsys.readouterr().err


def test_the_tail_cut_back_is_caught_against_a_recorded_head(headteacher, pupil):
    rows = trail(headteacher, pupil)
    head = f"{rows[-1].id}:{rows[-1].hash}"
    as_owner("DELETE FROM school_auditentry WHERE id = %s", [rows[-1].id])
    verify()  # the chain itself is still a line
    with pytest.raises(CommandError):
        call_command("audit_verify", expect_head=head)


def test_changing_a_name_in_the_subject_record_is_caught(headteacher, pupil, capsys):
    trail(headteacher, pupil)
    subject = AuditSubject.objects.get(pupil_id=pupil.pk)
    subject.values = ["Someone else" if v == pupil.legal_last_name else v for v in subject.values]
    subject.save()
    with pytest.raises(CommandError):
        verify()
    assert f"({subject.pseudonym}) were changed" in capsys.readouterr().err


def test_rows_store_tokens_and_show_real_names(headteacher, pupil):
    record(
        actor=headteacher,
        action="school.pupil.created",
        obj=pupil,
        after=snapshot(pupil),
        reason=f"New pupil {pupil.legal_first_name} {pupil.legal_last_name}",
    )
    entry = AuditEntry.objects.get(action="school.pupil.created")
    stored = str([entry.sealed_repr, entry.sealed_before, entry.sealed_after, entry.sealed_reason])
    for value in (pupil.legal_last_name, pupil.upn, pupil.date_of_birth.isoformat()):
        assert value not in stored
    assert entry.after["upn"] == pupil.upn and entry.after["legal_last_name"] == pupil.legal_last_name
    assert entry.object_repr == str(pupil) and entry.reason.endswith(pupil.legal_last_name)
