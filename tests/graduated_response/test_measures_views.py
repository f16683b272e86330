"""The formal measures pages: who may see and issue them, errors beside the fields, refusals kept
and shown, stale saves refused, and the contract form's PDF with the pupil's live figures."""

import io
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from graduated_response import measures
from graduated_response.models import (
    AttendanceContract,
    Case,
    NoticeToImprove,
    PenaltyNotice,
    PenaltyNoticeRefusal,
)
from tests import factories as f
from tests.graduated_response.conftest import fill_marks

TODAY = date(2026, 11, 16)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_today")]


@pytest.fixture
def _today():
    with time_machine.travel(TODAY):
        yield


@pytest.fixture
def case(pupil):
    # 10 mornings of O (2-13 November; 28-30 October is half-term) and one late mark, the rest present.
    fill_marks(
        pupil,
        date(2026, 9, 1),
        date(2026, 11, 13),
        lambda d, s, i: "O" if d >= date(2026, 10, 28) and s == "AM" else ("L" if i == 3 else "/"),
    )
    return Case.objects.create(school=pupil.school, pupil=pupil, current_tier=4, opened_on=date(2026, 10, 1))


@pytest.fixture
def mum(pupil):
    return f.PupilContactFactory(pupil=pupil, contact__first_name="Rosa", contact__last_name="Quill").contact


def _contract(actor, case, **kw):
    return measures.attendance_contract_create(
        actor=actor,
        case=case,
        parties="Ms Quill, the attendance officer",
        parent_requirements="Bring Sam to school by 8:45 every day.",
        school_requirements="A daily check-in with the key adult.",
        support_offered="Breakfast club; a referral to the family hub.",
        start_on=date(2026, 11, 2),
        duration_months=kw.pop("duration_months", 6),
        review_dates=[date(2026, 12, 7), date(2027, 2, 1)],
        **kw,
    )


# --- who may ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["class_teacher", "teaching_assistant", "governor", "sendco"])
def test_only_case_managers_see_or_issue_measures(request, who, case, mum, client_for):
    user = request.getfixturevalue(who)
    if who == "class_teacher":
        case.key_adult = user
        case.save()
    client = client_for(user)
    create = reverse("graduated_response:penalty_notice_create", args=[case.pk])
    assert client.get(create).status_code in {403, 404}
    response = client.post(create, {"parent": mum.pk, "issued_on": "2026-11-16", "sent_by": "hand"})
    assert response.status_code in {403, 404}
    assert client.get(reverse("graduated_response:panel_case_measures", args=[case.pk])).status_code in {
        403,
        404,
    }
    assert not PenaltyNotice.objects.exists() and not PenaltyNoticeRefusal.objects.exists()


def test_case_page_loads_the_panel_for_case_managers_only(case, attendance_officer, sendco, client_for):
    panel = reverse("graduated_response:panel_case_measures", args=[case.pk])
    page = client_for(attendance_officer).get(reverse("graduated_response:case_detail", args=[case.pk]))
    assert f'hx-get="{panel}"' in page.content.decode() and 'hx-trigger="load"' in page.content.decode()
    page = client_for(sendco).get(reverse("graduated_response:case_detail", args=[case.pk]))
    assert panel not in page.content.decode()


# --- penalty notices ----------------------------------------------------------------------------------
def test_officer_issues_a_penalty_notice_with_support_on_record(case, mum, attendance_officer, client_for):
    _contract(attendance_officer, case, status="agreed")
    client = client_for(attendance_officer)
    create = reverse("graduated_response:penalty_notice_create", args=[case.pk])
    page = client.get(create).content.decode()
    assert "Rosa Quill" in page and "notice 1 may be issued" in page
    response = client.post(
        create, {"parent": mum.pk, "issued_on": "2026-11-16", "sent_by": "post", "reference": "PN-1"}
    )
    notice = PenaltyNotice.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/measures/penalty-notices/{notice.pk}/"
    )
    assert (notice.sequence, notice.received_on, notice.unauthorised_10_weeks) == (1, date(2026, 11, 18), 10)
    detail = client.get(response["Location"]).content.decode()
    assert "£80 by 9 December 2026" in detail and "£160 by 16 December 2026" in detail
    panel = client.get(reverse("graduated_response:panel_case_measures", args=[case.pk])).content.decode()
    assert "Penalty notice 1 to Rosa Quill" in panel
    assert "Attendance contract" in panel and "Agreed" in panel and "Review 7 Dec 2026" in panel


