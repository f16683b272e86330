"""Letters writes: create a letter or an e-mail (a snapshot, audited), render or send it in the
background (conditional, idempotent), and try again. All background work goes through letters.outbox.

``letter_produce`` writes a letter from the school's editable template (letters/template_services.py)
for one addressee (letters/recipients.py); every other app calls it to send a templated letter.

Action codes: letters.letter.created, letters.letter.rendered, letters.letter.failed,
letters.letter.retried; letters.email.created, letters.email.sent, letters.email.failed,
letters.email.retried.
"""

from __future__ import annotations

import logging
import secrets

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from school import audit
from school.models import Pupil
from school.private_files import read_private_file, save_private_file

from . import merge_data, outbox, rendering
from .defaults import DEFAULTS
from .merge_fields import fields_used, substitute
from .models import Email, Letter
from .recipients import Addressee
from .reply_to import reply_to_address

logger = logging.getLogger(__name__)

LETTER_TEMPLATE = "letters/pdf/letter.html"
#: The words the page itself prints (not the template's text), in the letter's language: the closing
#: line above the signature and the footer. A language not listed prints them in English.
PAGE_WORDS = {
    "English": {
        "sign_off": "Yours sincerely,",
        "confidential": "Confidential: about a child",
        "page": "Page",
        "of": "of",
    },
    "Polish": {
        "sign_off": "Z poważaniem,",
        "confidential": "Poufne: dotyczy dziecka",
        "page": "Strona",
        "of": "z",
    },
    "Welsh": {
        "sign_off": "Yn gywir,",
        "confidential": "Cyfrinachol: am blentyn",
        "page": "Tudalen",
        "of": "o",
    },
}


@transaction.atomic
def letter_create(
    *,
    actor,
    pupil: Pupil,
    kind: str,
    subject: str,
    body_template: str,
    context: dict,
    recipient_name: str = "",
    recipient_address: str = "",
) -> Letter:
    """Snapshot a letter now and queue its rendering once the transaction commits.

    `body_template` is rendered here, with Django's autoescaping, into `body_html`: the letter keeps
    what it said on the day it was written, whatever changes later.
    """
    school = pupil.school
    now = timezone.now()
    letter = Letter(
        school=school,
        pupil=pupil,
        kind=kind,
        school_name=school.name,
        letter_date=timezone.localdate(now),
        recipient_name=recipient_name,
        recipient_address=recipient_address,
        subject=subject,
        body_html=render_to_string(body_template, {"school": school, "pupil": pupil, **context}),
        created_by=actor,
        created_at=now,
        stored_name=f"{secrets.token_hex(16)}.pdf",
    )
    letter.full_clean()
    letter.save()
    audit.record(
        actor=actor,
        action="letters.letter.created",
        obj=letter,
        after=audit.snapshot(letter, exclude=("body_html",)),
    )
    outbox.enqueue_on_commit(Letter, letter.pk)
    return letter


NO_TARGETS = (
    "This letter lists the targets that were agreed, and none are recorded yet, so it would print an "
    "empty list. Add the targets on the meeting's page first, then write the letter."
)

#: ``extra`` keys a caller may pass to letter_produce (letters/merge_fields.py documents them).
EXTRA_KEYS = frozenset(
    {
        "meeting_date",
        "meeting_time",
        "meeting_place",
        "meeting_targets",
        "period_start",
        "period_end",
        "penalty_amount",
        "review_date",
        "provision_summary",
        "staff_name",
    }
)


