"""Views requests in bulk, their reminders, and the parents' online replies.

Action codes: send.views.requested (one per request made), send.views.bulk_requested (the run),
send.views.reminded, send.views.replied_online, send.views_forms.requested (the print; the task
records send.views_forms.ready or send.views_forms.failed: send/views_forms_print.py).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from letters.models import Email
from school import audit

from .. import views_reply_links
from ..background_pdfs import background_pdfs_sweep
from ..emails import email_create
from ..models import AnnualReview, SendSettings, SupportCycle, ViewsRequest
from ..models_views_forms import ViewsFormsPrint
from ..selectors_views import parent_contacts, upcoming_reviews
from .common import save_audited
from .views_requests import email_body, views_request_ask

logger = logging.getLogger(__name__)

MAX_WEEKS = 26
#: At most this many reminders per request (the first after the school's interval, one more after it).
MAX_REMINDERS = 2
VIEWS_MAX_CHARS = 10_000


def _new_request(*, actor, review, respondent: str, contact) -> ViewsRequest:
    request = ViewsRequest(
        respondent=respondent,
        requested_by=actor,
        sent_at=timezone.now(),
        method=ViewsRequest.Method.PRINTED,
        **({"cycle": review} if isinstance(review, SupportCycle) else {"annual_review": review}),
    )
    if respondent == ViewsRequest.Respondent.PARENT:
        request.contact = contact
        if contact is not None and contact.email:
            request.method, request.sent_to = ViewsRequest.Method.EMAIL, contact.email
    request.full_clean()
    request.save()
    views_request_ask(actor=actor, request=request)
    return save_audited(
        actor=actor, instance=request, action="send.views.requested", school=review.school, pupil=review.pupil
    )


@transaction.atomic
def views_request_bulk(*, actor, school, weeks: int, today: date | None = None) -> ViewsFormsPrint:
    """Ask the parents (by e-mail with the reply link when there is an address, else a printed form)
    and the pupil (a printed form) of every review in the next `weeks` weeks, in one transaction.

    A review already asked keeps its request (no second one); a second run asks only the new reviews.
    The printed forms are put together in one PDF in the background: the returned print record.
    """
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValidationError({"weeks": f"Choose between 1 and {MAX_WEEKS} weeks."})
    today = today or timezone.localdate()
    # One bulk run at a time per school: a second waits here, then finds the first one's requests.
    settings_, _ = SendSettings.objects.get_or_create(school=school)
    SendSettings.objects.select_for_update().filter(pk=settings_.pk).first()
    rows = upcoming_reviews(user=actor, school=school, today=today, weeks=weeks)
    contacts = parent_contacts(pupil_ids={row.pupil.pk for row in rows})
    made: list[ViewsRequest] = []
    for row in rows:
        for respondent in (ViewsRequest.Respondent.PARENT, ViewsRequest.Respondent.PUPIL):
            if respondent in row.asked:
                continue
            made.append(
                _new_request(
                    actor=actor, review=row.review, respondent=respondent, contact=contacts.get(row.pupil.pk)
                )
            )
    emailed = sum(1 for r in made if r.method == ViewsRequest.Method.EMAIL)
    letters = [r.letter for r in made if r.letter is not None]
    print_ = ViewsFormsPrint(
        school=school,
        requested_by=actor,
        description=(
            f"{len(rows)} reviews in the next {weeks} weeks: {len(made)} requests made "
            f"({emailed} e-mails to parents, {len(letters)} forms to print); "
            f"{sum(len(row.asked) for row in rows)} asked before were left as they were."
        ),
    )
    if not letters:
        print_.status, print_.pages, print_.ready_at = "ready", 0, timezone.now()
    save_audited(actor=actor, instance=print_, action="send.views.bulk_requested", school=school)
    if letters:
        print_.letters.set(letters)
        transaction.on_commit(lambda: enqueue_print(print_.pk))
    return print_


def enqueue_print(print_id: int) -> bool:
    """Hand the print to the broker; False (logged; the page says it waits) if the broker is down."""
    from ..tasks import render_views_forms

    try:
        render_views_forms.apply_async(args=[print_id])
    except Exception:  # the broker is down
        logger.exception("Could not queue views forms print %s", print_id)
        return False
    ViewsFormsPrint.objects.filter(pk=print_id).update(enqueued_at=timezone.now())
    return True


#: A print pending this long after it was queued lost its worker or broker: queue it again.
PRINT_STALE_AFTER = timedelta(minutes=10)
PRINT_MAX_ATTEMPTS = 3


def views_forms_sweep(*, now: datetime | None = None) -> dict:
    """Beat runs this every few minutes, like evidence_pack_sweep: queue again each print pending and
    never queued (the broker was down) or queued long ago; give up on one tried PRINT_MAX_ATTEMPTS
    times, marking it failed with the reason, so its page never says "being made" for ever."""
    return background_pdfs_sweep(
        ViewsFormsPrint,
        now=now or timezone.now(),
        stale_after=PRINT_STALE_AFTER,
        max_attempts=PRINT_MAX_ATTEMPTS,
        limit=200,
        enqueue=enqueue_print,
        failed_action="send.views_forms.failed",
        gave_up="It was tried {attempts} times without finishing.",
    )


def views_forms_downloaded(*, print_: ViewsFormsPrint, actor) -> None:
    audit.record_view(actor=actor, obj=print_, action="send.views_forms.downloaded")


# --- reminders ------------------------------------------------------------------------------------------
def _due_reminders(*, now: datetime):
    """E-mailed parents' requests with no reply, for reviews still to come, whose last e-mail went at
    least the school's interval ago, with fewer than MAX_REMINDERS reminders."""
    open_review = Q(cycle__isnull=False) & ~Q(cycle__stage="closed") | Q(
        annual_review__status__in=("requested", "planned", "invited"),
        annual_review__withdrawn_at__isnull=True,
    )
    return (
        ViewsRequest.objects.filter(
            open_review,
            method=ViewsRequest.Method.EMAIL,
            respondent=ViewsRequest.Respondent.PARENT,
            received_on__isnull=True,
            reply_used_at__isnull=True,
            sent_at__isnull=False,
            reminded_again_at__isnull=True,
        )
        .select_related("cycle__pupil__school", "annual_review__pupil__school", "contact", "requested_by")
        .order_by("pk")
    )


