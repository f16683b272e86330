"""The audit trail as a hash chain: each row's hash covers its own immutable fields and the hash of
the row before it, so a row edited, deleted or slipped in later breaks the chain at that point and
`manage.py audit_verify` names it.

Writers are serialised (a PostgreSQL transaction-level advisory lock held until commit), so the chain
is one line in id order: the row ids are drawn from the sequence after the lock is taken. On SQLite,
a development database, the writer lock of SQLite itself serialises the inserts.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC

from django.db import connection

GENESIS = "0" * 64
# pg_advisory_xact_lock key: any constant no other code uses ("SCAU" in ASCII).
CHAIN_LOCK = 0x53434155

CHAINED_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "school_id",
    "pupil_id",
    "subject_id",
    "action",
    "object_type",
    "object_id",
    "sealed_repr",
    "sealed_before",
    "sealed_after",
    "sealed_reason",
    "personal_digest",
)


def canonical(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(entry, prev_hash: str) -> str:
    body = {name: getattr(entry, name) for name in CHAINED_FIELDS}
    body["at"] = entry.at.astimezone(UTC).isoformat(timespec="microseconds")
    body["prev"] = prev_hash
    return hashlib.sha256(canonical(body).encode()).hexdigest()


def lock_chain() -> None:
    """Call inside the transaction that writes audit rows; released at commit or rollback."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def link(entries) -> None:
    """Give each new (unsaved) entry its place at the head of the chain, in list order."""
    from .models import AuditEntry

    prev = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
    for entry in entries:
        entry.prev_hash = prev
        entry.hash = prev = row_hash(entry, prev)


def normalise(data):
    """What the JSON column gives back (tuples become lists): the hash is over what is stored."""
    return None if data is None else json.loads(json.dumps(data))


def verify(*, expect_head: tuple[int, str] | None = None) -> tuple[list[str], int, tuple[int, str] | None]:
    """Walk the whole chain in id order. Returns (problems, rows checked, head); the first problem
    names the first broken link. A subject may be erased only by a retention deletion in the chain."""
    from . import audit_seal
    from .models import AuditEntry, AuditSubject

    problems: list[str] = []
    prev, prev_id, count = GENESIS, None, 0
    deleted_pupils: set[str] = set()
    rows = AuditEntry.objects.select_related("subject").order_by("id")
    for entry in rows.iterator(chunk_size=2000):
        count += 1
        if entry.prev_hash != prev:
            after = f"row {prev_id}" if prev_id else "the start of the trail"
            problems.append(
                f"Row {entry.id}: the link to the row before it ({after}) is broken: a row between them "
                "was deleted or inserted, or that row was changed."
            )
        if row_hash(entry, entry.prev_hash) != entry.hash:
            problems.append(
                f"Row {entry.id}: its contents were changed after it was written ({entry.action})."
            )
        subject = entry.subject
        if subject is not None and subject.erased_at is None and entry.personal_digest:
            used = audit_seal.used_indexes(
                [entry.sealed_repr, entry.sealed_before, entry.sealed_after, entry.sealed_reason],
                subject.code,
            )
            if audit_seal.personal_digest(subject.salt, subject.values, used) != entry.personal_digest:
                problems.append(
                    f"Row {entry.id}: the personal details it refers to ({subject.pseudonym}) were changed."
                )
        if entry.action == "accounts.retention.pupil_deleted":
            deleted_pupils.add(entry.object_id)
        prev, prev_id = entry.hash, entry.id
        if problems:
            break
    if not problems:
        for subject in AuditSubject.objects.filter(erased_at__isnull=False).exclude(
            pupil_id__in=[int(p) for p in deleted_pupils if p.isdigit()]
        ):
            problems.append(f"{subject.pseudonym} was erased without a retention deletion in the trail.")
    head = (prev_id, prev) if prev_id else None
    if not problems and expect_head and expect_head != head:
        kept = AuditEntry.objects.filter(pk=expect_head[0]).values_list("hash", flat=True).first()
        if kept != expect_head[1]:
            problems.append(
                f"Row {expect_head[0]}, the head you recorded, is missing or different: the trail was "
                "cut back or rewritten since."
            )
    return problems, count, head
