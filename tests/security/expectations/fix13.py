"""Who may use the needs-assessment withdraw/restore pages, the 'Start a needs assessment' chooser and
the EHC plan restore (SENDCo and headteacher, MANAGE_SEND, only; another school's record is not found)."""

from datetime import date

from django.utils import timezone

from school import policy
from send.models import EhcNeedsAssessment, LocalAuthority
from tests import factories
from tests.security.matrix import NOBODY, Expect, roles_with
from tests.send.ehcp_factories import ehc_plan

MANAGE = roles_with(policy.MANAGE_SEND)


def _assessment(world, pupil, *, withdrawn=False):
    la, _ = LocalAuthority.objects.get_or_create(trust=pupil.school.trust, name="Fix13 County Council")
    sendco = world.users["sendco"]
    return EhcNeedsAssessment.objects.create(
        school=pupil.school,
        pupil=pupil,
        local_authority=la,
        request_date=date(2026, 9, 1),
        la_received_on=date(2026, 9, 3),
        status="received",
        created_by=sendco,
        withdrawn_at=timezone.now() if withdrawn else None,
        withdrawn_by=sendco if withdrawn else None,
        withdrawal_reason="Entered twice" if withdrawn else "",
    )


def _withdrawn_plan(world, school, registration_class):
    sendco = world.users["sendco"]
    pupil = factories.PupilFactory(school=school, registration_class=registration_class)
    return ehc_plan(
        pupil=pupil,
        created_by=sendco,
        withdrawn_at=timezone.now(),
        withdrawn_by=sendco,
        withdrawal_reason="Recorded by mistake",
    )


def setup(world):
    world.fix13_plan = _withdrawn_plan(world, world.school, world.own_class)
    world.fix13_class_plan = _withdrawn_plan(world, world.school, world.other_class)
    world.fix13_foreign_plan = _withdrawn_plan(world, world.other_school, world.foreign_class)
    world.fix13_assessment = _assessment(world, world.pupil)
    world.fix13_foreign_assessment = _assessment(world, world.other_school_pupil)
    world.fix13_withdrawn = _assessment(world, world.pupil, withdrawn=True)
    world.fix13_foreign_withdrawn = _assessment(world, world.other_school_pupil, withdrawn=True)


EXPECTATIONS = {
    "send:assessment_start": Expect(get=MANAGE),
    "send:assessment_withdraw": Expect(
        get=MANAGE,
        post=MANAGE,
        kwargs=lambda w: {"pk": w.fix13_assessment.pk},
        foreign=lambda w: {"pk": w.fix13_foreign_assessment.pk},
    ),
    "send:assessment_restore": Expect(
        get=NOBODY,
        post=MANAGE,
        kwargs=lambda w: {"pk": w.fix13_withdrawn.pk},
        foreign=lambda w: {"pk": w.fix13_foreign_withdrawn.pk},
    ),
}
EXPECTATIONS["send:ehc_plan_restore"] = Expect(
    get=NOBODY,
    post=MANAGE,
    kwargs=lambda w: {"pk": w.fix13_plan.pk},
    foreign=lambda w: {"pk": w.fix13_foreign_plan.pk},
    class_scoped=lambda w: {"pk": w.fix13_class_plan.pk},
)
