"""The one policy module: who may do what, and which objects each person can reach.

Every view gets its objects through an `access_*` helper here. An object outside the user's scope
is a 404 (we do not confirm it exists); a page the role may not use at all is a 403.

Roles are per school (Membership). A trust lead's membership reaches every school of that trust.
Capabilities are named strings; `ROLE_CAPABILITIES` is the whole table, so a reviewer can read in one
place what each role can do.
"""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Membership, Pupil, PupilQuerySet, RegistrationClass, Role, School

if TYPE_CHECKING:
    from .middleware import SchoolRequest

# --- capabilities -------------------------------------------------------------------------------
VIEW_PUPILS = "view_pupils"  # pupil-level data (scope narrowed for class staff by pupils_in_scope)
VIEW_ALL_PUPILS = "view_all_pupils"  # every pupil of the school, not only own classes
VIEW_SAFEGUARDING = "view_safeguarding"  # child in need / child protection status
EDIT_PUPILS = "edit_pupils"
IMPORT_PUPILS = "import_pupils"
MANAGE_SCHOOL = "manage_school"  # classes, calendar, memberships
VIEW_AUDIT = "view_audit"
TAKE_OWN_REGISTERS = "take_own_registers"
TAKE_ANY_REGISTER = "take_any_register"
MANAGE_ATTENDANCE = "manage_attendance"  # absence calls, N queue, imports, statistics
DECIDE_LEAVE = "decide_leave"  # leave of absence decisions (headteacher)
VIEW_ATTENDANCE_STATS = "view_attendance_stats"
MANAGE_SEND = "manage_send"  # SENDCo work: triage, register, cycles, provision
# Seed 001 (role of the class teacher): "in collaboration with the SENDCo, develop suitable targets",
# so teachers write the assessment, the SMART targets and the review for pupils in their classes.
PLAN_SEND = "plan_send"
RAISE_CONCERN = "raise_concern"
VIEW_SEND = "view_send"  # the full SEND record: needs, targets, cycles, plans, documents, passports
# Need to know (issue 15): the office and the DSL do not read the SEND record. They see a pupil's SEND
# status (VIEW_SEND_STATUS) and the passport's strategies a supply or cover adult needs (VIEW_SEND_NEEDS),
# in the pupil page's SEND panel. Passports are written by the adults who work with the pupil: the class
# teacher and TA of the pupil's class (their scope) and the SENDCo (EDIT_PASSPORT).
VIEW_SEND_STATUS = "view_send_status"
VIEW_SEND_NEEDS = "view_send_needs"
EDIT_PASSPORT = "edit_passport"
VIEW_CONFIDENTIAL_DOCUMENTS = "view_confidential_documents"
MANAGE_CASES = "manage_cases"  # graduated response cases
VIEW_CASES = "view_cases"
# Adding a call, meeting or note to a case's communication log. Case managers hold it for every case;
# a case's key adult holds it (and VIEW_CASES) for that case only: KEY_ADULT_CAPABILITIES below.
LOG_CASE_CONTACT = "log_case_contact"
EDIT_TIERS = "edit_tiers"
VIEW_AGGREGATES = "view_aggregates"  # anonymised figures only
MANAGE_RETENTION = "manage_retention"
VIEW_LOGIN_HISTORY = "view_login_history"
# Requests for a pupil's educational record and subject access requests. The headteacher acts for the
# data controller (the governing body or the trust) and manages them; the DSL may read them, because
# deciding what safeguarding information to withhold needs their view. Nobody else sees them.
VIEW_RECORD_REQUESTS = "view_record_requests"
MANAGE_RECORD_REQUESTS = "manage_record_requests"
# The trust lead's staff pages (school.views_trust): add staff and give roles at any school of the
# trust, as far as school.role_grants lets them.
GRANT_TRUST_ROLES = "grant_trust_roles"
# Letters that are a legal step (a notice to improve: letters.defaults.LEGAL_STEP_CODES) are read by the
# roles that take or oversee the step: the attendance officer, the headteacher and the DSL. Not by a
# case's key adult, who sees the rest of the case's letters, nor by the SENDCo.
VIEW_LEGAL_LETTERS = "view_legal_letters"

