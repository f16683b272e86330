"""Letter batches: one template for a set of pupils, every addressee of each, merged into one
print-ready PDF and a per-letter list, optionally e-mailed to each parent.

``batch_create`` writes the batch (building) and queues ``letters.tasks.run_batch`` after commit
through the outbox. ``batch_run`` (the task's body) then works through the batch's status, each step
safe to repeat, so a retried or re-queued task picks up where the last one stopped:

* building: the pupils in chunks of ``CHUNK``; the chunk's figures in one query
  (attendance.statistics.pupil_figures), then ``letter_produce(..., queue=False)`` for each addressee
  that has no letter yet. A Letter is unique per (batch, pupil, addressee), so a retried task never
  writes one twice.
* rendering: every pending letter, through letters.services.letter_render (idempotent); a letter that
  fails is marked failed and the batch goes on. ``done`` and ``failed`` are recounted as it goes with
  a conditional UPDATE (only while the batch is still rendering). A rendered letter whose batch
  e-mails parents gets one Email (unique per letter) with the PDF attached, sent through the outbox.
* merging: every rendered letter into a temporary file through letters.pdf_merge (one letter's PDF
  read at a time, never all of them), then stored in the private storage.
* ready (or failed, when not one letter could be prepared).

"Try again" on a failed letter (``batch_letter_retry``) puts it back to pending and the batch back to
rendering, so the merged PDF is made again with it.

Action codes: letters.batch.created, letters.batch.moved, letters.batch.letter_retried.

Worked example: an attendance officer runs Letter 1 for the 12 pupils who entered Tier 2 this week.
Two have no contact with parental responsibility and are left out on the review page, saying why.
The task writes 13 letters for the other 10 (one pupil's parents live apart), renders them (one
fails: its progress bar says "12 of 13 letters ready, 1 could not be prepared"), merges the 12 into
one PDF, and the officer presses "Try again" on the failed one, which is rendered and merged in.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from attendance import statistics
from school import audit
from school.calendar import SchoolCalendar
from school.models import Pupil, School
from school.private_files import private_storage, save_private_file
from school.transitions import Transitions, move

from . import outbox, pdf_merge, recipients, services
from .models import Email, Letter, LetterBatch, LetterBatchEvent

logger = logging.getLogger(__name__)

#: Pupils whose figures are read in one query, and whose letters are written, per step.
CHUNK = 50
#: Most pupils one batch may hold (a whole school of a large secondary).
MAX_PUPILS = 2500
#: Seconds one run of the task works before it queues its own continuation, well inside the task's
#: soft time limit (letters.tasks.run_batch): a limit hit inside a render would mark that letter failed.
RUN_BUDGET = 1200
#: Seconds between updates of the counts while rendering (the progress bar polls every 2 seconds).
RECOUNT_EVERY = 0.5


class _OutOfTime(Exception):
    """This run has used its budget; the next run carries on where it stopped."""


S = LetterBatch.Status
BATCH = Transitions(
    name="letter batch",
    labels={"": "new", **{s.value: s.label for s in S}},
    moves={
        "": {S.BUILDING: "made"},
        S.BUILDING: {S.RENDERING: "every letter is written", S.FAILED: "no letter could be written"},
        S.RENDERING: {S.MERGING: "every letter was prepared or could not be", S.FAILED: "none could"},
        S.MERGING: {S.READY: "the PDFs are one", S.RENDERING: "a letter was tried again", S.FAILED: "merge"},
        S.READY: {S.RENDERING: "a letter was tried again"},
        S.FAILED: {S.RENDERING: "a letter was tried again", S.BUILDING: "the batch was tried again"},
    },
)


@dataclass(frozen=True)
class ReviewRow:
    """One pupil on the review page: their addressees, or why they are left out."""

    pupil: Pupil
    addressees: tuple[recipients.Addressee, ...]
    reason: str = ""


def addressee_key(addressee: recipients.Addressee) -> str:
    """The addressee's identity in a batch: their contacts, sorted.

    >>> from letters.recipients import Addressee
    >>> addressee_key(Addressee(name="A", address="1 Row", contact_ids=(9, 3), language="en", email=""))
    '3-9'
    """
    return "-".join(str(pk) for pk in sorted(addressee.contact_ids))


# --- the review ---------------------------------------------------------------------------------------
def batch_review(
    *, pupils: Iterable[Pupil], code: str, gate: Callable[..., dict[int, str]] | None = None
) -> list[ReviewRow]:
    """Each pupil with the letters they would get, or the reason they are left out: no contact with
    parental responsibility, or what ``gate(pupils=[...], code=...)`` says ({pupil pk: reason} for
    the pupils it holds back: the SEND gate, passed in by graduated_response, which letters may not
    import). The gate is asked once for the whole set, so the review's queries do not grow per pupil."""
    pupils = list(pupils)
    by_pupil = recipients.addressees_by_pupil(pupil.pk for pupil in pupils)
    held_back = gate(pupils=pupils, code=code) if gate else {}
    rows = []
    for pupil in pupils:
        reason = held_back.get(pupil.pk)
        found = tuple(by_pupil.get(pupil.pk, ())) if not reason else ()
        if not reason and not found:
            reason = "No contact with parental responsibility is recorded."
        rows.append(ReviewRow(pupil=pupil, addressees=found, reason=reason or ""))
    return rows


