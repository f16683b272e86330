"""The N queue one row per pupil: contacts' numbers, each absence's sessions together, "record reason"
for a whole absence, "due today" on the last day the law allows, and the bulk change to O."""

from datetime import date

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.models import MarkAmendment, RegisterMark
from school.models import AuditEntry
from tests import factories as f


def n_mark(pupil, day, session="AM"):
    return f.RegisterMarkFactory(pupil=pupil, date=day, session=session, code="N")


@time_machine.travel("2026-11-27 10:00 +0000", tick=False)
def test_one_row_per_pupil_with_phone_numbers_and_absences_grouped(login, office_staff, pupil):
    mum = f.PupilContactFactory(pupil=pupil, relationship="Mother", priority=1).contact
    mum.phone = "07700 900123"
    mum.save()
    # Fri 20 PM, Mon 23 AM and PM: one absence across the weekend; Wed 25 AM: another.
    for day, session in [(date(2026, 11, 20), "PM"), (date(2026, 11, 23), "AM"), (date(2026, 11, 23), "PM")]:
        n_mark(pupil, day, session)
    n_mark(pupil, date(2026, 11, 25), "AM")
    page = login(office_staff).get(reverse("attendance:n_queue")).content.decode()
    assert page.count('data-testid="n-queue-pupil"') == 1
    assert page.count('data-testid="n-absence"') == 2
    assert "07700 900123" in page
    assert "Fri 20 Nov PM to Mon 23 Nov PM" in page and "(3 sessions" in page
    link = (
        f"/attendance/pupils/{pupil.pk}/absence-call/?date=2026-11-20&amp;session=PM"
        "&amp;last_date=2026-11-23&amp;last_session=PM"
    )
    assert link in page
    form = login(office_staff).get(link.replace("&amp;", "&")).content.decode()
    assert 'name="first_date" value="2026-11-20"' in form and 'name="last_date" value="2026-11-23"' in form


@time_machine.travel("2026-11-27 10:00 +0000", tick=False)
def test_the_fifth_school_day_is_due_today_and_overdue_starts_after_it(
    login, office_staff, pupil, other_class_pupil
):
    n_mark(pupil, date(2026, 11, 20))  # Fri 20 Nov: 5 school days by Fri 27: the last day allowed
    n_mark(other_class_pupil, date(2026, 11, 19))  # 6 school days: overdue
    page = login(office_staff).get(reverse("attendance:n_queue")).content.decode()
    assert page.count("Due today: must become O today if no reason") == 1
    assert page.count("Overdue: resolve now") == 1
    assert "1 session must become O today if no reason is known; 1 is overdue." in page


@time_machine.travel("2026-11-27 10:00 +0000", tick=False)
def test_bulk_change_to_o_records_the_reason_and_leaves_young_ns(
    login, office_staff, pupil, other_class_pupil
):
    due = [n_mark(pupil, date(2026, 11, 20), "AM"), n_mark(pupil, date(2026, 11, 20), "PM")]
    overdue = n_mark(other_class_pupil, date(2026, 11, 19))
    young = n_mark(pupil, date(2026, 11, 26))
    client = login(office_staff)
    response = client.post(
        reverse("attendance:n_convert_bulk"),
        {
            "absence": [f"{due[0].pk},{due[1].pk}", str(overdue.pk), str(young.pk)],
            "reason": "No reason given after three calls and a letter.",
        },
        follow=True,
    )
    page = response.content.decode()
    # The reason's own full stop ends the sentence once, outside the quotes.
    assert (
        "3 sessions are now O (unauthorised), with the reason \u201cNo reason given after three calls and a letter\u201d."
        in page
    )
    assert "Not changed: 1 session is still within its 5 school days, so it stays N." in page
    codes = dict(RegisterMark.objects.values_list("pk", "code"))
    assert [codes[m.pk] for m in (*due, overdue, young)] == ["O", "O", "O", "N"]
    reasons = set(MarkAmendment.objects.values_list("reason", flat=True))
    assert reasons == {"No reason given after three calls and a letter."}
    assert AuditEntry.objects.filter(action="attendance.mark.amended").count() == 3