# What every adult who sees pupils holds: the pupil's SEND status and strategies, raising a concern.
_NEED_TO_KNOW = {VIEW_PUPILS, VIEW_SEND_STATUS, VIEW_SEND_NEEDS, RAISE_CONCERN, VIEW_AGGREGATES}
_STAFF_COMMON = _NEED_TO_KNOW | {VIEW_SEND}
_OFFICE_LEVEL = _STAFF_COMMON | {VIEW_ALL_PUPILS}
# The office and the DSL: every pupil, but only what they need to know of SEND.
_NEED_TO_KNOW_ALL_PUPILS = _NEED_TO_KNOW | {VIEW_ALL_PUPILS}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.HEADTEACHER: frozenset(
        _OFFICE_LEVEL
        | {
            VIEW_SAFEGUARDING,
            EDIT_PUPILS,
            IMPORT_PUPILS,
            MANAGE_SCHOOL,
            VIEW_AUDIT,
            TAKE_ANY_REGISTER,
            MANAGE_ATTENDANCE,
            DECIDE_LEAVE,
            VIEW_ATTENDANCE_STATS,
            MANAGE_SEND,
            PLAN_SEND,
            VIEW_CONFIDENTIAL_DOCUMENTS,
            MANAGE_CASES,
            VIEW_CASES,
            LOG_CASE_CONTACT,
            EDIT_TIERS,
            MANAGE_RETENTION,
            VIEW_LOGIN_HISTORY,
            VIEW_RECORD_REQUESTS,
            MANAGE_RECORD_REQUESTS,
            VIEW_LEGAL_LETTERS,
        }
    ),
    Role.SENDCO: frozenset(
        _OFFICE_LEVEL
        | {
            MANAGE_SEND,
            PLAN_SEND,
            EDIT_PASSPORT,
            VIEW_CONFIDENTIAL_DOCUMENTS,
            VIEW_ATTENDANCE_STATS,
            VIEW_CASES,
        }
    ),
    Role.ATTENDANCE_OFFICER: frozenset(
        _OFFICE_LEVEL
        | {
            TAKE_ANY_REGISTER,
            MANAGE_ATTENDANCE,
            VIEW_ATTENDANCE_STATS,
            MANAGE_CASES,
            VIEW_CASES,
            LOG_CASE_CONTACT,
            EDIT_TIERS,
            VIEW_LEGAL_LETTERS,
        }
    ),
    Role.DSL: frozenset(
        _NEED_TO_KNOW_ALL_PUPILS
        | {VIEW_SAFEGUARDING, VIEW_ATTENDANCE_STATS, VIEW_CASES, VIEW_RECORD_REQUESTS, VIEW_LEGAL_LETTERS}
    ),
    Role.CLASS_TEACHER: frozenset(_STAFF_COMMON | {TAKE_OWN_REGISTERS, PLAN_SEND, EDIT_PASSPORT}),
    Role.TEACHING_ASSISTANT: frozenset(_STAFF_COMMON | {EDIT_PASSPORT}),
    Role.OFFICE_STAFF: frozenset(
        _NEED_TO_KNOW_ALL_PUPILS | {EDIT_PUPILS, IMPORT_PUPILS, TAKE_ANY_REGISTER, MANAGE_ATTENDANCE}
    ),
    Role.GOVERNOR: frozenset({VIEW_AGGREGATES}),
    Role.TRUST_LEAD: frozenset(
        {VIEW_AGGREGATES, VIEW_ATTENDANCE_STATS, VIEW_ALL_PUPILS, VIEW_PUPILS, GRANT_TRUST_ROLES}
    ),
}

# Issue 15: what provision costs, and funding asked for and awarded, are the SENDCo's and the head's
# (they decide on funding applications); teachers and TAs see the provision and its hours, not costs.
VIEW_SEND_COSTS = "view_send_costs"
for _role in (Role.SENDCO, Role.HEADTEACHER):
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | {VIEW_SEND_COSTS}

# What being named a case's key adult (Case.key_adult, usually the class teacher) gives someone who
# does not hold it through a role, for that case's pupil only: open the case (figures, checklist, log,
# meetings, attendance letters except a legal step's: VIEW_LEGAL_LETTERS) and record conversations with the family in its log. Not the formal
# measures, letters to produce or closing the case: those stay with MANAGE_CASES. The checklist tells
# the key adult to "record the conversation in the communication log" (graduated_response/defaults.py).
KEY_ADULT_CAPABILITIES = frozenset({VIEW_CASES, LOG_CASE_CONTACT})

