"""Meeting reads (letters/models_meetings.py): a pupil's meetings, one meeting with its targets and
history, and the targets that come up for review on a day."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet

from .models_meetings import Meeting, MeetingTarget


def meetings_of(*, school, pupil) -> QuerySet[Meeting]:
    """A pupil's meetings, newest first, with how many targets each has and how many are open."""
    return (
        Meeting.objects.filter(school=school, pupil=pupil)
        .select_related("created_by", "recorded_by")
        .annotate(
            target_count=Count("targets"),
            open_target_count=Count("targets", filter=Q(targets__status=MeetingTarget.Status.OPEN)),
        )
    )


def meetings_in(*, school, pupils) -> QuerySet[Meeting]:
    """Meetings of the school about ``pupils`` (a queryset of the pupils the reader may see)."""
    return Meeting.objects.filter(school=school, pupil__in=pupils).select_related("pupil")


def targets_due(*, school, on: date, pupil=None) -> QuerySet[MeetingTarget]:
    """Open targets whose review date is ``on`` or earlier, at meetings that were not called off or
    missed (a target agreed at a meeting still planned counts: it was drafted for it), oldest first."""
    targets = MeetingTarget.objects.filter(
        meeting__school=school,
        status=MeetingTarget.Status.OPEN,
        review_on__lte=on,
        meeting__status__in=[Meeting.Status.PLANNED, Meeting.Status.HELD],
    )
    if pupil is not None:
        targets = targets.filter(meeting__pupil=pupil)
    return targets.select_related("meeting", "meeting__pupil").order_by("review_on", "id")


def joint_review_alert_pupils(*, school, pupil_ids) -> set[int]:
    """Of ``pupil_ids``, those with a joint review still planned (the case page says so)."""
    return set(
        Meeting.objects.filter(
            school=school,
            pupil_id__in=pupil_ids,
            kind=Meeting.Kind.SEND_REVIEW,
            status=Meeting.Status.PLANNED,
        ).values_list("pupil_id", flat=True)
    )
