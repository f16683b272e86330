"""Who may use the EHC plan review actions added for issue 13's remaining gaps (see
tests/security/matrix.py): trying an invitation e-mail again and changing the meeting date after the
invitations went. Both are the SENDCo's and the headteacher's work (MANAGE_SEND), like every review
step; another school's review is not found, and a class teacher gets nothing for another class's pupil.
"""

from datetime import date, time, timedelta

from django.utils import timezone

from school import policy
from send.models import AnnualReview, ReviewInvitee
from tests.security.matrix import Expect, roles_with
from tests.send.ehcp_factories import ehc_plan

MANAGE = roles_with(policy.MANAGE_SEND)


def _for(world, pupil, prefix):
    sendco = world.users["sendco"]
    today = timezone.localdate()
    # Recorded as ceased so that review.py's plan for the same pupil can still be the one in force (a
    # constraint); the pages here do not depend on the plan being in force.
    plan = ehc_plan(
        pupil=pupil,
        created_by=sendco,
        issue_date=today - timedelta(days=300),
        ceased_on=today - timedelta(days=1),
    )
    # Written directly (as tests/security/expectations/review.py does): the services refuse a day the
    # school is closed, and the world's calendar is fixed while this runs on any day.
    review = AnnualReview.objects.create(
        school=plan.school,
        plan=plan,
        pupil=pupil,
        status="invited",
        meeting_date=today + timedelta(days=40),
        meeting_time=time(15, 30),
        meeting_place="The SENDCo's room",
        invitations_sent_on=date.today(),
        created_by=sendco,
        created_at=timezone.now(),
    )
    invitee = ReviewInvitee.objects.create(
        review=review, role="health", name="Dr Matrix", email="dr.matrix@example.invalid"
    )
    setattr(world, f"{prefix}review", review)
    setattr(world, f"{prefix}invitee", invitee)


def setup(world):
    _for(world, world.pupil, "rev13_")
    _for(world, world.other_class_pupil, "rev13_class_")
    _for(world, world.other_school_pupil, "rev13_foreign_")


def _kwargs(prefix, *, invitee=False):
    def kwargs(w):
        found = {"pk": getattr(w, f"{prefix}review").pk}
        if invitee:
            found["invitee_pk"] = getattr(w, f"{prefix}invitee").pk
        return found

    return kwargs


def _expect(*, get, invitee=False):
    return Expect(
        get=get,
        post=MANAGE,
        kwargs=_kwargs("rev13_", invitee=invitee),
        foreign=_kwargs("rev13_foreign_", invitee=invitee),
        class_scoped=_kwargs("rev13_class_", invitee=invitee),
    )


EXPECTATIONS = {
    "send:ehc_review_email_retry": _expect(get=frozenset(), invitee=True),
    "send:ehc_review_move": _expect(get=MANAGE),
}
