"""Part-time timetables: validation, expiry flags, C2 pre-coding in the register, and the pages."""

import re
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from attendance.models import MarkAmendment, RegisterMark
from school.calendar import SchoolCalendar
from school.models import AuditEntry
from send import deadlines
from send.deadlines_timetables import part_time_timetable_deadlines
from send.models import PartTimeTimetable, SendSettings
from send.selectors_timetables import timetable_flags
from send.services import part_time
from tests import factories as f
from tests.send.ehcp_factories import ehc_plan


@pytest.fixture(autouse=True)
def _a_monday_in_autumn_2():
    with time_machine.travel("2026-11-16 10:00", tick=False):
        yield


MORNINGS = [(d, "AM") for d in range(5)]


def _open(actor, pupil, **overrides):
    values = {
        "reason": "medical",
        "reason_detail": "Recovering from surgery; the consultant advises mornings only.",
        "start_date": date(2026, 11, 16),
        "end_date": date(2026, 11, 27),
        "sessions": MORNINGS,
        "parental_agreement_by": "A parent",
        "parental_agreement_on": date(2026, 11, 13),
        "risk_assessment_on": date(2026, 11, 13),
        "la_notified_on": date(2026, 11, 13),
    }
    values.update(overrides)
    return part_time.part_time_open(actor=actor, pupil=pupil, **values)


def _codes(pupil, start, end):
    return {
        (m.date, m.session): m.code
        for m in RegisterMark.objects.filter(pupil=pupil, date__gte=start, date__lte=end)
    }


# --- validation ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"reason": "behaviour"}, "reason", "never be used to manage behaviour"),
        ({"end_date": None}, "end_date", "Give the end date"),
        ({"end_date": date(2026, 12, 28)}, "end_date", None),  # Christmas does not count: allowed
        ({"end_date": date(2027, 1, 11)}, "end_date", "at most 6 school weeks"),
        ({"end_date": date(2026, 11, 13)}, "end_date", "before the start"),
        ({"parental_agreement_on": date(2026, 11, 17)}, "parental_agreement_on", "cannot be in the future"),
        ({"risk_assessment_on": None}, "risk_assessment_on", "risk assessment"),
        ({"la_notified_on": date(2026, 12, 1)}, "la_notified_on", "cannot be in the future"),
        ({"sessions": []}, "sessions", "at least one session"),
        ({"parental_agreement_by": ""}, "parental_agreement_by", "Give both"),
        ({"start_date": date(2020, 1, 6)}, "start_date", "not on roll"),
    ],
)
def test_open_refuses_beside_the_field(sendco, pupil, overrides, field, words):
    if words is None:
        assert _open(sendco, pupil, **overrides).pk
        return
    with pytest.raises(ValidationError) as exc:
        _open(sendco, pupil, **overrides)
    assert words in " ".join(exc.value.message_dict[field])
    assert not PartTimeTimetable.objects.exists()
    assert not RegisterMark.objects.filter(pupil=pupil).exists()


def test_the_limit_is_the_schools_setting(sendco, pupil, school):
    SendSettings.objects.create(school=school, part_time_max_school_weeks=1)
    with pytest.raises(ValidationError) as exc:
        _open(sendco, pupil, end_date=date(2026, 11, 23))
    assert "at most 1 school weeks" in exc.value.message_dict["end_date"][0]
    assert _open(sendco, pupil, end_date=date(2026, 11, 20)).end_date == date(2026, 11, 20)


def test_an_ehc_plan_needs_an_interim_review_called(sendco, pupil):
    ehc_plan(pupil=pupil, created_by=sendco, issue_date=date(2026, 1, 15))
    with pytest.raises(ValidationError) as exc:
        _open(sendco, pupil)
    assert "interim or early annual review" in exc.value.message_dict["interim_review_called_on"][0]
    assert _open(sendco, pupil, interim_review_called_on=date(2026, 11, 12)).pk


def test_a_looked_after_child_needs_the_virtual_school(sendco, pupil):
    pupil.looked_after = True
    pupil.save()
    with pytest.raises(ValidationError) as exc:
        _open(sendco, pupil)
    assert "virtual school" in exc.value.message_dict["virtual_school_consulted_on"][0]
    assert _open(sendco, pupil, virtual_school_consulted_on=date(2026, 11, 12)).pk


def test_only_the_sendco_or_head_opens_one(class_teacher, attendance_officer, headteacher, pupil):
    for user in (class_teacher, attendance_officer):
        with pytest.raises(PermissionDenied):
            _open(user, pupil)
    assert _open(headteacher, pupil).opened_by == headteacher


def test_one_active_timetable_per_pupil(sendco, pupil):
    _open(sendco, pupil)
    with pytest.raises(ValidationError) as exc:
        _open(sendco, pupil)
    assert "already has an active part-time timetable" in str(exc.value)


