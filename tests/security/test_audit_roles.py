"""The application's database role cannot get round the audit trail: it may add and read audit rows,
nothing else, and it cannot place or lift a legal hold without the audit row. The test runner itself
connects as a superuser (it creates and empties databases), so these tests open a second connection
as the application role, granted exactly as `manage.py db_roles` grants it in production."""

import importlib
import secrets
from datetime import date

import psycopg
import pytest
from django.db import connection

from accounts import db_roles
from accounts.services import legal_hold_lift, legal_hold_place
from tests import factories as f
from tests.conftest import IN_CI

pytestmark = pytest.mark.postgres
guards = importlib.import_module("accounts.migrations.0004_audit_truncate_guard_and_audited_holds")


@pytest.fixture
def needs_postgres(transactional_db):
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("CI must run this against PostgreSQL (DATABASE_URL).")
        pytest.skip("Needs PostgreSQL: set DATABASE_URL=postgres://...")


def connect(dbname, user, password=None):
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or None,
        port=s["PORT"] or None,
        dbname=dbname,
        user=user,
        password=password,
        autocommit=True,
    )


@pytest.fixture
def app_db(needs_postgres):
    role = f"{connection.settings_dict['NAME']}_app"[:63]
    password = secrets.token_hex(16)
    db_roles.create_app_role(role, password)
    db_roles.grant_app_role(role)
    with connect(connection.settings_dict["NAME"], role, password) as app:
        yield app


INSERT_AUDIT = (
    "INSERT INTO school_auditentry (at, actor_name, actor_role, action, object_type, object_id, sealed_repr,"
    " sealed_reason, personal_digest, prev_hash, hash) VALUES (now(), '', '', 'x.y.z', 'x', '', '', '', '', '', '')"
)


def test_the_app_role_may_insert_and_read_audit_rows(app_db):
    app_db.execute(INSERT_AUDIT)
    assert app_db.execute("SELECT count(*) FROM school_auditentry WHERE action = 'x.y.z'").fetchone() == (1,)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE school_auditentry SET action = 'covered.up'",
        "DELETE FROM school_auditentry",
        "TRUNCATE school_auditentry",
        "TRUNCATE school_school CASCADE",
        "ALTER TABLE school_auditentry DISABLE TRIGGER school_auditentry_no_update_delete",
        "ALTER TABLE school_auditentry DISABLE TRIGGER ALL",
        "DROP TRIGGER school_auditentry_no_update_delete ON school_auditentry",
        "DROP TABLE school_auditentry",
        "SET session_replication_role = replica",
        "ALTER TABLE accounts_legalhold DISABLE TRIGGER accounts_legalhold_audited",
        "CREATE TABLE school_shadow (id int)",
        "CREATE OR REPLACE FUNCTION school_auditentry_refuse_change() RETURNS trigger AS 'BEGIN RETURN NEW; END' LANGUAGE plpgsql",
    ],
)
def test_the_app_role_cannot_get_round_the_audit_trail(app_db, statement):
    app_db.execute(INSERT_AUDIT)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app_db.execute(statement)
    assert app_db.execute("SELECT count(*) FROM school_auditentry WHERE action = 'x.y.z'").fetchone() == (1,)


def test_ordinary_tables_are_rows_only(app_db, school):
    app_db.execute("UPDATE school_school SET name = 'Renamed' WHERE id = %s", [school.pk])
    school.refresh_from_db()
    assert school.name == "Renamed"


def test_a_legal_hold_needs_its_audit_row(app_db, school, headteacher):
    pupil = f.PupilFactory(school=school, admission_date=date(2020, 9, 1))
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="audit entry"):
        app_db.execute(
            "INSERT INTO accounts_legalhold (school_id, pupil_id, reason, placed_by_id, placed_at)"
            " VALUES (%s, %s, 'Quietly', %s, now())",
            [school.pk, pupil.pk, headteacher.pk],
        )
    assert app_db.execute("SELECT count(*) FROM accounts_legalhold").fetchone() == (0,)

    hold = legal_hold_place(actor=headteacher, school=school, pupil=pupil, reason="Tribunal appeal")
    for statement in (
        "UPDATE accounts_legalhold SET lifted_at = now() WHERE id = %s",  # lifted without the audit row
        "UPDATE accounts_legalhold SET reason = 'Other' WHERE id = %s",
        "DELETE FROM accounts_legalhold WHERE id = %s",  # still active
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app_db.execute(statement, [hold.pk])
    hold.refresh_from_db()
    assert hold.is_active and hold.reason == "Tribunal appeal"

    legal_hold_lift(actor=headteacher, school=school, hold=hold)  # the service writes the audit row
    hold.refresh_from_db()
    assert not hold.is_active


def test_truncate_is_refused_outside_a_test_database(needs_postgres):
    """The guard lets only databases named test_* (made by the test runner) be emptied."""
    scratch = f"audit_guard_{secrets.token_hex(4)}"
    user = connection.settings_dict["USER"]
    with connect("postgres", user, connection.settings_dict["PASSWORD"] or None) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
        try:
            with connect(scratch, user, connection.settings_dict["PASSWORD"] or None) as owner:
                owner.execute("CREATE TABLE school_auditentry (id int)")
                owner.execute(guards.TRUNCATE_GUARD)
                owner.execute("INSERT INTO school_auditentry VALUES (1)")
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match="cannot be truncated"):
                    owner.execute("TRUNCATE school_auditentry")
                assert owner.execute("SELECT count(*) FROM school_auditentry").fetchone() == (1,)
        finally:
            admin.execute(f'DROP DATABASE "{scratch}"')
