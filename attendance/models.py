"""Attendance records: register marks, their amendments, parents' absence calls and leave requests.

A mark is never deleted (School Attendance Regulations 2024: every entry is kept for six years and an
amendment keeps the original). Changes go through ``attendance.services`` only, which writes a
``MarkAmendment`` and an audit row for each change.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from school.models import Contact, Pupil, School, Session
from school.withdrawal import Withdrawable

from . import codes

CATEGORY_CSS = {
    codes.Category.PRESENT: "cat-present",
    codes.Category.APPROVED_ACTIVITY: "cat-approved",
    codes.Category.AUTHORISED: "cat-authorised",
    codes.Category.UNAUTHORISED: "cat-unauthorised",
    codes.Category.NOT_COUNTED: "cat-not-counted",
}


class RegisterMarkQuerySet(models.QuerySet):
    def for_session(self, *, day, session):
        return self.filter(date=day, session=session)

    def between(self, start, end):
        return self.filter(date__gte=start, date__lte=end)


class RegisterMark(models.Model):
    """One pupil's code for one session. ``version`` rises with every change (optimistic locking)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="register_marks")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="register_marks")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    code = models.CharField(max_length=3)
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    # Entered after the register closed (a late register): the statutory record says so, because a
    # mark made after the session is weaker evidence than one made at the time (docs/rules.md section 3).
    late_register = models.BooleanField(default=False)

    objects = RegisterMarkQuerySet.as_manager()

    class Meta:
        ordering = ["date", "session"]
        constraints = [
            # The database, not the form, guarantees one mark per pupil per session (two people
            # saving the same register at once cannot both insert).
            models.UniqueConstraint(fields=["pupil", "date", "session"], name="registermark_one_per_session"),
            models.CheckConstraint(condition=Q(session__in=["AM", "PM"]), name="registermark_session_valid"),
        ]
        indexes = [
            models.Index(fields=["school", "date"], name="registermark_school_date"),
            models.Index(fields=["pupil", "date"], name="registermark_pupil_date"),
        ]

    def __str__(self):
        return f"{self.pupil_id} {self.date:%Y-%m-%d} {self.session}: {self.code}"

    @property
    def category(self) -> codes.Category:
        return codes.category_of(self.code)

    @property
    def css_class(self) -> str:
        """The colour class for the session calendar (static/css/app.css)."""
        return CATEGORY_CSS[self.category]

    @property
    def meaning(self) -> str:
        known = codes.CODES.get(self.code) or codes.WITHDRAWN_CODES.get(self.code)
        return known.meaning if known else self.code

    def clean(self):
        errors = {}
        if self.code and self.date:
            try:
                self.code = codes.lookup(self.code, on=self.date).code
            except codes.UnknownCode as exc:
                errors["code"] = str(exc)
        if self.minutes_late is not None and self.code not in codes.LATE_CODES:
            errors["minutes_late"] = "Minutes late go only with L or U."
        if self.pupil_id and self.school_id and self.pupil.school_id != self.school_id:
            errors["pupil"] = "That pupil belongs to another school."
        if errors:
            raise ValidationError(errors)


class MarkAmendment(models.Model):
    """The statutory amendment record: original and new entry, reason, when, who and their position."""

    mark = models.ForeignKey(RegisterMark, on_delete=models.PROTECT, related_name="amendments")
    old_code = models.CharField(max_length=3)
    new_code = models.CharField(max_length=3)
    old_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    new_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField()
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amended_by_name = models.CharField(max_length=200)
    amended_by_role = models.CharField(max_length=200, blank=True)
    amended_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["amended_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="markamendment_reason_required"),
        ]

    def __str__(self):
        return f"{self.old_code} -> {self.new_code} ({self.reason})"


class AbsenceCall(Withdrawable):
    """A parent's call, e-mail or visit explaining an absence, and the code the sessions became.

    A call recorded by mistake is withdrawn, not deleted; the marks it coded stay as they are."""

    class Method(models.TextChoices):
        PHONE = "phone", "Phone call"
        VOICEMAIL = "voicemail", "Voicemail"
        EMAIL = "email", "E-mail"
        IN_PERSON = "in_person", "In person"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="absence_calls")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="absence_calls")
    caller_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="absence_calls"
    )
    caller_name = models.CharField(
        max_length=200, blank=True, help_text="If the caller is not a listed contact"
    )
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.PHONE)
    reason = models.TextField()
    code = models.CharField(max_length=3)
    first_date = models.DateField()
    first_session = models.CharField(max_length=2, choices=Session.choices, default=Session.AM)
    last_date = models.DateField()
    last_session = models.CharField(max_length=2, choices=Session.choices, default=Session.PM)
    expected_return = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["school", "recorded_at"], name="absencecall_school_at")]

    def __str__(self):
        return f"Absence call for {self.pupil} ({self.code})"

    @property
    def caller(self) -> str:
        return str(self.caller_contact) if self.caller_contact_id else self.caller_name

    def clean(self):
        errors = {}
        if not self.caller_contact_id and not self.caller_name.strip():
            errors["caller_name"] = "Choose a contact or type who called."
        if self.first_date and self.last_date:
            if (self.last_date, self.last_session) < (self.first_date, self.first_session):
                errors["last_date"] = "The last session must be on or after the first."
        if self.expected_return and self.first_date and self.expected_return < self.first_date:
            errors["expected_return"] = "The expected return cannot be before the absence starts."
        if self.pupil_id and self.school_id and self.pupil.school_id != self.school_id:
            errors["pupil"] = "That pupil belongs to another school."
        if errors:
            raise ValidationError(errors)


