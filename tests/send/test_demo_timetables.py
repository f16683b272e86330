"""seed_demo records two part-time timetables behind the attendance demo's C2 marks: one active and one
still active past its end date (flagged). The register and the SEND records agree."""

import io
from datetime import date

import time_machine
from django.core.management import call_command
from django.db.models import Max, Min

from attendance.models import RegisterMark
from send.models import PartTimeTimetable
from send.selectors_timetables import timetable_flags

TODAY = date(2026, 11, 23)


@time_machine.travel(TODAY)
def test_demo_part_time_timetables_match_the_register(db):
    call_command("seed_demo", stdout=io.StringIO())
    timetables = list(PartTimeTimetable.objects.order_by("-start_date"))
    assert len(timetables) == 2
    current, expired = timetables
    assert {f.kind for f in timetable_flags(current, today=TODAY)} == set()
    assert {f.kind for f in timetable_flags(expired, today=TODAY)} == {"expired", "review"}
    assert expired.end_date < TODAY <= current.end_date
    c2_pupils = set(RegisterMark.objects.filter(code="C2").values_list("pupil_id", flat=True))
    assert c2_pupils == {current.pupil_id, expired.pupil_id}
    for t in timetables:
        span = RegisterMark.objects.filter(pupil=t.pupil, code="C2").aggregate(
            first=Min("date"), last=Max("date")
        )
        assert span["first"] == t.start_date
        assert span["last"] <= t.end_date
        # Mornings in school: no C2 in the mornings.
        assert not RegisterMark.objects.filter(pupil=t.pupil, code="C2", session="AM").exists()
        assert t.reviews.count() == 1 and t.has_consent
    # The active one is pre-coded to its end date, ahead of the register.
    assert RegisterMark.objects.filter(
        pupil=current.pupil, code="C2", date=current.end_date, session="PM"
    ).exists()
