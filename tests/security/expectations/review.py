"""Who may use the EHC plan review pages (see tests/security/matrix.py).

Reviews of EHC plans are the SENDCo's and the headteacher's work (MANAGE_SEND): the list of every plan,
a review's page and the form for each step. Nobody else reaches them; another school's plan or review is
not found, and a class teacher gets nothing for a pupil of another class either.
"""

from datetime import time, timedelta

from django.utils import timezone

from school import policy
from send.models import AnnualReview
from tests.security.matrix import Expect, roles_with
from tests.send.ehcp_factories import ehc_plan

MANAGE = roles_with(policy.MANAGE_SEND)


def _for(world, pupil, prefix):
    sendco = world.users["sendco"]
    today = timezone.localdate()
    plan = ehc_plan(pupil=pupil, created_by=sendco, issue_date=today - timedelta(days=300))
    # Written directly: the service would refuse a day the school is closed, and the world's calendar
    # is fixed while this runs on any day.
    review = AnnualReview.objects.create(
        school=plan.school,
        plan=plan,
        pupil=pupil,
        status="planned",
        meeting_date=today + timedelta(days=40),
        meeting_time=time(15, 30),
        meeting_place="The SENDCo's room",
        created_by=sendco,
        created_at=timezone.now(),
    )
    setattr(world, f"{prefix}plan", plan)
    setattr(world, f"{prefix}review", review)


def setup(world):
    _for(world, world.pupil, "review_")
    _for(world, world.other_class_pupil, "review_class_")
    _for(world, world.other_school_pupil, "review_foreign_")


def _obj(name):
    return (
        lambda w: {"pk": getattr(w, f"review_{name}").pk},
        lambda w: {"pk": getattr(w, f"review_foreign_{name}").pk},
        lambda w: {"pk": getattr(w, f"review_class_{name}").pk},
    )


def _on(name, *, post=True):
    kwargs, foreign, class_scoped = _obj(name)
    return Expect(
        get=MANAGE,
        post=MANAGE if post else frozenset(),
        kwargs=kwargs,
        foreign=foreign,
        class_scoped=class_scoped,
    )


EXPECTATIONS = {
    "send:ehc_reviews": Expect(get=MANAGE),
    "send:ehc_review_schedule": _on("plan"),
    "send:ehc_review_request": _on("plan"),
    "send:ehc_review_detail": _on("review", post=False),
    "send:ehc_review_meeting": _on("review"),
    "send:ehc_review_invitee_add": _on("review"),
    "send:ehc_review_invite": _on("review"),
    "send:ehc_review_advice": _on("review"),
    "send:ehc_review_record": _on("review"),
    "send:ehc_review_report": _on("review"),
    "send:ehc_review_decision": _on("review"),
    "send:ehc_review_amended": _on("review"),
    "send:ehc_review_withdraw": _on("review"),
    "send:ehc_review_restore": Expect(
        get=frozenset(),
        post=MANAGE,
        kwargs=_obj("review")[0],
        foreign=_obj("review")[1],
        class_scoped=_obj("review")[2],
    ),
}
