"""Who may edit which letter templates (on top of the view's capability).

Attendance letters (Letters 1-3, certificates, notices, the termly report) are the attendance
policy's: the headteacher and the attendance officer edit them (policy.MANAGE_CASES). SEND letters
(SEN provision, SEN support and EHCP review invitations) are the SENDCo's and the headteacher's
(policy.MANAGE_SEND). The letterhead is the school's own settings: the headteacher (MANAGE_SCHOOL).
Anyone else, governors included, sees no template page (tests/security/expectations/letters.py).
"""

from __future__ import annotations

from django.http import Http404

from school import policy

from .models import LetterTemplate

EDIT_CAPABILITY = {
    LetterTemplate.Kind.ATTENDANCE: policy.MANAGE_CASES,
    LetterTemplate.Kind.SEND: policy.MANAGE_SEND,
}
#: The capability the template pages require; the list then shows only the kinds one may edit.
VIEW_TEMPLATES = policy.VIEW_CASES
EDIT_LETTERHEAD = policy.MANAGE_SCHOOL


def editable_kinds(user, school) -> list[str]:
    return [kind for kind, capability in EDIT_CAPABILITY.items() if policy.can(user, school, capability)]


def can_edit(user, school, template: LetterTemplate) -> bool:
    return policy.can(user, school, EDIT_CAPABILITY[template.kind])


def access_template(user, school, pk) -> LetterTemplate:
    """The school's template if the user may edit its kind, else 404 (as for any out-of-scope record)."""
    try:
        return LetterTemplate.objects.get(pk=pk, school=school, kind__in=editable_kinds(user, school))
    except (LetterTemplate.DoesNotExist, ValueError, TypeError):
        raise Http404("No such letter template.") from None