@transaction.atomic
def letter_produce(
    *,
    actor,
    pupil: Pupil,
    code: str,
    addressee: Addressee | None,
    extra: dict | None = None,
    trigger: str = "",
    figures=None,
    queue: bool = True,
    period: tuple | None = None,
    meeting=None,
    signatory: tuple[str, str] | None = None,
) -> Letter:
    """Write a pending letter from the school's current template ``code`` for one addressee.

    Picks the current version in the addressee's language when the school has that translation, else
    English; fills it with the pupil's, school's and addressee's details and the year-to-date figures
    (``figures``: precomputed attendance.figures.Figures, or None to compute them here); snapshots the
    letterhead, recipient, language, version, merge values and rendered text; and, if ``queue``,
    queues the PDF after commit (letters.outbox). An unknown code or ``extra`` key is a
    ValidationError. Audited letters.letter.created. ``period`` (optional): the (start, end) the given
    ``figures`` cover, so a batch that computed them saves looking the school's calendar up per letter.
    ``meeting`` (optional): the Meeting the letter belongs to, listed on its page. ``signatory``
    (optional): (name, role) of who signs this letter instead of the school's signatory (the head
    teacher's own invitation is not signed by the head); the snapshot records it.
    """
    from . import template_services

    if code not in DEFAULTS:
        raise ValidationError({"code": f"There is no letter template called {code!r}."})
    template = template_services.template_for(pupil.school, code)
    version = template_services.version_for_language(template, addressee.language if addressee else "")
    letter = letter_build(
        actor=actor,
        pupil=pupil,
        template=template,
        version=version,
        addressee=addressee,
        extra=extra,
        figures=figures,
        period=period,
        signatory=signatory,
    )
    letter.trigger = trigger[:200]
    if meeting is not None:
        if meeting.pupil_id != pupil.pk:
            raise ValidationError("A letter belongs to a meeting about the same pupil.")
        letter.meeting = meeting
    # The related rows were just read (a batch writes hundreds of letters): their existence is not
    # checked again, one query each; every other field and constraint is.
    letter.full_clean(exclude=["school", "pupil", "created_by", "template_version", "meeting"])
    letter.save()
    audit.record(
        actor=actor,
        action="letters.letter.created",
        obj=letter,
        after=audit.snapshot(letter, exclude=("body_html", "merge_values", "letterhead")),
    )
    if queue:
        outbox.enqueue_on_commit(Letter, letter.pk)
    return letter


def letter_build(
    *, actor, pupil, template, version, addressee, extra=None, figures=None, period=None, signatory=None
) -> Letter:
    """The unsaved Letter that ``version`` (a LetterTemplateVersion, or any object with ``subject``,
    ``body_html`` and ``language``) makes for ``pupil`` and ``addressee``: letter_produce saves it,
    the template editor's preview renders it without saving. ``signatory`` (name, role) replaces the
    letterhead's signatory in this letter's snapshot (its signature and its signatory merge fields)."""
    from . import template_services

    unknown_extra = set(extra or {}) - EXTRA_KEYS
    if unknown_extra:
        raise ValidationError(f"Unknown letter values: {', '.join(sorted(unknown_extra))}.")
    if "meeting_targets" in fields_used(version.subject + version.body_html) and not (extra or {}).get(
        "meeting_targets"
    ):
        # Letter 2b or 3b confirms the targets agreed: with none recorded it would print "The targets
        # are:" and nothing. An attendance officer adds the targets first, so the letter is refused.
        raise ValidationError({"code": NO_TARGETS})
    school = pupil.school
    letterhead = template_services.letterhead_for(school).snapshot()
    if signatory is not None:
        letterhead["signatory_name"], letterhead["signatory_role"] = signatory
    now = timezone.now()
    today = timezone.localdate(now)
    if figures is None:
        figures, start, end = merge_data.pupil_figures_for_letter(pupil, today=today)
    elif period is not None:
        start, end = period
    else:
        from attendance import statistics
        from school.calendar import SchoolCalendar

        start, end = statistics.default_range(SchoolCalendar.for_school(school), today)
    values = merge_data.merge_values(
        pupil=pupil,
        addressee=addressee,
        letterhead=letterhead,
        figures=figures,
        figures_from=start,
        figures_to=end,
        today=today,
        extra=extra,
        language=version.language,
    )
    if template.code == "termly_report":
        values["_chart"] = {
            "pupil_pct": figures.attendance_pct,
            "target_pct": float(letterhead.get("attendance_target") or 96),
        }
    return Letter(
        school=school,
        pupil=pupil,
        kind=template.kind,
        code=template.code,
        template_version=version if getattr(version, "pk", None) else None,
        language=version.language,
        merge_values=values,
        recipient_contact_ids=list(addressee.contact_ids) if addressee else [],
        letterhead=letterhead,
        school_name=school.name,
        letter_date=today,
        recipient_name=addressee.name if addressee else "",
        recipient_address=addressee.address if addressee else "",
        subject=substitute(version.subject, values, html=False, language=version.language)[:300],
        body_html=substitute(version.body_html, values, html=True, language=version.language),
        created_by=actor,
        created_at=now,
        stored_name=f"{secrets.token_hex(16)}.pdf",
    )


