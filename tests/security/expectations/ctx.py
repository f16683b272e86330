"""Who may use the pages of "the right context where decisions are made" (issue 15).

The SEND page's "At a glance" attendance case lines (graduated_response:panel_pupil_send_context) are
for everyone who sees the pupil's SEND page (VIEW_SEND, scoped to own classes for teachers and TAs);
the panel itself shows the tier only to case roles and the case's key adult.
"""

from tests.security.expectations.send import VIEW_OBJECT, pupil_page

EXPECTATIONS = {
    "graduated_response:panel_pupil_send_context": pupil_page(VIEW_OBJECT),
}

# The SEND charts page: the SENDCo's and the head's, as the dashboard that links to it.
from tests.security.expectations.send import MANAGE  # noqa: E402
from tests.security.matrix import Expect  # noqa: E402

EXPECTATIONS["send:charts"] = Expect(get=MANAGE)

# A supply teacher's pack of a class's passports: whoever sees the class's SEND (teachers and TAs their
# own classes; another class is 404, another school's class 404).
from tests.security.expectations.send import VIEW  # noqa: E402

EXPECTATIONS["send:supply_pack"] = Expect(
    get=VIEW - {"other_school_teacher"},
    kwargs=lambda w: {"pk": w.own_class.pk},
    foreign=lambda w: {"pk": w.foreign_class.pk},
    class_scoped=lambda w: {"pk": w.other_class.pk},
)


# Interventions an adult delivers and the sessions they record: the world's intervention is delivered
# by the teaching assistant; the SENDCo and the head reach every intervention; anyone else with
# VIEW_SEND sees their own (empty) list and gets 404 for the intervention and its session.
def setup(world):
    from datetime import date

    from send.models import Intervention, InterventionSession, ProvisionEnrolment

    def _group(school, pupil, by, name):
        intervention = Intervention.objects.create(
            school=school,
            name=name,
            area_of_need="communication",
            staff="TA",
            sessions_per_week=2,
            minutes_per_session=30,
            cost="18",
            delivered_by=by,
        )
        ProvisionEnrolment.objects.create(
            school=school, pupil=pupil, intervention=intervention, start_date=date(2026, 9, 7)
        )
        session = InterventionSession.objects.create(
            school=school, intervention=intervention, held_on=date(2026, 11, 2), minutes=30, recorded_by=by
        )
        return intervention, session

    world.ctx_intervention, world.ctx_session = _group(
        world.school, world.pupil, world.users["teaching_assistant"], "ctx talk group"
    )
    world.ctx_foreign_intervention, world.ctx_foreign_session = _group(
        world.other_school, world.other_school_pupil, world.users["other_school_teacher"], "ctx foreign group"
    )


DELIVERS = MANAGE | {"teaching_assistant"}
EXPECTATIONS["send:my_interventions"] = Expect(get=VIEW)
EXPECTATIONS["send:session_create"] = Expect(
    get=DELIVERS,
    post=DELIVERS,
    kwargs=lambda w: {"pk": w.ctx_intervention.pk},
    foreign=lambda w: {"pk": w.ctx_foreign_intervention.pk},
)
EXPECTATIONS["send:session_withdraw"] = Expect(
    get=DELIVERS,
    post=DELIVERS,
    kwargs=lambda w: {"pk": w.ctx_session.pk},
    foreign=lambda w: {"pk": w.ctx_foreign_session.pk},
)
