"""Staff accounts and their roles at a school: every grant is checked by school.role_grants."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from .. import policy, role_grants
from ..audit import describe_actor, record, snapshot
from ..editing import ensure_still, ensure_unchanged
from ..models import (
    Membership,
    Role,
    School,
)
from .changes import (
    apply_changes,
)


def _membership_snapshot(membership: Membership) -> dict:
    data = snapshot(membership, exclude=("created_at",))
    data["username"] = membership.user.get_username()
    return data


def _check_grant(*, actor, school: School, user, role: str) -> None:
    """Refuse (beside the role field) a grant the rule in role_grants does not allow.

    `actor=None` is the command line (`manage.py grant_role`), which may grant anything."""
    grantor_roles = None if actor is None else policy.roles_at(actor, school)
    is_self = actor is not None and user is not None and user.pk == actor.pk
    refusal = role_grants.grant_refusal(role=role, grantor_roles=grantor_roles, is_self=is_self)
    if refusal:
        raise ValidationError({"role": refusal})


def _actor_role_before(actor, school: School) -> str:
    """The actor's roles as they were before this write, so a grant's audit row cannot show the
    role it has just given."""
    return describe_actor(actor, school)[1]


@transaction.atomic
def membership_create(*, actor, school: School, user, role: str, reason: str = "") -> Membership:
    """Give `user` a role at `school`, reactivating a deactivated membership with that role."""
    _check_grant(actor=actor, school=school, user=user, role=role)
    actor_role = _actor_role_before(actor, school)
    existing = Membership.objects.filter(user=user, school=school, role=role).first()
    if existing is not None:
        if existing.is_active:
            raise ValidationError({"role": "This person already has that role here."})
        existing.is_active = True
        existing.save(update_fields=["is_active"])
        record(
            actor=actor,
            actor_role=actor_role,
            action="school.membership.reactivated",
            obj=existing,
            before={"is_active": False},
            after={"is_active": True},
            reason=reason,
        )
        return existing
    membership = Membership(user=user, school=school, role=role)
    membership.full_clean()
    membership.save()
    record(
        actor=actor,
        actor_role=actor_role,
        action="school.membership.created",
        obj=membership,
        after=_membership_snapshot(membership),
        reason=reason,
    )
    return membership


@transaction.atomic
def staff_user_create(
    *,
    actor,
    school: School,
    username: str,
    first_name: str,
    last_name: str,
    email: str = "",
    role: str,
    job_title: str = "",
):
    """A new staff account with no usable password (they set their own through a one-time link) and a role."""
    # Checked before the account exists, so a refused grant leaves no account behind.
    _check_grant(actor=actor, school=school, user=None, role=role)
    User = get_user_model()
    user = User(
        username=username, first_name=first_name, last_name=last_name, email=email, job_title=job_title
    )
    user.set_unusable_password()
    try:
        user.full_clean()
    except ValidationError as error:
        # password is unusable by design; only report the fields the person typed.
        error.error_dict.pop("password", None)
        if error.error_dict:
            raise
    user.save()
    membership = membership_create(actor=actor, school=school, user=user, role=role)
    return user, membership


@transaction.atomic
def membership_update(
    *, actor, membership: Membership, role: str, reason: str = "", expected_version: int | None = None
) -> bool:
    ensure_unchanged(membership, expected_version=expected_version)
    # Changing a role takes the old one away and gives the new one: the grantor must be able to do both.
    for granted in (membership.role, role):
        _check_grant(actor=actor, school=membership.school, user=membership.user, role=granted)
    if (
        role != membership.role
        and Membership.objects.filter(user=membership.user, school=membership.school, role=role).exists()
    ):
        raise ValidationError({"role": "This person already has that role here."})
    return apply_changes(
        membership,
        {"role": role},
        actor=actor,
        action="school.membership.changed",
        reason=reason,
        actor_role=_actor_role_before(actor, membership.school),
    )


@transaction.atomic
def membership_deactivate(*, actor, membership: Membership, reason: str = "") -> None:
    """Take a role away. Refused, naming who did it, if someone removed the role first (the page
    was opened while it was active, so a second removal must not look as if it worked)."""
    membership = ensure_still(membership, done="This role was already removed", is_active=True)
    if membership.user_id == getattr(actor, "pk", None) and membership.role == Role.HEADTEACHER:
        raise ValidationError("You cannot remove your own headteacher role; ask another headteacher.")
    # Removing a role is as much a grant decision as giving it (a head cannot remove the trust lead).
    _check_grant(actor=actor, school=membership.school, user=membership.user, role=membership.role)
    actor_role = _actor_role_before(actor, membership.school)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    # Someone who no longer works here should not stay attached to classes.
    membership.user.registration_classes.remove(*membership.school.classes.all())
    record(
        actor=actor,
        actor_role=actor_role,
        action="school.membership.deactivated",
        obj=membership,
        before={"is_active": True},
        after={"is_active": False},
        reason=reason,
    )
