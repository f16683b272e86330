"""Create (or update) the application's PostgreSQL role and its grants. Run as the owner:

    DATABASE_OWNER_URL=postgres://owner:...@db/sendcase APP_DATABASE_PASSWORD=... \\
        python manage.py db_roles --app-role sendcase_app

`migrate` re-applies the grants itself afterwards (accounts/management/commands/migrate.py)."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts import db_roles


class Command(BaseCommand):
    help = "Create the application database role (rows only, audit trail append-only) and grant it."

    def add_arguments(self, parser):
        parser.add_argument("--app-role", required=True)
        parser.add_argument(
            "--password-env",
            default="APP_DATABASE_PASSWORD",
            help="Environment variable holding the role's password (unset: leave the password as it is)",
        )

    def handle(self, *args, app_role, password_env, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles need PostgreSQL (SQLite has none).")
        if app_role == connection.settings_dict["USER"]:
            raise CommandError("The application role must not be the owner: connect with DATABASE_OWNER_URL.")
        with transaction.atomic():
            db_roles.create_app_role(app_role, os.environ.get(password_env) or None)
            db_roles.grant_app_role(app_role)
        owned = db_roles.owned_by(app_role)
        if owned:
            raise CommandError(
                f"{app_role} owns {len(owned)} tables (for example {owned[0]}); an owner can bypass the audit "
                f"trail's protections. As a superuser: REASSIGN OWNED BY {app_role} TO <owner>; then run again."
            )
        self.stdout.write(f"{app_role}: rows only; audit trail SELECT and INSERT only.")
