"""The triggers beyond the bands, as pure rules over a real school calendar (half-term included)."""

import doctest
from datetime import date

import pytest

from graduated_response import charts, tiers, transitions, triggers
from school.calendar import SchoolCalendar
from tests.factories import HALF_TERMS_2026_27

CAL = SchoolCalendar.build([(start, end) for _, start, end in HALF_TERMS_2026_27])


def sessions(start, end):
    return CAL.sessions_between(start, end)


def marks_for(days_codes: dict) -> dict:
    """{date: code} -> {(date, session): code} for both sessions."""
    return {(day, s): code for day, code in days_codes.items() for s in ("AM", "PM")}


@pytest.mark.parametrize("module", [tiers, triggers, charts, transitions])
def test_worked_examples_in_docstrings(module):
    assert doctest.testmod(module).failed == 0


def test_penalty_threshold_is_ten_and_never_automatic():
    window = (date(2026, 9, 7), date(2026, 11, 20))
    assert triggers.penalty_threshold(unauthorised_in_window=9, window=window, on=date(2026, 11, 20)) is None
    alert = triggers.penalty_threshold(unauthorised_in_window=10, window=window, on=date(2026, 11, 20))
    assert alert.kind == "penalty_threshold"
    assert "10 sessions of unauthorised absence" in alert.message
    assert "never automatic" in alert.message and "Consider" in alert.message
    assert "headteacher" in alert.for_roles


def test_ten_continuous_days_of_unauthorised_absence_run_across_half_term():
    # 19-23 Oct (5 days), half-term 26-30 Oct, then 2-6 Nov (5 days): 10 continuous *school* days.
    days = [d for d, _ in sessions(date(2026, 10, 19), date(2026, 11, 6))][::2]
    marks = marks_for(dict.fromkeys(days, "O"))
    window = sessions(date(2026, 9, 7), date(2026, 11, 6))
    alert = triggers.continuous_unauthorised(sessions=window, marks=marks)
    assert alert is not None
    assert alert.figures == {"days": 10, "from": "2026-10-19", "to": "2026-11-06"}
    assert "tell the local authority" in alert.message
    # One day fewer is not enough.
    marks_9 = {k: v for k, v in marks.items() if k[0] != date(2026, 11, 6)}
    assert triggers.continuous_unauthorised(sessions=window, marks=marks_9) is None


def test_an_authorised_day_breaks_the_run():
    days = [d for d, _ in sessions(date(2026, 11, 2), date(2026, 11, 13))][::2]
    codes = dict.fromkeys(days, "G")
    codes[date(2026, 11, 9)] = "I"
    assert (
        triggers.continuous_unauthorised(
            sessions=sessions(date(2026, 11, 2), date(2026, 11, 13)), marks=marks_for(codes)
        )
        is None
    )


def test_illness_expected_to_reach_15_days():
    assert triggers.illness_15_days(illness_sessions=28, expected_more_sessions=0, year_key="2026") is None
    alert = triggers.illness_15_days(
        illness_sessions=20, expected_more_sessions=10, year_key="2026", expected_return=date(2026, 11, 30)
    )
    assert alert.figures == {"illness_days": 10.0, "expected_days": 15.0}
    assert "return to the local authority is due" in alert.message
    assert alert.period_key == "2026"  # one return per year


def test_no_contact_for_three_school_days_over_half_term():
    # N on Thu 22 and Fri 23 Oct, then Mon 2 Nov after half-term: 3 school days.
    window = sessions(date(2026, 10, 19), date(2026, 11, 2))
    marks = marks_for({date(2026, 10, 22): "N", date(2026, 10, 23): "N", date(2026, 11, 2): "N"})
    alert = triggers.no_contact(sessions=window, marks=marks, calls_since=[])
    assert alert.figures["days"] == 3 and alert.period_key == "2026-10-22"
    assert "welfare call" in alert.message and "home visit" in alert.message
    # A call recorded since the absence began: contact was made.
    assert triggers.no_contact(sessions=window, marks=marks, calls_since=[date(2026, 10, 23)]) is None
    # Only two days so far.
    assert triggers.no_contact(sessions=window[:-2], marks=marks, calls_since=[]) is None


