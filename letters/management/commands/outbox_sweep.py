"""manage.py outbox_sweep: queue again every letter and e-mail left pending too long (the same sweep
Celery beat runs every five minutes and each worker runs on start-up)."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from letters.outbox import outbox_sweep


class Command(BaseCommand):
    help = (
        "Queue again letters and e-mails left pending (the broker was down or a worker was lost), and "
        "mark e-mails whose worker died mid-send as failed; try again failed e-mails that are due "
        "(letters.outbox.EMAIL_RETRY_AFTER)."
    )

    def handle(self, *args, **options):
        counts = outbox_sweep()
        self.stdout.write(
            ngettext("Queued %d letter", "Queued %d letters", counts["letters"]) % counts["letters"]
            + ngettext(" and %d e-mail; ", " and %d e-mails; ", counts["emails"]) % counts["emails"]
            + ngettext("%d e-mail lost mid-send", "%d e-mails lost mid-send", counts["lost"]) % counts["lost"]
            + " marked failed"
            + ngettext("; %d failed e-mail tried again", "; %d failed e-mails tried again", counts["retried"])
            % counts["retried"]
            + ("; the broker is down, try again later" if counts["down"] else "")
        )