# Roles whose pupil scope is their own registration classes.
CLASS_SCOPED_ROLES = {Role.CLASS_TEACHER, Role.TEACHING_ASSISTANT}


# --- who the user is, where -----------------------------------------------------------------------
def schools_for(user) -> QuerySet[School]:
    """Schools the user may work in: their memberships, plus every school of a trust they lead."""
    if not user.is_authenticated:
        return School.objects.none()
    memberships = Membership.objects.filter(user=user, is_active=True)
    trust_ids = memberships.filter(role=Role.TRUST_LEAD).values("school__trust_id")
    return School.objects.filter(Q(memberships__in=memberships) | Q(trust_id__in=trust_ids)).distinct()


def schools_led(user) -> QuerySet[School]:
    """Every school of the trusts the user leads (an active trust lead membership at any of them)."""
    if not user.is_authenticated:
        return School.objects.none()
    trust_ids = Membership.objects.filter(user=user, is_active=True, role=Role.TRUST_LEAD).values(
        "school__trust_id"
    )
    return School.objects.filter(trust_id__in=trust_ids)


def roles_at(user, school: School | None) -> frozenset[str]:
    """The user's roles at `school`, cached on the user object for the request."""
    if not school or not user.is_authenticated:  # request.school is a lazy object that may wrap None
        return frozenset()
    cache = user.__dict__.setdefault("_roles_cache", {})
    if school.pk not in cache:
        rows = Membership.objects.filter(user=user, is_active=True).filter(
            Q(school=school) | Q(role=Role.TRUST_LEAD, school__trust_id=school.trust_id)
        )
        cache[school.pk] = frozenset(rows.values_list("role", flat=True))
    return cache[school.pk]


def capabilities(user, school: School | None) -> frozenset[str]:
    caps: set[str] = set()
    for role in roles_at(user, school):
        caps |= ROLE_CAPABILITIES.get(role, frozenset())
    return frozenset(caps)


def can(user, school: School | None, capability: str) -> bool:
    return capability in capabilities(user, school)


def require(user, school: School | None, capability: str) -> None:
    if not can(user, school, capability):
        raise PermissionDenied


def is_class_scoped(user, school: School) -> bool:
    """True when the user's pupil scope is their own classes (teachers and TAs without wider roles)."""
    return not can(user, school, VIEW_ALL_PUPILS)


def can_see_safeguarding(user, school: School) -> bool:
    return can(user, school, VIEW_SAFEGUARDING)


def has_own_class(user, school: School | None) -> bool:
    """True when the user is one of the staff of a registration class at `school` (cached per request)."""
    if not school or not user.is_authenticated:
        return False
    cache = user.__dict__.setdefault("_own_class_cache", {})
    if school.pk not in cache:
        cache[school.pk] = RegistrationClass.objects.filter(school=school, staff=user).exists()
    return cache[school.pk]


# --- scopes -----------------------------------------------------------------------------------------
def classes_in_scope(user, school: School) -> QuerySet[RegistrationClass]:
    classes = RegistrationClass.objects.filter(school=school)
    if not can(user, school, VIEW_PUPILS):
        return classes.none()
    if is_class_scoped(user, school):
        classes = classes.filter(staff=user)
    return classes


_Records = TypeVar("_Records", bound=QuerySet)


def pupils_in_scope(user, school: School) -> PupilQuerySet:
    """Every pupil the user may see at `school` (on roll or not: callers narrow by date)."""
    pupils = Pupil.objects.filter(school=school)
    if not can(user, school, VIEW_PUPILS):
        return pupils.none()
    if is_class_scoped(user, school):
        pupils = pupils.filter(registration_class__staff=user)
    return pupils


def scoped_to_pupils(user, school: School, queryset: _Records, *, pupil_field: str = "pupil") -> _Records:
    """Narrow any queryset of pupil-owned records (marks, cases, SEND records) to the user's pupils."""
    return queryset.filter(**{f"{pupil_field}__in": pupils_in_scope(user, school)})


def key_adult_pupils(user, school: School) -> PupilQuerySet:
    """Pupils in the user's scope whose attendance case (open or closed) names the user as key adult.

    `cases` is the reverse name of graduated_response's Case.pupil: a lookup by name, so this module
    still imports nothing from the apps that build on it."""
    if not user.is_authenticated:
        return Pupil.objects.none()
    return pupils_in_scope(user, school).filter(cases__key_adult=user, cases__school=school).distinct()