def views_reminders_send(*, now: datetime | None = None) -> dict:
    """The nightly run: e-mail a reminder for each request due one. Safe to run twice or concurrently:
    each reminder is claimed by a conditional UPDATE (its time still empty, the last e-mail old
    enough), so a request gets one reminder per interval, and never more than MAX_REMINDERS."""
    now = now or timezone.now()
    days_by_school = dict(SendSettings.objects.values_list("school_id", "views_reminder_days"))
    default_days = SendSettings._meta.get_field("views_reminder_days").default
    counts = {"reminded": 0}
    for request in _due_reminders(now=now)[:2000]:
        interval = timedelta(days=days_by_school.get(request.school.pk, default_days))
        if request.reminded_at is None:
            claim = {"reminded_at__isnull": True, "sent_at__lte": now - interval}
            field = "reminded_at"
        else:
            claim = {"reminded_again_at__isnull": True, "reminded_at__lte": now - interval}
            field = "reminded_again_at"
        with transaction.atomic():
            if not ViewsRequest.objects.filter(pk=request.pk, received_on__isnull=True, **claim).update(
                **{field: now}
            ):
                continue
            setattr(request, field, now)
            request.email = email_create(
                actor=None,
                created_by=request.requested_by,
                pupil=request.pupil,
                kind=Email.Kind.VIEWS_REMINDER,
                to=request.sent_to,
                subject=f"Reminder: your views before {request.pupil.display_name}'s review",
                body=email_body(request, template="send/email/views_reminder.txt"),
            )
            ViewsRequest.objects.filter(pk=request.pk).update(
                email=request.email, reply_nonce=request.reply_nonce
            )
            audit.record(
                actor=None,
                action="send.views.reminded",
                obj=request,
                after={field: now.isoformat(), "email_id": request.email.pk},
                school=request.school,
                pupil=request.pupil,
            )
            counts["reminded"] += 1
    return counts


