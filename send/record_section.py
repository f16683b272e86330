"""The send app's part of a records export: SEN register status and history, concerns, the pupil
passport, support cycles with their targets, provision, funding, other agencies and documents, and
when the parents were told of SEN support and invited to reviews.

A withdrawn record is still held, so it is exported too, marked as withdrawn (when, why) and flagged
for review: it may have been entered for the wrong pupil."""

from __future__ import annotations

from django.urls import reverse

from school.record_sections import (
    CONFIDENTIAL,
    FILE_HELD,
    THIRD_PARTY,
    WITHDRAWN,
    HeldFile,
    Item,
    describe,
    described,
    key_of,
    review_flag,
    section,
    text,
)

from .models import (
    AgencyInvolvement,
    Concern,
    FundingApplication,
    ProvisionEnrolment,
    ProvisionNotification,
    PupilPassport,
    ReviewInvitation,
    SendDocument,
    SendRecord,
    SendStatusChange,
    SupportCycle,
)

CONCERN_FIELDS = [
    "raised_at",
    "area_of_need",
    "what_we_see",
    "evidence",
    "adjustments_in_place",
    "status",
    "outcome",
    "triage_notes",
]
CYCLE_FIELDS = [
    "start_date",
    "review_due",
    "stage",
    "plan_type",
    "assessment_evidence",
    "teacher_views",
    "parent_views",
    "pupil_views",
    "agency_views",
    "provision_notes",
    "reviewed_on",
    "review_pupil_views",
    "review_parent_views",
    "next_steps",
]
TARGET_FIELDS = [
    "area_of_need",
    "target",
    "success_criteria",
    "strategies",
    "provision",
    "responsible",
    "review_date",
    "outcome",
    "outcome_evidence",
]


@section("send", "Special educational needs", order=30)
def send_records(pupil) -> list[Item]:
    items = []
    record = SendRecord.objects.filter(pupil=pupil).first()
    if record:
        items.append(
            Item(
                key=key_of(record),
                title="SEN register",
                data=describe(record, ["status", "status_since", "primary_need", "secondary_need"]),
            )
        )
        history = [
            {
                "When": text(change.changed_at),
                "From": change.from_status,
                "To": change.to_status,
                "Reason": change.reason,
            }
            for change in SendStatusChange.objects.filter(pupil=pupil).order_by("changed_at", "pk")
        ]
        if history:
            items.append(Item(key=f"{key_of(record)}:history", title="SEN register history", rows=history))
    for concern in Concern.objects.filter(pupil=pupil).order_by("raised_at", "pk"):
        items.append(
            Item(
                key=key_of(concern),
                title=f"Concern raised {text(concern.raised_at)}",
                data=described(concern, CONCERN_FIELDS),
                flag=review_flag(concern),
            )
        )
    passport = PupilPassport.objects.filter(pupil=pupil).first()
    if passport:
        fields = ["liked_and_admired", "important_to_me", "how_to_support_me", "in_pupils_words"]
        items.append(Item(key=key_of(passport), title="Pupil passport", data=describe(passport, fields)))
    for cycle in SupportCycle.objects.filter(pupil=pupil).prefetch_related("targets").order_by("number"):
        items.append(
            Item(
                key=key_of(cycle),
                title=f"Support plan cycle {cycle.number}",
                data=describe(cycle, CYCLE_FIELDS),
            )
        )
        items.extend(
            Item(
                key=key_of(target),
                title=f"Cycle {cycle.number} target",
                data=described(target, TARGET_FIELDS),
                flag=review_flag(target),
            )
            for target in cycle.targets.all()
        )
    places = [
        {"Provision": place.intervention.name, "From": text(place.start_date), "To": text(place.end_date)}
        for place in ProvisionEnrolment.objects.current()
        .filter(pupil=pupil)
        .select_related("intervention")
        .order_by("start_date", "pk")
    ]
    if places:
        items.append(Item(key=f"{key_of(pupil)}:provision", title="Provision", rows=places))
    for place in (
        ProvisionEnrolment.objects.withdrawn()
        .filter(pupil=pupil)
        .select_related("intervention")
        .order_by("start_date", "pk")
    ):
        items.append(
            Item(
                key=key_of(place),
                title=f"Provision: {place.intervention.name}",
                data=described(place, ["start_date", "end_date"]),
                flag=WITHDRAWN,
            )
        )
    for application in FundingApplication.objects.filter(pupil=pupil).order_by("pk"):
        fields = ["kind", "submitted_on", "amount_asked", "status", "amount_awarded", "review_date", "notes"]
        items.append(
            Item(
                key=key_of(application),
                title="Funding application",
                data=described(application, fields),
                flag=review_flag(application),
            )
        )
    for involvement in AgencyInvolvement.objects.filter(pupil=pupil).order_by("pk"):
        fields = ["agency", "agency_detail", "referral_date", "status", "last_report_received_on", "notes"]
        # What another agency told the school is that agency's information to share, or not.
        items.append(
            Item(
                key=key_of(involvement),
                title=f"Agency: {involvement.get_agency_display()}",
                data=described(involvement, fields),
                flag=review_flag(involvement, THIRD_PARTY),
            )
        )
    items.extend(_parent_letter_items(pupil))
    return items


