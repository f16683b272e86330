"""Pages for the formal measures on a case: attendance contracts (with the printable contract form),
notices to improve, penalty notices and legal steps. Case managers only (policy.MANAGE_CASES: the
attendance officer and the headteacher); a class teacher or key adult never sees or issues them.

Thin views, one per action: access helper, form, service (errors beside the fields), then redirect
or render."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from letters import outbox
from letters.rendering import pdf_response, render_pdf
from school import policy
from school.calendar import SchoolCalendar
from school.forms import apply_service
from school.policy import capability_required

from . import measures, selectors
from . import notice_to_improve as nti_rules
from . import penalty_notices as pn_rules
from .forms_measures import (
    ContractEditForm,
    ContractForm,
    ContractMoveForm,
    ExtendForm,
    LegalStepForm,
    LegalStepMoveForm,
    NoticeOutcomeForm,
    NoticeToImproveForm,
    PaymentForm,
    PenaltyNoticeForm,
    ProsecuteForm,
    ReceiptForm,
    ReviewForm,
    UnpaidForm,
    WithdrawNoticeForm,
)
from .models import AttendanceContract, Case, LegalStep, MeasureReview, NoticeToImprove, PenaltyNotice

MANAGE = policy.MANAGE_CASES


# --- access -----------------------------------------------------------------------------------------
def _case(request, pk) -> Case:
    qs = Case.objects.filter(school=request.school).select_related(
        "pupil", "pupil__registration_class", "school"
    )
    return policy.access_pupil_record(request.user, request.school, qs, pk)


def _measure(request, model, pk):
    qs = model.objects.filter(case__school=request.school).select_related(
        "case", "case__pupil", "case__school"
    )
    return policy.access_pupil_record(request.user, request.school, qs, pk, pupil_field="case__pupil")


def _review(request, pk) -> MeasureReview:
    qs = MeasureReview.objects.select_related("contract__case__pupil", "legal_step__case__pupil")
    review = qs.filter(pk=pk).first()
    measure = review.measure if review else None
    # The review's measure must be one this user may open (its case, its pupil, this school).
    _measure(request, type(measure) if measure else AttendanceContract, measure.pk if measure else 0)
    return review


def _form_page(request, *, case, form, title, lead="", status=200, extra=None):
    context = {"case": case, "pupil": case.pupil, "form": form, "title": title, "lead": lead, **(extra or {})}
    return render(request, "graduated_response/measures/form.html", context, status=status)


# --- the case page's panel ----------------------------------------------------------------------------
@require_safe
@capability_required(MANAGE)
def panel_case_measures(request, pk):
    case = _case(request, pk)
    context = {"case": case, **selectors.case_measures(case=case, today=timezone.localdate())}
    return render(request, "graduated_response/measures/panel.html", context)


# --- attendance contracts -------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@capability_required(MANAGE)
def contract_create(request, pk):
    case = _case(request, pk)
    title = f"Attendance contract for {case.pupil}"
    lead = (
        "Voluntary, and agreed with the parents present. Most last 3 to 12 months; set review dates "
        "within it."
    )
    if request.method == "POST":
        form = ContractForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            reviews = form.review_dates()
            for key in ("review_1", "review_2", "review_3"):
                data.pop(key, None)
            form.cleaned_data = data
            call = lambda: measures.attendance_contract_create(  # noqa: E731
                actor=request.user,
                case=case,
                review_dates=reviews,
                **{k: v for k, v in form.cleaned_data.items() if k != "submission_token"},
            )
            contract = apply_service(form, call, actor=request.user)
            if contract is not None:
                messages.success(request, "Attendance contract recorded.")
                if contract.duration_warning:
                    messages.warning(request, contract.duration_warning)
                return redirect("graduated_response:contract_detail", pk=contract.pk)
        return _form_page(request, case=case, form=form, title=title, lead=lead, status=400)
    form = ContractForm(initial={"start_on": timezone.localdate(), "duration_months": 6})
    return _form_page(request, case=case, form=form, title=title, lead=lead)


def _contract_page(request, contract, *, move_form=None, bound_review=None, status=200):
    reviews = list(contract.reviews.all())
    review_forms = [
        (
            r,
            bound_review
            if bound_review is not None and bound_review.instance.pk == r.pk
            else ReviewForm(instance=r, prefix=f"review-{r.pk}"),
        )
        for r in reviews
    ]
    context = {
        "contract": contract,
        "case": contract.case,
        "pupil": contract.case.pupil,
        "review_forms": review_forms,
        "move_form": move_form or ContractMoveForm(current_status=contract.status),
        "history": measures.history_of(contract),
    }
    return render(request, "graduated_response/measures/contract_detail.html", context, status=status)


@require_safe
@capability_required(MANAGE)
def contract_detail(request, pk):
    return _contract_page(request, _measure(request, AttendanceContract, pk))


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE)
def contract_update(request, pk):
    contract = _measure(request, AttendanceContract, pk)
    case = contract.case
    title = f"Amend the attendance contract for {case.pupil}"
    if request.method == "POST":
        form = ContractEditForm(request.POST, instance=contract)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("expected_version", None)
            done = apply_service(
                form,
                partial(
                    measures.attendance_contract_update,
                    actor=request.user,
                    contract=contract,
                    expected_version=version,
                    **data,
                ),
            )
            if done is not None:
                messages.success(request, "Contract saved.")
                if done.duration_warning:
                    messages.warning(request, done.duration_warning)
                return redirect("graduated_response:contract_detail", pk=contract.pk)
        return _form_page(request, case=case, form=form, title=title, status=400)
    return _form_page(request, case=case, form=ContractEditForm(instance=contract), title=title)


@require_POST
@capability_required(MANAGE)
def contract_move(request, pk):
    contract = _measure(request, AttendanceContract, pk)

    def current():
        return AttendanceContract.objects.get(pk=contract.pk).status

    form = ContractMoveForm(request.POST, current_status=contract.status, read_status=current)
    if form.is_valid():
        done = apply_service(
            form,
            partial(
                measures.attendance_contract_move,
                actor=request.user,
                contract=contract,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
                expected_status=form.cleaned_data["expected_status"],
            ),
        )
        if done is not None:
            messages.success(request, f"The contract is now {done.get_status_display().lower()}.")
            return redirect("graduated_response:contract_detail", pk=contract.pk)
    contract.refresh_from_db()
    return _contract_page(request, contract, move_form=form, status=400)


@require_POST
@capability_required(MANAGE)
def review_record(request, pk):
    review = _review(request, pk)
    form = ReviewForm(request.POST, instance=review, prefix=f"review-{review.pk}")
    if form.is_valid():
        done = apply_service(
            form,
            partial(
                measures.measure_review_record,
                actor=request.user,
                review=review,
                held_on=form.cleaned_data["held_on"],
                outcome=form.cleaned_data["outcome"],
                expected_version=form.cleaned_data.get("expected_version"),
            ),
        )
        if done is not None:
            messages.success(request, "Review recorded.")
            return redirect(_measure_url(review.measure))
    review.refresh_from_db()
    if review.contract_id:
        return _contract_page(request, review.contract, bound_review=form, status=400)
    return _legal_step_page(request, review.legal_step, bound_review=form, status=400)


def _measure_url(measure) -> str:
    if isinstance(measure, AttendanceContract):
        return reverse("graduated_response:contract_detail", args=[measure.pk])
    return reverse("graduated_response:legal_step_detail", args=[measure.pk])


@require_safe
@capability_required(MANAGE)
def contract_pdf(request, pk):
    """The contract form (seed Appendix 6) with the pupil's figures as they are now."""
    contract = _measure(request, AttendanceContract, pk)
    case, today = contract.case, timezone.localdate()
    calendar = SchoolCalendar.for_school(request.school)
    figures = selectors.pupil_case_figures(case=case, on=today, calendar=calendar).figures
    parents = list(measures.parents_for(case=case))
    pdf = render_pdf(
        "graduated_response/measures/pdf/contract.html",
        {
            "contract": contract,
            "pupil": case.pupil,
            "school": request.school,
            "figures": figures,
            "hours_lost": figures.hours_lost(request.school.hours_per_session),
            "parents": parents,
            "reviews": list(contract.reviews.all()),
            "today": today,
        },
    )
    return pdf_response(pdf, f"attendance-contract-{case.pupil_id}-{contract.pk}.pdf")


