"""Letters: a record that snapshots what a letter says, then a task that renders its PDF.

A Letter is written once (letters.services.letter_create) with everything the printed page needs
frozen at that moment: the school's name, the recipient's name and address, the subject and the body
(already rendered, autoescaped HTML). Later changes to the pupil, the contact or the school never change
a letter that was sent. letters.tasks.render_letter turns the snapshot into a PDF stored in the private
storage (school/private_files.py) as letters/<school id>/<random name>.pdf, served only by
letters.views.letter_download.

`kind` says what the letter is for and who may open it (KIND_CAPABILITY); the letters and formal
attendance measures issue adds its kinds (Letters 1-3, notices to improve) here.

Letters and Emails are the project's outbox for background work (letters.outbox): each row is written
pending in the user's transaction, queued after commit, and records when it was last queued
(enqueued_at: None when the broker refused it), how many attempts it took and the last error, so a
sweep can queue again whatever is left pending too long and the page can say what really happened.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from school import policy
from school.models import Pupil, School


class Letter(models.Model):
    class Kind(models.TextChoices):
        VIEWS_REQUEST = "views_request", "Request for views before a SEND review"
        ATTENDANCE = "attendance", "Attendance letter"
        SEND = "send", "SEND letter"

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        RENDERED = "rendered", "Ready"
        FAILED = "failed", "Could not be prepared"

    # Who may open a letter of each kind (on top of having the pupil in scope).
    KIND_CAPABILITY = {
        Kind.VIEWS_REQUEST: policy.VIEW_SEND,
        Kind.ATTENDANCE: policy.VIEW_CASES,
        Kind.SEND: policy.VIEW_SEND,
    }

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="letters")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # The snapshot: what the printed letter says, frozen when the letter was created.
    school_name = models.CharField(max_length=200)
    letter_date = models.DateField()
    recipient_name = models.CharField(max_length=300, blank=True)
    recipient_address = models.TextField(blank=True)
    subject = models.CharField(max_length=300)
    body_html = models.TextField(help_text="The letter's body, rendered (autoescaped) when it was created.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    # Letters made from an editable template (letters.services.letter_produce): the template code, the
    # exact version used (kept: a later edit never changes this letter), the language it went out in,
    # what caused it, the merge values as they were, the contacts it is addressed to and the letterhead
    # as it was (address, logo, signatory).
    code = models.CharField(max_length=40, blank=True, db_index=True)
    template_version = models.ForeignKey(
        "LetterTemplateVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    language = models.CharField(max_length=50, blank=True, default="English")
    trigger = models.CharField(max_length=200, blank=True)
    merge_values = models.JSONField(default=dict, blank=True)
    recipient_contact_ids = models.JSONField(default=list, blank=True)
    letterhead = models.JSONField(default=dict, blank=True)
    # The rendering.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    rendered_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The outbox (letters.outbox): when the render was last handed to the broker (None: not yet, or
    # the broker was down), and how many renders were tried.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # A letter written by a batch (letters.batches): rendered by the batch's task, not on its own, and
    # unique per (batch, pupil, addressee) so a retried batch task never writes a letter twice.
    batch = models.ForeignKey(
        "letters.LetterBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    batch_addressee = models.CharField(
        max_length=200, blank=True, editable=False, help_text="The addressee's contact ids, in a batch."
    )
    batch_email_to = models.EmailField(
        blank=True, help_text="Where the batch e-mails this letter (the addressee's e-mail), if it does."
    )
    # The meeting whose page wrote it (letters.meetings), or whose letter it is when the case page wrote
    # it (Letters 2 and 3 and their follow-ups): the meeting page lists its letters.
    meeting = models.ForeignKey(
        "letters.Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "pupil", "kind"]), models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rendered") | Q(rendered_at__isnull=False),
                name="letter_rendered_has_time",
            ),
            models.UniqueConstraint(
                fields=["batch", "pupil", "batch_addressee"],
                condition=Q(batch__isnull=False),
                name="letter_one_per_batch_pupil_addressee",
            ),
        ]

    def __str__(self):
        return f"{self.subject} ({self.letter_date:%d %b %Y})"

    def private_file_name(self) -> str:
        """The PDF's name in the private storage (school/private_files.py); deleting the row at the end
        of retention deletes this file too. The random stored name, not this name, keeps it unguessable;
        the database row, not the name, grants access."""
        return f"letters/{self.school_id}/{self.stored_name}"

    @property
    def filename(self) -> str:
        return f"{(self.code or self.kind).replace('_', '-')}-{self.pupil_id}-{self.pk}.pdf"

    @property
    def status_text(self) -> str:
        """Where the letter's PDF is, truthfully (letters/outbox.py): a pending letter never handed to
        the broker is queued until the background service is back, not "being prepared". A batch's
        letters are rendered by the batch's own task, so theirs follow the batch."""
        if self.status == self.Status.PENDING and self.enqueued_at is None and self.batch_id is None:
            return "queued: its PDF will be made when the background service is back"
        return self.get_status_display().lower()


