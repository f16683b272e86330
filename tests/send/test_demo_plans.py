"""seed_demo gives every pupil the register shows as E a plan record from one of two fictional local
authorities, with Section F lines the delivery check finds short, met and vague."""

import io
from datetime import date, timedelta

import time_machine
from django.core.management import call_command
from pypdf import PdfReader

from school.private_files import private_storage
from send import section_f, selectors_plans
from send.models import EhcPlan, SendRecord, SendStatusChange

TODAY = date(2026, 11, 23)


@time_machine.travel(TODAY)
def test_every_demo_pupil_with_e_has_a_plan_that_the_register_agrees_with(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--seed", "5", stdout=io.StringIO())
    records = SendRecord.objects.filter(status="ehc_plan")
    plans = {p.pupil_id: p for p in EhcPlan.objects.select_related("local_authority")}
    assert records.count() >= 2 and set(plans) == set(records.values_list("pupil_id", flat=True))
    assert {p.local_authority.name for p in plans.values()} == {
        "Northshire County Council",
        "Westbrook Borough Council",
    }
    for record in records:
        assert record.status_since == plans[record.pupil_id].issue_date
    for change in SendStatusChange.objects.filter(to_status="ehc_plan"):
        assert change.effective_on == plans[change.pupil_id].issue_date
    issued = sorted(p.issue_date for p in plans.values())
    assert TODAY - timedelta(days=4 * 366) <= issued[0] and issued[-1] <= TODAY - timedelta(days=300)
    assert any(
        TODAY - timedelta(days=396) <= d <= TODAY - timedelta(days=335) for d in issued
    )  # 11-13 months

    school = next(iter(plans.values())).school
    overview = selectors_plans.section_f_overview(school=school, on=TODAY)
    statuses = {r.line.delivery.status for r in overview["rows"] if r.line}
    assert statuses == {section_f.SHORT, section_f.MET, section_f.UNQUANTIFIED}
    assert any("access to" in r.line.delivery.problems for r in overview["rows"] if r.line)

    with_document = EhcPlan.objects.exclude(document=None).select_related("document", "pupil").get()
    pdf = private_storage().open(with_document.document.private_file_name()).read()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Education, health and care plan" in text and with_document.pupil.display_name in text

    _demo_people_and_dates_are_told_apart()


def _demo_people_and_dates_are_told_apart():
    """No local authority gives the school's own number; no officer has a demo family's surname; the
    needs assessment's history shows the steps on their own dates, not the moment the demo was built."""
    from django.utils import timezone

    from letters.models import Letterhead
    from school.models import Contact, Pupil
    from send.models import EhcNeedsAssessment, LocalAuthority

    school_lines = " ".join(Letterhead.objects.values_list("contact_line", flat=True))
    assert school_lines
    phones = [p for p in LocalAuthority.objects.values_list("sen_team_phone", flat=True) if p]
    assert phones and not [p for p in phones if p in school_lines]

    surnames = set(Pupil.objects.values_list("legal_last_name", flat=True))
    surnames |= set(Contact.objects.values_list("last_name", flat=True))
    officers = [n for n in EhcPlan.objects.values_list("la_officer_name", flat=True) if n]
    assert officers and not [n for n in officers if n.split()[-1] in surnames]
    from school.demo import SURNAMES

    assert not [n for n in officers if n.split()[-1] in SURNAMES]  # whatever the seed

    assessment = EhcNeedsAssessment.objects.get()
    history = {h.to_status: timezone.localdate(h.changed_at) for h in assessment.status_history.all()}
    assert history == {
        "requested": assessment.request_date,
        "received": assessment.la_received_on,
        "assessing": assessment.decided_on,
    }
