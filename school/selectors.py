"""Reads for the school app. Filters live here, not in views."""

from django.utils import timezone

from . import policy
from .models import AcademicYear, ClassMembership, Pupil, RegistrationClass


def home_summary(*, user, school) -> dict:
    today = timezone.localdate()
    can_see_pupils = policy.can(user, school, policy.VIEW_PUPILS)
    summary = {"roles": [r for r in policy.roles_at(user, school)], "can_see_pupils": can_see_pupils}
    if can_see_pupils:
        summary["pupils_on_roll"] = policy.pupils_in_scope(user, school).on_roll(at=today).count()
        summary["classes"] = list(policy.classes_in_scope(user, school).order_by("year_group", "name"))
    else:
        summary["pupils_on_roll"] = Pupil.objects.for_school(school).on_roll(at=today).count()
    return summary


def pupil_list(*, user, school, data, today):
    """The filter set and the matching pupils in the user's scope (on roll `today` unless leavers asked for)."""
    from .filters import PupilFilter

    pupils = policy.pupils_in_scope(user, school).select_related("registration_class")
    filterset = PupilFilter(data, queryset=pupils, user=user, school=school)
    queryset = filterset.qs if filterset.is_valid() else pupils.none()
    include_leavers = filterset.is_valid() and filterset.form.cleaned_data.get("include_leavers")
    if not include_leavers:
        queryset = queryset.on_roll(at=today)
    return filterset, queryset.order_by("legal_last_name", "legal_first_name", "pk")


def pupil_contacts(pupil) -> list:
    """The pupil's contact links with their contacts, most important first."""
    return list(pupil.contact_links.select_related("contact").order_by("priority", "id"))


def pupil_siblings(*, user, school, pupil) -> list:
    """Pupils sharing a contact with `pupil`, limited to the user's scope."""
    contact_ids = pupil.contact_links.values("contact_id")
    return list(
        policy.pupils_in_scope(user, school)
        .filter(contact_links__contact_id__in=contact_ids)
        .exclude(pk=pupil.pk)
        .select_related("registration_class")
        .distinct()
        .order_by("-year_group", "legal_first_name")
    )


def audit_entries(*, school, data):
    """The school's audit trail, newest first, filtered by action and/or pupil."""
    from .filters import AuditFilter
    from .models import AuditEntry

    entries = AuditEntry.objects.filter(school=school)
    actions = list(entries.order_by("action").values_list("action", flat=True).distinct())
    filterset = AuditFilter(data, queryset=entries.select_related("pupil", "subject"), actions=actions)
    queryset = filterset.qs if filterset.is_valid() else entries.none()
    return filterset, queryset.order_by("-at", "-id")


def calendar_listing(*, school) -> tuple[list[dict], list]:
    """Every academic year with its half-terms, closures and the bank holidays in it, plus closures
    outside any year."""
    from .calendar import england_bank_holiday_names
    from .models import AcademicYear, ClosureDay

    years = list(
        AcademicYear.objects.filter(school=school).prefetch_related("periods").order_by("-start_date")
    )
    closures = list(ClosureDay.objects.filter(school=school).order_by("date"))
    bank = england_bank_holiday_names(
        {y for year in years for y in (year.start_date.year, year.end_date.year)}
    )
    result = []
    for year in years:
        result.append(
            {
                "year": year,
                "periods": list(year.periods.all()),
                "closures": [c for c in closures if year.start_date <= c.date <= year.end_date],
                "bank_holidays": sorted(
                    (day, name) for day, name in bank.items() if year.start_date <= day <= year.end_date
                ),
            }
        )
    orphans = [c for c in closures if not any(y.start_date <= c.date <= y.end_date for y in years)]
    return result, orphans


def current_class_membership(*, pupil) -> ClassMembership | None:
    """The pupil's open class membership (their class today, and since when)."""
    return (
        ClassMembership.objects.filter(pupil=pupil, end__isnull=True)
        .select_related("registration_class")
        .first()
    )


def class_names(*, school) -> list[str]:
    """The names of the school's registration classes, as an import matches them."""
    return list(RegistrationClass.objects.filter(school=school).values_list("name", flat=True))


def in_academic_year(*, school, day) -> bool:
    """Whether `day` falls in one of the school's academic years."""
    return AcademicYear.objects.filter(school=school, start_date__lte=day, end_date__gte=day).exists()
