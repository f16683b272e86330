"""Every write to attendance records: registers, amendments, absence calls, the N queue, leave.

Each service is keyword-only, atomic, validates with ``full_clean()`` and writes its audit rows
(``attendance.mark.recorded``, ``attendance.mark.amended``, ``attendance.call.recorded``, ``attendance.call_attempt.recorded``,
``attendance.leave.requested``, ``attendance.leave.granted``, ``attendance.leave.refused``).
One module per part of the work (marks, register, precoding, leave); every public name is re-exported,
so ``from attendance import services; services.x`` keeps working.
"""

from ..selectors import N_AGE_LIMIT
from .calls import call_attempt_record
from .leave import LEAVE_TRANSITIONS, leave_request_create, leave_request_decide
from .marks import (
    N_TO_O_REASON,
    TRUSTED_FKS,
    ChangedMark,
    ConvertResult,
    RegisterConflict,
    RegisterEntry,
    RegisterRefused,
    RegisterResult,
    audit_entry_for_mark,
    changed_by,
    mark_amend,
    marks_amend,
    n_marks_convert_to_o,
    register_times,
    resolve_code,
    session_code,
    session_label,
)
from .precoding import CALL_CODES, PrecodeResult, absence_call_record, precode, sessions_in_range
from .register import is_late_register, register_save

__all__ = [
    "CALL_CODES",
    "ChangedMark",
    "LEAVE_TRANSITIONS",
    "N_AGE_LIMIT",
    "N_TO_O_REASON",
    "PrecodeResult",
    "RegisterConflict",
    "RegisterEntry",
    "RegisterRefused",
    "RegisterResult",
    "TRUSTED_FKS",
    "absence_call_record",
    "call_attempt_record",
    "audit_entry_for_mark",
    "changed_by",
    "leave_request_create",
    "leave_request_decide",
    "mark_amend",
    "marks_amend",
    "n_marks_convert_to_o",
    "ConvertResult",
    "precode",
    "register_save",
    "is_late_register",
    "register_times",
    "resolve_code",
    "session_code",
    "session_label",
    "sessions_in_range",
]
