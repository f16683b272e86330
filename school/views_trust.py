"""The trust lead's staff pages: the staff of every school of the trust, and adding a member of staff or
giving someone a role at any of them.

What a trust lead may give is exactly what `school.role_grants` allows at that school (the form offers
only those roles and the services refuse anything else), and each grant is audited by the same
services as the headteacher's staff pages. A school of another trust is a 404.
"""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from . import policy, role_grants
from .forms import StaffAddForm, add_service_errors
from .models import Membership
from .views_manage import add_staff_member, password_link_context

trust_required = policy.capability_required(policy.GRANT_TRUST_ROLES)


@require_safe
@trust_required
def trust_staff(request):
    schools = list(policy.schools_led(request.user).select_related("trust").order_by("trust__name", "name"))
    memberships = list(
        Membership.objects.filter(school__in=schools, is_active=True)
        .select_related("user")
        .order_by("school_id", "user__last_name", "user__first_name", "role")
    )
    grantable = {school.pk: _grantable(request, school) for school in schools}  # once per school
    may_link = _may_hand_out_links(request, [m.user for m in memberships], grantable)
    by_school = {pk: list(rows) for pk, rows in groupby(memberships, key=lambda m: m.school_id)}
    return render(
        request,
        "school/trust/staff.html",
        {
            "schools": [
                {
                    "school": school,
                    "memberships": [(m, may_link[m.user_id]) for m in by_school.get(school.pk, [])],
                    "can_grant": bool(grantable[school.pk]),
                }
                for school in schools
            ]
        },
    )


def _grantable(request, school) -> list[str]:
    return role_grants.grantable_roles(policy.roles_at(request.user, school))


def _may_hand_out_links(request, users, grantable: dict[int, list[str]]) -> dict[int, bool]:
    """Whoever follows a set-password link becomes that account, with every role it has: a trust lead
    may hand out the link only if they could have given every one of those roles themselves (a new
    SENDCo's link is the headteacher's to give, or the trust lead would reach confidential documents).
    One query for every listed account's roles, not one per account."""
    new_accounts = {user.pk for user in users if not user.has_usable_password()}
    roles = Membership.objects.filter(user_id__in=new_accounts, is_active=True).select_related("school")
    allowed = dict.fromkeys(new_accounts, True)
    for m in roles:
        if m.school_id not in grantable:
            grantable[m.school_id] = _grantable(request, m.school)
        if m.role not in grantable[m.school_id]:
            allowed[m.user_id] = False
    return {user.pk: allowed.get(user.pk, False) for user in users}


@require_http_methods(["GET", "HEAD", "POST"])
@trust_required
def trust_staff_add(request, school_pk):
    school = policy.access_led_school(request.user, school_pk)
    form = StaffAddForm(request.POST or None, roles=_grantable(request, school))
    if request.method == "POST" and form.is_valid():
        try:
            membership = add_staff_member(
                actor=request.user,
                school=school,
                data=form.cleaned_data,
                known_schools=policy.schools_led(request.user).filter(trust_id=school.trust_id),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{membership.user} is now {membership.get_role_display()} at {school.name}."
            )
            if not membership.user.has_usable_password():
                return redirect("school:trust_staff_password_link", pk=membership.pk)
            return redirect("school:trust_staff")
    return render(
        request,
        "school/trust/staff_add.html",
        {"form": form, "school": school, "back": reverse("school:trust_staff")},
    )


@require_safe
@trust_required
def trust_staff_password_link(request, pk):
    """The one-time set-password link of someone the trust lead has just added (see staff_password_link)."""
    membership = policy.access_led_school_record(
        request.user, Membership.objects.select_related("user", "school"), pk
    )
    if not _may_hand_out_links(request, [membership.user], {})[membership.user_id]:
        raise Http404("Not found.")
    return render(request, "school/trust/password_link.html", password_link_context(request, membership))
