"""A typed C2 needs a part-time timetable that covers the session: the register and the amendment
form refuse it beside the mark otherwise, and accept it where the SEND pages' timetable says the pupil
is not in school. The timetables live in send; the attendance app learns of them through
attendance.part_time_sources (registered in send.apps), so the import order is kept."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance import part_time_sources, services
from attendance.models import MarkAmendment, RegisterMark
from send.selectors_timetables import pupils_timetabled_out
from send.services import part_time
from tests import factories as f

MONDAY = date(2026, 11, 16)
MORNINGS = [(d, "AM") for d in range(5)]


@pytest.fixture(autouse=True)
def _a_monday_afternoon():
    with time_machine.travel("2026-11-16 14:00", tick=False):
        yield


def _timetable(sendco, pupil):
    """Mornings only, 16-27 November: the afternoons are C2."""
    return part_time.part_time_open(
        actor=sendco,
        pupil=pupil,
        reason="medical",
        reason_detail="Recovering from surgery; the consultant advises mornings only.",
        start_date=MONDAY,
        end_date=date(2026, 11, 27),
        sessions=MORNINGS,
        parental_agreement_by="A parent",
        parental_agreement_on=date(2026, 11, 13),
        risk_assessment_on=date(2026, 11, 13),
        la_notified_on=date(2026, 11, 13),
    )


def _save(actor, cls, session, entries, versions=None, reason=""):
    return services.register_save(
        actor=actor,
        school=cls.school,
        registration_class=cls,
        date=MONDAY,
        session=session,
        entries=[services.RegisterEntry(pk, code) for pk, code in entries],
        expected_versions=versions or {},
        reason=reason,
    )


def test_send_registers_its_timetables_as_the_source():
    assert pupils_timetabled_out in part_time_sources._SOURCES


def test_the_register_page_refuses_c2_with_no_timetable_beside_the_mark(
    login, office_staff, own_class, pupil
):
    data = {"reason": "", f"code-{pupil.pk}": "C2", f"version-{pupil.pk}": 0, f"minutes-{pupil.pk}": ""}
    url = reverse("attendance:register_take", args=[own_class.pk, MONDAY.isoformat(), "AM"])
    response = login(office_staff).post(url, data)
    assert response.status_code == 400
    assert "no timetable covers this session" in response.content.decode()
    assert not RegisterMark.objects.exists()


def test_the_register_accepts_c2_only_where_the_timetable_has_the_pupil_out(
    sendco, office_staff, own_class, pupil
):
    other = f.PupilFactory(school=own_class.school, registration_class=own_class)
    present = f.RegisterMarkFactory(pupil=pupil, school=pupil.school, date=MONDAY, session="PM", code="/")
    _timetable(sendco, pupil)  # keeps the "/" already taken on Monday afternoon
    # Monday morning: the timetable has him in school, so C2 is refused, and so is C2 for a pupil
    # with no timetable; nothing is saved.
    with pytest.raises(services.RegisterRefused) as refused:
        _save(office_staff, own_class, "AM", [(pupil.pk, "C2"), (other.pk, "C2")])
    assert set(refused.value.errors) == {pupil.pk, other.pk}
    assert "no timetable covers this session" in refused.value.errors[pupil.pk][0]
    assert not RegisterMark.objects.filter(session="AM").exists()
    # Monday afternoon is a session the timetable has him out: the "/" becomes C2 (an amendment).
    _save(office_staff, own_class, "PM", [(pupil.pk, "C2")], {pupil.pk: present.version}, reason="Agreed")
    present.refresh_from_db()
    assert present.code == "C2"


def test_the_amendment_form_uses_the_same_rule(login, sendco, attendance_officer, pupil):
    morning = f.RegisterMarkFactory(pupil=pupil, school=pupil.school, date=MONDAY, session="AM", code="/")
    afternoon = f.RegisterMarkFactory(pupil=pupil, school=pupil.school, date=MONDAY, session="PM", code="N")
    _timetable(sendco, pupil)
    afternoon.refresh_from_db()
    assert afternoon.code == "C2"  # the timetable replaced the N
    response = login(attendance_officer).post(
        reverse("attendance:mark_amend", args=[morning.pk]),
        {"code": "C2", "reason": "Typed", "version": morning.version},
    )
    assert response.status_code == 400
    assert "no timetable covers this session" in " ".join(response.context["form"].errors["code"])
    morning.refresh_from_db()
    assert morning.code == "/" and not MarkAmendment.objects.filter(mark=morning).exists()
    # Back and forth on the afternoon the timetable covers is accepted.
    services.mark_amend(
        actor=attendance_officer, mark=afternoon, code="/", minutes_late=None, reason="Came in"
    )
    services.mark_amend(
        actor=attendance_officer, mark=afternoon, code="C2", minutes_late=None, reason="Mistake"
    )
    afternoon.refresh_from_db()
    assert afternoon.code == "C2"
    with pytest.raises(ValidationError):
        services.mark_amend(actor=attendance_officer, mark=morning, code="C2", minutes_late=None, reason="x")


def _queries_for(office_staff, school, n):
    cls = f.RegistrationClassFactory(school=school, name=f"C2 {n}", year_group=4)
    pupils = [f.PupilFactory(school=school, registration_class=cls) for _ in range(n)]
    with CaptureQueriesContext(connection) as ctx, pytest.raises(services.RegisterRefused):
        _save(office_staff, cls, "AM", [(p.pk, "C2") for p in pupils])
    return len(ctx.captured_queries)


def test_checking_typed_c2_takes_the_same_queries_for_2_and_8_pupils(office_staff, school):
    assert _queries_for(office_staff, school, 2) == _queries_for(office_staff, school, 8)
