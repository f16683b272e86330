"""The shared school model: trusts, schools, calendar, classes, pupils, contacts, staff and audit."""

from datetime import date, time

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import audit_seal
from .upn import upn_problem


class Trust(models.Model):
    name = models.CharField(max_length=200, unique=True)

    def __str__(self):
        return self.name


class School(models.Model):
    class Kind(models.TextChoices):
        # The law differs: a maintained school's governing body must show a parent the educational
        # record within 15 school days; an academy has no such duty and handles the request as a
        # subject access request (STATUTORY_RULES.md section 7).
        MAINTAINED = "maintained", "Maintained school (local authority)"
        ACADEMY = "academy", "Academy or free school"

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(max_length=200)
    # The demo school belongs to a multi-academy trust, so "academy" is the default.
    kind = models.CharField("Type of school", max_length=12, choices=Kind.choices, default=Kind.ACADEMY)
    urn = models.CharField("URN", max_length=10, blank=True)
    local_authority = models.CharField(max_length=100, blank=True)
    # Register times are the school's own choice (seed school: 8.30-9.00); the law caps the
    # register at 30 minutes open in a school setting.
    am_register_opens = models.TimeField(default=time(8, 30))
    am_register_closes = models.TimeField(default=time(9, 0))
    pm_register_opens = models.TimeField(default=time(13, 15))
    pm_register_closes = models.TimeField(default=time(13, 45))
    # Used to turn sessions into "hours of learning lost".
    hours_per_session = models.DecimalField(max_digits=4, decimal_places=2, default=3.25)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["trust", "name"], name="school_unique_name_in_trust")]

    def __str__(self):
        return self.name


class AcademicYear(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="academic_years")
    name = models.CharField(max_length=20, help_text="For example 2026/27")
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "start_date"], name="academicyear_unique_start"),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="academicyear_order"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": "The year must end after it starts."})


class TermPeriod(models.Model):
    """A half-term: a run of teaching weeks. Holidays are the gaps between periods."""

    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="periods")
    name = models.CharField(max_length=50, help_text="For example Autumn 1")
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="termperiod_order"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.start_date:%d %b} to {self.end_date:%d %b %Y})"

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "A half-term must end on or after the day it starts."})
        year = getattr(self, "academic_year", None)
        if year and self.start_date and self.end_date:
            if self.start_date < year.start_date or self.end_date > year.end_date:
                raise ValidationError("A half-term must fall inside its academic year.")


class Session(models.TextChoices):
    AM = "AM", "Morning"
    PM = "PM", "Afternoon"


class ClosureDay(models.Model):
    class Kind(models.TextChoices):
        INSET = "inset", "INSET (staff training) day"
        PLANNED = "planned", "Planned closure"
        BANK_HOLIDAY = "bank_holiday", "Bank holiday"
        OTHER = "other", "Other planned closure"
        # Snow, a burst pipe: the register code is Y4, not # (attendance.code_origins.closure_code).
        UNEXPECTED = "unexpected", "Unexpected closure (for example snow or no heating)"

    class Sessions(models.TextChoices):
        BOTH = "both", "Whole day"
        AM = "AM", "Morning only"
        PM = "PM", "Afternoon only"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INSET)
    sessions = models.CharField(max_length=4, choices=Sessions.choices, default=Sessions.BOTH)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["school", "date"], name="closureday_unique_date")]

    def __str__(self):
        return f"{self.date:%d %b %Y}: {self.get_kind_display()}"


class YearGroup(models.IntegerChoices):
    """National curriculum year. Nursery is -1 and Reception 0 so that ordering is natural."""

    NURSERY = -1, "Nursery"
    RECEPTION = 0, "Reception"
    Y1 = 1, "Year 1"
    Y2 = 2, "Year 2"
    Y3 = 3, "Year 3"
    Y4 = 4, "Year 4"
    Y5 = 5, "Year 5"
    Y6 = 6, "Year 6"
    Y7 = 7, "Year 7"
    Y8 = 8, "Year 8"
    Y9 = 9, "Year 9"
    Y10 = 10, "Year 10"
    Y11 = 11, "Year 11"
    Y12 = 12, "Year 12"
    Y13 = 13, "Year 13"

    @classmethod
    def key_stage(cls, year: int) -> str:
        if year <= 0:
            return "EYFS"
        if year <= 2:
            return "KS1"
        if year <= 6:
            return "KS2"
        if year <= 9:
            return "KS3"
        if year <= 11:
            return "KS4"
        return "KS5"


class User(AbstractUser):
    """Staff account. Roles come from memberships, per school."""

    job_title = models.CharField(max_length=100, blank=True)

    def __str__(self):
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    HEADTEACHER = "headteacher", "Headteacher"
    SENDCO = "sendco", "SENDCo"
    ATTENDANCE_OFFICER = "attendance_officer", "Attendance officer"
    DSL = "dsl", "Designated safeguarding lead"
    CLASS_TEACHER = "class_teacher", "Class teacher"
    TEACHING_ASSISTANT = "teaching_assistant", "Teaching assistant"
    OFFICE_STAFF = "office_staff", "Office staff"
    GOVERNOR = "governor", "Governor"
    TRUST_LEAD = "trust_lead", "Trust lead"