# --- notices to improve ---------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@capability_required(MANAGE)
def notice_to_improve_create(request, pk):
    case = _case(request, pk)
    title = f"Notice to improve for {case.pupil}"
    lead = (
        "For when support is appropriate but has not been taken up. The improvement period is 3 to 6 weeks; "
        "say what the record is, what support is offered and what sufficient improvement means."
    )
    if request.method == "POST":
        form = NoticeToImproveForm(request.POST)
        if form.is_valid():
            notice = apply_service(
                form,
                lambda: measures.notice_to_improve_issue(
                    actor=request.user,
                    case=case,
                    **{k: v for k, v in form.cleaned_data.items() if k != "submission_token"},
                ),
                actor=request.user,
            )
            if notice is not None:
                messages.success(request, "Notice to improve recorded.")
                if form.cleaned_data.get("produce_letters"):
                    messages.info(request, "Its letters are being prepared: see Letters on the case page.")
                return redirect("graduated_response:notice_to_improve_detail", pk=notice.pk)
        return _form_page(request, case=case, form=form, title=title, lead=lead, status=400)
    today = timezone.localdate()
    form = NoticeToImproveForm(
        initial={"issued_on": today, "period_start": today, "period_end": nti_rules.default_end(today)}
    )
    return _form_page(request, case=case, form=form, title=title, lead=lead)