@time_machine.travel("2026-11-27 10:00 +0000", tick=False)
def test_bulk_change_needs_a_reason_and_touches_no_other_school(
    login, office_staff, pupil, other_school_pupil
):
    mine = n_mark(pupil, date(2026, 11, 19))
    foreign = n_mark(other_school_pupil, date(2026, 11, 19))
    client = login(office_staff)
    client.post(reverse("attendance:n_convert_bulk"), {"absence": [str(mine.pk)], "reason": " "})
    client.post(reverse("attendance:n_convert_bulk"), {"absence": [str(foreign.pk)], "reason": "No reason"})
    assert set(RegisterMark.objects.values_list("code", flat=True)) == {"N"}


@time_machine.travel("2026-11-27 10:00 +0000", tick=False)
def test_the_queue_costs_the_same_queries_for_more_pupils(login, office_staff, school, own_class):
    client = login(office_staff)

    def build(n):
        for _ in range(n):
            p = f.PupilFactory(school=school, registration_class=own_class)
            f.PupilContactFactory(pupil=p)
            n_mark(p, date(2026, 11, 19))
            n_mark(p, date(2026, 11, 19), "PM")

    build(2)
    client.get(reverse("attendance:n_queue"))  # the first request also loads the session and roles
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("attendance:n_queue"))
    build(6)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("attendance:n_queue")).content.decode()
    assert page.count('data-testid="n-queue-pupil"') == 8
    assert len(many.captured_queries) == len(few.captured_queries)


@time_machine.travel("2026-11-27 10:00 +0000", tick=False)
def test_a_bulk_change_that_changes_nothing_says_so_and_why(login, office_staff, pupil, other_school_pupil):
    young = n_mark(pupil, date(2026, 11, 26))
    recoded = n_mark(pupil, date(2026, 11, 18))
    RegisterMark.objects.filter(pk=recoded.pk).update(code="I")
    foreign = n_mark(other_school_pupil, date(2026, 11, 19))
    response = login(office_staff).post(
        reverse("attendance:n_convert_bulk"),
        {"absence": [str(young.pk), str(recoded.pk), str(foreign.pk)], "reason": "No reason given."},
        follow=True,
    )
    page = response.content.decode()
    assert "now O" not in page and "0 sessions" not in page
    assert (
        "Nothing was changed: 1 session is still within its 5 school days, so it stays N; "
        "1 already had another code; 1 is no longer in the N queue." in page
    )
    assert not MarkAmendment.objects.exists()


@time_machine.travel("2026-11-27 10:00 +0000", tick=False)
def test_one_pupils_single_absence_is_changed_with_the_bulk_form(login, office_staff, pupil):
    """The queue's one way to change N to O: the bulk form with one absence ticked (there is no
    separate per-mark address any more)."""
    old = n_mark(pupil, date(2026, 11, 19))
    response = login(office_staff).post(
        reverse("attendance:n_convert_bulk"),
        {"absence": [str(old.pk)], "reason": "No reason given."},
        follow=True,
    )
    assert "1 session is now O (unauthorised)" in response.content.decode()
    old.refresh_from_db()
    assert (old.code, old.version) == ("O", 2)
    assert AuditEntry.objects.filter(action="attendance.mark.amended", object_id=str(old.pk)).exists()


@time_machine.travel("2026-11-27 10:00 +0000", tick=False)
def test_bulk_change_with_nothing_ticked_says_to_tick_an_absence(login, office_staff, pupil):
    n_mark(pupil, date(2026, 11, 19))
    client = login(office_staff)
    response = client.post(reverse("attendance:n_convert_bulk"), {"reason": "No reason given."}, follow=True)
    page = response.content.decode()
    assert "Nothing changed. Tick at least one absence to change to O." in page
    assert "This field is required" not in page
    assert RegisterMark.objects.get().code == "N"
