"""`migrate`, then the application role's grants again, so tables a migration creates are covered
and the audit trail stays append-only for it. Runs as the owner when DATABASE_OWNER_URL is set
(config/settings.py); without it (development, tests) it is Django's own migrate."""

from django.conf import settings
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import DEFAULT_DB_ALIAS, connections

from accounts import db_roles


class Command(MigrateCommand):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        connection = connections[options["database"]]
        app_role = settings.DATABASE_APP_USER
        if (
            options["database"] == DEFAULT_DB_ALIAS
            and connection.vendor == "postgresql"
            and app_role
            and app_role != connection.settings_dict["USER"]
        ):
            db_roles.grant_app_role(app_role)
            if options["verbosity"]:
                self.stdout.write(f"Granted {app_role} rows only; audit trail SELECT and INSERT only.")