def test_no_contact_only_while_it_is_still_going_on():
    window = sessions(date(2026, 11, 2), date(2026, 11, 9))
    marks = marks_for({date(2026, 11, 2): "N", date(2026, 11, 3): "N", date(2026, 11, 4): "N"})
    assert triggers.no_contact(sessions=window, marks=marks, calls_since=[]) is None


def test_three_separate_absences_in_ten_weeks():
    window = sessions(date(2026, 9, 7), date(2026, 11, 13))
    marks = {(date(2026, 9, 8), "AM"): "I", (date(2026, 10, 1), "PM"): "M", (date(2026, 11, 12), "AM"): "O"}
    alert = triggers.separate_absences(sessions=window, marks=marks)
    assert alert.kind == "separate_absences" and alert.figures["absences"] == 3
    assert "offer" in alert.message and "support" in alert.message


def test_consecutive_sessions_are_one_absence():
    window = sessions(date(2026, 11, 2), date(2026, 11, 13))
    # Mon PM, Tue AM+PM: one absence of 3 sessions, not three absences.
    marks = {(date(2026, 11, 2), "PM"): "I", (date(2026, 11, 3), "AM"): "I", (date(2026, 11, 3), "PM"): "I"}
    assert [len(r) for r in triggers.absence_runs(window, marks)] == [3]
    assert triggers.separate_absences(sessions=window, marks=marks) is None


def test_two_absences_totalling_six_sessions():
    window = sessions(date(2026, 11, 2), date(2026, 11, 13))
    marks = marks_for({date(2026, 11, 2): "I", date(2026, 11, 3): "I"})  # 4 sessions
    marks[(date(2026, 11, 10), "AM")] = "O"
    assert triggers.separate_absences(sessions=window, marks=marks) is None  # 5 sessions
    marks[(date(2026, 11, 10), "PM")] = "O"
    alert = triggers.separate_absences(sessions=window, marks=marks)
    assert "2 absences totalling 6 sessions" in alert.message


def test_late_arrivals_and_part_time_timetable_are_not_absences_for_this_rule():
    window = sessions(date(2026, 11, 2), date(2026, 11, 13))
    marks = {(date(2026, 11, d), "AM"): code for d, code in ((2, "U"), (4, "C2"), (6, "U"), (9, "C2"))}
    assert triggers.absence_runs(window, marks) == []


def test_two_late_marks_in_a_week():
    week = date(2026, 11, 9)
    assert triggers.late_marks(week_marks={(week, "AM"): "L"}, week_start=week) is None
    alert = triggers.late_marks(
        week_marks={(week, "AM"): "L", (date(2026, 11, 12), "AM"): "U"}, week_start=week
    )
    assert alert.kind == "late_marks" and "detention" in alert.message and "class_teacher" in alert.for_roles


def test_send_routing():
    assert triggers.send_alerts(provision="N", from_tier=None, to_tier=3, case_key="c", figures={}) == []
    k = triggers.send_alerts(provision="K", from_tier=None, to_tier=1, case_key="c", figures={})
    assert [a.kind for a in k] == ["send_joint_review"]
    assert "before any letter that warns of sanctions" in k[0].message and "sendco" in k[0].for_roles
    e = triggers.send_alerts(provision="E", from_tier=2, to_tier=3, case_key="c", figures={})
    # An EHC plan's early review is asked for by the nightly run itself (nightly_ehcp), not here.
    assert [a.kind for a in e] == ["send_joint_review"]
    asked = triggers.ehcp_review_alert(
        from_tier=2,
        to_tier=3,
        case_key="c",
        figures={"attendance_pct": 88.0},
        review_id=5,
        asked_tonight=True,
    )
    assert asked.kind == "ehcp_review_requested" and {"sendco", "headteacher"} <= set(asked.for_roles)
    assert asked.figures["review_id"] == 5 and "(88.0%)" in asked.message
    already = triggers.ehcp_review_alert(
        from_tier=2, to_tier=3, case_key="c", figures={}, review_id=5, asked_tonight=False
    )
    assert "already in progress" in already.message
    # Stepping down is not a fall: no joint review is asked for.
    assert triggers.send_alerts(provision="E", from_tier=3, to_tier=2, case_key="c", figures={}) == []
