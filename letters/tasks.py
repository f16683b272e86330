"""Celery tasks for letters. They take ids and are idempotent (see services.letter_render)."""

from __future__ import annotations

from celery import shared_task

from .services import letter_render


@shared_task(name="letters.tasks.render_letter", acks_late=True)
def render_letter(letter_id: int) -> str:
    return letter_render(letter_id=letter_id)