class Membership(models.Model):
    """A user's role at a school. A trust lead's membership reaches every school of the trust."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "school", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} at {self.school}"


class RegistrationClass(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="classes")
    name = models.CharField(max_length=50)
    year_group = models.IntegerField(choices=YearGroup.choices)
    # Class teachers and teaching assistants who work with this class.
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="registration_classes")

    class Meta:
        ordering = ["year_group", "name"]
        verbose_name_plural = "registration classes"
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="class_unique_name")]

    def __str__(self):
        return self.name


class PupilQuerySet(models.QuerySet["Pupil"]):
    def on_roll(self, *, at: date):
        """Pupils admitted on or before `at` whose leaving date (last day on roll) is not before it."""
        return self.filter(admission_date__lte=at).filter(
            Q(leaving_date__isnull=True) | Q(leaving_date__gte=at)
        )

    def for_school(self, school):
        return self.filter(school=school)

    def in_class_on(self, classes, *, day: date):
        """Pupils whose class membership on `day` is in `classes` (a class, or a list or queryset of them).

        Today's class is ``registration_class``; a register for another day asks this instead.
        """
        if isinstance(classes, RegistrationClass):
            classes = [classes]
        members = ClassMembership.objects.on(day).filter(registration_class__in=classes)
        return self.filter(pk__in=members.values("pupil_id"))


class Pupil(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"

    class Safeguarding(models.TextChoices):
        NONE = "", "None recorded"
        CIN = "cin", "Child in need"
        CP = "cp", "Child protection plan"

    # Flags later reports group by; one list so forms, filters and imports agree.
    FLAG_FIELDS = (
        "pupil_premium",
        "free_school_meals",
        "eal",
        "looked_after",
        "previously_looked_after",
        "young_carer",
        "service_child",
        "medical_condition",
    )
    # The details the office keeps about a pupil, in the order they are shown: the pupil form, the
    # import's field check and the records export each start from this one list.
    DETAIL_FIELDS = (
        "upn",
        "legal_first_name",
        "legal_last_name",
        "preferred_first_name",
        "preferred_last_name",
        "date_of_birth",
        "sex",
        "year_group",
        "registration_class",
        "admission_date",
        "leaving_date",
        *FLAG_FIELDS,
    )

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupils")
    upn = models.CharField("UPN", max_length=13)
    legal_first_name = models.CharField(max_length=100)
    legal_last_name = models.CharField(max_length=100)
    preferred_first_name = models.CharField(max_length=100, blank=True)
    preferred_last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    year_group = models.IntegerField(choices=YearGroup.choices)
    registration_class = models.ForeignKey(
        RegistrationClass, on_delete=models.SET_NULL, null=True, blank=True, related_name="pupils"
    )
    admission_date = models.DateField()
    leaving_date = models.DateField(null=True, blank=True, help_text="The last day on roll.")

    pupil_premium = models.BooleanField(default=False)
    free_school_meals = models.BooleanField("Free school meals", default=False)
    eal = models.BooleanField("English as an additional language", default=False)
    looked_after = models.BooleanField(default=False)
    previously_looked_after = models.BooleanField(default=False)
    young_carer = models.BooleanField(default=False)
    service_child = models.BooleanField(default=False)
    medical_condition = models.BooleanField(default=False)
    # Census SEN provision (N / K / E). Kept here so every app can group by it; only the send app's
    # register services change it, through their transition table, which audits the change.
    sen_provision = models.CharField(
        "SEN provision",
        max_length=1,
        choices=[("N", "No SEN"), ("K", "SEN support"), ("E", "EHC plan")],
        default="N",
    )
    # Visible only to the DSL and headteacher (school.policy.can_see_safeguarding).
    safeguarding_status = models.CharField(
        "Child in need / child protection", max_length=3, choices=Safeguarding.choices, blank=True, default=""
    )

    objects = PupilQuerySet.as_manager()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        constraints = [models.UniqueConstraint(fields=["school", "upn"], name="pupil_unique_upn")]
        indexes = [models.Index(fields=["school", "year_group"]), models.Index(fields=["legal_last_name"])]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        first = self.preferred_first_name or self.legal_first_name
        last = self.preferred_last_name or self.legal_last_name
        return f"{first} {last}"

    @property
    def legal_name(self):
        return f"{self.legal_first_name} {self.legal_last_name}"

    def clean(self):
        errors = {}
        if self.upn:
            self.upn = self.upn.strip().upper()
            problem = upn_problem(self.upn)
            if problem:
                errors["upn"] = problem
        if self.leaving_date and self.admission_date and self.leaving_date < self.admission_date:
            errors["leaving_date"] = "The leaving date cannot be before the admission date."
        if (
            self.registration_class_id
            and self.school_id
            and self.registration_class.school_id != self.school_id
        ):
            errors["registration_class"] = "That class belongs to another school."
        if errors:
            raise ValidationError(errors)

    def on_roll_at(self, day: date) -> bool:
        return self.admission_date <= day and (self.leaving_date is None or self.leaving_date >= day)


class ClassMembershipQuerySet(models.QuerySet):
    def on(self, day: date):
        """Memberships that cover `day` (start and end are both days in the class)."""
        return self.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))


class ClassMembership(models.Model):
    """A pupil's time in a registration class. ``Pupil.registration_class`` is the open one (end null).

    A register for a past day lists the pupils whose membership covered that day, so moving a pupil
    today does not rewrite last term's registers. Written only by ``school.class_membership``.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="class_memberships")
    registration_class = models.ForeignKey(
        RegistrationClass, on_delete=models.CASCADE, related_name="memberships"
    )
    start = models.DateField(help_text="The first day in the class.")
    end = models.DateField(null=True, blank=True, help_text="The last day in the class; empty while current.")

    objects = ClassMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["pupil", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="classmembership_order"
            ),
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(end__isnull=True), name="classmembership_one_open"
            ),
        ]
        indexes = [models.Index(fields=["registration_class", "start"], name="classmembership_class_start")]

    def __str__(self):
        until = f"{self.end:%d %b %Y}" if self.end else "now"
        return f"{self.pupil_id} in {self.registration_class_id} {self.start:%d %b %Y} to {until}"