# --- writes -------------------------------------------------------------------------------------------
@transaction.atomic
def batch_create(
    *,
    actor,
    school: School,
    code: str,
    pupil_ids: Iterable[int],
    email_parents: bool,
    description: str,
    gate: Callable[..., dict[int, str]] | None = None,
) -> LetterBatch:
    """Write a batch for the pupils of ``school`` among ``pupil_ids`` and queue its task after commit.

    The review is taken again here (a contact may have changed since the page was shown): the pupils
    left out are kept on the batch with their reason. Refused when no pupil would get a letter.
    """
    ids = sorted({int(pk) for pk in pupil_ids})
    if len(ids) > MAX_PUPILS:
        raise ValidationError(f"A batch holds at most {MAX_PUPILS} pupils; choose a smaller set.")
    pupils = Pupil.objects.filter(school=school, pk__in=ids).order_by(
        "legal_last_name", "legal_first_name", "pk"
    )
    rows = batch_review(pupils=pupils, code=code, gate=gate)
    included = [row.pupil.pk for row in rows if not row.reason]
    if not included:
        raise ValidationError("No pupil in this set would get a letter, so there is nothing to run.")
    now = timezone.now()
    batch = LetterBatch(
        school=school,
        code=code,
        description=description[:300],
        pupil_ids=included,
        excluded=[
            {"pupil_id": r.pupil.pk, "name": str(r.pupil), "reason": r.reason} for r in rows if r.reason
        ],
        email_parents=email_parents,
        created_by=actor,
        created_at=now,
        stored_name=f"{secrets.token_hex(16)}.pdf",
        progress_at=now,
    )
    batch.full_clean()
    move(
        table=BATCH,
        obj=batch,
        to=S.BUILDING,
        from_state="",
        save=batch.save,
        history=lambda a, b: LetterBatchEvent(batch=batch, from_status=a, to_status=b, at=now, by=actor),
    )
    audit.record(
        actor=actor,
        action="letters.batch.created",
        obj=batch,
        school=school,
        after=audit.snapshot(batch, exclude=("pupil_ids", "excluded")) | {"pupils": len(included)},
    )
    outbox.enqueue_on_commit(LetterBatch, batch.pk)
    return batch


def _move(batch_id: int, *, to: str, expected: str, actor=None, note: str = "", **fields) -> bool:
    """Move the batch from ``expected`` to ``to`` (locked; False if someone else moved it first)."""
    with transaction.atomic():
        batch = LetterBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != expected:
            return False
        now = timezone.now()
        for name, value in fields.items():
            setattr(batch, name, value)
        batch.progress_at = now
        move(
            table=BATCH,
            obj=batch,
            to=to,
            save=batch.save,
            history=lambda a, b: LetterBatchEvent(
                batch=batch, from_status=a, to_status=b, at=now, by=actor, note=note[:300]
            ),
        )
        audit.record(
            actor=actor,
            action="letters.batch.moved",
            obj=batch,
            school=batch.school,
            before={"status": expected},
            after={"status": to, "done": batch.done, "failed": batch.failed, "total": batch.total},
        )
    return True


@transaction.atomic
def batch_letter_retry(*, actor, batch: LetterBatch, letter: Letter) -> bool:
    """Put a failed letter of the batch back to pending and the batch back to rendering, and queue the
    batch's task after commit (it renders the letter and merges the PDF again). False when the letter
    is not failed (someone pressed first); a conditional update, so two presses retry it once."""
    moved = Letter.objects.filter(pk=letter.pk, batch=batch, status=Letter.Status.FAILED).update(
        status=Letter.Status.PENDING, error=""
    )
    if not moved:
        return False
    audit.record(
        actor=actor,
        action="letters.batch.letter_retried",
        obj=letter,
        before={"status": Letter.Status.FAILED},
        after={"status": Letter.Status.PENDING, "batch": batch.pk},
    )
    locked = LetterBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status in (S.READY, S.MERGING, S.FAILED):
        _move(batch.pk, to=S.RENDERING, expected=locked.status, actor=actor, note="A letter was tried again.")
    _recount(batch.pk)
    LetterBatch.objects.filter(pk=batch.pk).update(enqueued_at=None)
    outbox.enqueue_on_commit(LetterBatch, batch.pk)
    return True


