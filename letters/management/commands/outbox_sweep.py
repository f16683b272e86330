"""manage.py outbox_sweep: queue again every letter and e-mail left pending too long (the same sweep
Celery beat runs every five minutes and each worker runs on start-up)."""

from django.core.management.base import BaseCommand

from letters.outbox import outbox_sweep


class Command(BaseCommand):
    help = (
        "Queue again letters and e-mails left pending (the broker was down or a worker was lost), and "
        "mark e-mails whose worker died mid-send as failed."
    )

    def handle(self, *args, **options):
        counts = outbox_sweep()
        self.stdout.write(
            f"Queued {counts['letters']} letter(s) and {counts['emails']} e-mail(s); "
            f"{counts['lost']} e-mail(s) lost mid-send marked failed"
            + ("; the broker is down, try again later" if counts["down"] else "")
        )
