"""The one --school option of every management command: a school's id, URN or name.

`add_school_option(parser)` declares it; `find_school(value)` turns what was typed into the school, or a
CommandError that says what matched. With no value, the only school is meant; with several, the
command asks which.
"""

from django.core.management.base import CommandError
from django.db.models import Q

from school.models import School

HELP = "School id, URN or name (needed when there is more than one school)."


def add_school_option(parser, *, help: str = HELP) -> None:
    parser.add_argument("--school", help=help)


def find_school(value: str | None) -> School:
    schools = School.objects.all()
    if value:
        value = value.strip()
        query = Q(name__iexact=value) | Q(urn=value)
        if value.isdigit():
            query |= Q(pk=int(value))
        schools = schools.filter(query)
    found = list(schools.order_by("pk")[:2])
    if not found:
        raise CommandError(f"No school matches {value!r}." if value else "There is no school yet.")
    if len(found) > 1:
        raise CommandError(
            f"More than one school matches {value!r}; give its id or URN."
            if value
            else "There is more than one school; say which with --school (id, URN or name)."
        )
    return found[0]