def _notice_page(request, notice, *, outcome_form=None, status=200):
    context = {
        "notice": notice,
        "case": notice.case,
        "pupil": notice.case.pupil,
        "outcome_form": outcome_form or NoticeOutcomeForm(),
        "period_over": nti_rules.is_over(notice.period_end, timezone.localdate()),
        "next_step": nti_rules.NEXT_STEP.get(notice.status, ""),
        "history": measures.history_of(notice),
    }
    return render(
        request, "graduated_response/measures/notice_to_improve_detail.html", context, status=status
    )


@require_safe
@capability_required(MANAGE)
def notice_to_improve_detail(request, pk):
    return _notice_page(request, _measure(request, NoticeToImprove, pk))


@require_POST
@capability_required(MANAGE)
def notice_to_improve_outcome(request, pk):
    notice = _measure(request, NoticeToImprove, pk)
    form = NoticeOutcomeForm(request.POST)
    if form.is_valid():
        done = apply_service(
            form,
            partial(
                measures.notice_to_improve_outcome,
                actor=request.user,
                notice=notice,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                expected_status=form.cleaned_data["expected_status"],
            ),
        )
        if done is not None:
            messages.success(request, f"Outcome recorded: {done.get_status_display()}.")
            return redirect("graduated_response:notice_to_improve_detail", pk=notice.pk)
    notice.refresh_from_db()
    return _notice_page(request, notice, outcome_form=form, status=400)


