"""Writes for the school app: one function per use case, keyword-only, atomic, audited.

Every function validates with `full_clean()` (a `ValidationError` reaches the form beside the field)
and writes its audit row inside the same transaction, so the audit exists exactly when the change does.
Pupils are never deleted here (retention is a separate, audited process); memberships are deactivated.

    pupil = pupil_create(actor=head, school=school, upn="Z801234567890", legal_first_name="Ada", ...)
    pupil_update(actor=head, pupil=pupil, year_group=4, reason="Moved up")  # audits only what changed

One module per part of the school the views manage; `from school import services; services.x` keeps
working for every public name.
"""

from .calendar import (
    academic_year_create,
    academic_year_update,
    closure_date_check,
    closure_day_create,
    closure_day_delete,
    term_period_create,
    term_period_update,
)
from .changes import CLASS_FIELDS, CONTACT_FIELDS, LINK_FIELDS, PUPIL_FIELDS, REGISTER_TIME_FIELDS
from .classes import class_create, class_update
from .contacts import (
    contact_create,
    contact_update,
    pupil_contact_add,
    pupil_contact_edit,
    pupil_contact_link,
    pupil_contact_unlink,
    pupil_contact_update,
)
from .imports import IMPORT_REASON, ImportResult, pupil_import
from .pupils import pupil_create, pupil_update
from .schools import school_create, school_update_kind, school_update_register_times
from .staff import membership_create, membership_deactivate, membership_update, staff_user_create

__all__ = [
    "CLASS_FIELDS",
    "CONTACT_FIELDS",
    "IMPORT_REASON",
    "LINK_FIELDS",
    "PUPIL_FIELDS",
    "REGISTER_TIME_FIELDS",
    "ImportResult",
    "academic_year_create",
    "academic_year_update",
    "class_create",
    "class_update",
    "closure_date_check",
    "closure_day_create",
    "closure_day_delete",
    "contact_create",
    "contact_update",
    "membership_create",
    "membership_deactivate",
    "membership_update",
    "pupil_contact_add",
    "pupil_contact_edit",
    "pupil_contact_link",
    "pupil_contact_unlink",
    "pupil_contact_update",
    "pupil_create",
    "pupil_import",
    "pupil_update",
    "school_create",
    "school_update_kind",
    "school_update_register_times",
    "staff_user_create",
    "term_period_create",
    "term_period_update",
]
