"""SEND forms: field validation only; the services hold the rules and write the records."""

from __future__ import annotations

from django import forms
from django.conf import settings

from school.editing import EditVersionMixin
from school.form_base import Form, ModelForm
from school.forms import DateInput, TimeInput
from school.submissions import OneTimeTokenMixin

from . import cycle_stages, needs, register_status, review_decisions
from .models import (
    AgencyInvolvement,
    Concern,
    FundingApplication,
    Intervention,
    ProvisionEnrolment,
    PupilPassport,
    SendDocument,
    SendSettings,
    SupportCycle,
    Target,
    ViewsRequest,
)

DATE = DateInput()


def school_staff(school_id):
    """The school's active staff (not governors), by name: who may deliver an intervention."""
    from school.models import Membership, User

    staff = Membership.objects.filter(school_id=school_id, is_active=True).exclude(role="governor")
    return User.objects.filter(pk__in=staff.values("user_id")).order_by("last_name", "first_name", "pk")


class SessionForm(OneTimeTokenMixin, Form):
    """A session of an intervention held, and who came (send.services.session_record)."""

    held_on = forms.DateField(label="Date held", widget=DATE)
    minutes = forms.IntegerField(min_value=5, max_value=300, label="Minutes")
    attended = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who came",
        help_text="Tick each pupil who was there; the others are recorded as absent from the session.",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(p.pk, str(p.pupil)) for p in places]


class ConcernForm(OneTimeTokenMixin, ModelForm):
    class Meta:
        model = Concern
        fields = ["area_of_need", "what_we_see", "evidence", "adjustments_in_place"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("what_we_see", "evidence", "adjustments_in_place")
        }


