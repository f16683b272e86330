"""Helpers shared by the attendance views: who may take which register, and the period asked for."""

from __future__ import annotations

from datetime import date
from functools import wraps

from django.core.exceptions import PermissionDenied

from school import policy
from school.calendar import SchoolCalendar
from school.models import RegistrationClass
from school.pagination import paginate as school_paginate

from .. import statistics
from ..forms import PeriodForm

PAGE_SIZE = 50


def register_taker_required(view):
    """Teachers may take their own classes' registers; office staff and the attendance officer any."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        from django.contrib.auth.views import redirect_to_login

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        caps = policy.capabilities(request.user, request.school)
        if not caps & {policy.TAKE_ANY_REGISTER, policy.TAKE_OWN_REGISTERS}:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.required_capability = policy.TAKE_OWN_REGISTERS
    return wrapper


def register_classes(user, school):
    """Classes whose registers the user may take."""
    if policy.can(user, school, policy.TAKE_ANY_REGISTER):
        return RegistrationClass.objects.filter(school=school)
    if policy.can(user, school, policy.TAKE_OWN_REGISTERS):
        return policy.classes_in_scope(user, school)
    return RegistrationClass.objects.none()


def access_register_class(user, school, class_id) -> RegistrationClass:
    return policy.access_school_record(school, register_classes(user, school), class_id)


def period(request, calendar: SchoolCalendar, today: date) -> tuple[PeriodForm, date, date]:
    """The date range in ?start=&end=, defaulting to the academic year to date."""
    default_start, default_end = statistics.default_range(calendar, today)
    form = PeriodForm(request.GET or None, initial={"start": default_start, "end": default_end})
    start, end = default_start, default_end
    if form.is_bound and form.is_valid():
        start = form.cleaned_data.get("start") or default_start
        end = form.cleaned_data.get("end") or default_end
    return form, start, end


def paginate(request, items, per_page=PAGE_SIZE):
    return school_paginate(request, items, per_page)
