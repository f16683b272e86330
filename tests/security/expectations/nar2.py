"""Who may use the EHC needs assessment pages: the SENDCo and the headteacher (MANAGE_SEND) only."""

from datetime import date

from school import policy
from send.models import EhcNeedsAssessment, LocalAuthority
from tests.security.matrix import NOBODY, Expect, roles_with

MANAGE = roles_with(policy.MANAGE_SEND)


def _assessment(world, pupil):
    la, _ = LocalAuthority.objects.get_or_create(trust=pupil.school.trust, name="Matrix County Council")
    return EhcNeedsAssessment.objects.create(
        school=pupil.school,
        pupil=pupil,
        local_authority=la,
        request_date=date(2026, 9, 1),
        la_received_on=date(2026, 9, 3),
        status="received",
        created_by=world.users["sendco"],
    )


def setup(world):
    world.nar2_assessment = _assessment(world, world.pupil)
    world.nar2_foreign_assessment = _assessment(world, world.other_school_pupil)


def _obj(get, post=NOBODY):
    return Expect(
        get=get,
        post=post,
        kwargs=lambda w: {"pk": w.nar2_assessment.pk},
        foreign=lambda w: {"pk": w.nar2_foreign_assessment.pk},
    )


EXPECTATIONS = {
    "send:assessment_list": Expect(get=MANAGE),
    "send:assessment_create": Expect(
        get=MANAGE,
        post=MANAGE,
        kwargs=lambda w: {"pk": w.pupil.pk},
        foreign=lambda w: {"pk": w.other_school_pupil.pk},
    ),
    "send:assessment_detail": _obj(MANAGE),
    "send:assessment_steps": _obj(MANAGE, MANAGE),
    "send:assessment_exception": _obj(MANAGE, MANAGE),
}
