"""The headteacher's school set-up (classes, calendar, staff, register times), the audit log and the
pupil import. One view per action; objects come through policy.access_school_record (404 elsewhere)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.http import require_http_methods, require_safe

from school.pagination import paginate

from . import policy, role_grants, selectors, services
from .calendar import SchoolCalendar
from .forms import (
    AcademicYearForm,
    ClassForm,
    MembershipRoleForm,
    PupilImportForm,
    RegisterTimesForm,
    SchoolKindForm,
    StaffAddForm,
    TermPeriodForm,
    add_service_errors,
)
from .models import AcademicYear, ClosureDay, Membership, RegistrationClass, TermPeriod
from .pupil_import import CONTACT_SUFFIXES, FLAG_COLUMNS, REQUIRED_COLUMNS
from .submissions import create_once

manage_required = policy.capability_required(policy.MANAGE_SCHOOL)


def _save_form(request, form, save, *, success: str, redirect_to: str):
    """Run `save(cleaned_data)` for a valid POSTed form; service errors go beside the fields."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        create_once(request, form, save)  # an edit form has no token: this is then just save(data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, success)
    return redirect(redirect_to)


@require_safe
@manage_required
def manage(request):
    school = request.school
    return render(
        request,
        "school/manage/index.html",
        {
            "class_count": RegistrationClass.objects.filter(school=school).count(),
            "staff_count": Membership.objects.filter(school=school, is_active=True)
            .values("user")
            .distinct()
            .count(),
            "years": AcademicYear.objects.filter(school=school).order_by("-start_date")[:3],
            "can_import": policy.can(request.user, school, policy.IMPORT_PUPILS),
            "can_view_audit": policy.can(request.user, school, policy.VIEW_AUDIT),
        },
    )


# --- classes --------------------------------------------------------------------------------------
@require_safe
@manage_required
def class_list(request):
    classes = (
        RegistrationClass.objects.filter(school=request.school)
        .annotate(
            on_roll=Count(
                "pupils",
                filter=Q(pupils__admission_date__lte=timezone.localdate())
                & (Q(pupils__leaving_date__isnull=True) | Q(pupils__leaving_date__gte=timezone.localdate())),
            )
        )
        .prefetch_related("staff")
        .order_by("year_group", "name")
    )
    return render(request, "school/manage/class_list.html", {"classes": classes})


@require_http_methods(["GET", "POST"])
@manage_required
def class_create(request):
    form = ClassForm(request.POST or None, school=request.school)
    response = _save_form(
        request,
        form,
        lambda data: services.class_create(actor=request.user, school=request.school, **data),
        success="Class created.",
        redirect_to="school:class_list",
    )
    return response or render(
        request,
        "school/manage/form.html",
        {"form": form, "title": "New class", "back": reverse("school:class_list")},
    )


@require_http_methods(["GET", "POST"])
@manage_required
def class_edit(request, pk):
    cls = policy.access_school_record(request.school, RegistrationClass.objects, pk)
    form = ClassForm(request.POST or None, instance=cls, school=request.school)
    response = _save_form(
        request,
        form,
        lambda data: services.class_update(actor=request.user, registration_class=cls, **data),
        success="Class saved.",
        redirect_to="school:class_list",
    )
    return response or render(
        request,
        "school/manage/form.html",
        {"form": form, "title": f"Edit class {cls}", "back": reverse("school:class_list")},
    )


# --- calendar -------------------------------------------------------------------------------------
@require_safe
@manage_required
def calendar_view(request):
    years, orphans = selectors.calendar_listing(school=request.school)
    calendar = SchoolCalendar.for_school(request.school)
    for entry in years:
        entry["school_days"] = calendar.count_school_days_between(
            entry["year"].start_date, entry["year"].end_date
        )
    return render(request, "school/manage/calendar.html", {"years": years, "orphans": orphans})


def _form_page(request, form, title, back="school:calendar"):
    return render(request, "school/manage/form.html", {"form": form, "title": title, "back": reverse(back)})


@require_http_methods(["GET", "POST"])
@manage_required
def academic_year_create(request):
    form = AcademicYearForm(request.POST or None)
    response = _save_form(
        request,
        form,
        lambda data: services.academic_year_create(actor=request.user, school=request.school, **data),
        success="Academic year added. Now add its half-terms.",
        redirect_to="school:calendar",
    )
    return response or _form_page(request, form, "New academic year")


@require_http_methods(["GET", "POST"])
@manage_required
def academic_year_edit(request, pk):
    year = policy.access_school_record(request.school, AcademicYear.objects, pk)
    form = AcademicYearForm(request.POST or None, instance=year)
    response = _save_form(
        request,
        form,
        lambda data: services.academic_year_update(actor=request.user, academic_year=year, **data),
        success="Academic year saved.",
        redirect_to="school:calendar",
    )
    return response or _form_page(request, form, f"Edit academic year {year}")


