"""The --school option shared by the attendance commands: a school's id, URN or exact name."""

from django.core.management.base import CommandError
from django.db.models import Q

from school.models import School


def find_school(value):
    schools = School.objects.all()
    if value:
        query = Q(name=value) | Q(urn=value)
        if value.isdigit():
            query |= Q(pk=int(value))
        schools = schools.filter(query)
    found = list(schools[:2])
    if not found:
        raise CommandError(f"No school matches {value!r}." if value else "There is no school yet.")
    if len(found) > 1:
        raise CommandError("More than one school matches; give --school with an id, URN or exact name.")
    return found[0]
