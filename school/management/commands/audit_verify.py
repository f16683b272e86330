"""Check the audit trail's hash chain from the first row to the last; exit 1 at the first broken link.

Record the head it prints somewhere else (with the backup notes, say): `--expect-head ID:HASH` later
also catches a trail cut back at the end or rewritten as a whole."""

from django.core.management.base import BaseCommand, CommandError

from school.audit_chain import verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and name the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--expect-head", help="ID:HASH printed by an earlier run")

    def handle(self, *args, expect_head=None, **options):
        expected = None
        if expect_head:
            row_id, _, digest = expect_head.partition(":")
            if not row_id.isdigit() or len(digest) != 64:
                raise CommandError("--expect-head takes ID:HASH as printed by audit_verify.")
            expected = (int(row_id), digest)
        problems, count, head = verify(expect_head=expected)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"The audit trail is broken ({count} rows read).")
        where = f"head {head[0]}:{head[1]}" if head else "empty"
        self.stdout.write(f"Audit trail verified: {count} rows, {where}.")
