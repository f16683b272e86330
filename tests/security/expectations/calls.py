"""Who may use the first-day calls and N queue pages added for issue 14 (see tests/security/matrix.py).

They are the office's absence work (MANAGE_ATTENDANCE): office staff, the attendance officer and the
head. Another school's pupil is not found; class staff reach none of these pages.
"""

from school import policy
from tests.security.matrix import Expect, roles_with

OFFICE = roles_with(policy.MANAGE_ATTENDANCE)


def _attempt_data(w):
    return {"contact": w.contact.pk, "absence_date": "2026-11-16", "outcome": "no_answer"}


EXPECTATIONS = {
    "attendance:call_attempt_new": Expect(
        get=frozenset(),
        post=OFFICE,
        kwargs=lambda w: {"pupil_id": w.pupil.pk},
        post_data=_attempt_data,
        foreign=lambda w: {"pupil_id": w.other_school_pupil.pk},
        class_scoped=lambda w: {"pupil_id": w.other_class_pupil.pk},
    ),
}

EXPECTATIONS["attendance:n_convert_bulk"] = Expect(
    get=frozenset(),
    post=OFFICE,
    post_data=lambda w: {"absence": [str(w.n_mark.pk)], "reason": "No reason was given."},
)
