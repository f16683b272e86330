"""The permission matrix: every URL pattern x every role (and anonymous) x GET and POST.

Each app keeps its expectations in tests/security/expectations/<app>.py:

    from tests.security.matrix import Expect, roles_with, NOBODY, EVERY_STAFF_ROLE
    from school import policy

    def setup(world):                      # optional: add this app's objects to the shared world
        world.concern = ConcernFactory(pupil=world.pupil)

    EXPECTATIONS = {
        "send:concern_detail": Expect(
            get=roles_with(policy.VIEW_SEND),          # roles that may GET
            post=NOBODY,                                # roles that may POST (NOBODY: GET-only page)
            kwargs=lambda w: {"pk": w.concern.pk},      # URL kwargs for an object in the user's scope
            foreign=lambda w: {"pk": w.foreign_concern.pk},  # optional: an object of another school
        ),
    }

`get`/`post` are sets of role names. A role in the set must not get 401/403/404/5xx; a role outside
it must get 403 or 404 (405 for a method the view does not accept), and a denied POST must write no
audit row. Anonymous users are always denied (redirect to sign-in) unless `public=True`.
`foreign` kwargs point at another school's object: every role gets 403/404 and nothing changes.
`class_scoped` kwargs point at a pupil-owned object in the teacher's school but another class:
class teachers and teaching assistants get 404.

The world (built once per test) holds: school, other_school, own_class, other_class, pupil (in
own_class), other_class_pupil, other_school_pupil, contact, and one user per role in `users`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from school import policy
from school.models import Role

STAFF_ROLES = [r.value for r in Role]
ROLES = ["anonymous", *STAFF_ROLES, "other_school_teacher"]
EVERY_STAFF_ROLE = frozenset(STAFF_ROLES) | {"other_school_teacher"}
NOBODY: frozenset[str] = frozenset()


def roles_with(*capabilities: str) -> frozenset[str]:
    """Roles holding all of `capabilities` at the world's school (other_school_teacher when its role does)."""
    roles = {
        role
        for role, caps in policy.ROLE_CAPABILITIES.items()
        if all(capability in caps for capability in capabilities)
    }
    names = {str(role) for role in roles}
    if "class_teacher" in names:
        names.add("other_school_teacher")  # a class teacher at another school: same page, own data
    return frozenset(names)


def roles_with_any(*capabilities: str) -> frozenset[str]:
    names: set[str] = set()
    for capability in capabilities:
        names |= roles_with(capability)
    return frozenset(names)


@dataclass(frozen=True)
class Expect:
    get: frozenset[str]
    post: frozenset[str] = NOBODY
    kwargs: Callable[[SimpleNamespace], dict] | None = None
    post_data: Callable[[SimpleNamespace], dict] | None = None
    foreign: Callable[[SimpleNamespace], dict] | None = None
    class_scoped: Callable[[SimpleNamespace], dict] | None = None
    public: bool = False
    # Sign-out and similar pages legitimately send an allowed user to the sign-in page.
    may_redirect_to_login: bool = field(default=False)
