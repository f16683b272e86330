"""Reads for login history and the retention report."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from school.models import Pupil

from . import retention
from .models import LegalHold, LoginEvent, RetentionRule


def login_events_for_school(school) -> QuerySet[LoginEvent]:
    """Sign-in attempts by the school's staff (attempts with unknown usernames are not shown:
    they cannot be tied to one school)."""
    return (
        LoginEvent.objects.filter(user__memberships__school=school)
        .select_related("user")
        .distinct()
        .order_by("-at", "-id")
    )


def retention_rules() -> list[retention.Rule]:
    rows = list(RetentionRule.objects.all())
    if not rows:
        return retention.default_rules()
    return [retention.Rule(row.record_type, row.years, row.anchor) for row in rows]


def _sen_file_exists():
    """True when the pupil is or was recorded with SEN: census provision, or any record in the send app.

    Found through the model registry, so this module imports no app to its right."""
    condition = ~Q(sen_provision="N")
    for relation in Pupil._meta.related_objects:
        if relation.related_model._meta.app_label == "send" and relation.one_to_many:
            condition |= Q(
                Exists(
                    relation.related_model._default_manager.filter(**{relation.field.name: OuterRef("pk")})
                )
            )
    return condition


def retention_report(school, *, today: date) -> list[dict]:
    """Pupils whose every retention period has ended, with whether a legal hold keeps them."""
    rules = retention_rules()
    shortest = min((rule.years for rule in rules if rule.anchor == retention.LEAVING_DATE), default=0)
    latest_leaving = retention.add_years(today, -shortest) if shortest else today
    candidates = (
        Pupil.objects.filter(school=school, leaving_date__isnull=False, leaving_date__lte=latest_leaving)
        .annotate(
            has_sen_file=_sen_file_exists_annotation(),
            on_hold=Exists(LegalHold.objects.filter(pupil=OuterRef("pk"), lifted_at__isnull=True)),
        )
        .order_by("leaving_date", "pk")
    )
    rows = []
    for pupil in candidates:
        due = retention.deletion_due_on(
            rules=rules,
            date_of_birth=pupil.date_of_birth,
            leaving_date=pupil.leaving_date,
            has_sen_file=pupil.has_sen_file,
        )
        if due is not None and due <= today:
            rows.append(
                {"pupil": pupil, "due_on": due, "has_sen_file": pupil.has_sen_file, "on_hold": pupil.on_hold}
            )
    return rows


def _sen_file_exists_annotation():
    from django.db.models import BooleanField, ExpressionWrapper

    return ExpressionWrapper(_sen_file_exists(), output_field=BooleanField())


def pupil_retention_status(pupil, *, today: date) -> dict:
    row = (
        Pupil.objects.filter(pk=pupil.pk)
        .annotate(has_sen_file=_sen_file_exists_annotation())
        .values_list("has_sen_file", flat=True)
        .first()
    )
    due = retention.deletion_due_on(
        rules=retention_rules(),
        date_of_birth=pupil.date_of_birth,
        leaving_date=pupil.leaving_date,
        has_sen_file=bool(row),
    )
    holds = list(LegalHold.objects.filter(pupil=pupil, lifted_at__isnull=True))
    return {
        "due_on": due,
        "is_due": due is not None and due <= today,
        "active_holds": holds,
        "has_sen_file": bool(row),
    }


def retention_rules_for_display() -> list[RetentionRule]:
    rows = list(RetentionRule.objects.all())
    if rows:
        return rows
    return [
        RetentionRule(
            record_type=rule.record_type,
            years=rule.years,
            anchor=rule.anchor,
            statutory_minimum_years=rule.years,
        )
        for rule in retention.default_rules()
    ]


def record_requests(school, *, today: date, show: str = "open") -> QuerySet:
    """The school's requests for records, soonest deadline first, each annotated `overdue`.

    `show` is "open" (received or in preparation), "overdue" or "all"."""
    from django.db.models import BooleanField, Case, Value, When

    from . import record_request_status
    from .models import RecordRequest

    requests = RecordRequest.objects.filter(school=school).select_related("pupil")
    requests = requests.annotate(
        overdue=Case(
            When(status__in=record_request_status.OPEN, due_on__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    if show == "open":
        requests = requests.filter(status__in=record_request_status.OPEN)
    elif show == "overdue":
        requests = requests.filter(overdue=True)
    return requests.order_by("due_on", "pk")


def pupil_record_requests(pupil) -> QuerySet:
    from .models import RecordRequest

    return RecordRequest.objects.filter(pupil=pupil).order_by("-received_on", "-pk")


def staff_with_failed_sign_ins(school) -> list[dict]:
    """The school's staff with failed sign-ins still remembered by the lockout, one row per person and
    address: how many failures, the last one, and how long that pair must still wait (None: not locked)."""
    from axes.models import AccessAttempt
    from django.contrib.auth import get_user_model
    from django.db.models import Max, Sum
    from django.db.models.functions import Lower
    from django.utils import timezone

    from . import sign_in_lockout

    staff = {
        user.username.lower(): user
        for user in get_user_model().objects.filter(memberships__school=school, memberships__is_active=True)
    }
    now = timezone.now()
    rows = (
        AccessAttempt.objects.filter(attempt_time__gt=now - sign_in_lockout.FORGET_AFTER)
        .annotate(name=Lower("username"))
        .filter(name__in=list(staff))
        .values("name", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .order_by("-last")
    )
    return [
        {
            "user": staff[row["name"]],
            "ip_address": row["ip_address"],
            "failures": row["failures"],
            "last": row["last"],
            "wait": sign_in_lockout.wait(
                failures=row["failures"], last_failure=row["last"], address_failures=0, now=now
            ),
        }
        for row in rows
    ]
