"""Fictional SEND demo data for the demo school: a realistic register, cycles, targets, provision.

Called by ``manage.py seed_demo`` after the school (and attendance) are built:
``build(*, school, rng, today)``. About 15% of pupils on SEN support and 2-3% with EHC plans, a spread
of needs across the four broad areas, a closed cycle last summer and an open one this autumn (unmet
targets carried forward), a few reviews overdue or due soon, views requests, passports, an intervention
catalogue with enrolments (EHC plans with costly 1:1 support, over the notional budget), agencies,
funding applications, and a few concerns awaiting triage. Everything is bulk-inserted, except two
uploaded documents (small generated PDFs, one confidential) and one printed views request letter, which
go through the services so their files land in PRIVATE_MEDIA_ROOT as real uploads and letters do.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from letters.rendering import render_pdf
from school import audit
from school.calendar import SchoolCalendar
from school.models import Membership, Pupil, Role

from . import (
    demo_assessments,
    demo_parent_letters,
    demo_plans,
    demo_reviews,
    demo_timetables,
    register_status,
    services,
)
from .models import (
    AgencyInvolvement,
    Concern,
    FundingApplication,
    Intervention,
    ProvisionEnrolment,
    PupilPassport,
    SendRecord,
    SendStatusChange,
    SupportCycle,
    Target,
    ViewsRequest,
)
from .services.cycle_calendar import cycles_move_due_to_review

NEED_WEIGHTS = [
    ("SLCN", 24),
    ("ASD", 15),
    ("SPLD", 11),
    ("MLD", 14),
    ("SLD", 2),
    ("SEMH", 20),
    ("HI", 2),
    ("VI", 1),
    ("PD", 3),
    ("MSI", 1),
    ("OTH", 3),
    ("NSA", 4),
]
AREA_OF = {
    "SLCN": "communication",
    "ASD": "communication",
    "SPLD": "cognition",
    "MLD": "cognition",
    "SLD": "cognition",
    "PMLD": "cognition",
    "SEMH": "semh",
    "HI": "sensory_physical",
    "VI": "sensory_physical",
    "MSI": "sensory_physical",
    "PD": "sensory_physical",
    "OTH": "cognition",
    "NSA": "cognition",
}

TARGETS = {
    "communication": [
        (
            "Follow a two-step instruction in class",
            "4 times out of 5 without a reminder",
            "Say the pupil's name first; show and say; check understanding",
            "Talk Boost",
        ),
        (
            "Take turns in a small-group game",
            "3 turns with one adult prompt",
            "Visual turn-taking card",
            "Lego therapy",
        ),
        (
            "Use 'because' to explain an answer",
            "In 3 lessons a week",
            "Model sentence stems",
            "Language group",
        ),
    ],
    "cognition": [
        (
            "Read and spell the next 20 common exception words",
            "18 of 20 in a quiz",
            "Daily overlearning, word mats",
            "Precision teaching",
        ),
        (
            "Recall number bonds to 10",
            "Instantly, 9 of 10",
            "Concrete resources first; short daily practice",
            "Maths catch-up",
        ),
        (
            "Write three linked sentences independently",
            "With capital letters and full stops",
            "Writing frame",
            "Reading catch-up",
        ),
    ],
    "semh": [
        (
            "Name a feeling and choose a calming strategy",
            "With one prompt, 4 times in 5",
            "Emotion cards; calm corner",
            "ELSA sessions",
        ),
        (
            "Return to class within 5 minutes after a break-out",
            "Across two weeks",
            "Timer and agreed safe space",
            "Nurture group",
        ),
    ],
    "sensory_physical": [
        (
            "Use a sloped board and pencil grip for writing",
            "Independently in every writing lesson",
            "Resources ready on the desk",
            "Fine-motor group",
        ),
        (
            "Sit where the pupil can see and hear the teacher",
            "Every lesson",
            "Seat near the front, face the class",
            "Specialist teacher advice",
        ),
    ],
}

INTERVENTIONS = [
    # name, area, wave, delivery, size, staff, per week, minutes, basis, cost
    ("Talk Boost", "communication", 2, "group", 4, "TA", 3, 30, "per_hour", "18.00"),
    ("Lego therapy", "communication", 2, "group", 3, "TA", 1, 45, "per_hour", "18.00"),
    ("Language group", "communication", 2, "group", 6, "TA", 2, 30, "per_hour", "18.00"),
    ("Precision teaching", "cognition", 2, "one_to_one", 1, "TA", 5, 10, "per_hour", "18.00"),
    ("Maths catch-up", "cognition", 2, "group", 4, "TA", 3, 30, "per_hour", "18.00"),
    ("Reading catch-up", "cognition", 2, "group", 4, "TA", 3, 30, "per_hour", "18.00"),
    ("ELSA sessions", "semh", 3, "one_to_one", 1, "ELSA-trained TA", 1, 45, "per_hour", "20.00"),
    ("Nurture group", "semh", 2, "group", 8, "Nurture lead", 4, 60, "per_hour", "22.00"),
    ("Fine-motor group", "sensory_physical", 2, "group", 5, "TA", 2, 20, "per_hour", "18.00"),
    (
        "Specialist teacher advice",
        "sensory_physical",
        3,
        "one_to_one",
        1,
        "Sensory support service",
        1,
        60,
        "per_session",
        "65.00",
    ),
    ("1:1 support (EHC plan)", "cognition", 3, "one_to_one", 1, "TA", 5, 180, "per_hour", "18.00"),
]

PASSPORTS = [
    (
        "I am funny and I help my friends.",
        "My family, my cat and football at break time.",
        "Tell me what we are doing next. Give me time to think before I answer.",
    ),
    (
        "I am kind and good at drawing.",
        "Drawing, my little brother and having my own pencil case.",
        "Show me an example. Let me use my word mat. Check in with me quietly.",
    ),
    (
        "I never give up on puzzles.",
        "Dinosaurs and knowing what happens after lunch.",
        "Warn me before things change. Let me have a movement break when I feel fidgety.",
    ),
    (
        "I am a good listener and I like to build things.",
        "Lego and going to my nan's at the weekend.",
        "Break work into small steps. Let me work with a partner.",
    ),
]


def _weighted(rng, items):
    total = sum(weight for _code, weight in items)
    pick = rng.uniform(0, total)
    for code, weight in items:
        pick -= weight
        if pick <= 0:
            return code
    return items[-1][0]


def _aware(day: date, hour: int = 10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


# A multi-element plan's own parts (fictional), for the demo's behaviour plans.
MEP_PARTS = {
    "mep_behaviour": "Leaves the classroom without asking, two or three times a day, for up to ten minutes.",
    "mep_triggers": "Unstructured times and writing tasks; leaving gets away from work that feels too hard.",
    "mep_proactive": "A visual timetable, a task broken into steps, and a planned movement break mid-lesson.",
    "mep_reactive": "A calm word from a known adult, the offer of the calm corner, and no audience.",
}


def build(*, school, rng, today: date) -> None:
    sendco = Membership.objects.filter(school=school, role=Role.SENDCO).select_related("user").first()
    if sendco is None:
        return
    sendco = sendco.user
    year_start = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    autumn_start = year_start + timedelta(days=(7 - year_start.weekday()) % 7)  # first Monday of September
    pupils = list(Pupil.objects.filter(school=school).on_roll(at=today).select_related("registration_class"))
    rng.shuffle(pupils)
    n = len(pupils)
    # The school's demo already gives pupils a census SEN provision; the register agrees with it, topped
    # up to about 2.5% EHC plans and 15% SEN support when the school's figures are lower.
    ehc = [p for p in pupils if p.sen_provision == "E"]
    sen = [p for p in pupils if p.sen_provision == "K"]
    rest = [p for p in pupils if p.sen_provision == "N"]
    while len(ehc) < max(2, round(n * 0.025)) and rest:
        ehc.append(rest.pop())
    while len(sen) < max(5, round(n * 0.15)) and rest:
        sen.append(rest.pop())
    n_mon = max(3, round(n * 0.03))
    monitoring, concern_pupils = rest[:n_mon], rest[n_mon : n_mon + 4]

    # Register records, history, census codes.
    records, changes = [], []
    for group, status in (
        (ehc, register_status.EHC_PLAN),
        (sen, register_status.SEN_SUPPORT),
        (monitoring, register_status.MONITORING),
    ):
        for pupil in group:
            primary = _weighted(rng, NEED_WEIGHTS) if status != register_status.MONITORING else ""
            secondary = ""
            if primary and rng.random() < 0.3:
                secondary = _weighted(
                    rng, [(c, w) for c, w in NEED_WEIGHTS if c not in (primary, "NSA", "OTH")]
                )
            since = (
                year_start - timedelta(days=rng.randint(30, 700))
                if status != register_status.MONITORING
                else today - timedelta(days=rng.randint(10, 60))
            )
            records.append(
                SendRecord(
                    school=school,
                    pupil=pupil,
                    status=status,
                    status_since=since,
                    primary_need=primary,
                    secondary_need=secondary,
                )
            )
    # Pupils who have left keep the register status they left with (no cycles).
    on_roll_ids = [p.pk for p in pupils]
    for pupil in Pupil.objects.filter(school=school, sen_provision__in=["K", "E"]).exclude(
        pk__in=on_roll_ids
    ):
        records.append(
            SendRecord(
                school=school,
                pupil=pupil,
                status="ehc_plan" if pupil.sen_provision == "E" else "sen_support",
                status_since=pupil.admission_date,
                primary_need=_weighted(rng, NEED_WEIGHTS),
            )
        )
    records = SendRecord.objects.bulk_create(records)
    for record in records:
        reason = {
            "ehc_plan": "EHC plan issued by the local authority",
            "sen_support": "Added to the SEN register",
            "monitoring": "Concern raised; monitoring",
        }[record.status]
        changes.append(
            SendStatusChange(
                record=record,
                pupil=record.pupil,
                from_status="none" if record.status != "ehc_plan" else "sen_support",
                to_status=record.status,
                reason=reason,
                changed_by=sendco,
                changed_at=_aware(record.status_since),
                parents_agreed_by="Parent (demo)" if record.status == "sen_support" else "",
                parents_agreed_on=record.status_since if record.status == "sen_support" else None,
            )
        )
    SendStatusChange.objects.bulk_create(changes)
    Pupil.objects.filter(pk__in=[p.pk for p in sen]).update(sen_provision="K")
    Pupil.objects.filter(pk__in=[p.pk for p in ehc]).update(sen_provision="E")
    audit.record_bulk(
        actor=sendco,
        action="send.register.status_changed",
        school=school,
        reason="Demo data",
        entries=[
            {
                "object_type": "send.sendrecord",
                "object_id": r.pk,
                "object_repr": str(r.pupil),
                "pupil_id": r.pupil_id,
                "after": audit.snapshot(r),
            }
            for r in records
        ],
    )
    need_of = {r.pupil_id: r.primary_need for r in records}

    # Cycles: last summer's (closed) and this autumn's (open).
    on_register = ehc + sen
    old_cycles, new_cycles = [], []
    for i, pupil in enumerate(on_register):
        old_cycles.append(
            SupportCycle(
                school=school,
                pupil=pupil,
                number=1,
                start_date=year_start - timedelta(days=130),
                review_due=year_start - timedelta(days=45),
                stage="closed",
                plan_type="MEP" if need_of[pupil.pk] == "SEMH" and i % 3 == 0 else "PLP",
                reviewed_on=year_start - timedelta(days=47),
                review_pupil_views="I like my group sessions.",
                review_parent_views="Reading at home has improved.",
                next_steps="Carry on; new targets in September.",
                reviewed_by=sendco,
                created_by=sendco,
                teacher_views="Good progress in small steps.",
            )
        )
    old_cycles = SupportCycle.objects.bulk_create(old_cycles)
    calendar = SchoolCalendar.for_school(school)
    for i, (pupil, old) in enumerate(zip(on_register, old_cycles, strict=True)):
        if i % 9 == 0:
            due = today - timedelta(days=rng.randint(2, 20))  # a few overdue
        elif i % 5 == 0:
            due = today + timedelta(days=rng.randint(0, 13))  # due in the next two weeks
        else:
            due = today + timedelta(days=rng.randint(20, 60))
        due = _on_a_school_day(calendar, max(due, autumn_start + timedelta(days=14)), today=today)
        new_cycles.append(
            SupportCycle(
                school=school,
                pupil=pupil,
                number=2,
                previous=old,
                start_date=autumn_start,
                review_due=due,
                stage="do",
                plan_type=old.plan_type,
                created_by=sendco,
                assessment_evidence="Summer assessments and class observations.",
                teacher_views="Engaged in small groups; needs support to start tasks.",
                parent_views="Keen to help with reading at home.",
                pupil_views="I want to get better at my times tables.",
                **(MEP_PARTS if old.plan_type == "MEP" else {}),
            )
        )
    new_cycles = SupportCycle.objects.bulk_create(new_cycles)

    old_targets = []
    for pupil, old in zip(on_register, old_cycles, strict=True):
        pool = TARGETS[AREA_OF.get(need_of[pupil.pk] or "NSA", "cognition")]
        for target, criteria, strategies, provision in rng.sample(pool, k=min(2, len(pool))):
            old_targets.append(
                Target(
                    cycle=old,
                    area_of_need=AREA_OF.get(need_of[pupil.pk] or "NSA", "cognition"),
                    target=target,
                    success_criteria=criteria,
                    strategies=strategies,
                    provision=provision,
                    responsible="Class TA",
                    review_date=old.review_due,
                    outcome=rng.choice(["achieved", "partly", "not_achieved", "achieved"]),
                    outcome_evidence="Observed in class and in the group.",
                )
            )
    old_targets = Target.objects.bulk_create(old_targets)
    new_by_pupil = {c.pupil_id: c for c in new_cycles}
    new_targets = []
    for old in old_targets:
        cycle = new_by_pupil[old.cycle.pupil_id]
        if old.outcome in Target.UNMET:
            new_targets.append(
                Target(
                    cycle=cycle,
                    carried_from=old,
                    area_of_need=old.area_of_need,
                    target=old.target,
                    success_criteria=old.success_criteria,
                    strategies=old.strategies,
                    provision=old.provision,
                    responsible=old.responsible,
                    review_date=cycle.review_due,
                )
            )
    carried = {(t.cycle.pupil_id, t.target) for t in new_targets}
    for cycle in new_cycles:
        area = AREA_OF.get(need_of[cycle.pupil_id] or "NSA", "cognition")
        # A new target, not a second copy of one carried forward from the summer.
        options = [o for o in TARGETS[area] if (cycle.pupil_id, o[0]) not in carried]
        if not options:
            continue
        target, criteria, strategies, provision = rng.choice(options)
        new_targets.append(
            Target(
                cycle=cycle,
                area_of_need=area,
                target=target,
                success_criteria=criteria,
                strategies=strategies,
                provision=provision,
                responsible="Class teacher and TA",
                review_date=cycle.review_due,
            )
        )
    Target.objects.bulk_create(new_targets)
    # As the nightly checks would have: the cycles whose review date has come are at Review, not Do.
    cycles_move_due_to_review(school=school, on=today)

    # Views for reviews overdue or due soon: asked for most, in for some.
    views = []
    for cycle in new_cycles:
        if cycle.review_due <= today + timedelta(days=14):
            views.append(
                ViewsRequest(
                    cycle=cycle,
                    respondent="parent",
                    method="printed",
                    requested_by=sendco,
                    sent_at=_aware(cycle.review_due - timedelta(days=21)),
                    views="Happy with progress; worried about spelling." if rng.random() < 0.5 else "",
                    received_on=(cycle.review_due - timedelta(days=10)) if rng.random() < 0.5 else None,
                )
            )
            if rng.random() < 0.6:
                views.append(
                    ViewsRequest(
                        cycle=cycle,
                        respondent="pupil",
                        method="printed",
                        requested_by=sendco,
                        sent_at=_aware(cycle.review_due - timedelta(days=14)),
                    )
                )
    for v in views:
        if v.received_on is None:
            v.views = ""
        elif not v.views:
            v.views = "Happy with progress."
    ViewsRequest.objects.bulk_create(views)
    # Two parents were e-mailed (with the online reply link) and have not replied: one already reminded,
    # as the nightly reminders would have done after the school's 7 days (issue 15).
    chased = ViewsRequest.objects.filter(
        cycle__school=school, respondent="parent", received_on__isnull=True, sent_at__isnull=False
    ).order_by("sent_at", "pk")[:2]
    for number, request in enumerate(chased):
        request.method, request.sent_to = "email", f"parent.{request.pk}@example.invalid"
        request.reminded_at = request.sent_at + timedelta(days=7) if number == 0 else None
        request.save(update_fields=["method", "sent_to", "reminded_at"])

    # Passports for most pupils on the register.
    PupilPassport.objects.bulk_create(
        [
            PupilPassport(
                school=school,
                pupil=pupil,
                liked_and_admired=p[0],
                important_to_me=p[1],
                how_to_support_me=p[2],
                updated_by=sendco,
                updated_at=_aware(autumn_start),
            )
            for pupil in on_register
            if rng.random() < 0.75
            for p in [rng.choice(PASSPORTS)]
        ]
    )

    # Provision. The teaching assistants deliver the TA-run interventions in turn (issue 15: they see
    # them under "My interventions" and record the sessions).
    tas = [
        m.user
        for m in Membership.objects.filter(school=school, role=Role.TEACHING_ASSISTANT, is_active=True)
        .select_related("user")
        .order_by("user__username")
    ]
    catalogue = Intervention.objects.bulk_create(
        [
            Intervention(
                school=school,
                name=name,
                area_of_need=area,
                wave=wave,
                delivery=delivery,
                group_size=size,
                staff=staff,
                sessions_per_week=per_week,
                minutes_per_session=minutes,
                cost_basis=basis,
                cost=Decimal(cost),
                resources="Published programme and printed resources",
                delivered_by=tas[i % len(tas)] if tas and staff == "TA" else None,
            )
            for i, (name, area, wave, delivery, size, staff, per_week, minutes, basis, cost) in enumerate(
                INTERVENTIONS
            )
        ]
    )
    by_area = {}
    for intervention in catalogue:
        if intervention.name != "1:1 support (EHC plan)":
            by_area.setdefault(intervention.area_of_need, []).append(intervention)
    one_to_one = next(i for i in catalogue if i.name == "1:1 support (EHC plan)")
    enrolments = []
    for pupil in on_register:
        area = AREA_OF.get(need_of[pupil.pk] or "NSA", "cognition")
        for intervention in rng.sample(by_area[area], k=min(len(by_area[area]), rng.choice([1, 1, 2]))):
            finished = rng.random() < 0.4
            entry = Decimal(rng.randint(70, 90))
            enrolments.append(
                ProvisionEnrolment(
                    school=school,
                    pupil=pupil,
                    intervention=intervention,
                    start_date=autumn_start + timedelta(days=7),
                    end_date=(autumn_start + timedelta(days=7 * 8)) if finished else None,
                    measure_unit="standardised score",
                    entry_measure=entry,
                    exit_measure=(entry + rng.randint(-1, 9)) if finished else None,
                )
            )
    for pupil in ehc:
        enrolments.append(
            ProvisionEnrolment(school=school, pupil=pupil, intervention=one_to_one, start_date=autumn_start)
        )
    ProvisionEnrolment.objects.bulk_create(enrolments)
    FundingApplication.objects.bulk_create(
        [
            FundingApplication(
                school=school,
                pupil=pupil,
                kind="high_needs_top_up" if i % 2 else "inclusion_panel",
                submitted_on=autumn_start + timedelta(days=20),
                amount_asked=Decimal("4500.00"),
                status="awarded" if i % 2 == 0 else "submitted",
                amount_awarded=Decimal("3800.00") if i % 2 == 0 else None,
                review_date=autumn_start + timedelta(days=365),
                created_by=sendco,
            )
            for i, pupil in enumerate(ehc)
        ]
    )
    agencies = ["SALT", "EP", "OT", "CAMHS", "specialist_teacher"]
    AgencyInvolvement.objects.bulk_create(
        [
            AgencyInvolvement(
                school=school,
                pupil=pupil,
                agency=agencies[i % len(agencies)],
                referral_date=year_start - timedelta(days=rng.randint(20, 200)),
                status=rng.choice(["referred", "accepted", "involved"]),
                last_report_received_on=(year_start + timedelta(days=30)) if i % 3 == 0 else None,
            )
            for i, pupil in enumerate(ehc + sen[: max(3, len(sen) // 4)])
        ]
    )

    # Concerns: a few from class teachers awaiting triage, and the monitoring pupils' triaged ones.
    teachers = {}
    for cls in {p.registration_class for p in pupils if p.registration_class}:
        teachers[cls.pk] = cls.staff.filter(
            memberships__role=Role.CLASS_TEACHER, memberships__school=school
        ).first()
    concerns = []
    for i, pupil in enumerate(concern_pupils + monitoring):
        teacher = teachers.get(pupil.registration_class_id) or sendco
        triaged = pupil in monitoring
        concerns.append(
            Concern(
                school=school,
                pupil=pupil,
                raised_by=teacher,
                raised_at=_aware(today - timedelta(days=3 + i * 4)),
                area_of_need=["communication", "cognition", "semh", "sensory_physical"][i % 4],
                what_we_see="Finds it hard to settle to tasks and to follow instructions given to the whole class.",
                evidence="Autumn assessments well below age-related expectations; observations in lessons.",
                adjustments_in_place="Visual timetable, seated near the teacher, tasks chunked, pre-teaching vocabulary.",
                status="triaged" if triaged else "awaiting_triage",
                outcome="monitor" if triaged else "",
                observe=triaged,
                observe_on=(today - timedelta(days=2)) if triaged else None,
                triaged_by=sendco if triaged else None,
                triaged_at=_aware(today - timedelta(days=2)) if triaged else None,
            )
        )
    Concern.objects.bulk_create(concerns)
    _follow_up_tasks(concerns=[c for c in concerns if c.status == "triaged"], sendco=sendco, today=today)

    _documents_and_letter(school=school, sendco=sendco, pupils=ehc + sen, cycles=new_cycles, today=today)
    demo_parent_letters.build(school=school, sendco=sendco, today=today)
    demo_plans.build(school=school, sendco=sendco, rng=rng, today=today)
    # After the plans demo (demo_plans.py): a review history for every EHC plan it made.
    demo_reviews.build(school=school, sendco=sendco, today=today)
    demo_timetables.build(school=school, sendco=sendco, today=today)
    demo_assessments.build(school=school, sendco=sendco, pupils=sen, today=today)


def _follow_up_tasks(*, concerns, sendco, today: date) -> None:
    """The triaged concerns' promises as follow-up tasks (send/follow_up_tasks.py): the observation
    done, monitoring's review on the SENDCo's My work (one in four overdue), and the raising teacher's
    decision to read. Monitoring's review-by date is on the register too."""
    from . import follow_up_tasks as rules
    from .models_tasks import FollowUpTask

    tasks = []
    for i, concern in enumerate(concerns):
        review_by = today - timedelta(days=3) if i % 4 == 0 else today + timedelta(days=10 + 3 * i)
        SendRecord.objects.filter(pupil=concern.pupil, status="monitoring").update(
            monitoring_review_by=review_by
        )
        common = {
            "school": concern.school,
            "pupil": concern.pupil,
            "concern": concern,
            "created_at": concern.triaged_at,
        }
        tasks.append(
            FollowUpTask(
                **common,
                kind=rules.OBSERVATION,
                due_on=concern.observe_on,
                assigned_to=sendco,
                status=rules.DONE,
                done_by=sendco,
                done_at=concern.triaged_at,
                note="Observed in class; strategies shared with the class teacher.",
            )
        )
        tasks.append(
            FollowUpTask(**common, kind=rules.MONITORING_REVIEW, due_on=review_by, assigned_to=sendco)
        )
        if concern.raised_by_id != sendco.pk:
            tasks.append(
                FollowUpTask(
                    **common,
                    kind=rules.OUTCOME,
                    due_on=timezone.localtime(concern.triaged_at).date(),
                    assigned_to=concern.raised_by,
                )
            )
    FollowUpTask.objects.bulk_create(tasks)


