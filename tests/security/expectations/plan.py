"""Who may use the EHC plan pages (send/views/ehc_plans.py; see tests/security/matrix.py).

The SENDCo and the headteacher (MANAGE_SEND) manage the trust's local authorities, record, edit, cease
and withdraw plans and their Section F lines, and see the school-wide Section F check. Every adult who
works with a pupil (VIEW_SEND, scoped to their classes for teachers and TAs) reads that pupil's plan.
Governors reach none of it. The plans are on pupils of their own (not the world's shared pupil, whose
register status other modules move), one per class and one at the other school.
"""

from datetime import date

from django.utils import timezone

from school import policy
from send import services
from send.models import LocalAuthority, PlanProvisionLine
from tests import factories
from tests.security.matrix import NOBODY, Expect, roles_with

MANAGE = roles_with(policy.MANAGE_SEND)
VIEW_OBJECT = roles_with(policy.VIEW_SEND) - {"other_school_teacher"}


def _plan_for(world, school, registration_class, prefix):
    sendco = world.users["sendco"]  # the services do not check the actor; the pages do
    la, _ = LocalAuthority.objects.get_or_create(trust=school.trust, name=f"{prefix}authority")
    pupil = factories.PupilFactory(school=school, registration_class=registration_class)
    plan = services.ehc_plan_record(
        actor=sendco, pupil=pupil, local_authority=la, issue_date=date(2025, 3, 1)
    )
    line = services.plan_line_save(actor=sendco, plan=plan, description="1:1 reading", sessions_per_week=5)
    withdrawn_line = services.plan_line_save(actor=sendco, plan=plan, description="Entered twice")
    PlanProvisionLine.objects.filter(pk=withdrawn_line.pk).update(
        withdrawn_at=timezone.now(), withdrawn_by=sendco, withdrawal_reason="Entered twice"
    )
    for name, obj in (("la", la), ("plan", plan), ("line", line), ("withdrawn_line", withdrawn_line)):
        setattr(world, f"{prefix}{name}", obj)


def setup(world):
    _plan_for(world, world.school, world.own_class, "plan_")
    _plan_for(world, world.school, world.other_class, "plan_other_class_")
    _plan_for(world, world.other_school, world.foreign_class, "plan_foreign_")


def _obj(name, get, post=NOBODY):
    return Expect(
        get=get,
        post=post,
        kwargs=lambda w: {"pk": getattr(w, f"plan_{name}").pk},
        foreign=lambda w: {"pk": getattr(w, f"plan_foreign_{name}").pk},
        class_scoped=lambda w: {"pk": getattr(w, f"plan_other_class_{name}").pk},
    )


EXPECTATIONS = {
    "send:local_authority_list": Expect(get=MANAGE),
    "send:local_authority_create": Expect(get=MANAGE, post=MANAGE),
    # Local authorities belong to the trust, not a pupil: the other trust's is 404.
    "send:local_authority_edit": Expect(
        get=MANAGE,
        post=MANAGE,
        kwargs=lambda w: {"pk": w.plan_la.pk},
        foreign=lambda w: {"pk": w.plan_foreign_la.pk},
    ),
    "send:ehc_plan_create": Expect(get=MANAGE, post=MANAGE),
    "send:section_f_overview": Expect(get=MANAGE),
    "send:ehc_plan_detail": _obj("plan", VIEW_OBJECT),
    "send:ehc_plan_edit": _obj("plan", MANAGE, MANAGE),
    "send:ehc_plan_cease": _obj("plan", MANAGE, MANAGE),
    "send:ehc_plan_withdraw": _obj("plan", MANAGE, MANAGE),
    "send:plan_line_create": _obj("plan", MANAGE, MANAGE),
    "send:plan_line_edit": _obj("line", MANAGE, MANAGE),
    "send:plan_line_withdraw": _obj("line", MANAGE, MANAGE),
    "send:plan_line_restore": _obj("withdrawn_line", NOBODY, MANAGE),
}
