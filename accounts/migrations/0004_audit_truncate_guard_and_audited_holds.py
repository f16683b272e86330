"""Two more things PostgreSQL itself refuses, whatever the application role tries:

- TRUNCATE of the audit trail (a statement-level BEFORE TRUNCATE guard; the row trigger of 0003 does
  not fire on TRUNCATE). The one exception is a database whose name starts with "test_": Django's test
  runner creates those and empties every table with TRUNCATE between browser tests; no production
  database may be given such a name (README, SECURITY.md). The application role has no TRUNCATE
  privilege anyway (manage.py db_roles); the guard also stops the owner's TRUNCATE ... CASCADE from a
  table the audit trail references.
- A legal hold placed or lifted without its audit row: at commit (a deferred constraint trigger),
  every new hold needs an `accounts.legal_hold.placed` audit row for its id and every change needs an
  `accounts.legal_hold.lifted` one; the only change allowed is lifting an active hold, and an active
  hold cannot be deleted. Only the owner (ALTER TABLE ... DISABLE TRIGGER) could get round it.
"""

from django.db import migrations

TRUNCATE_GUARD = r"""
CREATE OR REPLACE FUNCTION school_auditentry_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_database() LIKE 'test\_%' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The audit trail cannot be truncated'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS school_auditentry_no_truncate ON school_auditentry;
CREATE TRIGGER school_auditentry_no_truncate
    BEFORE TRUNCATE ON school_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION school_auditentry_refuse_truncate();
"""

HOLDS_AUDITED = r"""
CREATE OR REPLACE FUNCTION accounts_legalhold_require_audit() RETURNS trigger AS $$
DECLARE
    wanted text := 'accounts.legal_hold.placed';
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.lifted_at IS NOT NULL OR NEW.lifted_at IS NULL
           OR (NEW.pupil_id, NEW.school_id, NEW.reason, NEW.placed_by_id, NEW.placed_at)
              IS DISTINCT FROM (OLD.pupil_id, OLD.school_id, OLD.reason, OLD.placed_by_id, OLD.placed_at) THEN
            RAISE EXCEPTION 'A legal hold can only be lifted, once, and never edited'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        wanted := 'accounts.legal_hold.lifted';
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM school_auditentry
        WHERE object_type = 'accounts.legalhold' AND object_id = NEW.id::text AND action = wanted
    ) THEN
        RAISE EXCEPTION 'A legal hold is placed or lifted only with its audit entry (% missing)', wanted
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION accounts_legalhold_refuse_active_delete() RETURNS trigger AS $$
BEGIN
    IF OLD.lifted_at IS NULL THEN
        RAISE EXCEPTION 'An active legal hold cannot be deleted: lift it first'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS accounts_legalhold_audited ON accounts_legalhold;
CREATE CONSTRAINT TRIGGER accounts_legalhold_audited
    AFTER INSERT OR UPDATE ON accounts_legalhold
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION accounts_legalhold_require_audit();
DROP TRIGGER IF EXISTS accounts_legalhold_no_active_delete ON accounts_legalhold;
CREATE TRIGGER accounts_legalhold_no_active_delete
    BEFORE DELETE ON accounts_legalhold
    FOR EACH ROW EXECUTE FUNCTION accounts_legalhold_refuse_active_delete();
"""

DROP = """
DROP TRIGGER IF EXISTS school_auditentry_no_truncate ON school_auditentry;
DROP FUNCTION IF EXISTS school_auditentry_refuse_truncate();
DROP TRIGGER IF EXISTS accounts_legalhold_audited ON accounts_legalhold;
DROP TRIGGER IF EXISTS accounts_legalhold_no_active_delete ON accounts_legalhold;
DROP FUNCTION IF EXISTS accounts_legalhold_require_audit();
DROP FUNCTION IF EXISTS accounts_legalhold_refuse_active_delete();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRUNCATE_GUARD, params=None)
        schema_editor.execute(HOLDS_AUDITED, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_audit_rows_cannot_change"), ("school", "0002_audit_chain_and_subjects")]
    operations = [migrations.RunPython(create, drop)]