@require_http_methods(["GET", "POST"])
@manage_required
def term_period_create(request):
    initial = {}
    year_id = request.GET.get("year")
    if year_id:
        initial["academic_year"] = AcademicYear.objects.filter(school=request.school, pk=year_id).first()
    form = TermPeriodForm(request.POST or None, school=request.school, initial=initial)
    response = _save_form(
        request,
        form,
        lambda data: services.term_period_create(actor=request.user, **data),
        success="Half-term added.",
        redirect_to="school:calendar",
    )
    return response or _form_page(request, form, "New half-term")


@require_http_methods(["GET", "POST"])
@manage_required
def term_period_edit(request, pk):
    period = policy.access_school_record(
        request.school,
        TermPeriod.objects.select_related("academic_year__school"),
        pk,
        school_field="academic_year__school",
    )
    form = TermPeriodForm(request.POST or None, instance=period, school=request.school)
    del form.fields["academic_year"]
    response = _save_form(
        request,
        form,
        lambda data: services.term_period_update(actor=request.user, term_period=period, **data),
        success="Half-term saved.",
        redirect_to="school:calendar",
    )
    return response or _form_page(request, form, f"Edit half-term {period.name}")


@require_http_methods(["GET", "POST"])
@manage_required
def closure_delete(request, pk):
    closure = policy.access_school_record(request.school, ClosureDay.objects, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.closure_day_delete(actor=request.user, closure=closure)
        messages.success(request, f"The closure on {closure.date:%-d %B %Y} has been removed.")
        return redirect("school:calendar")
    return render(request, "school/manage/closure_delete.html", {"closure": closure})


def _school_settings_page(request, form_class, save, *, success: str, title: str, intro: str = ""):
    """A form that edits the current school itself (register times, type of school), saved by `save`."""
    form = form_class(request.POST or None, instance=request.school)
    response = _save_form(
        request,
        form,
        lambda data: save(actor=request.user, school=request.school, **data),
        success=success,
        redirect_to="school:manage",
    )
    context = {"form": form, "title": title, "back": reverse("school:manage"), "intro": intro}
    return response or render(request, "school/manage/form.html", context)


@require_http_methods(["GET", "POST"])
@manage_required
def register_times(request):
    return _school_settings_page(
        request,
        RegisterTimesForm,
        services.school_update_register_times,
        success="Register times saved.",
        title="Register times",
        intro="Each register may stay open for at most 30 minutes. Arrivals before it closes are late (L); "
        "after it closes, unauthorised (U).",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@manage_required
def school_kind(request):
    return _school_settings_page(
        request,
        SchoolKindForm,
        services.school_update_kind,
        success="Type of school saved.",
        title="Type of school",
    )


# --- staff ----------------------------------------------------------------------------------------
@require_safe
@manage_required
def staff_list(request):
    memberships = (
        Membership.objects.filter(school=request.school)
        .select_related("user")
        .order_by("-is_active", "user__last_name", "user__first_name", "role")
    )
    # Offer "Change role" and "Remove role" only where the service would allow them: taking a role
    # away is the same grant decision as giving it (school.role_grants).
    grantor_roles = policy.roles_at(request.user, request.school)
    rows = []
    for membership in memberships:
        allowed = membership.is_active and role_grants.may_take_away(
            role=membership.role,
            grantor_roles=grantor_roles,
            is_self=membership.user_id == request.user.pk,
        )
        rows.append((membership, allowed))
    return render(request, "school/manage/staff_list.html", {"rows": rows})


def add_staff_member(*, actor, school, data, known_schools):
    """Give the person named in the add-staff form a role at `school`: a new account when the
    username is new, or another role for someone who already works at one of `known_schools` (the
    head's own school; for a trust lead, the schools of the trust)."""
    User = get_user_model()
    user = User.objects.filter(username__iexact=data["username"]).first()
    if user is None:
        errors = {
            k: "Enter a name for a new member of staff." for k in ("first_name", "last_name") if not data[k]
        }
        if errors:
            raise ValidationError(errors)
        user, membership = services.staff_user_create(
            actor=actor,
            school=school,
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            job_title=data["job_title"],
            role=data["role"],
        )
        return membership
    if not Membership.objects.filter(user=user, school__in=known_schools).exists():
        # We do not reveal or attach accounts that belong to schools the grantor cannot see.
        raise ValidationError({"username": "That username is taken. Choose another."})
    return services.membership_create(actor=actor, school=school, user=user, role=data["role"])


def _add_staff(request, data):
    return add_staff_member(
        actor=request.user, school=request.school, data=data, known_schools=[request.school]
    )


def _grantable_roles(request) -> list[str]:
    return role_grants.grantable_roles(policy.roles_at(request.user, request.school))


@require_http_methods(["GET", "POST"])
@manage_required
def staff_add(request):
    form = StaffAddForm(request.POST or None, roles=_grantable_roles(request))
    if request.method == "POST" and form.is_valid():
        try:
            membership = _add_staff(request, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
            if not membership.user.has_usable_password():
                return redirect("school:staff_password_link", pk=membership.pk)
            return redirect("school:staff_list")
    return render(
        request,
        "school/manage/form.html",
        {
            "form": form,
            "title": "Add a member of staff",
            "back": reverse("school:staff_list"),
            "intro": "A new person gets a one-time link to set their own password. To give someone who already "
            "works here another role, enter their username.",
        },
    )


@require_http_methods(["GET", "POST"])
@manage_required
def membership_edit(request, pk):
    membership = policy.access_school_record(request.school, Membership.objects.select_related("user"), pk)
    form = MembershipRoleForm(
        request.POST or None,
        initial={"role": membership.role},
        roles=_grantable_roles(request),
        versioned=(membership,),
    )
    response = _save_form(
        request,
        form,
        lambda data: services.membership_update(
            actor=request.user,
            membership=membership,
            role=data["role"],
            expected_version=data.get("expected_version"),
        ),
        success="Role changed.",
        redirect_to="school:staff_list",
    )
    return response or _form_page(request, form, f"Change role: {membership.user}", back="school:staff_list")


@require_http_methods(["GET", "POST"])
@manage_required
def membership_deactivate(request, pk):
    membership = policy.access_school_record(request.school, Membership.objects.select_related("user"), pk)
    error = None
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.membership_deactivate(actor=request.user, membership=membership)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(
                request, f"{membership.user} no longer has the role {membership.get_role_display()}."
            )
            return redirect("school:staff_list")
    return render(
        request, "school/manage/membership_deactivate.html", {"membership": membership, "error": error}
    )


@require_safe
@manage_required
def staff_password_link(request, pk):
    """A one-time link for a new member of staff to set their password (valid for a limited time)."""
    membership = policy.access_school_record(request.school, Membership.objects.select_related("user"), pk)
    return render(request, "school/manage/password_link.html", password_link_context(request, membership))


def password_link_context(request, membership) -> dict:
    """The one-time set-password link of a member of staff who has no password yet (404 otherwise)."""
    user = membership.user
    if user.has_usable_password():
        raise Http404("This person has already set a password.")
    link = request.build_absolute_uri(
        reverse(
            "school:set_password",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )
    return {"membership": membership, "link": link, "days": settings.PASSWORD_RESET_TIMEOUT // 86400}


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Public: the person following their one-time link chooses a password, then signs in."""

    template_name = "school/set_password.html"
    http_method_names = ["get", "post"]
    success_url = reverse_lazy("login")

    def dispatch(self, *args, **kwargs):
        # Django's view checks the link before the method, so it would answer PUT with the form page.
        if self.request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(self.request, *args, **kwargs)
        return super().dispatch(*args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is set. Sign in with it now.")
        return response


# --- audit log ------------------------------------------------------------------------------------
@require_safe
@policy.capability_required(policy.VIEW_AUDIT)
def audit_log(request):
    filterset, entries = selectors.audit_entries(school=request.school, data=request.GET)
    page = paginate(request, entries)
    pupil = None
    if filterset.is_valid() and filterset.form.cleaned_data.get("pupil"):
        pupil = (
            policy.pupils_in_scope(request.user, request.school)
            .filter(pk=filterset.form.cleaned_data["pupil"])
            .first()
        )
    return render(
        request,
        "school/audit_log.html",
        {"filter": filterset, "page": page, "pupil": pupil},
    )


# --- import ---------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.IMPORT_PUPILS)
def pupil_import(request):
    form = PupilImportForm(request.POST or None, request.FILES or None, max_bytes=settings.MAX_UPLOAD_BYTES)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.pupil_import(
            actor=request.user,
            school=request.school,
            data=form.cleaned_data["file"].read(),
            create_classes=form.cleaned_data["create_classes"],
            dry_run=form.cleaned_data["dry_run"],
        )
        if result.applied:
            messages.success(request, "The import is complete.")
    return render(
        request,
        "school/pupil_import.html",
        {
            "form": form,
            "result": result,
            "required_columns": REQUIRED_COLUMNS,
            "flag_columns": FLAG_COLUMNS,
            "contact_suffixes": CONTACT_SUFFIXES,
        },
    )
