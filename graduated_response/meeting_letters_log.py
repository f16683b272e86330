"""A meeting's letters go in the attendance case's communication log, as the case page's own do.

Letters written from a meeting page (letters/meetings.py: the invitation, did not attend, targets
confirmation, targets met) are produced by letters, which may not import this app; letters tells its
registered listeners (letters/gates.py) and this one writes a log entry (kind letter, linked to the
letter, with the trigger) per letter on the pupil's open case. With no open case there is no log.

Audit: ``graduated_response.communication.added`` per entry.

And when a joint review with the SENDCo is recorded (held, with its outcome), the pupil's open "Joint
review with the SENDCo" alerts are acknowledged by whoever recorded it: the alert asked for exactly
that, so it leaves everyone's list (``graduated_response.alert.acknowledged``).
"""

from __future__ import annotations

from django.utils import timezone

from . import services
from .case_letters import CODE_TITLES
from .models import Alert, Case, CommunicationLog
from .triggers import Kind


def log_letters_produced(*, actor, pupil, letters, trigger: str) -> list[CommunicationLog]:
    case = Case.objects.filter(pupil=pupil).open().select_related("school", "pupil").first()
    if case is None:
        return []
    entries = []
    for letter in letters:
        title = CODE_TITLES.get(getattr(letter, "code", ""), letter.subject)
        entry = services.communication_log_add(
            actor=actor,
            case=case,
            kind=CommunicationLog.Kind.LETTER,
            happened_on=timezone.localdate(),
            with_whom=letter.recipient_name or "Parents and carers",
            summary=f"{title}: {trigger}",
            letter=letter,
        )
        entries.append(entry)
    return entries


def acknowledge_joint_review_alerts(*, actor, meeting) -> int:
    if not meeting.is_joint_review:
        return 0
    alerts = Alert.objects.filter(
        pupil_id=meeting.pupil_id, kind=Kind.SEND_JOINT_REVIEW, status=Alert.Status.OPEN
    )
    return services.alerts_acknowledge(actor=actor, school=meeting.school, alerts=alerts)