# --- the parent's online reply --------------------------------------------------------------------------
REPLY_SOURCE = "parent via link"


def views_reply_request(token: str) -> tuple[str, ViewsRequest | None]:
    """The request a reply link is for, and whether it may be used now (views_reply_links states)."""
    link = views_reply_links.read_token(token)
    if link.request_id is None or link.made_at is None:
        return views_reply_links.INVALID, None
    request = (
        ViewsRequest.objects.select_related("cycle__pupil__school", "annual_review__pupil__school")
        .filter(
            pk=link.request_id, respondent=ViewsRequest.Respondent.PARENT, method=ViewsRequest.Method.EMAIL
        )
        .first()
    )
    if request is None or not request.reply_nonce or request.reply_nonce != link.nonce:
        return views_reply_links.INVALID, None
    used = request.reply_used_at is not None or request.received_on is not None
    state = views_reply_links.link_state(made_at=link.made_at, now=timezone.now(), used=used)
    return state, request


@transaction.atomic
def views_reply_online(*, token: str, views: str) -> ViewsRequest:
    """Keep what the parent wrote through the link, once: on the request (its source "the parent's own
    words") and, for an EHC plan review, on the review's parents' views. Audited with no actor."""
    state, request = views_reply_request(token)
    if state != views_reply_links.OK or request is None:
        raise ValidationError(_STATE_MESSAGES[state])
    views = (views or "").strip()
    if not views:
        raise ValidationError({"views": "Write your views in the box before sending."})
    if len(views) > VIEWS_MAX_CHARS:
        raise ValidationError({"views": f"Please keep it under {VIEWS_MAX_CHARS:,} characters."})
    now = timezone.now()
    # Single use: the claim is a conditional UPDATE, so of two sends at once only one is kept.
    if not ViewsRequest.objects.filter(
        pk=request.pk, reply_used_at__isnull=True, received_on__isnull=True
    ).update(reply_used_at=now):
        raise ValidationError(_STATE_MESSAGES[views_reply_links.USED])
    before = audit.snapshot(request, exclude=("reply_nonce",))
    request.reply_used_at = now
    request.views, request.received_on = views, timezone.localdate(now)
    request.views_source = ViewsRequest.Source.PARENT_LINK
    request.full_clean()
    request.save()
    audit.record(
        actor=None,
        actor_role="Parent via link",
        action="send.views.replied_online",
        obj=request,
        before=before,
        after=audit.snapshot(request, exclude=("reply_nonce",)),
        reason=REPLY_SOURCE,
        school=request.school,
        pupil=request.pupil,
    )
    if request.annual_review_id:
        # Locked, and audited below: a SENDCo's edit of the meeting record opened before this is refused
        # as stale (school.editing) rather than overwriting the parent's words.
        review = AnnualReview.objects.select_for_update().get(pk=request.annual_review_id)
        review_before = {"parent_views": review.parent_views}
        heading = f"In the parent's own words (sent online on {timezone.localdate(now):%d %B %Y}):"
        review.parent_views = "\n\n".join(p for p in (review.parent_views.strip(), heading, views) if p)
        AnnualReview.objects.filter(pk=review.pk).update(parent_views=review.parent_views)
        audit.record(
            actor=None,
            actor_role="Parent via link",
            action="send.review.parent_views_received",
            obj=review,
            before=review_before,
            after={"parent_views": review.parent_views},
            reason=REPLY_SOURCE,
            school=request.school,
            pupil=request.pupil,
        )
    return request


_STATE_MESSAGES = {
    views_reply_links.INVALID: "This link is not right. Check you copied all of it from the e-mail.",
    views_reply_links.EXPIRED: (
        f"This link has expired: links work for {views_reply_links.LINK_DAYS} days. Reply to the e-mail "
        "instead, or contact the school."
    ),
    views_reply_links.USED: (
        "This link has already been used to send your views, so it cannot be used again. "
        "To add something, reply to the e-mail or contact the school."
    ),
}


def state_message(state: str) -> str:
    return _STATE_MESSAGES.get(state, "")
