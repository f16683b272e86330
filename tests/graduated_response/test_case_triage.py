"""Issue 14: triage from the open-cases table (attendance, change since last week, last contact, next
action due, new alerts, each sortable) and the Universal tile of pupils at risk of entering Tier 1."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance import statistics
from attendance.models import AbsenceCall, CallAttempt
from graduated_response.models import Alert, Case, CaseAction, CommunicationLog
from school.calendar import SchoolCalendar
from tests import factories as f
from tests.graduated_response.conftest import fill_marks
from tests.graduated_response.test_nightly import run_on

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/London"))
START, LAST_FRIDAY, WEEK_BEFORE = date(2026, 9, 1), date(2026, 11, 20), date(2026, 11, 13)


def _pupil(school, klass, name, every, *, off_last_week=False):
    pupil = f.PupilFactory(school=school, registration_class=klass, legal_last_name=name)
    end = WEEK_BEFORE if off_last_week else LAST_FRIDAY
    fill_marks(pupil, START, end, lambda d, s, i: "O" if i % every == 0 else None)
    if off_last_week:
        fill_marks(pupil, date(2026, 11, 16), LAST_FRIDAY, lambda d, s, i: "O")
    return pupil


@pytest.fixture
def triage(school, own_class, attendance_officer):
    pupils = {
        "Ashdown": _pupil(school, own_class, "Ashdown", 8),  # 87.5%: Tier 3
        "Brightwell": _pupil(school, own_class, "Brightwell", 14),  # about 92.9%: Tier 2
        "Carrow": _pupil(school, own_class, "Carrow", 17),  # about 94%: Tier 1
        "Dunmore": _pupil(school, own_class, "Dunmore", 14, off_last_week=True),  # fell last week
        "Ellery": _pupil(school, own_class, "Ellery", 22),  # about 95.5%: Universal, at risk
        "Fairweather": _pupil(school, own_class, "Fairweather", 100),  # 99%: Universal, fine
    }
    run_on(school, LAST_FRIDAY)
    return pupils


def _rows(response, testid):
    html = response.content.decode()
    table = html[html.index('data-testid="case-table"') :]
    values = []
    for chunk in table.split('data-testid="case-row"')[1:]:
        cell = chunk[chunk.index(f'data-testid="{testid}"') :]
        values.append(cell[cell.index(">") + 1 : cell.index("</td>")].strip())
    return values


def _names(response):
    return [c.pupil.legal_last_name for c in response.context["page"].object_list]


@time_machine.travel(TODAY, tick=False)
def test_the_table_shows_each_cases_figures_as_the_statistics_engine_computes_them(
    login, attendance_officer, school, triage
):
    response = login(attendance_officer).get(reverse("graduated_response:dashboard"), {"sort": "pupil"})
    assert _names(response) == ["Ashdown", "Brightwell", "Carrow", "Dunmore"]
    cal = SchoolCalendar.for_school(school)
    pupils = [triage[n] for n in _names(response)]
    qs = f.PupilFactory._meta.model.objects.filter(pk__in=[p.pk for p in pupils])
    now = statistics.pupil_figures(qs, date(2026, 9, 1), TODAY.date(), calendar=cal)
    before = statistics.pupil_figures(qs, date(2026, 9, 1), date(2026, 11, 16), calendar=cal)
    assert _rows(response, "attendance") == [f"{now[p.pk].attendance_pct_1dp}%" for p in pupils]
    # Dunmore was off all of last week: the change says so, in percentage points.
    drop = before[triage["Dunmore"].pk].attendance_pct_1dp - now[triage["Dunmore"].pk].attendance_pct_1dp
    assert drop > 0 and _rows(response, "change")[3] == f"down {drop}"
    # Ashdown is absent in the same pattern all term: the change is small either way.
    ashdown = now[triage["Ashdown"].pk].attendance_pct_1dp - before[triage["Ashdown"].pk].attendance_pct_1dp
    assert abs(ashdown) < 1
    assert _rows(response, "change")[0] == (
        "no change" if not ashdown else f"up {ashdown}" if ashdown > 0 else f"down {-ashdown}"
    )
    assert _rows(response, "last-contact") == ["None recorded"] * 4
    assert all(cell.startswith(("2", "3", "1")) for cell in _rows(response, "next-due"))


@time_machine.travel(TODAY, tick=False)
def test_the_table_sorts_by_every_column(login, attendance_officer, school, triage):
    client = login(attendance_officer)
    dashboard = reverse("graduated_response:dashboard")
    ashdown = Case.objects.get(pupil=triage["Ashdown"])
    carrow = Case.objects.get(pupil=triage["Carrow"])
    CommunicationLog.objects.create(
        case=ashdown,
        kind="call",
        happened_on=date(2026, 11, 19),
        with_whom="Mother",
        summary="Spoke about mornings.",
        recorded_by=attendance_officer,
    )
    CommunicationLog.objects.create(
        case=carrow,
        kind="call",
        happened_on=date(2026, 11, 10),
        with_whom="Father",
        summary="Left a message.",
        recorded_by=attendance_officer,
    )
    CaseAction.objects.filter(case=carrow).update(due_on=date(2026, 11, 18))  # overdue
    Alert.objects.filter(pupil=triage["Brightwell"]).update(status="acknowledged")

    def order(sort):
        return _names(client.get(dashboard, {"sort": sort}))

    assert order("attendance") == ["Dunmore", "Ashdown", "Brightwell", "Carrow"]
    assert order("-attendance") == ["Carrow", "Brightwell", "Ashdown", "Dunmore"]
    assert order("change")[0] == "Dunmore"  # the biggest fall first
    # Oldest contact first, and never contacted before that (it is the oldest of all).
    assert order("last_contact") == ["Brightwell", "Dunmore", "Carrow", "Ashdown"]
    assert order("-last_contact")[:2] == ["Ashdown", "Carrow"]
    assert order("next_due")[0] == "Carrow"
    assert order("-tier")[0] == "Ashdown" and order("tier")[0] == "Carrow"
    assert order("-alerts")[-1] == "Brightwell"  # its alerts were acknowledged: none new
    response = client.get(dashboard, {"sort": "next_due"})
    assert "Overdue" in _rows(response, "next-due")[0]
    # The sorted column says so to a screen reader, and its link reverses the order; a filter is kept.
    response = client.get(dashboard, {"sort": "attendance", "year_group": "3"})
    html = response.content.decode()
    assert 'aria-sort="ascending"' in html
    assert "year_group=3&amp;sort=-attendance" in html
    assert order("nonsense") == order("-tier")


@time_machine.travel(TODAY, tick=False)
def test_the_tables_query_count_does_not_grow_with_cases(
    login, attendance_officer, school, own_class, triage
):
    client = login(attendance_officer)
    dashboard = reverse("graduated_response:dashboard")
    client.get(dashboard, {"sort": "-change"})  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(dashboard, {"sort": "-change"})
    for n in range(5):
        pupil = _pupil(school, own_class, f"Extra{n}", 6)
        case = Case.objects.create(school=school, pupil=pupil, current_tier=3, opened_on=date(2026, 11, 2))
        CaseAction.objects.create(
            case=case,
            tier=3,
            text="Call home",
            responsible_role="attendance_officer",
            due_on=date(2026, 11, 30),
        )
        CommunicationLog.objects.create(
            case=case,
            kind="call",
            happened_on=date(2026, 11, 3),
            with_whom="Mother",
            summary="Called.",
            recorded_by=attendance_officer,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(dashboard, {"sort": "-change"})
    assert len(response.context["page"].object_list) == 9
    assert len(many) == len(few)


LONDON = ZoneInfo("Europe/London")


def _call(school, pupil, by, at, **extra):
    return AbsenceCall.objects.create(
        school=school,
        pupil=pupil,
        caller_name="Parent",
        reason="Unwell",
        code="I",
        first_date=at.date(),
        last_date=at.date(),
        recorded_by=by,
        recorded_at=at,
        **extra,
    )


def _attempt(school, pupil, by, at):
    return CallAttempt.objects.create(
        school=school,
        pupil=pupil,
        contact_name="Mother",
        phone="01632 960000",
        outcome="no_answer",
        absence_date=at.date(),
        made_by=by,
        made_at=at,
    )


@time_machine.travel(TODAY, tick=False)
def test_last_contact_counts_absence_calls_and_failed_call_attempts(
    login, attendance_officer, office_staff, school, triage
):
    ashdown, brightwell, carrow = triage["Ashdown"], triage["Brightwell"], triage["Carrow"]
    CommunicationLog.objects.create(
        case=Case.objects.get(pupil=ashdown),
        kind="call",
        happened_on=date(2026, 11, 12),
        with_whom="Mother",
        summary="Spoke about mornings.",
        recorded_by=attendance_officer,
    )
    # Ashdown: a later absence call beats the older log entry. A call just after midnight in
    # London (still the day before in UTC) counts on its London day.
    _call(school, ashdown, office_staff, datetime(2026, 11, 18, 0, 30, tzinfo=LONDON))
    # Brightwell: only a failed attempt, which still is the office trying.
    _attempt(school, brightwell, office_staff, datetime(2026, 11, 17, 8, 45, tzinfo=LONDON))
    # Carrow: a withdrawn call is not contact.
    withdrawn = _call(school, carrow, office_staff, datetime(2026, 11, 19, 9, 0, tzinfo=LONDON))
    withdrawn.withdrawn_at = datetime(2026, 11, 19, 10, 0, tzinfo=LONDON)
    withdrawn.withdrawal_reason = "Wrong pupil"
    withdrawn.save()
    response = login(attendance_officer).get(reverse("graduated_response:dashboard"), {"sort": "pupil"})
    assert _names(response) == ["Ashdown", "Brightwell", "Carrow", "Dunmore"]
    assert _rows(response, "last-contact") == ["18 Nov 2026", "17 Nov 2026", "None recorded", "None recorded"]
    order = _names(
        login(attendance_officer).get(reverse("graduated_response:dashboard"), {"sort": "-last_contact"})
    )
    assert order[:2] == ["Ashdown", "Brightwell"]


@time_machine.travel(TODAY, tick=False)
def test_last_contact_is_one_query_whatever_the_calls(
    login, attendance_officer, office_staff, school, own_class, triage
):
    client = login(attendance_officer)
    dashboard = reverse("graduated_response:dashboard")
    client.get(dashboard, {"sort": "last_contact"})
    with CaptureQueriesContext(connection) as few:
        client.get(dashboard, {"sort": "last_contact"})
    for n, pupil in enumerate(triage.values()):
        _call(school, pupil, office_staff, datetime(2026, 11, 2 + n, 9, 0, tzinfo=LONDON))
        _attempt(school, pupil, office_staff, datetime(2026, 11, 10 + n, 9, 0, tzinfo=LONDON))
    with CaptureQueriesContext(connection) as many:
        response = client.get(dashboard, {"sort": "last_contact"})
    assert all(cell != "None recorded" for cell in _rows(response, "last-contact"))
    assert len(many) == len(few)


@time_machine.travel(TODAY, tick=False)
def test_the_universal_tile_lists_pupils_close_to_tier_1(login, attendance_officer, class_teacher, triage):
    response = login(attendance_officer).get(reverse("graduated_response:dashboard"))
    at_risk = response.context["at_risk"]
    assert at_risk["count"] == 1
    assert [row["legal_last_name"] for _, row in at_risk["pupils"]] == ["Ellery"]
    html = response.content.decode()
    tile = html[html.index('data-testid="at-risk"') : html.index('data-testid="tier-1-count"')]
    assert "Universal: at risk of Tier 1" in tile and "95.1% to 96.0%" in tile
    assert "Ellery" in tile and "Fairweather" not in tile