# --- the register ----------------------------------------------------------------------------------
def test_opening_precodes_c2_for_the_sessions_not_agreed(sendco, pupil):
    present = f.RegisterMarkFactory(
        pupil=pupil, school=pupil.school, date=date(2026, 11, 16), session="PM", code="/"
    )
    timetable = _open(sendco, pupil)
    codes = _codes(pupil, date(2026, 11, 16), date(2026, 11, 27))
    # Afternoons of 17-27 November: C2; mornings untouched (no mark); the present mark on the 16th kept.
    assert codes[(date(2026, 11, 16), "PM")] == "/"
    assert [k for k, v in codes.items() if v == "C2"] == [
        (date(2026, 11, d), "PM") for d in (17, 18, 19, 20, 23, 24, 25, 26, 27)
    ]
    assert not any(s == "AM" for (_, s) in codes)
    present.refresh_from_db()
    assert present.code == "/"
    rows = AuditEntry.objects.filter(action="attendance.mark.recorded", pupil=pupil)
    assert rows.count() == 9
    assert AuditEntry.objects.filter(action="send.part_time.opened", object_id=str(timetable.pk)).count() == 1
    assert timetable.history.get().to_status == "active"
    assert timetable.next_review_due == date(2026, 11, 30)


def test_an_n_is_replaced_by_c2_as_an_amendment(sendco, pupil):
    n = f.RegisterMarkFactory(
        pupil=pupil, school=pupil.school, date=date(2026, 11, 16), session="PM", code="N"
    )
    _open(sendco, pupil)
    n.refresh_from_db()
    assert n.code == "C2"
    assert MarkAmendment.objects.get(mark=n).old_code == "N"


def test_precoding_again_changes_nothing(sendco, pupil):
    timetable = _open(sendco, pupil)
    before = (RegisterMark.objects.count(), AuditEntry.objects.count())
    calendar = SchoolCalendar.for_school(pupil.school)
    part_time._sync_register(actor=sendco, timetable=timetable, calendar=calendar, today=date(2026, 11, 16))
    assert (RegisterMark.objects.count(), AuditEntry.objects.count()) == before


def test_ending_early_removes_the_future_c2_precodes_only(sendco, pupil):
    timetable = _open(sendco, pupil)
    with time_machine.travel("2026-11-19 15:00", tick=False):
        part_time.part_time_end(
            actor=sendco, timetable=timetable, ended_on=date(2026, 11, 19), note="Back full-time from Friday."
        )
    c2 = sorted(
        d for (d, s), code in _codes(pupil, date(2026, 11, 16), date(2026, 11, 27)).items() if code == "C2"
    )
    assert c2 == [date(2026, 11, d) for d in (16, 17, 18, 19)]  # the register up to today stays
    removed = AuditEntry.objects.filter(action="attendance.mark.precode_removed", pupil=pupil)
    assert removed.count() == 6  # 20, 23, 24, 25, 26, 27 November afternoons
    timetable.refresh_from_db()
    assert timetable.status == "ended" and timetable.ended_on == date(2026, 11, 19)
    assert [h.to_status for h in timetable.history.all()] == ["active", "ended"]


def test_withdrawing_removes_the_future_precodes(sendco, pupil):
    timetable = _open(sendco, pupil)
    part_time.part_time_withdraw(actor=sendco, timetable=timetable, reason="Opened for the wrong pupil")
    assert not RegisterMark.objects.filter(pupil=pupil, code="C2", date__gt=date(2026, 11, 16)).exists()
    assert PartTimeTimetable.objects.active().count() == 0


def test_a_review_adding_sessions_removes_their_c2_and_can_extend_within_the_limit(sendco, pupil):
    timetable = _open(sendco, pupil)
    with time_machine.travel("2026-11-20 12:00", tick=False):
        review = part_time.part_time_review_record(
            actor=sendco,
            timetable=timetable,
            held_on=date(2026, 11, 20),
            notes="Managing mornings well; adding Monday and Tuesday afternoons.",
            sessions=[*MORNINGS, (0, "PM"), (1, "PM")],
            end_date=date(2026, 12, 4),
        )
    assert review.next_review_due == date(2026, 12, 4)
    assert review.extended
    codes = _codes(pupil, date(2026, 11, 23), date(2026, 12, 4))
    assert codes.get((date(2026, 11, 23), "PM")) is None  # Monday afternoon: now in school
    assert codes[(date(2026, 11, 25), "PM")] == "C2"
    assert codes[(date(2026, 12, 2), "PM")] == "C2"  # the extension is pre-coded too
    timetable.refresh_from_db()
    assert timetable.end_date == date(2026, 12, 4) and timetable.next_review_due == date(2026, 12, 4)
    assert AuditEntry.objects.filter(action="send.part_time.extended", object_id=str(timetable.pk)).exists()


