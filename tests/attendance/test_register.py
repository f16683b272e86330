"""Taking a class register: one transaction, constant queries, refusals, lateness, amendments, conflicts."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance.models import MarkAmendment, RegisterMark
from attendance.services import RegisterConflict, RegisterEntry, RegisterRefused, register_save
from school.models import AuditEntry
from tests import factories as f

MONDAY = date(2026, 11, 16)
TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-23 10:00 +0000", tick=False):
        yield


def make_class(school, n, name="Willow"):
    cls = f.RegistrationClassFactory(school=school, name=name, year_group=2)
    return cls, [f.PupilFactory(school=school, registration_class=cls) for _ in range(n)]


def save(actor, school, cls, pupils, code="/", day=MONDAY, session="AM", versions=None, reason="", **extra):
    entries = [RegisterEntry(p.pk, code) for p in pupils]
    return register_save(
        actor=actor,
        school=school,
        registration_class=cls,
        date=day,
        session=session,
        entries=entries,
        expected_versions=versions or {},
        reason=reason,
        **extra,
    )


def test_saving_a_class_records_every_mark_with_an_audit_row(school, office_staff):
    cls, pupils = make_class(school, 5)
    result = save(office_staff, school, cls, pupils)
    assert result.recorded == 5
    marks = RegisterMark.objects.filter(pupil__in=pupils)
    assert sorted(m.code for m in marks) == ["/"] * 5
    assert {m.version for m in marks} == {1}
    audits = AuditEntry.objects.filter(action="attendance.mark.recorded")
    assert audits.count() == 5
    assert {a.pupil_id for a in audits} == {p.pk for p in pupils}
    assert audits.first().actor == office_staff


def test_backslash_and_slash_are_stored_as_the_sessions_present_mark(school, office_staff):
    cls, pupils = make_class(school, 2)
    save(office_staff, school, cls, pupils, code="/", session="PM")
    assert set(RegisterMark.objects.values_list("code", flat=True)) == {"\\"}


def _queries_to_save(school, actor, n, name):
    cls, pupils = make_class(school, n, name=name)
    with CaptureQueriesContext(connection) as first:
        save(actor, school, cls, pupils)
    versions = {p.pk: 1 for p in pupils}
    with CaptureQueriesContext(connection) as second:
        save(actor, school, cls, pupils, code="I", versions=versions, reason="Parents rang")
    return len(first), len(second)


def test_saving_a_register_takes_the_same_number_of_queries_for_5_or_30_pupils(school, office_staff):
    small = _queries_to_save(school, office_staff, 5, "Small")
    large = _queries_to_save(school, office_staff, 30, "Large")
    assert small == large
    # The audit trail's share is constant: its chain lock and head (2), and on the first save the
    # pupils' audit subjects, created in one go (4: subjects, pupils, contacts, insert).
    assert large[0] <= 18 and large[1] <= 16
    assert MarkAmendment.objects.count() == 35


@pytest.mark.parametrize(
    "day,session,message",
    [
        (date(2026, 11, 21), "AM", "has no morning session"),  # Saturday
        (date(2026, 10, 27), "PM", "has no afternoon session"),  # half-term
        (date(2026, 11, 24), "AM", "future date"),
    ],
)
def test_refused_sessions_save_nothing(school, office_staff, day, session, message):
    cls, pupils = make_class(school, 3)
    with pytest.raises(RegisterRefused) as exc:
        save(office_staff, school, cls, pupils, day=day, session=session)
    assert message in " ".join(exc.value.general)
    assert not RegisterMark.objects.exists()


def test_a_morning_only_closure_refuses_the_morning_register(school, office_staff):
    from school.models import ClosureDay

    ClosureDay.objects.create(school=school, date=MONDAY, sessions="AM", kind="other", reason="Boiler")
    cls, pupils = make_class(school, 2)
    with pytest.raises(RegisterRefused):
        save(office_staff, school, cls, pupils, session="AM")
    save(office_staff, school, cls, pupils, session="PM")
    assert RegisterMark.objects.filter(session="PM").count() == 2


def test_one_unknown_code_saves_nothing_for_the_class_and_names_the_row(school, office_staff):
    cls, pupils = make_class(school, 3)
    entries = [
        RegisterEntry(pupils[0].pk, "/"),
        RegisterEntry(pupils[1].pk, "QQ"),
        RegisterEntry(pupils[2].pk, "H"),
    ]
    with pytest.raises(RegisterRefused) as exc:
        register_save(
            actor=office_staff,
            school=school,
            registration_class=cls,
            date=MONDAY,
            session="AM",
            entries=entries,
            expected_versions={},
        )
    assert "'QQ' is not a DfE attendance code" in exc.value.errors[pupils[1].pk][0]
    assert "withdrawn on 19 August 2024" in exc.value.errors[pupils[2].pk][0]
    assert pupils[0].pk not in exc.value.errors
    assert not RegisterMark.objects.exists() and not AuditEntry.objects.exists()


def test_pupils_not_on_roll_or_not_in_the_class_are_refused(school, office_staff, other_class_pupil):
    cls, pupils = make_class(school, 2)
    leaver = pupils[1]
    leaver.leaving_date = date(2026, 11, 13)
    leaver.save()
    entries = [RegisterEntry(p.pk, "/") for p in (*pupils, other_class_pupil)]
    with pytest.raises(RegisterRefused) as exc:
        register_save(
            actor=office_staff,
            school=school,
            registration_class=cls,
            date=MONDAY,
            session="AM",
            entries=entries,
            expected_versions={},
        )
    assert "not on roll on 16 November 2026" in exc.value.errors[leaver.pk][0]
    assert "not in this class" in exc.value.errors[other_class_pupil.pk][0]
    assert not RegisterMark.objects.exists()


def test_late_needs_minutes_and_after_the_register_closes_becomes_u(school, office_staff):
    cls, pupils = make_class(school, 3)
    with pytest.raises(RegisterRefused) as exc:
        register_save(
            actor=office_staff,
            school=school,
            registration_class=cls,
            date=MONDAY,
            session="AM",
            entries=[RegisterEntry(pupils[0].pk, "L")],
            expected_versions={},
        )
    assert "minutes late" in exc.value.errors[pupils[0].pk][0]

    result = register_save(
        actor=office_staff,
        school=school,
        registration_class=cls,
        date=MONDAY,
        session="AM",
        entries=[
            RegisterEntry(pupils[0].pk, "L", 10),
            RegisterEntry(pupils[1].pk, "L", 30),
            RegisterEntry(pupils[2].pk, "l", 31),
        ],
        expected_versions={},
    )
    codes = dict(RegisterMark.objects.values_list("pupil_id", "code"))
    assert codes == {pupils[0].pk: "L", pupils[1].pk: "L", pupils[2].pk: "U"}
    assert result.converted_to_u == [str(pupils[2])]
    assert RegisterMark.objects.get(pupil=pupils[2]).minutes_late == 31


def test_minutes_late_with_a_present_mark_is_refused(school, office_staff):
    cls, pupils = make_class(school, 1)
    with pytest.raises(RegisterRefused) as exc:
        register_save(
            actor=office_staff,
            school=school,
            registration_class=cls,
            date=MONDAY,
            session="AM",
            entries=[RegisterEntry(pupils[0].pk, "/", 5)],
            expected_versions={},
        )
    assert "Minutes late go only with L or U" in exc.value.errors[pupils[0].pk][0]


def test_school_register_times_decide_between_l_and_u(school, office_staff):
    from datetime import time

    school.am_register_closes = time(8, 45)
    school.save()
    cls, pupils = make_class(school, 1)
    save_one = [RegisterEntry(pupils[0].pk, "L", 20)]
    register_save(
        actor=office_staff,
        school=school,
        registration_class=cls,
        date=MONDAY,
        session="AM",
        entries=save_one,
        expected_versions={},
    )
    assert RegisterMark.objects.get().code == "U"


def test_changing_a_saved_mark_needs_a_reason_and_keeps_history(school, office_staff, class_teacher):
    cls, pupils = make_class(school, 2)
    save(class_teacher, school, cls, pupils, code="N")
    versions = {p.pk: 1 for p in pupils}
    entries = [RegisterEntry(pupils[0].pk, "I"), RegisterEntry(pupils[1].pk, "N")]
    with pytest.raises(RegisterRefused) as exc:
        register_save(
            actor=office_staff,
            school=school,
            registration_class=cls,
            date=MONDAY,
            session="AM",
            entries=entries,
            expected_versions=versions,
        )
    assert "Give a reason" in exc.value.general[0]
    assert RegisterMark.objects.get(pupil=pupils[0]).code == "N"

    result = register_save(
        actor=office_staff,
        school=school,
        registration_class=cls,
        date=MONDAY,
        session="AM",
        entries=entries,
        expected_versions=versions,
        reason="Mother rang: chickenpox",
    )
    assert (result.amended, result.unchanged) == (1, 1)
    mark = RegisterMark.objects.get(pupil=pupils[0])
    assert (mark.code, mark.version, mark.updated_by) == ("I", 2, office_staff)
    amendment = MarkAmendment.objects.get()
    assert (amendment.old_code, amendment.new_code, amendment.reason) == ("N", "I", "Mother rang: chickenpox")
    assert amendment.amended_by_name == str(office_staff)
    assert amendment.amended_by_role == "Office staff"
    audit = AuditEntry.objects.get(action="attendance.mark.amended")
    assert (
        audit.before["code"] == "N"
        and audit.after["code"] == "I"
        and audit.reason == "Mother rang: chickenpox"
    )


def test_a_saved_mark_cannot_be_blanked(school, office_staff):
    cls, pupils = make_class(school, 1)
    save(office_staff, school, cls, pupils)
    with pytest.raises(RegisterRefused) as exc:
        save(office_staff, school, cls, pupils, code="", versions={pupils[0].pk: 1}, reason="oops")
    assert "cannot be removed" in exc.value.errors[pupils[0].pk][0]
    assert RegisterMark.objects.get().code == "/"


def test_second_person_saving_a_stale_register_sees_what_changed(school, office_staff, class_teacher):
    cls, pupils = make_class(school, 3)
    stale = {p.pk: 0 for p in pupils}  # both opened the empty register
    register_save(
        actor=class_teacher,
        school=school,
        registration_class=cls,
        date=MONDAY,
        session="AM",
        entries=[RegisterEntry(pupils[0].pk, "/"), RegisterEntry(pupils[1].pk, "N")],
        expected_versions=stale,
    )
    with pytest.raises(RegisterConflict) as exc:
        register_save(
            actor=office_staff,
            school=school,
            registration_class=cls,
            date=MONDAY,
            session="AM",
            entries=[RegisterEntry(p.pk, "/") for p in pupils],
            expected_versions=stale,
        )
    (change,) = exc.value.changes  # pupil 0 agrees with what was saved, so only pupil 1 conflicts
    assert (change.pupil_id, change.code, change.changed_by) == (pupils[1].pk, "N", str(class_teacher))
    assert RegisterMark.objects.get(pupil=pupils[1]).code == "N"
    assert not RegisterMark.objects.filter(pupil=pupils[2]).exists()  # nothing of the second save kept
