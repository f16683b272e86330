"""Fake SEND deadline sources for the calendar, feed and nightly alert tests (used with
``send.deadlines.registered``), so those tests do not depend on the real sources' records."""

from datetime import date

from django.urls import reverse

from school.models import Pupil
from send.deadlines import Deadline


def steps_source(plan: dict[int, list[tuple[str, date, str]]]):
    """A source giving, for each pupil id in `plan`, its (kind, due, local authority) steps: one query
    for the school's pupils, like a real source (a fixed number, never one per pupil)."""

    def source(school, *, today, until):
        pupils = Pupil.objects.filter(school=school, pk__in=list(plan))
        return [
            Deadline(
                kind=kind,
                title=f"Step {kind.rsplit('.', 1)[-1]}",
                due=due,
                pupil_id=p.pk,
                pupil_name=p.display_name,
                url=reverse("send:pupil_send", args=[p.pk]),
                key=f"plan:{p.pk}",
                local_authority=la,
                rule="6 weeks from the day the local authority received the request",
                for_roles=("sendco", "headteacher"),
            )
            for p in pupils
            for kind, due, la in plan[p.pk]
            if due <= until
        ]

    return source


def broken_source(school, *, today, until):
    raise RuntimeError("this source is broken")