# --- penalty notices ----------------------------------------------------------------------------------
def _penalty_form_page(request, case, form, *, refusal=None, status=200):
    today = timezone.localdate()
    parents = list(measures.parents_for(case=case))
    checks = [(p, measures.penalty_notice_check(case=case, parent=p, on=today)) for p in parents]
    context = {
        "case": case,
        "pupil": case.pupil,
        "form": form,
        "checks": checks,
        "refusal": refusal,
        "count_10_weeks": measures.unauthorised_10_weeks(case=case, on=today),
        "previous_school_counted": measures.previous_school_counted(case.school),
        "support": measures.support_on_record(pupil=case.pupil, on=today),
        "threshold": pn_rules.THRESHOLD_SESSIONS,
    }
    return render(request, "graduated_response/measures/penalty_notice_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE)
def penalty_notice_create(request, pk):
    case = _case(request, pk)
    parents = measures.parents_for(case=case)
    if request.method != "POST":
        form = PenaltyNoticeForm(parents=parents, initial={"issued_on": timezone.localdate()})
        return _penalty_form_page(request, case, form)
    form = PenaltyNoticeForm(request.POST, parents=parents)
    if not form.is_valid():
        return _penalty_form_page(request, case, form, status=400)
    data = form.cleaned_data
    received = data["received_on"] or pn_rules.deemed_received(
        issued_on=data["issued_on"], by_post=data["sent_by"] == "post"
    )
    refused: list[pn_rules.Decision] = []

    def issue():
        try:
            return measures.penalty_notice_issue(
                actor=request.user,
                case=case,
                parent=data["parent"],
                issued_on=data["issued_on"],
                received_on=received,
                reference=data["reference"],
            )
        except measures.PenaltyNoticeRefused as exc:
            refused.append(exc.decision)
            raise

    notice = apply_service(form, issue, actor=request.user)
    if notice is None:
        refusal = None
        if refused:
            # Kept on the case, so the refusal and its reasons stay visible after this page; the
            # reasons show once, in the refusal box with the alternatives, not again above the form.
            refusal = measures.penalty_notice_refusal_record(
                actor=request.user,
                case=case,
                parent=data["parent"],
                on=data["issued_on"],
                decision=refused[0],
            )
            form.errors.pop(NON_FIELD_ERRORS, None)
        return _penalty_form_page(request, case, form, refusal=refusal, status=400)
    messages.success(request, f"Penalty notice to {notice.parent} recorded (notice {notice.sequence} of 2).")
    return redirect("graduated_response:penalty_notice_detail", pk=notice.pk)


def _notice_forms(notice, bound=None):
    today = timezone.localdate()
    forms = {
        "receipt": ReceiptForm(initial={"received_on": notice.received_on}, versioned=(notice,)),
        "payment": PaymentForm(initial={"paid_on": today, "expected_status": notice.status}),
        "unpaid": UnpaidForm(initial={"on": today, "expected_status": notice.status}),
        "withdraw": WithdrawNoticeForm(initial={"expected_status": notice.status}),
        "prosecute": ProsecuteForm(initial={"on": today, "expected_status": notice.status}),
    }
    if bound:
        forms.update(bound)
    return forms


# Which of the notice's forms its page shows in each status (a refused form not shown any more, as
# someone else moved the notice first, has its message shown at the top instead).
SHOWN_IN = {
    "receipt": {"issued"},
    "payment": {"issued"},
    "unpaid": {"issued"},
    "prosecute": {"unpaid"},
    "withdraw": {"issued", "unpaid"},
}


def _penalty_notice_page(request, notice, *, bound=None, status=200):
    today = timezone.localdate()
    hidden_errors = [
        message
        for name, form in (bound or {}).items()
        if notice.status not in SHOWN_IN[name]
        for message in form.non_field_errors()
    ]
    context = {
        "notice": notice,
        "case": notice.case,
        "pupil": notice.case.pupil,
        "forms": _notice_forms(notice, bound),
        # A withdrawn notice has nothing to pay: its page does not show the amounts and dates.
        "deadlines": [] if notice.status == PenaltyNotice.Status.WITHDRAWN else notice.deadlines,
        "past_last_day": bool(notice.deadlines) and today > notice.deadlines[-1][1],
        "history": measures.history_of(notice),
        "steps": list(notice.legal_steps.all()),
        "hidden_errors": hidden_errors,
    }
    return render(request, "graduated_response/measures/penalty_notice_detail.html", context, status=status)


@require_safe
@capability_required(MANAGE)
def penalty_notice_detail(request, pk):
    return _penalty_notice_page(request, _measure(request, PenaltyNotice, pk))


def _notice_action(request, pk, *, name, form_class, call, success, form_kwargs=None):
    notice = _measure(request, PenaltyNotice, pk)
    form = form_class(request.POST, **(form_kwargs(notice) if form_kwargs else {}))
    if form.is_valid():
        done = apply_service(form, partial(call, notice, form.cleaned_data))
        if done is not None:
            messages.success(request, success)
            return redirect("graduated_response:penalty_notice_detail", pk=notice.pk)
    notice.refresh_from_db()
    return _penalty_notice_page(request, notice, bound={name: form}, status=400)


@require_POST
@capability_required(MANAGE)
def penalty_notice_receipt(request, pk):
    return _notice_action(
        request,
        pk,
        name="receipt",
        form_class=ReceiptForm,
        form_kwargs=lambda n: {"versioned": (n,)},
        success="Date of receipt recorded.",
        call=lambda n, d: measures.penalty_notice_receipt_record(
            actor=request.user,
            notice=n,
            received_on=d["received_on"],
            expected_version=d.get("expected_version"),
        ),
    )


@require_POST
@capability_required(MANAGE)
def penalty_notice_payment(request, pk):
    return _notice_action(
        request,
        pk,
        name="payment",
        form_class=PaymentForm,
        success="Payment recorded.",
        call=lambda n, d: measures.penalty_notice_payment_record(
            actor=request.user,
            notice=n,
            paid_on=d["paid_on"],
            amount=d["amount"],
            expected_status=d["expected_status"],
        ),
    )


@require_POST
@capability_required(MANAGE)
def penalty_notice_unpaid(request, pk):
    return _notice_action(
        request,
        pk,
        name="unpaid",
        form_class=UnpaidForm,
        success="Recorded as unpaid. The next step is a referral to the local authority for prosecution.",
        call=lambda n, d: measures.penalty_notice_unpaid_record(
            actor=request.user, notice=n, on=d["on"], expected_status=d["expected_status"]
        ),
    )


@require_POST
@capability_required(MANAGE)
def penalty_notice_withdraw(request, pk):
    return _notice_action(
        request,
        pk,
        name="withdraw",
        form_class=WithdrawNoticeForm,
        success="Notice withdrawn. It no longer counts towards this parent's notices for this child.",
        call=lambda n, d: measures.penalty_notice_withdraw(
            actor=request.user, notice=n, reason=d["reason"], expected_status=d["expected_status"]
        ),
    )


@require_POST
@capability_required(MANAGE)
def penalty_notice_prosecute(request, pk):
    return _notice_action(
        request,
        pk,
        name="prosecute",
        form_class=ProsecuteForm,
        success="Referred to the local authority for prosecution; the referral is on the case.",
        call=lambda n, d: measures.penalty_notice_refer_for_prosecution(
            actor=request.user, notice=n, on=d["on"], notes=d["notes"], expected_status=d["expected_status"]
        ),
    )


# --- legal steps -------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@capability_required(MANAGE)
def legal_step_create(request, pk):
    case = _case(request, pk)
    title = f"Legal step for {case.pupil}"
    lead = (
        "An education supervision order (one year at first, extendable up to 3 years; reviewed every 3 "
        "months) or a referral to the local authority for prosecution."
    )
    if request.method == "POST":
        form = LegalStepForm(request.POST)
        if form.is_valid():
            step = apply_service(
                form,
                lambda: measures.legal_step_create(
                    actor=request.user,
                    case=case,
                    **{k: v for k, v in form.cleaned_data.items() if k != "submission_token"},
                ),
                actor=request.user,
            )
            if step is not None:
                messages.success(request, f"{step.get_kind_display()} recorded.")
                return redirect("graduated_response:legal_step_detail", pk=step.pk)
        return _form_page(request, case=case, form=form, title=title, lead=lead, status=400)
    form = LegalStepForm(initial={"started_on": timezone.localdate()})
    return _form_page(request, case=case, form=form, title=title, lead=lead)


def _legal_step_page(request, step, *, move_form=None, extend_form=None, bound_review=None, status=200):
    reviews = list(step.reviews.all())
    review_forms = [
        (
            r,
            bound_review
            if bound_review is not None and bound_review.instance.pk == r.pk
            else ReviewForm(instance=r, prefix=f"review-{r.pk}"),
        )
        for r in reviews
    ]
    context = {
        "step": step,
        "case": step.case,
        "pupil": step.case.pupil,
        "review_forms": review_forms,
        "move_form": move_form or LegalStepMoveForm(current_status=step.status),
        "extend_form": extend_form or ExtendForm(versioned=(step,)),
        "history": measures.history_of(step),
    }
    return render(request, "graduated_response/measures/legal_step_detail.html", context, status=status)


@require_safe
@capability_required(MANAGE)
def legal_step_detail(request, pk):
    return _legal_step_page(request, _measure(request, LegalStep, pk))


@require_POST
@capability_required(MANAGE)
def legal_step_move(request, pk):
    step = _measure(request, LegalStep, pk)
    form = LegalStepMoveForm(
        request.POST, current_status=step.status, read_status=lambda: LegalStep.objects.get(pk=step.pk).status
    )
    if form.is_valid():
        done = apply_service(
            form,
            partial(
                measures.legal_step_move,
                actor=request.user,
                step=step,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
                expected_status=form.cleaned_data["expected_status"],
            ),
        )
        if done is not None:
            messages.success(request, f"Now: {done.get_status_display()}.")
            return redirect("graduated_response:legal_step_detail", pk=step.pk)
    step.refresh_from_db()
    return _legal_step_page(request, step, move_form=form, status=400)


@require_POST
@capability_required(MANAGE)
def legal_step_extend(request, pk):
    step = _measure(request, LegalStep, pk)
    form = ExtendForm(request.POST, versioned=(step,))
    if form.is_valid():
        done = apply_service(
            form,
            partial(
                measures.eso_extend,
                actor=request.user,
                step=step,
                new_end=form.cleaned_data["ends_on"],
                expected_version=form.cleaned_data.get("expected_version"),
            ),
        )
        if done is not None:
            messages.success(request, f"The order now ends on {done.ends_on:%-d %B %Y}.")
            return redirect("graduated_response:legal_step_detail", pk=step.pk)
    step.refresh_from_db()
    return _legal_step_page(request, step, extend_form=form, status=400)


# --- letters -----------------------------------------------------------------------------------------
def _letters_done(request, letters) -> None:
    n = len(letters)
    if any(outbox.is_waiting_for_broker(letter) for letter in letters):
        messages.warning(
            request,
            f"{n} letter{'s' if n != 1 else ''} written (one per home address). The background service "
            "is down: they will be ready to print when it is back; nothing has been sent.",
        )
        return
    messages.success(
        request,
        f"{n} letter{'s' if n != 1 else ''} being prepared (one per home address). "
        "They appear under Letters on the case page when ready; nothing has been sent.",
    )


@require_POST
@capability_required(MANAGE)
def notice_to_improve_letters(request, pk):
    notice = _measure(request, NoticeToImprove, pk)
    try:
        letters = measures.notice_to_improve_letters_produce(actor=request.user, notice=notice)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        _letters_done(request, letters)
    return redirect("graduated_response:notice_to_improve_detail", pk=notice.pk)


@require_POST
@capability_required(MANAGE)
def penalty_warning_letters(request, pk):
    case = _case(request, pk)
    try:
        letters = measures.penalty_warning_letters_produce(actor=request.user, case=case)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        _letters_done(request, letters)
    return redirect("graduated_response:penalty_notice_create", pk=case.pk)


@require_POST
@capability_required(MANAGE)
def contract_letters(request, pk):
    contract = _measure(request, AttendanceContract, pk)
    try:
        letters = measures.attendance_contract_letters_produce(actor=request.user, contract=contract)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        _letters_done(request, letters)
    return redirect("graduated_response:contract_detail", pk=contract.pk)