def test_a_refused_notice_shows_the_reasons_and_alternatives_and_is_kept(
    case, mum, attendance_officer, client_for
):
    client = client_for(attendance_officer)
    create = reverse("graduated_response:penalty_notice_create", args=[case.pk])
    response = client.post(create, {"parent": mum.pk, "issued_on": "2026-11-16", "sent_by": "hand"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "This penalty notice cannot be issued" in text and "No support is on record" in text
    assert "attendance contract or a further meeting" in text
    assert not PenaltyNotice.objects.exists()
    refusal = PenaltyNoticeRefusal.objects.get()
    panel = client.get(reverse("graduated_response:panel_case_measures", args=[case.pk])).content.decode()
    assert "Penalty notices refused by the framework" in panel and refusal.reasons[0][:30] in panel


def test_payment_with_the_wrong_amount_is_refused_beside_the_field(case, mum, attendance_officer, client_for):
    _contract(attendance_officer, case)
    notice = measures.penalty_notice_issue(
        actor=attendance_officer,
        case=case,
        parent=mum,
        issued_on=date(2026, 11, 13),
        received_on=date(2026, 11, 13),
    )
    client = client_for(attendance_officer)
    url = reverse("graduated_response:penalty_notice_payment", args=[notice.pk])
    response = client.post(url, {"paid_on": "2026-11-16", "amount": "160", "expected_status": "issued"})
    assert response.status_code == 400
    assert "The amount due when paid on 16 November 2026 is £80." in response.content.decode()
    response = client.post(url, {"paid_on": "2026-11-16", "amount": "80", "expected_status": "issued"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "paid"
    # A second click from the same stale page is refused and says so, naming who did it.
    response = client.post(url, {"paid_on": "2026-11-16", "amount": "80", "expected_status": "issued"})
    assert response.status_code == 400 and "This notice is already paid by" in response.content.decode()


def test_a_withdrawn_notice_shows_nothing_to_pay(case, mum, attendance_officer, client_for):
    _contract(attendance_officer, case)
    notice = measures.penalty_notice_issue(
        actor=attendance_officer,
        case=case,
        parent=mum,
        issued_on=date(2026, 11, 13),
        received_on=date(2026, 11, 13),
    )
    client = client_for(attendance_officer)
    page = reverse("graduated_response:penalty_notice_detail", args=[notice.pk])
    assert "£80 by 4 December 2026" in client.get(page).content.decode()
    url = reverse("graduated_response:penalty_notice_withdraw", args=[notice.pk])
    assert client.post(url, {"reason": "Issued in error", "expected_status": "issued"}).status_code == 302
    text = client.get(page).content.decode()
    assert "Issued in error" in text
    assert "To pay" not in text and "£80 by" not in text


# --- notices to improve ----------------------------------------------------------------------------------
def test_notice_to_improve_period_refused_beside_the_field(case, attendance_officer, client_for):
    client = client_for(attendance_officer)
    url = reverse("graduated_response:notice_to_improve_create", args=[case.pk])
    form = client.get(url).content.decode()
    token = form.split('name="submission_token" value="')[1].split('"')[0]
    data = {
        "issued_on": "2026-11-16",
        "period_start": "2026-11-16",
        "period_end": "2026-12-06",  # 20 days
        "record": "12 unauthorised mornings",
        "support_offered": "Breakfast club",
        "sufficient_improvement": "No unauthorised absence",
        "submission_token": token,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "at least 3 weeks (21 days); this one is 20 days" in response.content.decode()
    assert not NoticeToImprove.objects.exists()
    data["period_end"] = "2026-12-07"
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double submit makes one notice
    assert NoticeToImprove.objects.count() == 1


def test_measure_history_reads_in_words_not_status_codes(case, attendance_officer, client_for):
    notice = measures.notice_to_improve_issue(
        actor=attendance_officer,
        case=case,
        issued_on=date(2026, 11, 16),
        period_start=date(2026, 11, 16),
        period_end=date(2026, 12, 7),
        record="12 unauthorised mornings",
        support_offered="Breakfast club",
        sufficient_improvement="No unauthorised absence",
    )
    page = client_for(attendance_officer).get(
        reverse("graduated_response:notice_to_improve_detail", args=[notice.pk])
    )
    history = page.content.decode().split('data-testid="measure-history"')[1].split("</ul>")[0]
    assert "new to In its improvement period" in history
    assert "in_period" not in history


# --- contracts ---------------------------------------------------------------------------------------------
def test_contract_create_warns_outside_3_to_12_months(case, attendance_officer, client_for):
    client = client_for(attendance_officer)
    url = reverse("graduated_response:contract_create", args=[case.pk])
    data = {
        "parties": "Ms Quill and the attendance officer",
        "parent_requirements": "Mornings on time",
        "school_requirements": "A daily check-in",
        "support_offered": "Breakfast club",
        "start_on": "2026-11-16",
        "duration_months": "2",
        "status": "agreed",
        "review_1": "2026-12-14",
    }
    response = client.post(url, data, follow=True)
    contract = AttendanceContract.objects.get()
    assert contract.status == "agreed" and [r.due_on for r in contract.reviews.all()] == [date(2026, 12, 14)]
    assert "Most attendance contracts last 3 to 12 months; this one is 2 months." in response.content.decode()


def test_contract_review_date_outside_the_contract_is_refused(case, attendance_officer, client_for):
    client = client_for(attendance_officer)
    url = reverse("graduated_response:contract_create", args=[case.pk])
    data = {
        "parties": "Ms Quill",
        "parent_requirements": "Mornings on time",
        "school_requirements": "A daily check-in",
        "support_offered": "Breakfast club",
        "start_on": "2026-11-16",
        "duration_months": "3",
        "status": "proposed",
        "review_1": "2027-06-01",
    }
    response = client.post(url, data)
    assert (
        response.status_code == 400 and "Review dates fall within the contract" in response.content.decode()
    )


def test_contract_status_change_from_a_stale_page_is_refused(
    case, attendance_officer, headteacher, client_for
):
    contract = _contract(attendance_officer, case)
    measures.attendance_contract_move(
        actor=headteacher, contract=contract, to="agreed", expected_status="proposed"
    )
    response = client_for(attendance_officer).post(
        reverse("graduated_response:contract_move", args=[contract.pk]),
        {"to": "agreed", "expected_status": "proposed", "reason": ""},
    )
    assert response.status_code == 400
    assert "This contract was already moved to agreed by" in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == "agreed"
    assert [e.to_status for e in measures.history_of(contract)] == ["proposed", "agreed"]


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_contract_pdf_has_the_pupils_live_figures(case, mum, attendance_officer, client_for):
    contract = _contract(attendance_officer, case, reasons_given="Sam finds mornings hard.")
    case.pupil.legal_first_name = "<script>alert(1)</script>"
    case.pupil.save()
    response = client_for(attendance_officer).get(
        reverse("graduated_response:contract_pdf", args=[contract.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    figures = measures.selectors.pupil_case_figures(
        case=case, on=TODAY, calendar=measures.SchoolCalendar.for_school(case.school)
    ).figures
    assert "<script>alert(1)</script>" in text
    assert f"{figures.attendance_pct_1dp}%" in text
    assert f"{figures.absent} sessions" in text
    assert f"{figures.unauthorised} sessions" in text and figures.unauthorised == 10
    assert "1 time," in text and "1 times" not in text  # the one late mark
    hours = figures.hours_lost(case.school.hours_per_session)
    assert f"about {hours.quantize(Decimal('1'), ROUND_HALF_UP)} hours" in text
    assert "Rosa Quill" in text and "Bring Sam to school by 8:45 every day." in text
    assert "Review 1: 7 December 2026" in text
    # Live: another unauthorised session shows in the next print.
    f.RegisterMarkFactory(
        pupil=case.pupil, school=case.school, date=date(2026, 11, 16), session="AM", code="O"
    )
    text = _pdf_text(
        client_for(attendance_officer)
        .get(reverse("graduated_response:contract_pdf", args=[contract.pk]))
        .content
    )
    assert "Absences not authorised 11 sessions" in text


# --- legal steps ---------------------------------------------------------------------------------------
def test_education_supervision_order_has_a_year_and_3_monthly_reviews(case, attendance_officer, client_for):
    client = client_for(attendance_officer)
    url = reverse("graduated_response:legal_step_create", args=[case.pk])
    form = client.get(url).content.decode()
    token = form.split('name="submission_token" value="')[1].split('"')[0]
    response = client.post(
        url, {"kind": "eso", "status": "active", "started_on": "2026-11-16", "submission_token": token}
    )
    assert response.status_code == 302
    step = case.legal_steps.get()
    assert step.ends_on == date(2027, 11, 16) and step.next_review_on == date(2027, 2, 16)
    assert [r.due_on for r in step.reviews.all()] == [
        date(2027, 2, 16),
        date(2027, 5, 16),
        date(2027, 8, 16),
        date(2027, 11, 16),
    ]
    response = client.post(
        reverse("graduated_response:legal_step_extend", args=[step.pk]), {"ends_on": "2031-01-01"}
    )
    assert response.status_code == 400 and "at most 3 years" in response.content.decode()


def test_contract_amend_from_a_stale_form_is_refused_naming_who(
    case, attendance_officer, headteacher, client_for
):
    contract = _contract(attendance_officer, case)
    client = client_for(attendance_officer)
    url = reverse("graduated_response:contract_update", args=[contract.pk])
    page = client.get(url).content.decode()
    version = page.split('name="expected_version" value="')[1].split('"')[0]
    measures.attendance_contract_update(
        actor=headteacher, contract=contract, support_offered="Breakfast club and a lift on Mondays."
    )
    data = {
        "parties": contract.parties,
        "parent_requirements": "Bring Sam by 8:40.",
        "school_requirements": contract.school_requirements,
        "support_offered": "Breakfast club.",
        "start_on": "2026-11-02",
        "duration_months": "6",
        "expected_version": version,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Someone else changed this while you were editing" in response.content.decode()
    contract.refresh_from_db()
    assert contract.support_offered == "Breakfast club and a lift on Mondays."
    # Saving again after reading the refusal is a deliberate overwrite, with a new review date.
    page = response.content.decode()
    data["expected_version"] = page.split('name="expected_version" value="')[1].split('"')[0]
    data["new_review_on"] = "2027-03-01"
    assert client.post(url, data).status_code == 302
    contract.refresh_from_db()
    assert contract.parent_requirements == "Bring Sam by 8:40."
    assert date(2027, 3, 1) in [r.due_on for r in contract.reviews.all()]


def test_review_recorded_from_a_stale_form_is_refused(case, attendance_officer, headteacher, client_for):
    contract = _contract(attendance_officer, case)
    review = contract.reviews.order_by("due_on").first()
    client = client_for(attendance_officer)
    page = client.get(reverse("graduated_response:contract_detail", args=[contract.pk])).content.decode()
    version = page.split(f'name="review-{review.pk}-expected_version" value="')[1].split('"')[0]
    measures.measure_review_record(actor=headteacher, review=review, held_on=TODAY, outcome="Going well.")
    response = client.post(
        reverse("graduated_response:review_record", args=[review.pk]),
        {
            f"review-{review.pk}-held_on": "2026-11-16",
            f"review-{review.pk}-outcome": "Not kept.",
            f"review-{review.pk}-expected_version": version,
        },
    )
    assert response.status_code == 400 and "Someone else changed this" in response.content.decode()
    review.refresh_from_db()
    assert review.outcome == "Going well."


def test_hostile_text_prints_literally_on_the_measures_pages(case, mum, attendance_officer, client_for):
    mum.first_name = "<script>alert(1)</script>"
    mum.save()
    contract = _contract(attendance_officer, case, reasons_given="{{ secret }} {% debug %}")
    client = client_for(attendance_officer)
    detail = client.get(reverse("graduated_response:contract_detail", args=[contract.pk])).content.decode()
    assert "{{ secret }} {% debug %}" in detail
    page = client.get(reverse("graduated_response:penalty_notice_create", args=[case.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
