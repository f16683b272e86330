"""Connection details of the default database, for the pg_dump / pg_restore command-line tools."""

import os

from django.core.management.base import CommandError
from django.db import connection


def require_postgres():
    if connection.vendor != "postgresql":
        raise CommandError("Backups and restore drills need PostgreSQL (set DATABASE_URL=postgres://...).")


def tool_args(database: str | None = None) -> tuple[list[str], dict]:
    settings = connection.settings_dict
    args = []
    if settings.get("HOST"):
        args += ["-h", settings["HOST"]]
    if settings.get("PORT"):
        args += ["-p", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["-U", settings["USER"]]
    args += ["-d", database or settings["NAME"]]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return args, env


def table_names() -> list[str]:
    from django.apps import apps

    names = {m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed}
    existing = set(connection.introspection.table_names())
    return sorted(names & existing)