def test_extending_beyond_the_limit_from_the_start_is_refused(sendco, pupil):
    timetable = _open(sendco, pupil)
    with pytest.raises(ValidationError) as exc:
        part_time.part_time_extend(
            actor=sendco, timetable=timetable, end_date=date(2027, 1, 11), note="More time"
        )
    message = exc.value.message_dict["end_date"][0]
    assert "at most 6 school weeks" in message and "open a new one" in message
    done = part_time.part_time_extend(
        actor=sendco, timetable=timetable, end_date=date(2026, 12, 18), note="More time"
    )
    assert done.end_date == date(2026, 12, 18)


@pytest.mark.parametrize(
    ("held_on", "field"),
    [(date(2026, 11, 17), "held_on"), (date(2026, 11, 13), "held_on")],
)
def test_a_review_date_that_cannot_be_true_is_refused(sendco, pupil, held_on, field):
    timetable = _open(sendco, pupil)
    with pytest.raises(ValidationError) as exc:
        part_time.part_time_review_record(
            actor=sendco,
            timetable=timetable,
            held_on=held_on,
            notes="x",
            sessions=MORNINGS,
            end_date=timetable.end_date,
        )
    assert field in exc.value.message_dict


def test_a_stale_review_is_refused(sendco, headteacher, pupil):
    from school import editing

    timetable = _open(sendco, pupil)
    version = editing.current_version(timetable)
    part_time.part_time_extend(
        actor=headteacher, timetable=timetable, end_date=date(2026, 12, 4), note="Agreed"
    )
    with pytest.raises(editing.StaleEdit):
        part_time.part_time_review_record(
            actor=sendco,
            timetable=timetable,
            held_on=date(2026, 11, 16),
            notes="x",
            sessions=MORNINGS,
            end_date=date(2026, 11, 27),
            expected_version=version,
        )


# --- flags and deadlines -------------------------------------------------------------------------
def test_expired_and_missed_review_are_flagged_to_sendco_and_head(
    sendco, pupil, django_assert_max_num_queries
):
    with time_machine.travel("2026-11-02 09:00", tick=False):
        timetable = _open(
            sendco,
            pupil,
            start_date=date(2026, 11, 2),
            end_date=date(2026, 11, 13),
            parental_agreement_by="",
            parental_agreement_on=None,
            risk_assessment_on=date(2026, 10, 30),
            la_notified_on=None,
        )
    kinds = {flag.kind for flag in timetable_flags(timetable, today=date(2026, 11, 16))}
    assert kinds == {"consent", "expired"}  # review due 16 November: today, not missed yet
    assert {flag.kind for flag in timetable_flags(timetable, today=date(2026, 11, 17))} == {
        "consent",
        "expired",
        "review",
    }
    with django_assert_max_num_queries(3):
        items = [
            d
            for d in part_time_timetable_deadlines(
                pupil.school, today=date(2026, 11, 17), until=date(2026, 11, 30)
            )
            if d.kind.startswith("part_time.")
        ]
    assert {d.kind for d in items} == {"part_time.review", "part_time.end", "part_time.consent"}
    assert all(d.for_roles == ("sendco", "headteacher") and d.is_overdue(date(2026, 11, 17)) for d in items)


def test_deadline_query_count_does_not_grow_with_timetables(
    sendco, school, own_class, django_assert_max_num_queries
):
    for _ in range(4):
        _open(
            sendco,
            f.PupilFactory(school=school, registration_class=own_class),
            parental_agreement_by="",
            parental_agreement_on=None,
        )
    with django_assert_max_num_queries(3):
        items = part_time_timetable_deadlines(school, today=date(2026, 11, 16), until=date(2026, 12, 31))
    assert len([d for d in items if d.kind == "part_time.consent"]) == 4
    # The calendar's list holds them too, with every other source's.
    listed = deadlines.school_deadlines(school, today=date(2026, 11, 16), until=date(2026, 12, 31))
    assert {d for d in listed if d.kind == "part_time.consent"} == {
        d for d in items if d.kind == "part_time.consent"
    }


def test_an_ended_timetable_is_not_flagged(sendco, pupil):
    timetable = _open(sendco, pupil, parental_agreement_by="", parental_agreement_on=None)
    part_time.part_time_end(
        actor=sendco, timetable=timetable, ended_on=date(2026, 11, 16), note="Back full-time"
    )
    timetable.refresh_from_db()
    assert timetable_flags(timetable, today=date(2026, 12, 31)) == []