def _parent_letter_items(pupil) -> list[Item]:
    """Telling the parents (send/parent_letter_models.py); the letters themselves are in the letters
    section."""
    items = [
        Item(
            key=key_of(notice),
            title="Parents told that SEN provision is being made",
            data=described(notice, ["method", "told_on", "provision_summary", "note"]),
            flag=review_flag(notice),
        )
        for notice in ProvisionNotification.objects.filter(pupil=pupil).order_by("told_on", "pk")
    ]
    items.extend(
        Item(
            key=key_of(invitation),
            title=f"Invitation to the review of cycle {invitation.cycle.number}",
            data=describe(invitation, ["meeting_date", "meeting_time", "meeting_place", "invited_at"]),
        )
        for invitation in ReviewInvitation.objects.filter(cycle__pupil=pupil)
        .select_related("cycle")
        .order_by("invited_at", "pk")
    )
    return items


@section("documents", "Documents held", order=40)
def documents(pupil) -> list[Item]:
    """Every uploaded document, withdrawn or not (a withdrawn document is still held), with its file."""
    return [
        Item(
            key=key_of(document),
            title=document.title,
            data=described(document, ["kind", "original_name", "uploaded_at", "confidential"]),
            flag=review_flag(document, CONFIDENTIAL if document.confidential else FILE_HELD),
            file=HeldFile(
                name=document.original_name,
                storage_name=document.private_file_name(),
                content_type=document.content_type,
                # A withdrawn document is not served by the download page (404); the ZIP still holds it.
                open_url=""
                if document.is_withdrawn
                else reverse("send:document_download", args=[document.pk]),
            ),
        )
        for document in SendDocument.objects.filter(pupil=pupil).order_by("uploaded_at", "pk")
    ]


@section("evidence_packs", "EHC needs assessment evidence packs", order=41)
def evidence_packs(pupil) -> list[Item]:
    """Every evidence pack made (send/evidence_pack.py) with its PDF: a copy of records listed above,
    held as a file, so it is reviewed before release like any file (confidential if it holds any)."""
    from .models import EvidencePack

    return [
        Item(
            key=key_of(pack),
            title=str(pack),
            data=described(pack, ["created_at", "status", "ready_at", "pages", "include_confidential"]),
            flag=CONFIDENTIAL if pack.include_confidential else FILE_HELD,
            file=HeldFile(
                name=pack.filename,
                storage_name=pack.private_file_name(),
                content_type="application/pdf",
                open_url=reverse("send:evidence_pack_download", args=[pack.pk]),
            ),
        )
        for pack in EvidencePack.objects.filter(pupil=pupil, status="ready").order_by("created_at", "pk")
    ]