def pupils_with(user, school: School, capability: str) -> PupilQuerySet:
    """The pupils for whom the user holds `capability`: every pupil in scope when a role gives it;
    the pupils of their own cases when only being a key adult does (KEY_ADULT_CAPABILITIES)."""
    if can(user, school, capability):
        return pupils_in_scope(user, school)
    if capability in KEY_ADULT_CAPABILITIES:
        return key_adult_pupils(user, school)
    return Pupil.objects.none()


# --- access helpers: the object or a 404 -----------------------------------------------------------
def access_pupil(user, school: School, pupil_id) -> Pupil:
    try:
        return pupils_in_scope(user, school).select_related("registration_class").get(pk=pupil_id)
    except (Pupil.DoesNotExist, ValueError, TypeError):
        raise Http404("No such pupil.") from None


def access_class(user, school: School, class_id) -> RegistrationClass:
    try:
        return classes_in_scope(user, school).get(pk=class_id)
    except (RegistrationClass.DoesNotExist, ValueError, TypeError):
        raise Http404("No such class.") from None


def access_pupil_record(user, school: School, queryset: QuerySet, pk, *, pupil_field: str = "pupil"):
    """A record owned by a pupil (a mark, a concern, a case...), or 404 if its pupil is out of scope."""
    try:
        return scoped_to_pupils(user, school, queryset, pupil_field=pupil_field).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found.") from None


def access_case(user, school: School, queryset: QuerySet, pk, *, capability: str = VIEW_CASES):
    """An attendance case (a queryset of graduated_response's Case) for work needing `capability`.

    A role holding `capability` reaches every case of a pupil in scope (another class's or school's
    case is a 404). Without it, the case's own key adult reaches that case for the capabilities in
    KEY_ADULT_CAPABILITIES; anyone else is refused with 403 whether or not the case exists, as the
    role check alone did before key adults could open cases, so nothing is confirmed to exist."""
    if can(user, school, capability):
        return access_pupil_record(user, school, queryset, pk)
    if capability in KEY_ADULT_CAPABILITIES and user.is_authenticated:
        mine = scoped_to_pupils(user, school, queryset.filter(school=school, key_adult=user))
        try:
            return mine.get(pk=pk)
        except (queryset.model.DoesNotExist, ValueError, TypeError):
            pass
    raise PermissionDenied


def access_pupil_with(user, school: School, pupil_id, capability: str) -> Pupil:
    """A pupil for work needing `capability`, for a panel a key adult also sees (the case's meetings,
    letters): a role holding it reaches every pupil in scope (else 404), a key adult the pupils of their
    own cases (pupils_with); anyone else without the capability is refused with 403."""
    if can(user, school, capability):
        return access_pupil(user, school, pupil_id)
    try:
        return pupils_with(user, school, capability).select_related("registration_class").get(pk=pupil_id)
    except (Pupil.DoesNotExist, ValueError, TypeError):
        raise PermissionDenied from None


def access_led_school(user, school_id) -> School:
    """A school of a trust the user leads, or 404 (another trust's school is not confirmed to exist)."""
    try:
        return schools_led(user).select_related("trust").get(pk=school_id)
    except (School.DoesNotExist, ValueError, TypeError):
        raise Http404("No such school.") from None


def access_led_school_record(user, queryset: QuerySet, pk, *, school_field: str = "school"):
    """A record belonging to a school of a trust the user leads (a membership), or 404."""
    try:
        return queryset.filter(**{f"{school_field}__in": schools_led(user)}).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found.") from None


def access_school_record(school: School, queryset: QuerySet, pk, *, school_field: str = "school"):
    """A record that belongs to a school (a class, a calendar entry, a membership), or 404."""
    try:
        return queryset.filter(**{school_field: school}).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found.") from None


# --- view decorator --------------------------------------------------------------------------------
def capability_required(capability: str):
    """Require a logged-in user holding `capability` at the current school (request.school)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: SchoolRequest, *args, **kwargs):
            from django.contrib.auth.views import redirect_to_login

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(request.user, request.school, capability)
            return view(request, *args, **kwargs)

        # Read by the permission matrix to check each URL's expectation against its view.
        wrapper.required_capability = capability  # type: ignore[attr-defined]
        return wrapper

    return decorator
