"""On PostgreSQL the database itself refuses to change or delete an audit row, whatever the
application (or someone with its credentials at a psql prompt) tries. Other databases rely on the
application never updating audit rows (school.audit only inserts; the admin is read-only)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION school_auditentry_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Audit entries cannot be changed or deleted (%)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS school_auditentry_no_update_delete ON school_auditentry;
CREATE TRIGGER school_auditentry_no_update_delete
    BEFORE UPDATE OR DELETE ON school_auditentry
    FOR EACH ROW EXECUTE FUNCTION school_auditentry_refuse_change();
"""
# No TRUNCATE trigger: TRUNCATE needs the table owner's rights, and the test runner empties tables with
# it between browser tests. Production should run the application as a role that does not own tables.

DROP = """
DROP TRIGGER IF EXISTS school_auditentry_no_update_delete ON school_auditentry;
DROP FUNCTION IF EXISTS school_auditentry_refuse_change();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_statutory_retention_rules"), ("school", "0001_initial")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
