"""Unauthorised sessions recorded at a pupil's previous school: imported apart, never in this school's
figures, counted towards 10 in 10 school weeks only when the school's setting says so, and the alert
says which reading was in force."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from attendance import statistics, transfer
from attendance.models import PreviousSchoolMark, RegisterMark
from graduated_response import selectors
from graduated_response.models import Alert, ResponseSettings
from graduated_response.nightly import nightly_checks_run
from school.calendar import SchoolCalendar
from school.models import AuditEntry, Pupil
from tests import factories as f
from tests.graduated_response.conftest import fill_marks

LONDON = ZoneInfo("Europe/London")
HEADER = "upn,date,session,code,minutes_late,previous_school\n"
pytestmark = pytest.mark.django_db


@pytest.fixture
def joiner(school, own_class):
    return f.PupilFactory(school=school, registration_class=own_class, admission_date=date(2026, 11, 2))


def _earlier_unauthorised(joiner, n=8):
    """``n`` O sessions at Hillcrest before the pupil joined (the week of 12 October)."""
    days = [date(2026, 10, 12) + timedelta(days=i) for i in range(5)]
    sessions = [(d, s) for d in days for s in ("AM", "PM")][:n]
    return "".join(f"{joiner.upn},{d},{s},O,,Hillcrest Primary\n" for d, s in sessions)


@time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=LONDON), tick=False)
def test_previous_school_marks_are_kept_apart_from_this_schools_figures(tmp_path, school, joiner, capsys):
    body = _earlier_unauthorised(joiner) + f"{joiner.upn},2026-11-02,AM,/,,\n"
    path = tmp_path / "mis.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    out = io.StringIO()
    call_command("import_marks", str(path), "--school", str(school.pk), stdout=out)
    assert "8 sessions were recorded at a previous school: kept apart" in out.getvalue()
    assert PreviousSchoolMark.objects.filter(pupil=joiner, code="O").count() == 8
    assert RegisterMark.objects.filter(pupil=joiner).count() == 1
    figures = statistics.pupil_figures(
        Pupil.objects.filter(pk=joiner.pk), date(2026, 9, 2), date(2026, 11, 20)
    )
    assert (figures[joiner.pk].possible, figures[joiner.pk].unauthorised) == (1, 0)
    assert AuditEntry.objects.filter(action="attendance.previous_school_marks.imported").count() == 1
    call_command("import_marks", str(path), "--school", str(school.pk), stdout=io.StringIO())
    assert PreviousSchoolMark.objects.count() == 8  # the same file again adds nothing


@time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=LONDON), tick=False)
def test_a_previous_school_mark_after_joining_is_refused(school, joiner):
    body = (
        HEADER
        + f"{joiner.upn},2026-11-03,AM,O,,Hillcrest Primary\n{joiner.upn},2026-10-12,AM,QQ,,Hillcrest\n"
    )
    with pytest.raises(transfer.ImportRefused) as refused:
        transfer.read_marks_csv(body, school=school)
    assert refused.value.errors == [
        (2, "a previous school's mark must be before the pupil joined this school on 2 November 2026"),
        (3, "'QQ' is not a DfE attendance code"),
    ]


def _night(school, joiner, *, count):
    ResponseSettings.objects.filter(school=school).update(count_previous_school_sessions=count)
    # 4 O sessions here (2 and 3 November), the rest present; 8 O sessions at the previous school.
    fill_marks(joiner, date(2026, 11, 2), date(2026, 11, 20), lambda d, s, i: "O" if i < 4 else None)
    transfer.marks_import(
        actor=None,
        school=school,
        rows=transfer.read_marks_csv(HEADER + _earlier_unauthorised(joiner), school=school),
    )
    with time_machine.travel(datetime(2026, 11, 20, 23, 0, tzinfo=LONDON), tick=False):
        nightly_checks_run(school=school, on=date(2026, 11, 20))
    return Alert.objects.filter(pupil=joiner, kind="penalty_threshold").first()


def test_not_counted_by_default_and_the_figures_say_so(school, joiner):
    calendar = SchoolCalendar.for_school(school)
    assert _night(school, joiner, count=False) is None
    _, pupils = selectors.school_figures(school=school, on=date(2026, 11, 20), calendar=calendar)
    assert next(p for p in pupils if p.pupil_id == joiner.pk).figures.unauthorised_last_10_weeks == 4


def test_counted_when_the_school_chooses_and_the_alert_says_so(school, joiner):
    alert = _night(school, joiner, count=True)
    assert alert is not None and alert.figures["unauthorised_last_10_weeks"] == 12
    assert (
        "Unauthorised sessions recorded at a previous school are counted (the school's setting)."
        in alert.message
    )


def test_the_setting_page(login, headteacher, school):
    client = login(headteacher)
    page = client.get(reverse("graduated_response:previous_school_setting")).content.decode()
    assert "does not say whether sessions recorded at a pupil's previous school count" in page
    version = (
        client.get(reverse("graduated_response:previous_school_setting"))
        .context["form"]["expected_version"]
        .value()
    )
    response = client.post(
        reverse("graduated_response:previous_school_setting"),
        {"count": "yes", "expected_version": version},
        follow=True,
    )
    assert "Saved." in response.content.decode()
    assert ResponseSettings.objects.get(school=school).count_previous_school_sessions is True
    assert (
        AuditEntry.objects.filter(action="graduated_response.settings.previous_school_changed").count() == 1
    )


def test_the_penalty_notice_count_follows_the_setting(school, joiner):
    from graduated_response import measures
    from graduated_response.models import Case

    fill_marks(joiner, date(2026, 11, 2), date(2026, 11, 20), lambda d, s, i: "O" if i < 4 else None)
    transfer.marks_import(
        actor=None,
        school=school,
        rows=transfer.read_marks_csv(HEADER + _earlier_unauthorised(joiner), school=school),
    )
    case = Case.objects.create(school=school, pupil=joiner, current_tier=2, opened_on=date(2026, 11, 16))
    with time_machine.travel(datetime(2026, 11, 20, 16, 0, tzinfo=LONDON), tick=False):
        assert measures.unauthorised_10_weeks(case=case, on=date(2026, 11, 20)) == 4
        ResponseSettings.objects.filter(school=school).update(count_previous_school_sessions=True)
        assert measures.unauthorised_10_weeks(case=case, on=date(2026, 11, 20)) == 12
