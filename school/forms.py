"""Forms for the school app. They check types and shapes; services check the rules and save."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from . import submissions
from .editing import EditVersionMixin, refresh_version
from .form_base import Form, ModelForm
from .models import AcademicYear, ClosureDay, Contact, Pupil, RegistrationClass, Role, School, TermPeriod
from .submissions import OneTimeTokenMixin
from .text_input import refuse_bidi_controls


class DateInput(forms.DateInput):
    """The one date widget. A browser's date input takes only ISO dates (2026-12-29); the en-GB format
    (29/12/2026) would show an empty box, and saving the form would clear a date nobody touched."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def add_service_errors(form: forms.Form, error: ValidationError, *, field_map: dict | None = None) -> None:
    """The one way a service's ValidationError reaches a form: each message beside the field it names
    (`field_map` renames a service's key to the form's field), anything else at the top of the form.
    An edit form refused as stale gets the newer version to save against (school.editing)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
    else:
        for key, messages in error.message_dict.items():
            target = (field_map or {}).get(key, key)
            target = target if target in form.fields else None
            for message in messages:
                form.add_error(target, message)
    refresh_version(form, error)


def apply_service(form: forms.Form, call, *, actor=None):
    """Run a service; on a ValidationError put its messages on the form (add_service_errors) and
    return None, else return what the service returned.

    A create form's one-time token is taken out of the cleaned data first (the call reads the data
    only when run), so a resubmitted form returns the record it made the first time."""
    token = getattr(form, "cleaned_data", {}).pop(submissions.FIELD_NAME, None)
    try:
        return submissions.submit_once(actor=actor, token=token, create=call)[0]
    except ValidationError as error:
        add_service_errors(form, error)
        return None


class PupilForm(EditVersionMixin, OneTimeTokenMixin, ModelForm):
    class Meta:
        model = Pupil
        fields = [*Pupil.DETAIL_FIELDS, "safeguarding_status"]
        widgets = {
            "date_of_birth": DateInput(),
            "admission_date": DateInput(),
            "leaving_date": DateInput(),
        }

    def __init__(self, *args, school: School, can_see_safeguarding: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration_class"].queryset = RegistrationClass.objects.filter(school=school)
        self.fields["registration_class"].label = "Class"
        # The service moves the pupil from today (school.class_membership), not from admission.
        self.fields[
            "registration_class"
        ].help_text = (
            "Moving a pupil changes their class from today; earlier registers keep the class they were in."
        )
        if not can_see_safeguarding:
            del self.fields["safeguarding_status"]

    def _post_clean(self):
        # Rules (UPN check letter, dates, class of this school) are checked once, by the service.
        pass


class ContactForm(EditVersionMixin, OneTimeTokenMixin, ModelForm):
    """A contact and how they relate to this pupil."""

    relationship = forms.CharField(max_length=50, help_text="For example Mother, Father, Carer, Grandparent")
    parental_responsibility = forms.BooleanField(required=False)
    priority = forms.IntegerField(min_value=1, max_value=9, initial=1, help_text="1 is called first")

    class Meta:
        model = Contact
        fields = [
            "title",
            "first_name",
            "last_name",
            "phone",
            "email",
            "address",
            "postcode",
            "preferred_language",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, link=None, **kwargs):
        super().__init__(*args, **kwargs)
        if link is not None and not self.is_bound:
            self.initial.update(
                relationship=link.relationship,
                parental_responsibility=link.parental_responsibility,
                priority=link.priority,
            )

    def _post_clean(self):
        pass

    def contact_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def link_data(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in ("relationship", "parental_responsibility", "priority")
        }


def school_staff(school: School):
    return (
        get_user_model()
        .objects.filter(memberships__school=school, memberships__is_active=True)
        .distinct()
        .order_by("last_name", "first_name")
    )


def pupil_label(pupil) -> str:
    """A pupil as a choice: the name with the class beside it, so two pupils of the same name are told
    apart ("Sam Patel (3B)"). Every pupil select labels its options with this."""
    return f"{pupil} ({pupil.registration_class})" if pupil.registration_class_id else str(pupil)


class PupilChoiceField(forms.ModelChoiceField):
    """The one pupil select: each option is the pupil's name with their class (pupil_label), read in
    the same query as the pupils (the queryset is given its class)."""

    def _set_queryset(self, queryset):
        if queryset is not None:
            queryset = queryset.select_related("registration_class")
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def label_from_instance(self, obj):
        return pupil_label(obj)


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class ClassForm(EditVersionMixin, OneTimeTokenMixin, ModelForm):
    staff = StaffChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Class teachers and assistants",
    )

    class Meta:
        model = RegistrationClass
        fields = ["name", "year_group", "staff"]

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = school_staff(school)

    def _post_clean(self):
        pass


class AcademicYearForm(EditVersionMixin, OneTimeTokenMixin, ModelForm):
    class Meta:
        model = AcademicYear
        fields = ["name", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def _post_clean(self):
        pass


class TermPeriodForm(EditVersionMixin, OneTimeTokenMixin, ModelForm):
    class Meta:
        model = TermPeriod
        fields = ["academic_year", "name", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        labels = {"name": "Half-term name"}

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].queryset = AcademicYear.objects.filter(school=school).order_by(
            "-start_date"
        )

    def _post_clean(self):
        pass


class ClosureDayForm(OneTimeTokenMixin, ModelForm):
    class Meta:
        model = ClosureDay
        fields = ["date", "kind", "sessions", "reason"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Bank holidays come from the `holidays` package; nobody needs to type them in.
        self.fields["kind"].choices = [
            c for c in ClosureDay.Kind.choices if c[0] != ClosureDay.Kind.BANK_HOLIDAY
        ]

    def _post_clean(self):
        pass


class RegisterTimesForm(EditVersionMixin, ModelForm):
    class Meta:
        model = School
        fields = ["am_register_opens", "am_register_closes", "pm_register_opens", "pm_register_closes"]
        widgets = {name: TimeInput() for name in fields}
        labels = {
            "am_register_opens": "Morning register opens",
            "am_register_closes": "Morning register closes",
            "pm_register_opens": "Afternoon register opens",
            "pm_register_closes": "Afternoon register closes",
        }

    def _post_clean(self):
        pass


class SchoolKindForm(EditVersionMixin, ModelForm):
    class Meta:
        model = School
        fields = ["kind"]
        help_texts = {
            "kind": "Maintained schools must show a parent their child's educational record within 15 "
            "school days; academies answer such a request as a subject access request (one month)."
        }

    def _post_clean(self):
        pass


class StaffAddForm(Form):
    username = forms.CharField(
        max_length=150,
        help_text="What they type to sign in. If they already work here, their username.",
        validators=[refuse_bidi_controls],  # refused, not stripped: see school/text_input.py
    )
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    job_title = forms.CharField(max_length=100, required=False)
    role = forms.ChoiceField(choices=Role.choices)

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        _offer_roles(self.fields["role"], roles)


class MembershipRoleForm(EditVersionMixin, Form):
    role = forms.ChoiceField(choices=Role.choices)

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        _offer_roles(self.fields["role"], roles)


def _offer_roles(field, roles: list[str]) -> None:
    """Offer only the roles the person filling in the form may grant (school.role_grants)."""
    field.choices = [(value, label) for value, label in Role.choices if value in roles]


class PupilImportForm(Form):
    file = forms.FileField(
        label="CSV file from your MIS", help_text="The columns are described beside this form."
    )
    create_classes = forms.BooleanField(
        required=False,
        label="Create classes that do not exist yet",
        help_text="Otherwise an unknown class name is reported as an error.",
    )
    dry_run = forms.BooleanField(required=False, label="Check the file only; do not import anything")

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise ValidationError(
                f"The file is too large (the limit is {self.max_bytes // (1024 * 1024)} MB)."
            )
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise ValidationError("Upload a CSV file (ending .csv).")
        return upload


class WithdrawForm(Form):
    """The one confirmation form for withdrawing a record (school.withdrawal)."""

    reason = forms.CharField(
        label="Why is this being withdrawn?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Up to 500 characters. The SENDCo or the headteacher can restore it within 30 days.",
    )


class PupilClassMoveForm(OneTimeTokenMixin, Form):
    """Move a pupil to another class from a day (today or earlier); the service checks the dates."""

    registration_class = forms.ModelChoiceField(
        queryset=RegistrationClass.objects.none(), label="Class to move to"
    )
    on = forms.DateField(
        label="First day in the new class",
        widget=DateInput(),
        help_text="The first day in the new class: today or a past day. Registers from that day list "
        "the pupil in the new class.",
    )
    reason = forms.CharField(
        max_length=200,
        required=False,
        help_text="Optional. Kept in the pupil's history.",
    )

    def __init__(self, *args, pupil: Pupil, **kwargs):
        super().__init__(*args, **kwargs)
        self.pupil = pupil
        field = self.fields["registration_class"]
        field.queryset = RegistrationClass.objects.filter(school_id=pupil.school_id).order_by(
            "year_group", "name"
        )
        field.label_from_instance = lambda cls: (
            f"{cls} (current class)" if cls.pk == pupil.registration_class_id else str(cls)
        )

    def clean(self):
        data = super().clean()
        chosen = data.get("registration_class")
        # A move to the class the pupil is in changes nothing, unless this is the same form sent a
        # second time (its move is done: create_once says so rather than refusing it).
        token = data.get(submissions.FIELD_NAME)
        resent = token is not None and submissions.SubmissionToken.objects.filter(token=token).exists()
        if chosen is not None and chosen.pk == self.pupil.registration_class_id and not resent:
            self.add_error("registration_class", f"{self.pupil} is already in {chosen}.")
        return data