@transaction.atomic
def letter_retry(*, actor, letter: Letter) -> bool:
    """Queue a failed or still-pending letter to be prepared again, from the same snapshot.

    False if it is ready, or was queued in the last few seconds: a conditional update moves it to
    pending (not yet queued), so two people pressing "Try again" queue it once.
    """
    return _queue_again(actor=actor, obj=letter, action="letters.letter.retried")


def letter_html(letter: Letter) -> str:
    """The whole printable page for a letter, from its snapshot only."""
    from . import charts

    chart = None
    chart_values = (letter.merge_values or {}).get("_chart")
    if chart_values:
        chart = charts.attendance_chart_uri(
            pupil_pct=chart_values.get("pupil_pct"), target_pct=chart_values.get("target_pct") or 96
        )
    from django.utils import translation

    from .merge_fields import LANGUAGE_CODES

    with translation.override(LANGUAGE_CODES.get(letter.language, "en-gb")):  # the printed date
        return render_to_string(
            LETTER_TEMPLATE,
            {
                "letter": letter,
                "school": {"name": letter.school_name},
                "letterhead": letter.letterhead or {},
                "chart": chart,
                "words": PAGE_WORDS.get(letter.language, PAGE_WORDS["English"]),
            },
        )


def letter_render(*, letter_id: int) -> str:
    """Render a pending letter's PDF and mark it rendered; returns the letter's status afterwards.

    Safe to run twice or concurrently: only a pending letter is rendered, and the move to rendered is a
    conditional UPDATE, so exactly one run records it. A failure marks the letter failed with the error
    and returns (a batch of letters goes on); it does not raise.
    """
    letter = Letter.objects.select_related("school", "pupil").filter(pk=letter_id).first()
    if letter is None:
        return "missing"
    if letter.status != Letter.Status.PENDING:
        return letter.status
    Letter.objects.filter(pk=letter_id).update(attempts=F("attempts") + 1)
    try:
        pdf = rendering.html_to_pdf(letter_html(letter))
        save_private_file(letter.private_file_name(), pdf)
    except Exception as exc:  # a bad letter must not stop the others
        logger.exception("Letter %s could not be rendered", letter_id)
        with transaction.atomic():
            moved = Letter.objects.filter(pk=letter_id, status=Letter.Status.PENDING).update(
                status=Letter.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
            )
            if moved:
                audit.record(
                    actor=None,
                    action="letters.letter.failed",
                    obj=letter,
                    before={"status": Letter.Status.PENDING},
                    after={"status": Letter.Status.FAILED, "error": f"{type(exc).__name__}"},
                )
        return Letter.Status.FAILED
    with transaction.atomic():
        now = timezone.now()
        moved = Letter.objects.filter(pk=letter_id, status=Letter.Status.PENDING).update(
            status=Letter.Status.RENDERED, rendered_at=now, error=""
        )
        if moved:
            audit.record(
                actor=None,
                action="letters.letter.rendered",
                obj=letter,
                before={"status": Letter.Status.PENDING},
                after={"status": Letter.Status.RENDERED, "rendered_at": now.isoformat()},
            )
    return Letter.Status.RENDERED


# --- e-mails ----------------------------------------------------------------------------------------
@transaction.atomic
def email_create(
    *,
    actor,
    pupil: Pupil,
    kind: str,
    to: str,
    subject: str,
    body: str,
    office_email: str = "",
    created_by=None,
) -> Email:
    """Write an e-mail as it will be sent (pending, audited) and queue its sending after commit.

    Its Reply-To is the sender's e-mail, else the office's (letters/reply_to.py): every caller gets it.
    Nothing here says it was sent: only email_send does, once the mail server accepted it.
    """
    sender = created_by or actor
    reply_to = reply_to_address(sender_email=getattr(sender, "email", ""), office_email=office_email)
    email = Email(
        school=pupil.school,
        pupil=pupil,
        kind=kind,
        to=to,
        reply_to=reply_to,
        subject=subject,
        body=body,
        # A nightly reminder has no actor: it is filed under the person who made the first request.
        created_by=created_by or actor,
        created_at=timezone.now(),
    )
    email.full_clean()
    email.save()
    audit.record(
        actor=actor,
        action="letters.email.created",
        obj=email,
        after=audit.snapshot(email, exclude=("body", "to")),
    )
    outbox.enqueue_on_commit(Email, email.pk)
    return email