# --- the task's steps ---------------------------------------------------------------------------------
def batch_run(*, batch_id: int, budget: float = RUN_BUDGET) -> str:
    """Take the batch from wherever it is to ready (or failed); returns its status. Safe to repeat.

    A run that has worked ``budget`` seconds queues the next run (through the outbox) and stops."""
    deadline = time.monotonic() + budget
    try:
        return _run_steps(batch_id, deadline)
    except _OutOfTime:
        LetterBatch.objects.filter(pk=batch_id).update(enqueued_at=None)
        outbox.enqueue(LetterBatch, batch_id)
        return "continued"


def _check_time(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise _OutOfTime


def _run_steps(batch_id: int, deadline: float) -> str:
    for _ in range(8):  # building, rendering, merging, and a retry or two arriving meanwhile
        batch = LetterBatch.objects.select_related("school", "created_by").filter(pk=batch_id).first()
        if batch is None:
            return "missing"
        if batch.status == S.BUILDING:
            _build(batch, deadline)
            written = batch.letters.count()
            _move(batch.pk, to=S.RENDERING if written else S.FAILED, expected=S.BUILDING, total=written)
        elif batch.status == S.RENDERING:
            _render(batch, deadline)
            if _recount(batch.pk, status=S.RENDERING)["pending"]:
                continue  # a letter tried again while this run went through the list
            if batch.letters.filter(status=Letter.Status.RENDERED).exists():
                _move(batch.pk, to=S.MERGING, expected=S.RENDERING)
            else:
                _move(batch.pk, to=S.FAILED, expected=S.RENDERING, error="No letter could be prepared.")
        elif batch.status == S.MERGING:
            _merge(batch)
            _move(batch.pk, to=S.READY, expected=S.MERGING, merged_at=timezone.now(), error="")
        else:
            return batch.status
    return LetterBatch.objects.get(pk=batch_id).status


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _build(batch: LetterBatch, deadline: float) -> None:
    """Write every letter the batch still lacks (chunk by chunk; figures in one query per chunk)."""
    calendar = SchoolCalendar.for_school(batch.school)
    start, end = statistics.default_range(calendar, timezone.localdate())
    have = set(batch.letters.values_list("pupil_id", "batch_addressee"))
    for chunk in _chunks(list(batch.pupil_ids), CHUNK):
        _check_time(deadline)
        pupils = Pupil.objects.filter(school=batch.school, pk__in=chunk).select_related(
            "school", "registration_class"
        )
        figures = statistics.pupil_figures(pupils, start, end, calendar=calendar)
        by_pupil = recipients.addressees_by_pupil(chunk)
        for pupil in pupils.order_by("legal_last_name", "legal_first_name", "pk"):
            for addressee in by_pupil.get(pupil.pk, ()):
                key = addressee_key(addressee)
                if (pupil.pk, key) not in have:
                    _write_letter(batch, pupil, addressee, key, figures.get(pupil.pk))
        LetterBatch.objects.filter(pk=batch.pk, status=S.BUILDING).update(
            total=batch.letters.count(), progress_at=timezone.now()
        )


def _write_letter(batch, pupil, addressee, key, figures) -> None:
    try:
        with transaction.atomic():
            letter = services.letter_produce(
                actor=batch.created_by,
                pupil=pupil,
                code=batch.code,
                addressee=addressee,
                trigger=f"Batch: {batch.description}"[:200],
                figures=figures,
                queue=False,
            )
            Letter.objects.filter(pk=letter.pk).update(
                batch=batch,
                batch_addressee=key,
                batch_email_to=addressee.email if batch.email_parents else "",
            )
    except IntegrityError:
        # Another run of this task wrote this letter meanwhile: the constraint kept one.
        logger.info("Batch %s already has a letter for pupil %s (%s)", batch.pk, pupil.pk, key)


def _recount(batch_id: int, *, status: str | None = None) -> dict:
    """Count the batch's letters and store done/failed (only while it is in ``status``, if given)."""
    counts = Letter.objects.filter(batch_id=batch_id).aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=Letter.Status.RENDERED)),
        failed=Count("id", filter=Q(status=Letter.Status.FAILED)),
        pending=Count("id", filter=Q(status=Letter.Status.PENDING)),
    )
    rows = LetterBatch.objects.filter(pk=batch_id)
    if status:
        rows = rows.filter(status=status)
    rows.update(
        done=counts["done"], failed=counts["failed"], total=counts["total"], progress_at=timezone.now()
    )
    return counts


