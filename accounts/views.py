from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login
from django_otp import match_token

from school import policy
from school.audit import record_view
from school.forms import add_service_errors
from school.pagination import paginate

from . import mfa, selectors, services
from .forms import CodeForm, EnrolForm, LegalHoldForm, RetentionDeleteForm
from .login_history import record_second_step_failure
from .middleware import keep_alive
from .models import LegalHold


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _show_recovery_codes(request, codes, *, first_time):
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "first_time": first_time, "next": _next_url(request)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def mfa_enrol(request):
    """Set up an authenticator app: QR code and typed key, then one code to prove it works."""
    if mfa.has_confirmed_device(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('accounts:mfa_verify')}?next={_next_url(request)}")
    device = mfa.pending_totp_device(request.user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            mfa.confirm_totp_device(device)
            otp_login(request, device)
            codes = mfa.new_recovery_codes(request.user)
            return _show_recovery_codes(request, codes, first_time=True)
        form.add_error(
            "code", "That code did not match. Check the time on your phone and try the newest code."
        )
    context = {
        "form": form,
        "qr_code": mfa.qr_code_data_uri(device.config_url),
        "secret": mfa.secret_for_typing(device),
        "next": _next_url(request),
        "replacing": mfa.has_confirmed_device(request.user),
    }
    return render(request, "accounts/mfa_enrol.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def mfa_verify(request):
    """The second step of signing in: a code from the app, or a single-use recovery code."""
    if not mfa.has_confirmed_device(request.user):
        return redirect(f"{reverse('accounts:mfa_enrol')}?next={_next_url(request)}")
    if request.user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()  # a new session id once fully signed in
            return HttpResponseRedirect(_next_url(request))
        record_second_step_failure(request)
        form.add_error("code", "That code is not right, or has been used already. Try the newest code.")
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_POST
def session_keepalive(request):
    """ "Stay signed in" (static/js/session.js): counts as activity, so the idle time starts again; the
    absolute limit stays. Answers the seconds now left, also in the X-Session-Seconds-Left header."""
    return JsonResponse({"seconds_left": keep_alive(request)})


@login_required
@require_safe
def security(request):
    """The person's own sign-in settings: authenticator status, recovery codes left."""
    return render(
        request,
        "accounts/security.html",
        {
            "has_device": mfa.has_confirmed_device(request.user),
            "mfa_required": mfa.mfa_required(request.user),
            "recovery_codes_left": mfa.recovery_codes_left(request.user),
        },
    )


@login_required
@require_POST
def recovery_codes_new(request):
    if not mfa.has_confirmed_device(request.user):
        raise Http404("Set up an authenticator app first.")
    return _show_recovery_codes(request, mfa.new_recovery_codes(request.user), first_time=False)


@policy.capability_required(policy.VIEW_LOGIN_HISTORY)
@require_safe
def login_history(request):
    page = paginate(request, selectors.login_events_for_school(request.school))
    can_unlock = policy.can(request.user, request.school, policy.MANAGE_SCHOOL)
    failed = selectors.staff_with_failed_sign_ins(request.school) if can_unlock else []
    return render(
        request, "accounts/login_history.html", {"page": page, "failed": failed, "can_unlock": can_unlock}
    )


@policy.capability_required(policy.MANAGE_SCHOOL)
@require_POST
def lockout_reset(request, user_id):
    """The headteacher unlocks a member of their school's staff (anyone else's account is 404)."""
    staff = get_user_model().objects.filter(memberships__school=request.school, memberships__is_active=True)
    user = staff.filter(pk=user_id).first()
    if user is None:
        raise Http404("No such member of staff.")
    services.lockout_reset(actor=request.user, school=request.school, user=user)
    messages.success(request, f"{user} can sign in again now.")
    return redirect("accounts:login_history")


@policy.capability_required(policy.MANAGE_RETENTION)
@require_safe
def retention_report(request):
    today = timezone.localdate()
    rows = selectors.retention_report(request.school, today=today)
    page = paginate(request, rows)
    holds = LegalHold.objects.filter(school=request.school, lifted_at__isnull=True).select_related("pupil")
    return render(
        request,
        "accounts/retention_report.html",
        {"page": page, "rules": selectors.retention_rules_for_display(), "holds": holds, "today": today},
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_RETENTION)
def legal_hold_create(request, pupil_id):
    pupil = policy.access_pupil(request.user, request.school, pupil_id)
    form = LegalHoldForm(request.POST or None, holds=LegalHold.objects.filter(pupil=pupil))
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_hold_place(
                actor=request.user,
                school=request.school,
                pupil=pupil,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["expected_version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Legal hold placed on {pupil}'s records.")
            return redirect("accounts:retention_report")
    return render(request, "accounts/legal_hold_form.html", {"form": form, "pupil": pupil})


@policy.capability_required(policy.MANAGE_RETENTION)
@require_POST
def legal_hold_lift(request, pk):
    hold = policy.access_school_record(request.school, LegalHold.objects.select_related("pupil"), pk)
    try:
        services.legal_hold_lift(actor=request.user, school=request.school, hold=hold)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Legal hold on {hold.pupil}'s records lifted.")
    return redirect("accounts:retention_report")


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_RETENTION)
def retention_delete(request, pupil_id):
    pupil = policy.access_pupil(request.user, request.school, pupil_id)
    status = selectors.pupil_retention_status(pupil, today=timezone.localdate())
    form = RetentionDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            counts = services.pupil_delete_for_retention(
                actor=request.user, school=request.school, pupil=pupil
            )
        except services.DeletionRefused as refusal:
            form.add_error(None, refusal.messages[0])
        else:
            messages.success(
                request,
                f"Deleted {sum(counts.values())} records about a pupil who left on "
                f"{pupil.leaving_date:%d %B %Y}.",
            )
            return redirect("accounts:retention_report")
    else:
        record_view(
            actor=request.user,
            obj=pupil,
            action="accounts.retention.deletion_reviewed",
            school=request.school,
        )
    return render(request, "accounts/retention_delete.html", {"form": form, "pupil": pupil, "status": status})
