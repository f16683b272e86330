"""Who may use the graduated response pages (see tests/security/matrix.py)."""

from datetime import date

from school import policy, withdrawal
from school.models import Role
from tests.security.matrix import NOBODY, Expect, roles_with


def _case(pupil, tier=3):
    from graduated_response.models import Case, CaseAction

    case = Case.objects.create(
        school=pupil.school, pupil=pupil, current_tier=tier, opened_on=date(2026, 11, 2)
    )
    action = CaseAction.objects.create(
        case=case,
        tier=tier,
        text="Talk with the parents",
        responsible_role=Role.CLASS_TEACHER,
        due_on=date(2026, 11, 9),
    )
    return case, action


def _log(case, by, **withdrawn):
    from graduated_response.models import CommunicationLog

    return CommunicationLog.objects.create(
        case=case,
        happened_on=date(2026, 11, 3),
        with_whom="Mother",
        summary="Talked about mornings",
        recorded_by=by,
        **withdrawn,
    )


def _tier_action(school):
    from graduated_response.models import TierAction

    return TierAction.objects.create(
        school=school, tier=2, text="Ring the family", responsible_role=Role.ATTENDANCE_OFFICER
    )


def setup(world):
    world.tier_action = _tier_action(world.school)
    world.foreign_tier_action = _tier_action(world.other_school)
    world.case, world.action = _case(world.pupil)
    # The class teacher is the key adult of their pupil's case (policy.KEY_ADULT_CAPABILITIES), not of
    # the other class's case; the teaching assistant of the same class is no key adult.
    world.case.key_adult = world.users["class_teacher"]
    world.case.save(update_fields=["key_adult"])
    world.other_class_case, world.other_class_action = _case(world.other_class_pupil)
    world.foreign_case, world.foreign_action = _case(world.other_school_pupil)
    by = world.users["attendance_officer"]
    withdrawn = {
        "withdrawn_at": "2026-11-16T10:00:00Z",
        "withdrawn_by": by,
        "withdrawal_reason": "Wrong case",
    }
    world.log, world.withdrawn_log = _log(world.case, by), _log(world.case, by, **withdrawn)
    world.other_class_log = _log(world.other_class_case, by)
    world.other_class_withdrawn_log = _log(world.other_class_case, by, **withdrawn)
    world.foreign_log = _log(world.foreign_case, by)
    world.foreign_withdrawn_log = _log(world.foreign_case, by, **withdrawn)


VIEW_CASES = roles_with(policy.VIEW_CASES)
MANAGE_CASES = roles_with(policy.MANAGE_CASES)
STAFF = roles_with(policy.VIEW_PUPILS)
EDIT_TIERS = roles_with(policy.EDIT_TIERS)
# The action belongs to the class teacher's role, on a pupil of their class; case managers may too.
ACTION_DONE = MANAGE_CASES | {"class_teacher"}
# A case's key adult (the world's class teacher, for world.case only) opens it and adds to its log;
# other roles without VIEW_CASES stay refused, and nobody reaches another class's or school's case.
KEY_ADULT = frozenset({"class_teacher"})
CASE_READERS = VIEW_CASES | KEY_ADULT
CASE_LOGGERS = roles_with(policy.LOG_CASE_CONTACT) | KEY_ADULT
# Restoring a withdrawn log entry: the SENDCo or the head, not the attendance officer who manages cases.
RESTORE = frozenset(str(role) for role in withdrawal.RESTORERS)

