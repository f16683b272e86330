"""Who may grant what: the one rule for giving, changing or removing a role at a school.

- Nobody grants a role to themselves, or changes or removes their own role: another person must.
- A role that reaches beyond one school (trust lead: every school of the trust) is granted only by
  a trust lead of that school's trust, or from the command line (`manage.py grant_role`).
- Every other role is granted only by a headteacher of that same school.

`grantor_roles` are the grantor's roles *at the school where the grant is made* (policy.roles_at):
a headteacher of another school has none there, a trust lead has "trust_lead" at every school of
their trust. Granting from the command line has no grantor (`grantor_roles=None`).

    >>> from school.models import Role
    >>> grant_refusal(role=Role.SENDCO, grantor_roles={Role.HEADTEACHER}, is_self=False) is None
    True
    >>> grant_refusal(role=Role.TRUST_LEAD, grantor_roles={Role.HEADTEACHER}, is_self=False)
    'Only a trust lead can give the trust lead role (it reaches every school of the trust).'
    >>> grant_refusal(role=Role.SENDCO, grantor_roles={Role.HEADTEACHER}, is_self=True)
    'You cannot give yourself a role or change your own. Ask another headteacher.'
    >>> grant_refusal(role=Role.TRUST_LEAD, grantor_roles=None, is_self=False) is None  # command line
    True
    >>> grantable_roles({Role.HEADTEACHER}) == [r for r in Role.values if r != Role.TRUST_LEAD]
    True
"""

from __future__ import annotations

from collections.abc import Collection

from .models import Role

# Roles whose reach goes beyond the school the membership belongs to (policy.schools_for).
BEYOND_ONE_SCHOOL = frozenset({Role.TRUST_LEAD})

SELF_GRANT = "You cannot give yourself a role or change your own. Ask another headteacher."
TRUST_ROLE = "Only a trust lead can give the trust lead role (it reaches every school of the trust)."
SCHOOL_ROLE = "Only a headteacher of this school can give roles here."


def grant_refusal(*, role: str, grantor_roles: Collection[str] | None, is_self: bool) -> str | None:
    """Why this grant is refused, in plain English, or None when it is allowed.

    `grantor_roles=None` means the command line (an operator with shell access), which may grant
    anything."""
    if grantor_roles is None:
        return None
    if is_self:
        return SELF_GRANT
    if role in BEYOND_ONE_SCHOOL:
        return None if Role.TRUST_LEAD in grantor_roles else TRUST_ROLE
    return None if Role.HEADTEACHER in grantor_roles else SCHOOL_ROLE


def grantable_roles(grantor_roles: Collection[str] | None) -> list[str]:
    """The roles this grantor may give someone else at the school, in the order of Role."""
    return [
        role
        for role in Role.values
        if grant_refusal(role=role, grantor_roles=grantor_roles, is_self=False) is None
    ]


def may_take_away(*, role: str, grantor_roles: Collection[str] | None, is_self: bool) -> bool:
    """Whether this grantor may change or remove someone's `role`: taking a role away is as much a
    grant decision as giving it (a head cannot demote the trust lead, nobody changes their own).

    >>> may_take_away(role=Role.TRUST_LEAD, grantor_roles={Role.HEADTEACHER}, is_self=False)
    False
    >>> may_take_away(role=Role.SENDCO, grantor_roles={Role.HEADTEACHER}, is_self=False)
    True
    """
    return grant_refusal(role=role, grantor_roles=grantor_roles, is_self=is_self) is None
