"""The application's PostgreSQL role: rows only, no DDL, and the audit trail append-only.

The owner (who runs `migrate`) owns every table, so only the owner can ALTER, DROP, DISABLE TRIGGER
or TRUNCATE; the application role gets SELECT, INSERT, UPDATE and DELETE on ordinary tables, USAGE on
sequences, and on the audit trail SELECT and INSERT only. Default privileges give the same rights on
tables later migrations create; `grant_app_role` runs again after every `migrate` (the audit table's
revoke included), so it is safe to repeat.
"""

from __future__ import annotations

from django.db import connection

AUDIT_TABLES = ["school_auditentry"]


def create_app_role(role: str, password: str | None) -> None:
    q = connection.ops.quote_name
    attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        verb = "ALTER" if cursor.fetchone() else "CREATE"
        if password:
            cursor.execute(f"{verb} ROLE {q(role)} {attributes} PASSWORD %s", [password])
        else:
            cursor.execute(f"{verb} ROLE {q(role)} {attributes}")


def grant_app_role(role: str) -> None:
    q = connection.ops.quote_name
    app, owner = q(role), q(connection.settings_dict["USER"] or "postgres")
    statements = [
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"REVOKE CREATE ON SCHEMA public FROM {app}",
        f"GRANT USAGE ON SCHEMA public TO {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {app}",
    ]
    existing = set(connection.introspection.table_names())
    for table in AUDIT_TABLES:
        if table in existing:
            statements.append(f"REVOKE ALL ON {q(table)} FROM {app}")
            statements.append(f"GRANT SELECT, INSERT ON {q(table)} TO {app}")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def owned_by(role: str) -> list[str]:
    """Tables the role owns in this database: an application role must own none."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = %s",
            [role],
        )
        return [row[0] for row in cursor.fetchall()]
