"""Celery application.

Without CELERY_BROKER_URL the settings make every task run eagerly in-process (development on
SQLite); with it, tasks go through Redis to a worker and beat schedules the nightly checks.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("sendcase")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
