"""The demo's case letters: Letter 1 in the logs of most Tier 2+ cases, Letter 2 for some in Tier 3 or
worse, one letter per address, and a key adult's own log entry."""

import random
from datetime import date

import time_machine

from graduated_response import demo_case_letters
from graduated_response.models import Case, CommunicationLog
from letters import template_services
from letters.models import Letter
from tests import factories as f


@time_machine.travel("2026-11-23 10:00Z", tick=False)
def test_demo_prepares_letters_through_the_case_service(school, own_class, attendance_officer, class_teacher):
    cases = []
    for tier in (4, 3, 2, 1):
        pupil = f.PupilFactory(school=school, registration_class=own_class)
        f.PupilContactFactory(pupil=pupil)
        cases.append(
            Case.objects.create(
                school=school,
                pupil=pupil,
                current_tier=tier,
                opened_on=date(2026, 9, 7),
                key_adult=class_teacher,
            )
        )
    demo_case_letters.build(school=school, rng=random.Random(1), today=date(2026, 11, 23))
    codes = {c.pk: sorted(Letter.objects.filter(pupil=c.pupil).values_list("code", flat=True)) for c in cases}
    assert codes[cases[0].pk] == ["letter_1", "letter_2"]  # Tier 4
    assert codes[cases[1].pk] == ["letter_1"]
    assert codes[cases[2].pk] == ["letter_1"]
    assert codes[cases[3].pk] == []  # Tier 1: no letter
    # Letter 2 names the meeting the demo planned (it once read "a meeting on  at  in .").
    invitation = Letter.objects.get(pupil=cases[0].pupil, code="letter_2")
    assert " at 9am</strong> in the school office" in invitation.body_html, invitation.body_html
    assert "on  at" not in invitation.body_html
    letters_logged = CommunicationLog.objects.filter(letter__isnull=False)
    assert letters_logged.count() == Letter.objects.count() == 4
    assert CommunicationLog.objects.filter(recorded_by=class_teacher, kind="call").count() == 1


@time_machine.travel("2026-11-23 10:00Z", tick=False)
def test_demo_sends_one_family_its_letter_in_polish(school, own_class, attendance_officer, headteacher):
    template = template_services.template_for(school, "letter_1")
    template_services.template_version_save(
        actor=headteacher,
        template=template,
        language="Polish",
        subject="Frekwencja: {pupil_first_name}",
        body_html="<p>Szanowni Państwo, {attendance_pct}.</p>",
        expected_number=0,
    )
    for _ in range(3):
        pupil = f.PupilFactory(school=school, registration_class=own_class)
        f.PupilContactFactory(pupil=pupil)  # everyone prefers English
        Case.objects.create(school=school, pupil=pupil, current_tier=2, opened_on=date(2026, 9, 7))
    demo_case_letters.build(school=school, rng=random.Random(1), today=date(2026, 11, 23))
    languages = sorted(Letter.objects.values_list("language", flat=True))
    assert languages == ["English", "English", "Polish"]
    assert "Szanowni" in Letter.objects.get(language="Polish").body_html
