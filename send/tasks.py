"""SEND background work: tasks take ids, are idempotent and have time limits."""

from celery import shared_task


@shared_task(name="send.tasks.email_review_invitation", acks_late=True, soft_time_limit=120, time_limit=180)
def email_review_invitation(invitee_id: int, actor_id: int) -> str:
    from .review_emails import review_invitation_email

    return review_invitation_email(invitee_id=invitee_id, actor_id=actor_id)
