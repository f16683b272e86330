"""The SENDCo dashboard, the class teacher's view and the home and pupil panels."""

from datetime import date

import time_machine

from send import services
from tests import factories as f


@time_machine.travel("2026-11-23 10:00", tick=False)
def test_dashboard_counts_triage_reviews_and_send_attendance(
    login, sendco, school, own_class, django_assert_max_num_queries
):
    pupils = [f.PupilFactory(school=school, registration_class=own_class) for _ in range(6)]
    for pupil, status, need in zip(
        pupils,
        ["sen_support", "sen_support", "ehc_plan", "monitoring", "sen_support", "removed"],
        ["SLCN", "SEMH", "ASD", "", "SLCN", ""],
        strict=True,
    ):
        f.SendRecordFactory(pupil=pupil, status=status, primary_need=need)
    for pupil in pupils[:3]:
        pupil.sen_provision = "E" if pupil is pupils[2] else "K"
        pupil.save()
    f.ConcernFactory(pupil=pupils[3])
    f.SupportCycleFactory(pupil=pupils[0], review_due=date(2026, 11, 20))
    f.SupportCycleFactory(pupil=pupils[1], review_due=date(2026, 11, 30))
    # Pupil 0 absent half the time (persistent absence), pupil 1 always present.
    for day in (date(2026, 11, 16), date(2026, 11, 17)):
        f.RegisterMarkFactory(pupil=pupils[0], date=day, session="AM", code="/")
        f.RegisterMarkFactory(pupil=pupils[0], date=day, session="PM", code="O")
        f.RegisterMarkFactory(pupil=pupils[1], date=day, session="AM", code="/")
        f.RegisterMarkFactory(pupil=pupils[1], date=day, session="PM", code="/")
    client = login(sendco)
    # 30, 6 for the overdue deadlines count (one or two queries a deadline source, never per pupil),
    # 1 for the K/E pupils with no need recorded, and 1 for the menu's "does this user have a class"
    # (policy.has_own_class, once a request); none of them grows with pupils
    with django_assert_max_num_queries(38):
        page = client.get("/send/").content.decode()
    assert 'data-testid="register-sen_support">3<' in page
    assert 'data-testid="register-ehc_plan">1<' in page and 'data-testid="register-removed">1<' in page
    assert 'data-testid="need-SLCN">2<' in page and 'data-testid="need-ASD">1<' in page
    assert page.count('data-testid="concern-row"') == 1
    assert page.count('data-testid="review-overdue"') == 1 and page.count('data-testid="review-due"') == 1
    assert 'data-testid="send-attendance">75.0%' in page  # 6 of 8 sessions, a ratio of sums
    assert 'data-testid="send-persistent">1 of 3' in page


@time_machine.travel("2026-11-23 10:00", tick=False)
def test_class_view_lists_only_own_class_pupils_with_targets(
    login, class_teacher, sendco, school, own_class, other_class, django_assert_max_num_queries
):
    mine = [f.PupilFactory(school=school, registration_class=own_class) for _ in range(5)]
    theirs = f.PupilFactory(school=school, registration_class=other_class, legal_first_name="Zebedee")
    for pupil in [*mine, theirs]:
        f.SendRecordFactory(pupil=pupil)
        f.TargetFactory(
            cycle=f.SupportCycleFactory(pupil=pupil), strategies=f"Strategy for {pupil.legal_first_name}"
        )
    services.passport_save(
        actor=sendco,
        pupil=mine[0],
        liked_and_admired="Kind",
        important_to_me="Football",
        how_to_support_me="Tell me what comes next",
    )
    client = login(class_teacher)
    with django_assert_max_num_queries(20):
        page = client.get("/send/my-class/").content.decode()
    assert page.count('data-testid="class-send-pupil"') == 5
    assert f"Strategy for {mine[1].legal_first_name}" in page and "Zebedee" not in page
    assert "Tell me what comes next" in page


def test_home_and_pupil_panels(login, class_teacher, sendco, pupil):
    f.SendRecordFactory(pupil=pupil, primary_need="ASD")
    f.ConcernFactory(pupil=pupil)
    teacher_panel = login(class_teacher).get("/send/panel/").content.decode()
    assert 'data-testid="send-overdue">0<' in teacher_panel
    assert "awaiting triage" not in teacher_panel
    panel = login(sendco).get(f"/send/pupils/{pupil.pk}/panel/").content.decode()
    assert "Autistic spectrum disorder" in panel and "SEN support" in panel
    assert 'data-testid="send-awaiting-triage">1<' in login(sendco).get("/send/panel/").content.decode()
