"""SEND background work: tasks take ids, are idempotent and have time limits."""

from celery import shared_task


@shared_task(name="send.tasks.email_review_invitation", acks_late=True, soft_time_limit=120, time_limit=180)
def email_review_invitation(invitee_id: int, actor_id: int) -> str:
    from .review_emails import review_invitation_email

    return review_invitation_email(invitee_id=invitee_id, actor_id=actor_id)


@shared_task(name="send.tasks.render_evidence_pack", acks_late=True, soft_time_limit=300, time_limit=360)
def render_evidence_pack(pack_id: int) -> str:
    """Make an EHC needs assessment evidence pack's PDF (send/evidence_pack.py); safe to run twice."""
    from .evidence_pack import evidence_pack_render

    return evidence_pack_render(pack_id=pack_id)


@shared_task(name="send.tasks.evidence_pack_sweep", soft_time_limit=240, time_limit=300)
def evidence_pack_sweep() -> dict:
    """Beat runs this every few minutes: queue again the evidence packs the broker lost or refused."""
    from .services.evidence_packs import evidence_pack_sweep as sweep

    return sweep()


@shared_task(name="send.tasks.render_views_forms", acks_late=True, soft_time_limit=600, time_limit=660)
def render_views_forms(print_id: int) -> str:
    """Put a bulk views request's printed forms into one PDF (send/views_forms_print.py); safe twice."""
    from .views_forms_print import views_forms_render

    return views_forms_render(print_id=print_id)


@shared_task(name="send.tasks.views_reminders_send", soft_time_limit=600, time_limit=660)
def views_reminders_send() -> dict:
    """Beat runs this nightly: chase the views requests with no reply (send/services/views_bulk.py)."""
    from .services.views_bulk import views_reminders_send as send

    return send()


@shared_task(name="send.tasks.views_forms_sweep", soft_time_limit=240, time_limit=300)
def views_forms_sweep() -> dict:
    """Beat runs this every few minutes: queue again the views forms prints the broker lost or refused."""
    from .services.views_bulk import views_forms_sweep as sweep

    return sweep()