def _email_finish(email: Email, *, status: str, action: str, **fields) -> bool:
    """Move a sending e-mail to sent or failed (conditional: exactly one run records it)."""
    with transaction.atomic():
        moved = Email.objects.filter(pk=email.pk, status=Email.Status.SENDING).update(status=status, **fields)
        if moved:
            after = {"status": status, **{k: str(v) for k, v in fields.items() if k != "error"}}
            if "error" in fields:
                after["error"] = fields["error"][:200]
            audit.record(
                actor=None, action=action, obj=email, before={"status": Email.Status.SENDING}, after=after
            )
    return bool(moved)


def _email_message(email: Email) -> EmailMessage:
    """The message as the mail server gets it: the plain-text body, and the letter's PDF attached when
    the e-mail carries one (a batch's e-mail to the parent; a missing PDF fails it, saying so)."""
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
    )
    if email.letter_id:
        letter = Letter.objects.get(pk=email.letter_id)
        if letter.status == Letter.Status.PENDING:
            # Written in the same transaction as its letter (a review's invitation), and its task may run
            # before the letter's: render it now (idempotent, conditional) rather than fail.
            letter_render(letter_id=letter.pk)
            letter.refresh_from_db()
        pdf = (
            read_private_file(letter.private_file_name()) if letter.status == Letter.Status.RENDERED else None
        )
        if pdf is None:
            raise FileNotFoundError("The letter's PDF is not ready, so it was not e-mailed.")
        message.attach(letter.filename, pdf, "application/pdf")
    return message


def email_send(*, email_id: int) -> str:
    """Send a pending e-mail; returns its status afterwards. Safe to run twice or concurrently.

    A conditional update claims it (pending -> sending), so only one run sends it; it is marked sent
    only after the mail backend's send() returned without error, and failed with the server's reason
    otherwise (SMTP refusal, connection refused, timeout). It does not raise.
    """
    claimed = Email.objects.filter(pk=email_id, status=Email.Status.PENDING).update(
        status=Email.Status.SENDING, sending_since=timezone.now(), attempts=F("attempts") + 1
    )
    email = Email.objects.select_related("school", "pupil").filter(pk=email_id).first()
    if email is None:
        return "missing"
    if not claimed:
        return email.status
    try:
        _email_message(email).send(fail_silently=False)
    except Exception as exc:  # smtplib.SMTPException, OSError (refused, timed out) and the like
        logger.exception("E-mail %s could not be sent", email_id)
        reason = f"{type(exc).__name__}: {exc}"[:2000]
        _email_finish(email, status=Email.Status.FAILED, action="letters.email.failed", error=reason)
        return Email.Status.FAILED
    _email_finish(
        email, status=Email.Status.SENT, action="letters.email.sent", sent_at=timezone.now(), error=""
    )
    return Email.Status.SENT


@transaction.atomic
def email_retry(*, actor, email: Email) -> bool:
    """Queue a failed or still-waiting e-mail again; False if it was sent, is being sent, or was
    queued in the last few seconds (so a double press sends it once)."""
    return _queue_again(actor=actor, obj=email, action="letters.email.retried")


def email_sending_lost(*, before) -> int:
    """E-mails "sending" since before ``before`` lost their worker mid-send: whether the server took
    them is unknown, so they are marked failed saying so (a person decides to send again)."""
    lost = 0
    for email in Email.objects.filter(status=Email.Status.SENDING, sending_since__lt=before):
        lost += _email_finish(
            email,
            status=Email.Status.FAILED,
            action="letters.email.failed",
            error=outbox.SENDING_LOST_ERROR,
        )
    return lost


def _queue_again(*, actor, obj: Letter | Email, action: str) -> bool:
    """Move a letter or e-mail back to pending and queue it after commit, auditing the move; False if
    outbox.retryable does not allow it. The update is conditional, so of two presses only one moves it."""
    model = type(obj)
    before = model.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
    moved = outbox.retryable(model, obj.pk, now=timezone.now()).update(
        status=model.Status.PENDING, error="", enqueued_at=None
    )
    if not moved:
        return False
    audit.record(
        actor=actor, action=action, obj=obj, before={"status": before}, after={"status": model.Status.PENDING}
    )
    outbox.enqueue_on_commit(model, obj.pk)
    return True