# --- pages ---------------------------------------------------------------------------------------
def _form(**overrides):
    data = {
        "reason": "semh",
        "reason_detail": "Anxiety; CAMHS referral made.",
        "start_date": "2026-11-16",
        "end_date": "2026-11-27",
        "sessions": ["0-AM", "1-AM", "2-AM"],
        "parental_agreement_by": "A parent",
        "parental_agreement_on": "2026-11-13",
        "risk_assessment_on": "2026-11-13",
    }
    data.update(overrides)
    return data


def test_the_open_form_records_the_ticked_sessions_once(login, sendco, pupil):
    client = login(sendco)
    url = reverse("send:timetable_open", args=[pupil.pk])
    page = client.get(url).content.decode()
    assert '<label class="visually-hidden" for="id_sessions_0">Monday morning</label>' in page
    assert "never allowed" in page  # the behaviour choice is there to be refused
    token = re.search(r'name="submission_token" value="([^"]+)"', page).group(1)
    data = _form(submission_token=token)
    response = client.post(url, data, follow=True)
    timetable = PartTimeTimetable.objects.get()
    assert response.redirect_chain[-1][0] == reverse("send:timetable_detail", args=[timetable.pk])
    assert timetable.agreed == [(0, "AM"), (1, "AM"), (2, "AM")]
    body = response.content.decode()
    assert "3 of 10 sessions" in body and "23.5 hours" in body
    # 16-27 November: two weeks of the 7 sessions a week not agreed (three afternoons, Thursday and Friday).
    assert "14 sessions pre-coded C2 in the register." in body
    client.post(url, data)  # the same form sent again makes no second timetable
    assert PartTimeTimetable.objects.count() == 1


def test_the_open_form_refuses_behaviour_beside_the_field(login, sendco, pupil):
    response = login(sendco).post(reverse("send:timetable_open", args=[pupil.pk]), _form(reason="behaviour"))
    assert response.status_code == 200
    assert "never be used to manage behaviour" in " ".join(response.context["form"].errors["reason"])
    assert not PartTimeTimetable.objects.exists()


def test_flags_show_on_the_list_and_the_pupils_send_page(login, sendco, headteacher, class_teacher, pupil):
    with time_machine.travel("2026-11-02 09:00", tick=False):
        _open(
            sendco,
            pupil,
            start_date=date(2026, 11, 2),
            end_date=date(2026, 11, 13),
            parental_agreement_by="",
            parental_agreement_on=None,
            risk_assessment_on=date(2026, 10, 30),
            la_notified_on=None,
        )
    body = login(headteacher).get(reverse("send:timetable_list")).content.decode()
    assert 'data-testid="flag-expired"' in body and 'data-testid="flag-consent"' in body
    panel = reverse("send:panel_pupil_timetables", args=[pupil.pk])
    body = login(sendco).get(panel).content.decode()
    assert "Expired: its end date was 13 November 2026" in body
    # A class teacher sees when the pupil is in school, not the flags.
    body = login(class_teacher).get(panel).content.decode()
    assert "In school: every morning" in body and "Expired" not in body


def test_ending_through_the_page(login, sendco, pupil):
    timetable = _open(sendco, pupil)
    client = login(sendco)
    url = reverse("send:timetable_end", args=[timetable.pk])
    version = re.search(r'name="expected_version" value="(\d+)"', client.get(url).content.decode()).group(1)
    response = client.post(url, {"ended_on": "2026-11-17", "note": "x", "expected_version": version})
    assert "cannot be in the future" in " ".join(response.context["form"].errors["ended_on"])
    client.post(url, {"ended_on": "2026-11-16", "note": "Back full-time", "expected_version": version})
    timetable.refresh_from_db()
    assert timetable.status == "ended"
    assert not RegisterMark.objects.filter(pupil=pupil, code="C2", date__gt=date(2026, 11, 16)).exists()


def test_the_limits_are_set_on_the_send_settings_page(login, headteacher, school):
    client = login(headteacher)
    page = client.get(reverse("send:settings")).content.decode()
    assert "Longest part-time timetable, in school weeks" in page
    client.post(
        reverse("send:settings"),
        {
            "notional_threshold": "6000",
            "cycle_school_weeks": "12",
            "review_year_reading": "day_before",
            "part_time_max_school_weeks": "4",
            "part_time_review_days": "7",
        },
    )
    saved = SendSettings.objects.get(school=school)
    assert (saved.part_time_max_school_weeks, saved.part_time_review_days) == (4, 7)
    assert AuditEntry.objects.filter(action="send.settings.changed").exists()


def test_a_missing_session_choice_is_linked_to_the_grid(login, sendco, pupil):
    response = login(sendco).post(reverse("send:timetable_open", args=[pupil.pk]), _form(sessions=[]))
    body = response.content.decode()
    assert 'href="#id_sessions_0"' in body and 'id="id_sessions_0"' in body
    assert "Choose at least one session" in body