class LetterTemplate(models.Model):
    """A school's editable letter (Letter 1, a certificate, the SEN provision letter...), one per code.

    Its text lives in versions: saving makes a new LetterTemplateVersion and keeps the old ones, so a
    letter always points at the exact words it used. A school that never edited a template gets the
    default text (letters/defaults.py) as version 1, created the first time the school's templates are
    listed or a letter is produced (letters.template_services.school_templates).
    """

    class Kind(models.TextChoices):
        ATTENDANCE = "attendance", "Attendance"
        SEND = "send", "SEND"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="letter_templates")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["school", "code"], name="lettertemplate_unique_code")]

    def __str__(self):
        return self.name


class LetterTemplateVersion(models.Model):
    """One saved text of a template in one language. Never edited: a save adds the next number."""

    template = models.ForeignKey(LetterTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    language = models.CharField(max_length=50, default="English")
    subject = models.CharField(max_length=200)
    body_html = models.TextField(help_text="Sanitised rich text (letters/sanitise.py) with {merge_fields}.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["template", "language", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "language", "number"], name="lettertemplateversion_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.template} v{self.number} ({self.language})"


class Letterhead(models.Model):
    """The top and foot of every letter a school prints: address, logo, who signs, how to reach us.

    The logo is a small image kept in the row as a data: URI (at most LOGO_MAX_BYTES), because the PDF
    renderer refuses every other URL (letters/rendering.py) and a letter snapshots it as it was.
    """

    LOGO_MAX_BYTES = 200_000

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="letterhead")
    address = models.TextField(blank=True)
    logo_data_uri = models.TextField(blank=True)
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_role = models.CharField(max_length=200, blank=True, default="Headteacher")
    contact_line = models.CharField(max_length=300, blank=True, help_text="Telephone, e-mail and website.")
    attendance_target = models.DecimalField(
        max_digits=4, decimal_places=1, default=96, help_text="The school's attendance target, in per cent."
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Letterhead of {self.school}"

    def snapshot(self) -> dict:
        return {
            "school_name": self.school.name,
            "address": self.address,
            "logo": self.logo_data_uri,
            "signatory_name": self.signatory_name,
            "signatory_role": self.signatory_role,
            "contact_line": self.contact_line,
            "attendance_target": str(self.attendance_target),
        }


class Email(models.Model):
    """An e-mail the school sends, as written (a snapshot), and whether the mail server accepted it.

    Written pending in the user's transaction; letters.tasks.send_email sends it after commit and marks
    it sent only once the mail backend accepted it (pending -> sending -> sent, or failed with the
    server's reason). Nothing else may say "e-mailed".
    """

    class Kind(models.TextChoices):
        VIEWS_REQUEST = "views_request", "Request for views before a SEND review"
        VIEWS_REMINDER = "views_reminder", "Reminder of a request for views"
        LETTER = "letter", "A letter, attached as a PDF"
        CONCERN_OUTCOME = "concern_outcome", "A concern you raised has been triaged"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be e-mailed"
        SENDING = "sending", "Being e-mailed"
        SENT = "sent", "E-mailed"
        FAILED = "failed", "Could not be e-mailed"

    # Who may see an e-mail of each kind, and send it again (on top of having the pupil in scope).
    KIND_CAPABILITY = {
        Kind.VIEWS_REQUEST: policy.MANAGE_SEND,
        Kind.VIEWS_REMINDER: policy.MANAGE_SEND,
        Kind.LETTER: policy.MANAGE_CASES,
        Kind.CONCERN_OUTCOME: policy.MANAGE_SEND,
    }

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="emails")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="emails")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    to = models.EmailField()
    # Where the parent's reply goes (the member of staff who asked, or the school office): never a
    # no-reply address. Blank: the server's DEFAULT_FROM_EMAIL takes the replies.
    reply_to = models.EmailField(blank=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The letter sent with it as a PDF attachment (a batch's e-mail to the parent), one e-mail per letter.
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="emails")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"], name="email_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="email_sent_has_time"
            ),
            models.UniqueConstraint(
                fields=["letter"], condition=Q(letter__isnull=False), name="email_one_per_letter"
            ),
        ]

    def __str__(self):
        return f"{self.subject}: {self.get_status_display()}"