EXPECTATIONS = {
    "graduated_response:dashboard": Expect(get=VIEW_CASES),
    "graduated_response:my_work": Expect(get=STAFF),
    "graduated_response:send_in_tiers": Expect(get=VIEW_CASES),
    "graduated_response:panel_home": Expect(get=VIEW_CASES),
    "graduated_response:tier_bands": Expect(get=EDIT_TIERS, post=EDIT_TIERS),
    "graduated_response:tier_actions": Expect(get=EDIT_TIERS),
    "graduated_response:tier_action_add": Expect(
        get=NOBODY,
        post=EDIT_TIERS,
        kwargs=lambda w: {"tier": 2},
        post_data=lambda w: {
            "add-2-text": "Invite the family in",
            "add-2-responsible_role": "attendance_officer",
            "add-2-target_school_days": "5",
        },
    ),
    "graduated_response:tier_action_update": Expect(
        get=NOBODY,
        post=EDIT_TIERS,
        kwargs=lambda w: {"pk": w.tier_action.pk},
        foreign=lambda w: {"pk": w.foreign_tier_action.pk},
    ),
    "graduated_response:tier_action_deactivate": Expect(
        get=NOBODY,
        post=EDIT_TIERS,
        kwargs=lambda w: {"pk": w.tier_action.pk},
        foreign=lambda w: {"pk": w.foreign_tier_action.pk},
    ),
    "graduated_response:cases_set_key_adult": Expect(get=NOBODY, post=MANAGE_CASES),
    # Letter batches: choosing and reviewing a set (GET), running it (POST, back to the chooser when
    # the form is incomplete).
    "graduated_response:batch_choose": Expect(get=MANAGE_CASES),
    "graduated_response:batch_run": Expect(get=NOBODY, post=MANAGE_CASES),
    "graduated_response:alerts_acknowledge": Expect(get=NOBODY, post=STAFF),
    # The key adult sees the panel for the pupil of their case (other pupils: 403, and no panel).
    "graduated_response:panel_pupil": Expect(
        get=CASE_READERS,
        kwargs=lambda w: {"pk": w.pupil.pk},
        foreign=lambda w: {"pk": w.other_school_pupil.pk},
    ),
    "graduated_response:case_detail": Expect(
        get=CASE_READERS,
        kwargs=lambda w: {"pk": w.case.pk},
        foreign=lambda w: {"pk": w.foreign_case.pk},
        class_scoped=lambda w: {"pk": w.other_class_case.pk},
    ),
    "graduated_response:communication_add": Expect(
        get=NOBODY,
        post=CASE_LOGGERS,
        kwargs=lambda w: {"pk": w.case.pk},
        foreign=lambda w: {"pk": w.foreign_case.pk},
        class_scoped=lambda w: {"pk": w.other_class_case.pk},
    ),
    "graduated_response:communication_withdraw": Expect(
        get=MANAGE_CASES,
        post=MANAGE_CASES,
        kwargs=lambda w: {"pk": w.log.pk},
        foreign=lambda w: {"pk": w.foreign_log.pk},
        class_scoped=lambda w: {"pk": w.other_class_log.pk},
    ),
    "graduated_response:communication_restore": Expect(
        get=NOBODY,
        post=RESTORE,
        kwargs=lambda w: {"pk": w.withdrawn_log.pk},
        foreign=lambda w: {"pk": w.foreign_withdrawn_log.pk},
        class_scoped=lambda w: {"pk": w.other_class_withdrawn_log.pk},
    ),
    "graduated_response:case_close": Expect(
        get=NOBODY,
        post=MANAGE_CASES,
        kwargs=lambda w: {"pk": w.case.pk},
        foreign=lambda w: {"pk": w.foreign_case.pk},
    ),
    "graduated_response:action_done": Expect(
        get=NOBODY,
        post=ACTION_DONE,
        kwargs=lambda w: {"pk": w.action.pk},
        foreign=lambda w: {"pk": w.foreign_action.pk},
        class_scoped=lambda w: {"pk": w.other_class_action.pk},
    ),
    # Letters from the case page: case managers only; the key adult reads letters in the log.
    "graduated_response:panel_case_letters": Expect(
        get=MANAGE_CASES,
        kwargs=lambda w: {"pk": w.case.pk},
        foreign=lambda w: {"pk": w.foreign_case.pk},
        class_scoped=lambda w: {"pk": w.other_class_case.pk},
    ),
    "graduated_response:case_letter_preview": Expect(
        get=MANAGE_CASES,
        kwargs=lambda w: {"pk": w.case.pk},
        foreign=lambda w: {"pk": w.foreign_case.pk},
        class_scoped=lambda w: {"pk": w.other_class_case.pk},
    ),
    "graduated_response:case_letters_produce": Expect(
        get=NOBODY,
        post=MANAGE_CASES,
        kwargs=lambda w: {"pk": w.case.pk},
        foreign=lambda w: {"pk": w.foreign_case.pk},
        class_scoped=lambda w: {"pk": w.other_class_case.pk},
    ),
}