class Contact(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="contacts")
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    preferred_language = models.CharField(max_length=50, blank=True, default="English")

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return " ".join(part for part in (self.title, self.first_name, self.last_name) if part)


class PupilContact(models.Model):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="contact_links")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="pupil_links")
    relationship = models.CharField(max_length=50, help_text="For example Mother, Father, Carer, Grandparent")
    parental_responsibility = models.BooleanField(default=False)
    priority = models.PositiveSmallIntegerField(default=1, help_text="1 is called first")

    class Meta:
        ordering = ["priority", "id"]
        constraints = [models.UniqueConstraint(fields=["pupil", "contact"], name="pupilcontact_unique")]

    def __str__(self):
        return f"{self.contact} ({self.relationship}) for {self.pupil}"


class AuditSubject(models.Model):
    """The personal details that audit rows about one pupil mention, kept apart from the chained rows
    (school.audit_seal). Erasure at the end of retention clears `values` and `salt` and keeps the
    pseudonym, so the rows still say who did what and when, and the chain still verifies."""

    pupil_id = models.BigIntegerField(unique=True)  # no foreign key: the subject outlives the pupil
    code = models.CharField(max_length=8, unique=True)
    values = models.JSONField(default=list, blank=True)
    salt = models.CharField(max_length=64, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.pseudonym

    @property
    def pseudonym(self):
        return f"Pupil {self.code}"

    @property
    def shown_values(self):
        return None if self.erased_at else self.values


class AuditEntry(models.Model):
    """One row per create, change or delete of a record about a child. Never edited or deleted.

    The `sealed_*` fields are stored and hash-chained (school.audit_chain) with personal values
    replaced by tokens; `object_repr`, `before`, `after` and `reason` give them back with the real
    values while the pupil's subject record holds them, and the pseudonym after erasure."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    actor_name = models.CharField(max_length=200, blank=True)
    actor_role = models.CharField(max_length=200, blank=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, null=True, blank=True)
    pupil = models.ForeignKey(Pupil, on_delete=models.DO_NOTHING, null=True, blank=True, db_constraint=False)
    subject = models.ForeignKey(
        AuditSubject, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(
        max_length=100, db_index=True, help_text="Namespaced, e.g. school.pupil.changed"
    )
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    sealed_repr = models.CharField(max_length=300, blank=True)
    sealed_before = models.JSONField(null=True, blank=True)
    sealed_after = models.JSONField(null=True, blank=True)
    sealed_reason = models.TextField(blank=True)
    personal_digest = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def _reveal(self, data):
        if self.subject_id is None:
            return data
        return audit_seal.reveal(data, self.subject.code, self.subject.shown_values)

    @property
    def object_repr(self):
        return self._reveal(self.sealed_repr)

    @property
    def before(self):
        return self._reveal(self.sealed_before)

    @property
    def after(self):
        return self._reveal(self.sealed_after)

    @property
    def reason(self):
        return self._reveal(self.sealed_reason)

    def changed_fields(self):
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(key, before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key)]


class SubmissionToken(models.Model):
    """A create form's one-time token, claimed in the same transaction as the row it created.

    The unique token closes the race of a double click or a resubmitted form: the second INSERT
    waits for the first transaction and then fails, and the second request is shown the first's
    record instead of making another (school.submissions)."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return f"{self.token} -> {self.object_type} {self.object_id}"
