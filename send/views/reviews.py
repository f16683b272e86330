"""Reviews of EHC plans: the SENDCo's list of every plan (overdue first), a review's page with its
timeline (each date and how it is counted), and one form per step. The SENDCo and the headteacher
(MANAGE_SEND) do this work; the plans are out of scope for everyone else (404 for another school's)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from letters import outbox
from letters.models import Email
from letters.recipients import addressees
from school import policy
from school.pagination import paginate
from school.withdrawal_views import restore_action, withdraw_page

from .. import annual_review_dates, review_emails, selectors_reviews
from ..forms_reviews import (
    AdviceForm,
    AmendedPlanForm,
    DecisionForm,
    InvitationsForm,
    InviteeForm,
    MeetingMoveForm,
    MeetingRecordForm,
    ReportForm,
    ReviewMeetingForm,
    ReviewRequestForm,
    ReviewScheduleForm,
)
from ..models import AnnualReview, EhcPlan
from ..models_reviews import OPEN_STATUSES
from ..services import reviews as services
from .common import saved, today

REVIEWS_PER_PAGE = 50


def _plan(request, pk) -> EhcPlan:
    return policy.access_pupil_record(
        request.user,
        request.school,
        EhcPlan.objects.filter(school=request.school, withdrawn_at__isnull=True).select_related(
            "pupil", "local_authority"
        ),
        pk,
    )


def _review(request, pk, *, current=True) -> AnnualReview:
    queryset = AnnualReview.objects.current() if current else AnnualReview.objects.all()
    return policy.access_pupil_record(
        request.user,
        request.school,
        queryset.filter(school=request.school).select_related("pupil", "plan__local_authority", "school"),
        pk,
    )


def _reading_text(school) -> str:
    return annual_review_dates.READINGS[selectors_reviews.review_year_reading(school)]


@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def review_list(request):
    """Every plan in force: its last review, when the next is due (overdue first) and the review in progress."""
    day = today()
    rows = selectors_reviews.plan_reviews(request.school, today=day)
    plans = policy.scoped_to_pupils(request.user, request.school, EhcPlan.objects.all())
    visible = set(plans.filter(pk__in=[r.plan.pk for r in rows]).values_list("pk", flat=True))
    rows = [r for r in rows if r.plan.pk in visible]
    page = paginate(request, rows, REVIEWS_PER_PAGE)
    return render(
        request,
        "send/ehc_reviews.html",
        {
            "page": page,
            "today": day,
            "overdue": sum(1 for r in rows if r.is_overdue(day)),
            "reading": _reading_text(request.school),
        },
    )


def _review_form_page(request, form, *, title: str, lead: str = "", back, button: str = "Save", pupil=None):
    return render(
        request,
        "send/ehc_review_form.html",
        {"form": form, "title": title, "lead": lead, "back": back, "button": button, "pupil": pupil},
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def review_schedule(request, pk):
    """Plan a review meeting of a plan (annual, phase transfer, early, emergency or interim)."""
    plan = _plan(request, pk)
    due = selectors_reviews.plan_reviews(
        request.school, today=today(), plans=EhcPlan.objects.filter(pk=plan.pk)
    )
    form = ReviewScheduleForm(
        request.POST or None,
        initial={"kind": "phase_transfer" if due and due[0].due.kind == "phase_transfer" else "annual"},
    )
    if done := saved(request, form, partial(services.review_schedule, actor=request.user, plan=plan)):
        messages.success(request, "Review meeting planned. Next: ask for advice and prepare the invitations.")
        return redirect("send:ehc_review_detail", pk=done.pk)
    lead = f"Next review due by {due[0].due.due:%-d %B %Y}: {due[0].due.rule}" if due else ""
    return _review_form_page(
        request,
        form,
        title=f"Plan a review of {plan.pupil}'s EHC plan",
        lead=lead,
        back=("EHC plan reviews", "send:ehc_reviews", None),
        button="Plan the review",
        pupil=plan.pupil,
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def review_request(request, pk):
    """Record that an early, emergency or interim review was asked for (the meeting is planned after)."""
    plan = _plan(request, pk)
    form = ReviewRequestForm(request.POST or None)
    if done := saved(request, form, partial(services.review_request, actor=request.user, plan=plan)):
        messages.success(request, "Review request recorded. Plan its meeting next.")
        return redirect("send:ehc_review_detail", pk=done.pk)
    return _review_form_page(
        request,
        form,
        title=f"Ask for an early review of {plan.pupil}'s EHC plan",
        back=("EHC plan reviews", "send:ehc_reviews", None),
        button="Record the request",
        pupil=plan.pupil,
    )


@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def review_detail(request, pk):
    """A review: its timeline (each step's deadline, how it is counted, and when it was done), the
    people invited, the letters, the meeting record and the history."""
    review = _review(request, pk, current=False)
    due = selectors_reviews.plan_reviews(
        request.school, today=today(), plans=EhcPlan.objects.filter(pk=review.plan_id)
    )
    letters = list(review.letters.order_by("id"))
    invitees = list(review.invitees.select_related("letter", "move_letter"))
    letter_ids = [pk for i in invitees for pk in (i.letter_id, i.move_letter_id) if pk]
    emails = {e.letter_id: e for e in Email.objects.filter(letter__in=letter_ids)}
    for invitee in invitees:
        emailed = bool(invitee.email and invitee.role != invitee.Role.PARENT)
        invitee.email_row = emails.get(invitee.letter_id)
        invitee.delivery = review_emails.delivery(
            invitee.email_row, has_address=emailed and bool(invitee.letter_id)
        )
        invitee.move_delivery = review_emails.delivery(
            emails.get(invitee.move_letter_id), has_address=emailed and bool(invitee.move_letter_id)
        )
    deliveries = [d for i in invitees for d in (i.delivery, i.move_delivery)]
    delivery_counts = {
        state: sum(1 for d in deliveries if d["state"] == state) for state in ("sent", "waiting", "failed")
    }
    return render(
        request,
        "send/ehc_review_detail.html",
        {
            "review": review,
            "plan": review.plan,
            "timeline": selectors_reviews.review_timeline(review),
            "next_step": selectors_reviews.next_step(review) if review.is_open else None,
            "invitees": invitees,
            "letters": letters,
            "letters_waiting": any(
                outbox.is_waiting_for_broker(letter) for letter in letters if letter.status == "pending"
            ),
            "delivery_counts": delivery_counts if any(delivery_counts.values()) else None,
            "history": list(review.history.select_related("changed_by")),
            "parents": addressees(review.pupil) if review.status in ("requested", "planned") else [],
            "due": due[0] if due else None,
            "today": today(),
            "reading": _reading_text(request.school),
        },
    )


def _step_view(form_class, service, *, title: str, success: str, button: str = "Save", lead=None, extra=None):
    """A page for one step of a review: GET the form, POST it through `service`."""

    @require_http_methods(["GET", "POST"])
    @policy.capability_required(policy.MANAGE_SEND)
    def view(request, pk):
        review = _review(request, pk)
        kwargs = extra(review) if extra else {}
        form = form_class(request.POST or None, review=review, **kwargs)
        if saved(request, form, partial(service, actor=request.user, review=review)):
            messages.success(request, success)
            return redirect("send:ehc_review_detail", pk=review.pk)
        return _review_form_page(
            request,
            form,
            title=f"{title}: {review.pupil}",
            lead=lead(review) if lead else "",
            back=("Review", "send:ehc_review_detail", review.pk),
            button=button,
            pupil=review.pupil,
        )

    return view


def _deadline_lead(key: str):
    def lead(review: AnnualReview) -> str:
        if review.meeting_date is None:
            return ""
        step = next(s for s in annual_review_dates.meeting_timeline(review.meeting_date) if s.key == key)
        return f"Due by {step.due:%-d %B %Y}: {step.rule}"

    return lead


review_meeting = _step_view(
    ReviewMeetingForm,
    services.review_meeting_set,
    title="Plan the review meeting",
    success="Meeting planned.",
)
review_move = _step_view(
    MeetingMoveForm,
    services.review_meeting_move,
    title="Change the meeting date",
    success="The meeting has moved. A letter saying so was written to everyone invited: print and post "
    "the parents' letters; professionals with an e-mail address are e-mailed theirs (each line below says "
    "whether it went). The timeline's dates now count from the new date.",
    button="Move the meeting and write to everyone invited",
    lead=lambda review: (
        f"The meeting is on {review.meeting_date:%-d %B %Y}. Everyone invited will get a letter giving the "
        "new date; the timeline's dates will be counted from it."
    ),
)
review_record = _step_view(
    MeetingRecordForm,
    services.review_meeting_record,
    title="Record the review meeting",
    success="Meeting recorded. Next: send the school's report to everyone invited within 2 weeks.",
    extra=lambda review: {"outcomes": services.outcome_lines(review.plan)},
    lead=lambda review: (
        f"Meeting on {review.meeting_date:%-d %B %Y}. Progress is recorded against each outcome "
        "in section E of the plan."
    ),
)
review_report = _step_view(
    ReportForm,
    services.review_report_record,
    title="Record that the report was sent",
    success="Recorded: the report went to everyone invited.",
    lead=_deadline_lead("report"),
)
review_decision = _step_view(
    DecisionForm,
    services.review_decision_record,
    title="Record the local authority's decision",
    success="The local authority's decision is recorded.",
    lead=_deadline_lead("la_decision"),
)
review_amended = _step_view(
    AmendedPlanForm,
    services.review_amended_plan_record,
    title="Record the amended plan",
    success="Recorded: the amended plan was issued.",
    lead=_deadline_lead("amended_plan"),
)


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def review_advice(request, pk):
    """The days advice was asked for and circulated (an edit: a stale save is refused)."""
    review = _review(request, pk)
    form = AdviceForm(
        request.POST or None,
        versioned=(review,),
        initial={
            "advice_requested_on": review.advice_requested_on,
            "advice_circulated_on": review.advice_circulated_on,
        },
    )
    if saved(request, form, partial(services.review_advice_record, actor=request.user, review=review)):
        messages.success(request, "Advice dates saved.")
        return redirect("send:ehc_review_detail", pk=review.pk)
    lead = ""
    if review.meeting_date:
        steps = {s.key: s for s in annual_review_dates.meeting_timeline(review.meeting_date)}
        lead = (
            f"Ask for advice by {steps['advice_requested'].due:%-d %B %Y} ({steps['advice_requested'].rule}) "
            f"and circulate it by {steps['advice_circulated'].due:%-d %B %Y} ({steps['advice_circulated'].rule})"
        )
    return _review_form_page(
        request,
        form,
        title=f"Advice for the review: {review.pupil}",
        lead=lead,
        back=("Review", "send:ehc_review_detail", review.pk),
        pupil=review.pupil,
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def review_invitee_add(request, pk):
    """Add someone to invite: health, social care or another professional."""
    review = _review(request, pk)
    form = InviteeForm(request.POST or None)
    if saved(request, form, partial(services.review_invitee_add, actor=request.user, review=review)):
        messages.success(request, "Added to the people invited.")
        return redirect("send:ehc_review_detail", pk=review.pk)
    return _review_form_page(
        request,
        form,
        title=f"Invite someone to the review: {review.pupil}",
        lead="The parents are written to through their contacts with parental responsibility; the head "
        "teacher and the local authority's SEN officer are already listed.",
        back=("Review", "send:ehc_review_detail", review.pk),
        button="Add",
        pupil=review.pupil,
    )


def _say_prepared(request, review: AnnualReview) -> None:
    """What really happened to the invitations' PDFs (letters.outbox.letters_progress)."""
    letters = list(review.letters.all())
    count = len(letters)
    what = "1 invitation letter was written" if count == 1 else f"{count} invitation letters were written"
    progress = outbox.letters_progress(letters)
    tail = " Print and post them, or hand them over: open each one below." if progress.ready else ""
    messages.add_message(request, progress.level, f"{what}. {progress.sentence()}{tail}")


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def review_invite(request, pk):
    """Prepare the invitation letters: the parents (one per address) and every professional listed."""
    review = _review(request, pk)
    form = InvitationsForm(request.POST or None, review=review)
    if done := saved(
        request, form, partial(services.review_invitations_send, actor=request.user, review=review)
    ):
        _say_prepared(request, done)
        return redirect("send:ehc_review_detail", pk=review.pk)
    lead = _deadline_lead("invitations")(review)
    return _review_form_page(
        request,
        form,
        title=f"Prepare the invitations: {review.pupil}",
        lead=lead,
        back=("Review", "send:ehc_review_detail", review.pk),
        button="Prepare the invitation letters",
        pupil=review.pupil,
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def review_withdraw(request, pk):
    review = _review(request, pk)
    return withdraw_page(
        request,
        obj=review,
        kind="review",
        back=reverse("send:ehc_review_detail", args=[review.pk]),
        pupil=review.pupil,
        note="Letters already prepared stay in the pupil's letters.",
    )


@require_POST
@policy.capability_required(policy.MANAGE_SEND)
def review_restore(request, pk):
    """Restore a withdrawn review, unless the plan has another review in progress since (two would then
    be open, and the newer one stands)."""
    review = _review(request, pk, current=False)
    back = reverse("send:ehc_review_detail", args=[review.pk])
    newer = (
        AnnualReview.objects.current()
        .filter(plan_id=review.plan_id, status__in=OPEN_STATUSES)
        .exclude(pk=review.pk)
    )
    if review.is_withdrawn and review.status in OPEN_STATUSES and newer.exists():
        messages.error(request, "This plan has another review in progress, so this one stays withdrawn.")
        return redirect(back)
    return restore_action(request, obj=review, kind="review", back=back)


@require_POST
@policy.capability_required(policy.MANAGE_SEND)
def review_email_retry(request, pk, invitee_pk):
    """ "Try again" beside a professional's invitation e-mail that failed or is still waiting."""
    review = _review(request, pk)
    invitee = get_object_or_404(review.invitees.select_related("letter", "review__pupil"), pk=invitee_pk)
    if review_emails.review_invitation_email_retry(actor=request.user, invitee=invitee):
        email = Email.objects.filter(letter_id=invitee.letter_id).first()
        if email is None or (email.status == Email.Status.PENDING and email.enqueued_at is None):
            messages.warning(
                request, f"The background service is down: {invitee.name} will be e-mailed when it is back."
            )
        elif email.status == Email.Status.SENT:
            messages.success(request, f"E-mailed to {email.to}.")
        elif email.status == Email.Status.FAILED:
            messages.error(request, f"It could not be e-mailed: {email.error}")
        else:
            messages.success(request, f"The invitation to {invitee.name} is waiting to be e-mailed.")
    else:
        messages.info(request, f"Nothing to do: the invitation to {invitee.name} is not waiting or failed.")
    return redirect("send:ehc_review_detail", pk=review.pk)
