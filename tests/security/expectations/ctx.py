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