DEMO_DOCUMENTS = [
    (
        "Speech and language therapy report",
        "Speech and language therapy service (fictional)",
        False,
        [
            (
                "Assessment",
                "Understands simple two-part instructions; finds longer ones hard without visual support.",
            ),
            (
                "Recommendations",
                "Pre-teach topic vocabulary; give instructions one step at a time; check understanding.",
            ),
        ],
    ),
    (
        "Educational psychology report",
        "Educational psychology service (fictional)",
        True,
        [
            ("Background", "Family circumstances discussed with the SENDCo in confidence."),
            (
                "Cognitive assessment",
                "Working memory well below the average range; verbal reasoning average.",
            ),
            ("Recommendations", "Chunk tasks, provide memory aids, allow extra processing time."),
        ],
    ),
]


def _documents_and_letter(*, school, sendco, pupils, cycles, today: date) -> None:
    """Two uploaded reports for the first pupil on the register (one confidential), as small PDFs
    generated here, and one printed request for the parents' views (a Letter, rendered by its task)."""
    if not pupils:
        return
    pupil = pupils[0]
    for title, author, confidential, sections in DEMO_DOCUMENTS:
        pdf = render_pdf(
            "send/pdf/demo_document.html",
            {
                "school": school,
                "pupil": pupil,
                "title": title,
                "author": author,
                "written_on": today - timedelta(days=30),
                "sections": sections,
            },
        )
        services.document_upload(
            actor=sendco,
            pupil=pupil,
            uploaded_file=SimpleUploadedFile(f"{title.lower().replace(' ', '-')}.pdf", pdf),
            kind="report",
            title=title,
            confidential=confidential,
        )
    asked = set(
        ViewsRequest.objects.filter(cycle__in=cycles, respondent="parent").values_list("cycle_id", flat=True)
    )
    cycle = next((c for c in sorted(cycles, key=lambda c: c.review_due) if c.pk not in asked), None)
    if cycle is not None:
        services.views_request_send(actor=sendco, cycle=cycle, respondent="parent", method="printed")


def _on_a_school_day(calendar: SchoolCalendar, day: date, *, today: date) -> date:
    """A review falls on a school day: a parent is never told "we will review by 25 December". An overdue
    date moves back to the school day before it, a future one on to the next, so each stays on its side
    of today; a date beyond the calendar's terms stays as it is."""
    if day < today:
        before = calendar.school_days_between(day - timedelta(days=31), day)
        return before[-1] if before else day
    after = calendar.school_days_between(day, day + timedelta(days=31))
    return after[0] if after else day