class TriageForm(Form):
    observe = forms.BooleanField(label="Observe the pupil", required=False)
    observe_on = forms.DateField(label="Observation date", required=False, widget=DATE)
    discuss_at_progress_meeting = forms.BooleanField(
        label="Discuss at a pupil progress meeting", required=False
    )
    progress_meeting_on = forms.DateField(label="Pupil progress meeting date", required=False, widget=DATE)
    meet_parents = forms.BooleanField(label="Meet the parents", required=False)
    parents_meeting_on = forms.DateField(label="Parents' meeting date", required=False, widget=DATE)
    outcome = forms.ChoiceField(choices=Concern.Outcome.choices, widget=forms.RadioSelect)
    monitoring_review_by = forms.DateField(
        label="Review monitoring by",
        required=False,
        widget=DATE,
        help_text="When the outcome is Monitor. Left empty: six weeks from today. It becomes a task in My work.",
    )
    parents_agreed_by = forms.CharField(
        label="Parent who agreed",
        required=False,
        max_length=200,
        help_text="Needed when adding the pupil to the SEN register.",
    )
    parents_agreed_on = forms.DateField(label="Date the parent agreed", required=False, widget=DATE)
    primary_need = forms.ChoiceField(
        label="Primary need (optional)",
        required=False,
        choices=[("", "Not yet known"), *needs.need_choices()],
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpTaskDoneForm(Form):
    note = forms.CharField(label="Note (optional)", required=False, max_length=500)


class StatusChangeForm(Form):
    to_status = forms.ChoiceField(label="New status", choices=register_status.STATUS_CHOICES)
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}))
    effective_on = forms.DateField(
        label="Date it took effect",
        required=False,
        widget=DATE,
        help_text="Leave empty for today. Not in the future, and not before the pupil joined the school.",
    )
    parents_agreed_by = forms.CharField(
        label="Parent who agreed",
        required=False,
        max_length=200,
        help_text="Needed when the pupil joins the SEN register.",
    )
    parents_agreed_on = forms.DateField(label="Date the parent agreed", required=False, widget=DATE)
    # The status this form was opened at: a move someone else made since is refused (school.editing).
    expected_status = forms.ChoiceField(
        choices=[(s, s) for s in register_status.LABELS], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, current_status: str, read_status=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_status = current_status
        self._read_status = read_status
        seen = self.data.get(self.add_prefix("expected_status")) if self.is_bound else None
        # Offer the moves from the status the user saw, so a stale form reaches the service, which
        # says who changed the status, instead of failing as "not one of the choices".
        shown = seen if seen in register_status.LABELS else current_status
        self._offer_moves_from(shown)
        self.fields["expected_status"].initial = current_status

    def _offer_moves_from(self, status: str) -> None:
        allowed = register_status.REGISTER.next_states(status)
        self.fields["to_status"].choices = [(s, register_status.LABELS[s]) for s in allowed]

    def after_stale(self) -> None:
        """Refused because someone changed the status first (school.editing): show the form at the
        status as it is now (read again: it may have changed while this save waited for the lock),
        keeping the refusal and what the user typed, so they can choose again without reloading."""
        if self._read_status is not None:
            self.current_status = self._read_status()
        self.data = self.data.copy()
        self.data[self.add_prefix("expected_status")] = self.current_status
        self._offer_moves_from(self.current_status)
        if self.data.get(self.add_prefix("to_status")) not in register_status.REGISTER.next_states(
            self.current_status
        ):
            self.data.pop(self.add_prefix("to_status"), None)


class NeedsForm(EditVersionMixin, Form):
    primary_need = forms.ChoiceField(
        label="Primary need", required=False, choices=[("", "Not yet known"), *needs.need_choices()]
    )
    secondary_need = forms.ChoiceField(
        label="Secondary need (optional)", required=False, choices=[("", "None"), *needs.need_choices()]
    )
    reason = forms.CharField(label="Why", required=False, max_length=500)


class PassportForm(EditVersionMixin, ModelForm):
    # The first passport written in two places at once: the later save is refused (school/editing.py).
    version_new_record = True

    class Meta:
        model = PupilPassport
        fields = ["liked_and_admired", "important_to_me", "how_to_support_me", "in_pupils_words"]
        widgets = {
            n: forms.Textarea(attrs={"rows": 5})
            for n in ("liked_and_admired", "important_to_me", "how_to_support_me")
        }


class CycleStartForm(OneTimeTokenMixin, Form):
    start_date = forms.DateField(widget=DATE)
    plan_type = forms.ChoiceField(label="Plan", choices=SupportCycle.PlanType.choices)
    review_due = forms.DateField(
        label="Review due (optional)",
        required=False,
        widget=DATE,
        help_text="Left blank, the school's cycle length decides it.",
    )

    def __init__(self, *args, carryable=(), **kwargs):
        """`carryable`: the last cycle's targets not yet achieved. None is ticked to begin with: each
        target carried forward is one the SENDCo chose, after reading its outcome and evidence."""
        super().__init__(*args, **kwargs)
        self.carryable = list(carryable)
        if self.carryable:
            self.fields["carry_forward"] = forms.TypedMultipleChoiceField(
                label="Targets to carry forward",
                required=False,
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                choices=[(t.pk, carry_label(t)) for t in self.carryable],
                help_text="Tick each target the next cycle should keep working on. "
                "A target left unticked is not carried forward.",
            )


def carry_label(target: Target) -> str:
    evidence = f" Evidence: {target.outcome_evidence}" if target.outcome_evidence else ""
    return f"{target.target} ({target.get_outcome_display()}).{evidence}"


class AssessmentForm(EditVersionMixin, ModelForm):
    class Meta:
        model = SupportCycle
        fields = [
            "plan_type",
            "review_due",
            "assessment_evidence",
            "teacher_views",
            "parent_views",
            "pupil_views",
            "agency_views",
            "provision_notes",
            "mep_behaviour",
            "mep_triggers",
            "mep_proactive",
            "mep_reactive",
        ]
        labels = {
            "mep_behaviour": "Multi-element plan only: the behaviour of concern",
            "mep_triggers": "Multi-element plan only: triggers and what the behaviour is for",
            "mep_proactive": "Multi-element plan only: proactive strategies",
            "mep_reactive": "Multi-element plan only: reactive strategies",
        }
        widgets = {"review_due": DATE} | {
            n: forms.Textarea(attrs={"rows": 3})
            for n in (
                "assessment_evidence",
                "teacher_views",
                "parent_views",
                "pupil_views",
                "agency_views",
                "provision_notes",
            )
        }


class StageForm(Form):
    to_stage = forms.ChoiceField(choices=cycle_stages.STAGE_CHOICES)
    # The stage the page showed: a cycle someone moved since is not moved again (school.editing).
    from_stage = forms.ChoiceField(choices=cycle_stages.STAGE_CHOICES, required=False)


class TargetForm(EditVersionMixin, OneTimeTokenMixin, ModelForm):
    class Meta:
        model = Target
        fields = [
            "area_of_need",
            "target",
            "baseline",
            "success_criteria",
            "strategies",
            "provision",
            "responsible",
            "review_date",
        ]
        widgets = {"review_date": DATE} | {
            n: forms.Textarea(attrs={"rows": 2})
            for n in ("target", "baseline", "success_criteria", "strategies", "provision")
        }


class ReviewForm(OneTimeTokenMixin, Form):
    reviewed_on = forms.DateField(label="Review date", widget=DATE)
    pupil_views = forms.CharField(
        label="Pupil's views", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent_views = forms.CharField(
        label="Parents' views", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_steps = forms.CharField(label="Next steps", widget=forms.Textarea(attrs={"rows": 3}))
    attended = forms.CharField(
        label="Who attended",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Names and roles, for example the pupil, a parent, the class teacher.",
    )
    led_by = forms.CharField(label="Who led the review", max_length=200)
    decision = forms.ChoiceField(
        label="Decision",
        choices=review_decisions.CHOICES,
        widget=forms.RadioSelect,
        help_text="A request to the local authority for an EHC needs assessment is decided here, with the parents.",
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(targets)
        for target in self.targets:
            self.fields[f"outcome_{target.pk}"] = forms.ChoiceField(
                label="Outcome", choices=[("", "Choose…"), *Target.Outcome.choices], initial=target.outcome
            )
            self.fields[f"evidence_{target.pk}"] = forms.CharField(
                label="Evidence",
                required=False,
                initial=target.outcome_evidence,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        # The page shows the targets first: the error summary lists problems in the same order.
        self.order_fields([n for t in self.targets for n in (f"outcome_{t.pk}", f"evidence_{t.pk}")])

    def target_rows(self):
        return [(t, self[f"outcome_{t.pk}"], self[f"evidence_{t.pk}"]) for t in self.targets]

    def outcomes(self):
        return {
            t.pk: (self.cleaned_data[f"outcome_{t.pk}"], self.cleaned_data[f"evidence_{t.pk}"])
            for t in self.targets
        }


class ViewsRequestForm(OneTimeTokenMixin, Form):
    respondent = forms.ChoiceField(choices=ViewsRequest.Respondent.choices, label="Whose views")
    method = forms.ChoiceField(choices=ViewsRequest.Method.choices, label="How")


class ViewsRecordForm(EditVersionMixin, Form):
    views = forms.CharField(label="Their views", widget=forms.Textarea(attrs={"rows": 5}))
    received_on = forms.DateField(label="Received on", widget=DATE)


class InterventionForm(EditVersionMixin, OneTimeTokenMixin, ModelForm):
    class Meta:
        model = Intervention
        fields = [
            "name",
            "area_of_need",
            "wave",
            "delivery",
            "group_size",
            "staff",
            "sessions_per_week",
            "minutes_per_session",
            "cost_basis",
            "cost",
            "resources",
            "is_active",
            "delivered_by",
        ]
        widgets = {"resources": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivered_by"].queryset = school_staff(self.instance.school_id)
        self.fields["delivered_by"].label = "Delivered by"


class EnrolmentForm(EditVersionMixin, OneTimeTokenMixin, ModelForm):
    class Meta:
        model = ProvisionEnrolment
        fields = ["intervention", "start_date", "end_date", "measure_unit", "entry_measure", "exit_measure"]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].queryset = Intervention.objects.filter(school=school)


class FundingForm(EditVersionMixin, OneTimeTokenMixin, ModelForm):
    class Meta:
        model = FundingApplication
        fields = ["kind", "submitted_on", "amount_asked", "status", "amount_awarded", "review_date", "notes"]
        widgets = {"submitted_on": DATE, "review_date": DATE, "notes": forms.Textarea(attrs={"rows": 2})}


class AgencyForm(EditVersionMixin, OneTimeTokenMixin, ModelForm):
    class Meta:
        model = AgencyInvolvement
        fields = ["agency", "agency_detail", "referral_date", "status", "last_report_received_on", "notes"]
        widgets = {
            "referral_date": DATE,
            "last_report_received_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class DocumentForm(OneTimeTokenMixin, Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=SendDocument.Kind.choices)
    confidential = forms.BooleanField(
        required=False, help_text="Only the SENDCo and headteacher can open confidential documents."
    )
    agency = forms.ModelChoiceField(
        queryset=AgencyInvolvement.objects.none(), required=False, label="From an outside agency (optional)"
    )
    file = forms.FileField(help_text="PDF, Word (.docx), JPEG or PNG.")

    def __init__(self, *args, pupil, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = AgencyInvolvement.objects.current().filter(pupil=pupil)
        limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024) or 1
        self.fields["file"].help_text = f"PDF, Word (.docx), JPEG or PNG, up to {limit} MB."


class SendSettingsForm(EditVersionMixin, ModelForm):
    class Meta:
        model = SendSettings
        fields = [
            "notional_threshold",
            "cycle_school_weeks",
            "review_year_reading",
            "part_time_max_school_weeks",
            "part_time_review_days",
            "views_reminder_days",
            "office_email",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["views_reminder_days"].required = False  # left empty: the default, 7 days

    def clean_views_reminder_days(self):
        value = self.cleaned_data.get("views_reminder_days")
        return value or SendSettings._meta.get_field("views_reminder_days").default


class ViewsCompletionFilterForm(Form):
    registration_class = forms.ModelChoiceField(
        label="Class", queryset=None, required=False, empty_label="All classes"
    )
    missing_only = forms.BooleanField(label="Only reviews still missing views", required=False)

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration_class"].queryset = classes


# --- telling parents (send/views/parent_letters.py) -----------------------------------------------------
class ProvisionLettersForm(OneTimeTokenMixin, Form):
    provision_summary = forms.CharField(
        label="The support planned",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Printed in the letter, in words a parent understands.",
    )


class ToldOtherwiseForm(OneTimeTokenMixin, Form):
    told_on = forms.DateField(label="Date the parents were told", widget=DATE)
    note = forms.CharField(
        label="How they were told, and by whom",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: at a meeting with the SENDCo and the class teacher.",
    )


class ReviewInvitationForm(OneTimeTokenMixin, Form):
    meeting_date = forms.DateField(label="Date of the review meeting", widget=DATE)
    meeting_time = forms.TimeField(label="Time", widget=TimeInput())
    meeting_place = forms.CharField(
        label="Place", max_length=200, help_text="For example: the SENDCo's room."
    )


class ViewsBulkForm(OneTimeTokenMixin, Form):
    weeks = forms.IntegerField(
        label="Reviews in the next (weeks)",
        min_value=1,
        max_value=26,
        initial=6,
        help_text="SEN support reviews and EHC plan reviews due from today to this many weeks ahead.",
    )


class ViewsReplyForm(Form):
    views = forms.CharField(
        label="Your views",
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=10_000,
        help_text=(
            "What is going well, at home and at school? What are you worried about? "
            "What would you like the next targets to focus on?"
        ),
    )
