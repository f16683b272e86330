from django.core.management.base import BaseCommand

from school import demo


class Command(BaseCommand):
    help = "Print the demo school's usernames, their roles and the shared demo password."

    def handle(self, *args, **options):
        logins = demo.demo_logins()
        if not logins:
            self.stdout.write("There is no demo school. Run `manage.py seed_demo` first.")
            return
        self.stdout.write(
            f"Demo logins for {demo.DEMO_SCHOOL} (fictional data). Password for everyone: "
            f"{demo.DEMO_PASSWORD}"
        )
        width = max(len(username) for username, _, _ in logins)
        for username, name, role in logins:
            self.stdout.write(f"  {username:<{width}}  {role:<30} {name}")
        self.stdout.write("Sign in at http://127.0.0.1:8000/")
        self.stdout.write(
            "Staff who see pupils' records set up an authenticator app at first sign-in. Without one, run\n"
            "  DJANGO_DEBUG=1 .venv/bin/python manage.py demo_code USERNAME\n"
            "in another terminal for the current code (development only)."
        )
