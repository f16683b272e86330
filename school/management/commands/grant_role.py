from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from school.management.school_option import add_school_option, find_school
from school.models import Role
from school.services import membership_create


class Command(BaseCommand):
    help = (
        "Give an existing account a role at a school. The only way to grant a role that reaches beyond "
        "one school (trust lead) without already being a trust lead; audited as done from the command line."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        add_school_option(parser)
        parser.add_argument("--reason", default="Granted from the command line")

    def handle(self, *args, username, role, school, reason, **options):
        target = find_school(school)
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f'No account with the username "{username}".')
        try:
            membership = membership_create(actor=None, school=target, user=user, role=role, reason=reason)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"{user} is now {membership.get_role_display()} at {target}.")