class LetterBatch(models.Model):
    """A set of letters written and printed together (letters.batches): one template for many pupils,
    every addressee of each, merged into one print-ready PDF, optionally e-mailed to each parent.

    Its status moves building -> rendering -> merging -> ready (or failed) through
    school.transitions.move with letters.batches.BATCH, each move a LetterBatchEvent row. ``total``,
    ``done`` and ``failed`` count its letters as the task goes (conditional updates), for the progress
    bar; ``progress_at`` says when the task last moved, so the outbox sweep can tell a lost batch
    from a long one.
    """

    class Status(models.TextChoices):
        BUILDING = "building", "Writing the letters"
        RENDERING = "rendering", "Preparing the PDFs"
        MERGING = "merging", "Putting the PDFs together"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be finished"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="letter_batches")
    code = models.CharField("Letter", max_length=40)
    description = models.CharField(max_length=300, help_text="The set of pupils it was run for.")
    pupil_ids = models.JSONField(default=list, help_text="The pupils to write to, as reviewed.")
    excluded = models.JSONField(
        default=list,
        blank=True,
        help_text="Pupils left out when the batch was made, and why: [{pupil_id, name, reason}].",
    )
    email_parents = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BUILDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    merged_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The outbox (letters.outbox): when its task was last queued, and when it last made progress.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "status"], name="letterbatch_school_status")]

    def __str__(self):
        return f"{self.description} ({self.code}, {self.created_at:%d %b %Y})"

    def private_file_name(self) -> str:
        """The merged PDF's name in the private storage (school/private_files.py)."""
        return f"letters/{self.school_id}/batches/{self.stored_name}"

    @property
    def filename(self) -> str:
        return f"letters-{self.code}-{self.created_at:%Y-%m-%d}-{self.pk}.pdf"

    @property
    def letter_name(self) -> str:
        """The letter's name as staff know it ("Attendance certificate: 100%"), not its code."""
        from .defaults import DEFAULTS

        default = DEFAULTS.get(self.code)
        return default.name if default else self.code

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)


class LetterBatchEvent(models.Model):
    """History of a batch's status, one row per move (the table is letters.batches.BATCH)."""

    batch = models.ForeignKey(LetterBatch, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status or 'new'} to {self.to_status}"


from .models_meetings import Meeting, MeetingStatusEvent, MeetingTarget  # noqa: E402,F401