def _render(batch: LetterBatch, deadline: float) -> None:
    pending = list(
        batch.letters.filter(status=Letter.Status.PENDING).order_by("pk").values_list("pk", flat=True)
    )
    counted = time.monotonic()
    for letter_id in pending:
        _check_time(deadline)
        status = services.letter_render(letter_id=letter_id)
        if status == Letter.Status.RENDERED and batch.email_parents:
            _email_letter(batch, letter_id)
        if time.monotonic() - counted > RECOUNT_EVERY:  # the progress bar asks every 2 seconds
            _recount(batch.pk, status=S.RENDERING)
            counted = time.monotonic()
    if batch.email_parents:  # rendered by an earlier run that stopped before its e-mail was written
        for letter_id in (
            batch.letters.filter(status=Letter.Status.RENDERED, emails__isnull=True)
            .exclude(batch_email_to="")
            .values_list("pk", flat=True)
        ):
            _email_letter(batch, letter_id)


EMAIL_BODY = """Dear {name},

Please find attached a letter from {school} about {pupil}: {subject}.

If you cannot open the attachment, or would like a printed copy, please contact the school office and
we will be glad to help.

With best wishes,
{school}
"""


def _email_letter(batch: LetterBatch, letter_id: int) -> None:
    """One e-mail per letter (a constraint), with its PDF attached when it is sent (outbox)."""
    letter = Letter.objects.select_related("pupil").get(pk=letter_id)
    if not letter.batch_email_to or Email.objects.filter(letter=letter).exists():
        return
    body = EMAIL_BODY.format(
        name=letter.recipient_name or "parent or carer",
        school=letter.school_name,
        pupil=letter.pupil.preferred_first_name or letter.pupil.legal_first_name,
        subject=letter.subject,
    )
    try:
        with transaction.atomic():
            email = services.email_create(
                actor=batch.created_by,
                pupil=letter.pupil,
                kind=Email.Kind.LETTER,
                to=letter.batch_email_to,
                subject=letter.subject,
                body=body,
            )
            Email.objects.filter(pk=email.pk).update(letter=letter)
    except IntegrityError:
        logger.info("Letter %s already has its e-mail", letter_id)
    except ValidationError as exc:  # an address that is not an e-mail address: the letter is printed
        logger.warning("Letter %s could not be e-mailed: %s", letter_id, exc.messages)


def _merge(batch: LetterBatch) -> None:
    """Every rendered letter, in print order, into one PDF (letters.pdf_merge): each letter's file is
    opened, its objects written to a temporary file and dropped before the next, and the result is
    stored from there, so the letters are never all in memory at once."""
    storage = private_storage()
    names = (
        batch.letters.filter(status=Letter.Status.RENDERED)
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pupil_id", "pk")
        .values_list("school_id", "stored_name")
    )

    def sources():
        for n, (school_id, stored_name) in enumerate(names.iterator(chunk_size=200)):
            with storage.open(f"letters/{school_id}/{stored_name}", "rb") as handle:
                yield handle
            if n % 50 == 49:
                LetterBatch.objects.filter(pk=batch.pk).update(progress_at=timezone.now())

    with tempfile.TemporaryFile(suffix=".pdf") as out:
        pdf_merge.merge_pdfs(sources(), out)
        out.seek(0)
        save_private_file(batch.private_file_name(), out)


# --- reads --------------------------------------------------------------------------------------------
def batch_counts(batch: LetterBatch) -> dict:
    """The batch's letters by status and how many e-mails the mail server really accepted."""
    emails = Email.objects.filter(letter__batch=batch).aggregate(
        sent=Count("id", filter=Q(status=Email.Status.SENT)),
        waiting=Count("id", filter=Q(status__in=[Email.Status.PENDING, Email.Status.SENDING])),
        failed=Count("id", filter=Q(status=Email.Status.FAILED)),
    )
    return {"emailed": emails["sent"], "email_waiting": emails["waiting"], "email_failed": emails["failed"]}


def batches_for(*, school) -> list[LetterBatch]:
    return LetterBatch.objects.filter(school=school).select_related("created_by")
