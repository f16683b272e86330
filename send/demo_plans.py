"""Fictional EHC plans for the demo school: every pupil the demo register shows as E gets a plan record.

Called at the end of send.demo.build. Two invented local authorities (Northshire County Council, the
demo school's own, and Westbrook Borough Council); issue dates spread over the last one to four years,
with the first plan issued about twelve months ago (its annual review falls due now) and the register's
EHC plan date moved to each plan's issue date, so the two agree. Each plan has Section F lines: 1:1
support delivered as specified, a group intervention the plan asks more of than the pupil's place gives
(short of delivery) or exactly what it gives, and on alternate plans a vague line ("access to regular
support as appropriate") that the delivery check flags as not quantified. The first plan's document is
a small generated PDF uploaded through the normal document path.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from letters.rendering import render_pdf
from school import audit

from . import register_status, services
from .models import (
    EhcPlan,
    LocalAuthority,
    PlanProvisionLine,
    ProvisionEnrolment,
    SendDocument,
    SendRecord,
    SendStatusChange,
)

# Numbers in Ofcom's drama range, none of them the demo school's own (01632 960100, its letterhead).
AUTHORITIES = [
    ("Northshire County Council", "send.team@northshire.example.org", "01632 960410"),
    ("Westbrook Borough Council", "ehcp@westbrook.example.org", "01632 960200"),
]
# Surnames that no demo pupil or family can have (school.demo.SURNAMES), so an officer is never taken
# for a relative.
OFFICERS = [
    ("Helen Marchant", "h.marchant@northshire.example.org"),
    ("Daniel Osborne", "d.osborne@westbrook.example.org"),
]
ONE_TO_ONE = "1:1 support (EHC plan)"
VAGUE = "Access to regular support from an adult in class, as appropriate."

NEEDS = (
    "Significant difficulties with reading, spelling and working memory; needs new learning broken into "
    "small steps and repeated over time. Finds changes to routine hard and can become anxious."
)
OUTCOMES = (
    "By the end of the key stage: to read and understand a short text at their level with little adult "
    "help; to use a visual timetable independently to move between activities; to ask an adult for help "
    "when they are stuck."
)
SUMMARY = (
    "Daily 1:1 support from a trained teaching assistant; a small-group literacy intervention; advice "
    "from the specialist teaching service each term."
)
HEALTH = (
    "G: annual review by the community paediatrician. H: none at present; the family has a short-breaks "
    "assessment pending."
)


def _aware(day: date):
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _issue_dates(count: int, *, today: date, rng) -> list[date]:
    """The first about twelve months ago; the rest spread across one to four years ago."""
    dates = [today - timedelta(days=rng.randint(350, 380))]
    for i in range(1, count):
        span = 365 + (i * 1095) // max(count - 1, 1)
        dates.append(today - timedelta(days=min(span, 1460) - rng.randint(0, 60)))
    return dates


def build(*, school, sendco, rng, today: date) -> list[EhcPlan]:
    authorities = [
        LocalAuthority.objects.get_or_create(
            trust=school.trust, name=name, defaults={"sen_team_email": email, "sen_team_phone": phone}
        )[0]
        for name, email, phone in AUTHORITIES
    ]
    records = list(
        SendRecord.objects.filter(school=school, status=register_status.EHC_PLAN)
        .exclude(pupil__in=EhcPlan.objects.current().values("pupil"))
        .select_related("pupil")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )
    if not records:
        return []
    plans = []
    for i, (record, issued) in enumerate(
        zip(records, _issue_dates(len(records), today=today, rng=rng), strict=True)
    ):
        pupil = record.pupil
        earliest = pupil.date_of_birth.replace(year=pupil.date_of_birth.year + 3)
        issued = min(max(issued, earliest), today - timedelta(days=30))
        la = authorities[0] if i % 3 != 2 else authorities[1]
        officer = OFFICERS[0] if la is authorities[0] else OFFICERS[1]
        plans.append(
            EhcPlan(
                school=school,
                pupil=pupil,
                local_authority=la,
                la_officer_name=officer[0],
                la_officer_email=officer[1],
                issue_date=issued,
                needs_summary=NEEDS,
                outcomes=OUTCOMES,
                provision_summary=SUMMARY,
                health_and_care=HEALTH,
                annual_funding=Decimal(rng.choice(["6200.00", "8450.00", "11300.00"])),
                funding_notes=f"High-needs top-up from {la}, paid termly.",
                created_by=sendco,
                created_at=_aware(issued + timedelta(days=7)),
            )
        )
    plans = EhcPlan.objects.bulk_create(plans)
    _register_agrees(plans, records)
    _section_f(plans, sendco=sendco)
    audit.record_bulk(
        actor=sendco,
        action="send.ehc_plan.recorded",
        school=school,
        reason="Demo data",
        entries=[
            {
                "object_type": "send.ehcplan",
                "object_id": p.pk,
                "object_repr": str(p),
                "pupil_id": p.pupil_id,
                "after": audit.snapshot(p),
            }
            for p in plans
        ],
    )
    _document(plans[0], school=school, sendco=sendco, today=today)
    return plans


def _register_agrees(plans: list[EhcPlan], records: list[SendRecord]) -> None:
    """The register's EHC plan status and its history row take the plan's issue date."""
    issued = {p.pupil_id: p.issue_date for p in plans}
    for record in records:
        record.status_since = issued[record.pupil_id]
    SendRecord.objects.bulk_update(records, ["status_since"])
    changes = list(SendStatusChange.objects.filter(pupil_id__in=issued, to_status=register_status.EHC_PLAN))
    for change in changes:
        change.effective_on = issued[change.pupil_id]
        change.changed_at = _aware(issued[change.pupil_id])
    SendStatusChange.objects.bulk_update(changes, ["effective_on", "changed_at"])


def _section_f(plans: list[EhcPlan], *, sendco) -> None:
    places: dict[int, list[ProvisionEnrolment]] = {}
    for place in (
        ProvisionEnrolment.objects.current()
        .filter(pupil_id__in=[p.pupil_id for p in plans], end_date__isnull=True)
        .select_related("intervention")
        .order_by("pk")
    ):
        places.setdefault(place.pupil_id, []).append(place)
    lines, links = [], []
    for i, plan in enumerate(plans):
        own = places.get(plan.pupil_id, [])
        one_to_one = next((p.intervention for p in own if p.intervention.name == ONE_TO_ONE), None)
        group = next((p.intervention for p in own if p.intervention.name != ONE_TO_ONE), None)
        made = []
        if one_to_one is not None:
            made.append(
                (
                    PlanProvisionLine(
                        plan=plan,
                        description="1:1 support from a trained teaching assistant across the school day.",
                        sessions_per_week=one_to_one.sessions_per_week,
                        minutes_per_session=one_to_one.minutes_per_session,
                        weeks_per_year=38,
                        delivered_by="Teaching assistant trained in the pupil's programme",
                    ),
                    [one_to_one],
                )
            )
        if group is not None:
            # The first plans ask for more than the pupil's place gives: the check shows them short.
            extra = 2 if i % 2 == 0 else 0
            made.append(
                (
                    PlanProvisionLine(
                        plan=plan,
                        description=f"{group.name}: a structured small-group programme.",
                        sessions_per_week=min(group.sessions_per_week + extra, 25),
                        minutes_per_session=group.minutes_per_session,
                        weeks_per_year=38,
                        delivered_by=group.staff,
                    ),
                    [group],
                )
            )
        if i % 2 == 0:
            made.append(
                (PlanProvisionLine(plan=plan, description=VAGUE, delivered_by="Class teacher and TA"), [])
            )
        for line, linked in made:
            line.created_by, line.created_at = sendco, plan.created_at
            lines.append(line)
            links.append(linked)
    lines = PlanProvisionLine.objects.bulk_create(lines)
    through = PlanProvisionLine.interventions.through
    through.objects.bulk_create(
        [
            through(planprovisionline_id=line.pk, intervention_id=intervention.pk)
            for line, linked in zip(lines, links, strict=True)
            for intervention in linked
        ]
    )


def _document(plan: EhcPlan, *, school, sendco, today: date) -> None:
    pdf = render_pdf(
        "send/pdf/demo_document.html",
        {
            "school": school,
            "pupil": plan.pupil,
            "title": "Education, health and care plan",
            "author": str(plan.local_authority),
            "written_on": plan.issue_date,
            "sections": [
                ("Section B: special educational needs", NEEDS),
                ("Section E: outcomes", OUTCOMES),
                ("Section F: special educational provision", SUMMARY),
                ("Sections G and H: health and social care", HEALTH),
            ],
        },
    )
    document = services.document_upload(
        actor=sendco,
        pupil=plan.pupil,
        uploaded_file=SimpleUploadedFile("ehc-plan.pdf", pdf),
        kind=SendDocument.Kind.EHC_PLAN,
        title=f"EHC plan issued {plan.issue_date:%-d %B %Y} ({plan.local_authority})",
        confidential=False,
    )
    EhcPlan.objects.filter(pk=plan.pk).update(document=document)