class CallAttempt(models.Model):
    """A first-day call that did not reach anyone: who was rung, on which number, when, and what happened.

    The attendance policy expects the office to keep trying every day of an unexplained absence; these
    rows are the trace that it did. A call that reaches someone is an ``AbsenceCall`` instead. Never
    changed or deleted: a wrong one is followed by the next attempt.
    """

    class Outcome(models.TextChoices):
        NO_ANSWER = "no_answer", "Rang, no answer"
        MESSAGE = "message", "Left a message"
        NOT_RECOGNISED = "not_recognised", "Number not recognised"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="call_attempts")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="call_attempts")
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="call_attempts"
    )
    # Kept as they were at the time, so the history still reads right after a contact is edited.
    contact_name = models.CharField(max_length=200)
    phone = models.CharField(max_length=30, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    absence_date = models.DateField(help_text="The day of absence the call was about")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-made_at", "-id"]
        indexes = [models.Index(fields=["pupil", "made_at"], name="callattempt_pupil_at")]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.contact_name} for {self.pupil}"

    def clean(self):
        if self.pupil_id and self.school_id and self.pupil.school_id != self.school_id:
            raise ValidationError({"pupil": "That pupil belongs to another school."})


class LeaveRequest(models.Model):
    """A request for leave of absence in term time; the headteacher grants or refuses it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for a decision"
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"

    # Leave the 2024 regulations allow a headteacher to grant, with the code it is recorded as.
    LEAVE_CODES = [
        ("C", "C – exceptional circumstances"),
        ("C1", "C1 – regulated performance or employment abroad"),
        ("J1", "J1 – interview"),
        ("S", "S – study leave"),
        ("C2", "C2 – temporary part-time timetable"),
    ]

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="leave_requests")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="leave_requests")
    # The contact asking (a listed parent or carer); the name is kept as text too, for requests made
    # before contacts were chosen and so the record still reads right if the contact is edited.
    requested_by_contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leave_requests",
        verbose_name="Requested by",
    )
    requested_by = models.CharField(
        "Requested by, if not listed", max_length=200, blank=True, help_text="The parent or carer asking"
    )
    start_date = models.DateField()
    start_session = models.CharField(max_length=2, choices=Session.choices, default=Session.AM)
    end_date = models.DateField()
    end_session = models.CharField(max_length=2, choices=Session.choices, default=Session.PM)
    reason = models.TextField()
    code = models.CharField("Leave type", max_length=3, choices=LEAVE_CODES, default="C")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    # Leave asked for after it began (a family emergency the school heard of later). Granting it codes
    # nothing: the marks already taken stay, and any change to them is an amendment with its reason.
    retrospective = models.BooleanField(
        "Recorded after the event",
        default=False,
        help_text="Tick when the leave has already started. Granting it codes no sessions: "
        "the marks already on the register stay as they are.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Leave for {self.pupil} from {self.start_date:%d %b %Y}"

    @property
    def asked_by(self) -> str:
        return str(self.requested_by_contact) if self.requested_by_contact_id else self.requested_by

    def clean(self):
        errors = {}
        if self.start_date and self.end_date:
            if (self.end_date, self.end_session) < (self.start_date, self.start_session):
                errors["end_date"] = "The leave must end on or after the day it starts."
        if not self.requested_by_contact_id and not self.requested_by.strip():
            errors["requested_by"] = "Choose the contact asking, or type their name."
        if self.pupil_id and self.school_id and self.pupil.school_id != self.school_id:
            errors["pupil"] = "That pupil belongs to another school."
        if errors:
            raise ValidationError(errors)


class LeaveRequestEvent(models.Model):
    """History of a leave request's status, one row per transition."""

    leave_request = models.ForeignKey(LeaveRequest, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status or 'new'} -> {self.to_status}"


class PreviousSchoolMark(models.Model):
    """A session recorded at the pupil's previous school, imported from its MIS export.

    Kept apart from ``RegisterMark`` on purpose: the DfE counts each enrolment's own sessions, so these
    never enter this school's figures. Their only use is the penalty-notice threshold (10 unauthorised
    sessions in 10 school weeks), and only where the school chose to count them (graduated_response
    ResponseSettings.count_previous_school_sessions; docs/rules.md section 4 leaves it open)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="previous_school_marks")
    previous_school = models.CharField(
        max_length=200, help_text="The school's name or URN, as the file gave it."
    )
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    code = models.CharField(max_length=3)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "date", "session"], name="previousschoolmark_one_per_session"
            )
        ]

    def __str__(self):
        return f"{self.code} on {self.date} {self.session} at {self.previous_school}"


class MarksImport(models.Model):
    """A marks file uploaded for import, and how far its background task has got.

    The file is kept in the private storage (``school.private_files``) under ``file_name`` until the
    import has finished; the import page polls this record every two seconds and says what is true:
    waiting for the background service, checking row N of M, saving, imported (with what changed),
    refused (the rows with problems; nothing imported) or failed (nothing imported)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        CHECKING = "checking", "Checking the rows"
        SAVING = "saving", "Saving the marks"
        DONE = "done", "Imported"
        REFUSED = "refused", "Nothing imported: some rows have problems"
        FAILED = "failed", "Nothing imported: the import could not be finished"

    FINISHED = frozenset({Status.DONE, Status.REFUSED, Status.FAILED})

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="marks_imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    original_name = models.CharField(max_length=200, blank=True)
    file_name = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    #: What the import did, as sentences for the page (new marks, changes, notes).
    summary = models.JSONField(default=list, blank=True)
    #: [[row number, problem], ...] when the file was refused.
    problems = models.JSONField(default=list, blank=True)
    error = models.CharField(max_length=500, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "created_at"], name="marksimport_school_at")]

    def __str__(self):
        return f"Marks import {self.original_name or self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED
