"""Who may use the SEND app's pages (see tests/security/matrix.py).

The SENDCo and the headteacher (MANAGE_SEND) do the register work; class teachers (PLAN_SEND) also write
the assessment, targets and review of a cycle for pupils in their own classes. Every adult who works with a pupil
(VIEW_SEND, scoped to their classes for teachers and TAs) sees needs, targets, strategies, passports and
plans, and may raise a concern. The office and the DSL do not hold VIEW_SEND (need to know): they see the
pupil panel's status and strategies only. Passports are written by EDIT_PASSPORT roles. Confidential documents open only for VIEW_CONFIDENTIAL_DOCUMENTS roles.
Governors reach none of it.
"""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from school import policy
from send import services
from send.models import (
    AgencyInvolvement,
    Concern,
    FundingApplication,
    Intervention,
    ProvisionEnrolment,
    ProvisionNotification,
    SendDocument,
    SupportCycle,
    Target,
    ViewsRequest,
)
from tests.security.matrix import NOBODY, Expect, roles_with

MANAGE = roles_with(policy.MANAGE_SEND)
PLAN_OBJECT = roles_with(policy.PLAN_SEND) - {"other_school_teacher"}
VIEW = roles_with(policy.VIEW_SEND)
VIEW_OBJECT = VIEW - {"other_school_teacher"}
RAISE_OBJECT = roles_with(policy.RAISE_CONCERN) - {"other_school_teacher"}
CONFIDENTIAL = roles_with(policy.VIEW_SEND, policy.VIEW_CONFIDENTIAL_DOCUMENTS)
# Need to know: everyone who sees pupils sees the pupil panel's SEND status (the office and the DSL a
# reduced panel); passports are written by the SENDCo and the pupil's class staff.
STATUS_OBJECT = roles_with(policy.VIEW_SEND_STATUS) - {"other_school_teacher"}
PASSPORT_OBJECT = roles_with(policy.EDIT_PASSPORT) - {"other_school_teacher"}


def _objects_for(world, pupil, prefix):
    sendco = world.users["sendco"]
    now = date(2026, 11, 16)
    setattr(
        world,
        f"{prefix}concern",
        Concern.objects.create(
            school=pupil.school,
            pupil=pupil,
            raised_by=sendco,
            raised_at="2026-11-16T09:00:00Z",
            area_of_need="communication",
            what_we_see="x",
            evidence="x",
            adjustments_in_place="x",
        ),
    )
    cycle = SupportCycle.objects.create(
        school=pupil.school,
        pupil=pupil,
        number=1,
        start_date=date(2026, 9, 7),
        review_due=date(2026, 12, 4),
        stage="do",
        created_by=sendco,
    )
    setattr(world, f"{prefix}cycle", cycle)
    setattr(
        world,
        f"{prefix}target",
        Target.objects.create(
            cycle=cycle,
            area_of_need="communication",
            target="t",
            success_criteria="s",
            strategies="s",
            responsible="TA",
            review_date=date(2026, 12, 4),
        ),
    )
    setattr(
        world,
        f"{prefix}withdrawn_target",
        Target.objects.create(
            cycle=cycle,
            area_of_need="communication",
            target="withdrawn",
            success_criteria="s",
            strategies="s",
            responsible="TA",
            review_date=date(2026, 12, 4),
            withdrawn_at="2026-11-16T09:00:00Z",
            withdrawn_by=sendco,
            withdrawal_reason="Entered twice",
        ),
    )
    setattr(
        world,
        f"{prefix}views",
        ViewsRequest.objects.create(cycle=cycle, respondent="parent", method="printed", requested_by=sendco),
    )
    intervention = Intervention.objects.create(
        school=pupil.school,
        name=f"{prefix}group",
        area_of_need="cognition",
        staff="TA",
        sessions_per_week=2,
        minutes_per_session=30,
        cost="18",
    )
    setattr(world, f"{prefix}intervention", intervention)
    setattr(
        world,
        f"{prefix}enrolment",
        ProvisionEnrolment.objects.create(
            school=pupil.school, pupil=pupil, intervention=intervention, start_date=date(2026, 9, 7)
        ),
    )
    setattr(
        world,
        f"{prefix}funding",
        FundingApplication.objects.create(
            school=pupil.school,
            pupil=pupil,
            kind="inclusion_panel",
            submitted_on=now,
            amount_asked=1000,
            created_by=sendco,
        ),
    )
    setattr(
        world,
        f"{prefix}agency",
        AgencyInvolvement.objects.create(school=pupil.school, pupil=pupil, agency="EP", referral_date=now),
    )
    services.passport_save(
        actor=sendco, pupil=pupil, liked_and_admired="a", important_to_me="b", how_to_support_me="c"
    )
    for name, confidential in (("document", False), ("confidential_document", True)):
        setattr(
            world,
            f"{prefix}{name}",
            services.document_upload(
                actor=sendco,
                pupil=pupil,
                uploaded_file=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n"),
                kind="report",
                title="Report",
                confidential=confidential,
            ),
        )


def _withdrawn_objects_for(world, pupil, prefix):
    """A withdrawn concern, provision place, funding application, agency involvement and document: what
    the restore pages act on."""
    sendco = world.users["sendco"]
    withdrawn = {
        "withdrawn_at": "2026-11-16T09:00:00Z",
        "withdrawn_by": sendco,
        "withdrawal_reason": "Entered twice",
    }
    concern = getattr(world, f"{prefix}concern")
    enrolment = getattr(world, f"{prefix}enrolment")
    copies = {
        "concern": Concern.objects.create(
            school=concern.school,
            pupil=pupil,
            raised_by=sendco,
            raised_at=concern.raised_at,
            area_of_need="communication",
            what_we_see="x",
            evidence="x",
            adjustments_in_place="x",
            **withdrawn,
        ),
        "enrolment": ProvisionEnrolment.objects.create(
            school=pupil.school,
            pupil=pupil,
            intervention=enrolment.intervention,
            start_date=date(2026, 9, 7),
            **withdrawn,
        ),
        "funding": FundingApplication.objects.create(
            school=pupil.school,
            pupil=pupil,
            kind="inclusion_panel",
            submitted_on=date(2026, 11, 16),
            amount_asked=1000,
            created_by=sendco,
            **withdrawn,
        ),
        "agency": AgencyInvolvement.objects.create(
            school=pupil.school, pupil=pupil, agency="EP", referral_date=date(2026, 11, 16), **withdrawn
        ),
        "document": services.document_upload(
            actor=sendco,
            pupil=pupil,
            uploaded_file=SimpleUploadedFile("w.pdf", b"%PDF-1.4\n%%EOF\n"),
            kind="report",
            title="Withdrawn report",
            confidential=False,
        ),
    }
    SendDocument.objects.filter(pk=copies["document"].pk).update(**withdrawn)
    for name, obj in copies.items():
        setattr(world, f"{prefix}withdrawn_{name}", obj)


def _on_sen_support(world, pupil):
    """On SEN support with the parents not yet told: the pages that write the letter to parents show
    their form (send/views/parent_letters.py)."""
    services.send_status_change(
        actor=world.users["sendco"],
        pupil=pupil,
        to_status="sen_support",
        reason="Added to the register",
        parents_agreed_by="A parent",
        parents_agreed_on=date(2026, 11, 16),
        on=date(2026, 11, 16),
    )


def _told_pupil(world, school, registration_class, prefix):
    """Another pupil on SEN support whose parents were told (a current record) after a withdrawn one:
    what the withdraw and restore pages act on."""
    from tests import factories

    pupil = factories.PupilFactory(school=school, registration_class=registration_class)
    _on_sen_support(world, pupil)
    sendco = world.users["sendco"]
    withdrawn = services.provision_told_otherwise_record(
        actor=sendco, pupil=pupil, told_on=timezone.localdate(), note="Entered for the wrong pupil"
    )
    ProvisionNotification.objects.filter(pk=withdrawn.pk).update(
        withdrawn_at="2026-11-16T09:00:00Z", withdrawn_by=sendco, withdrawal_reason="Wrong pupil"
    )
    told = services.provision_told_otherwise_record(
        actor=sendco, pupil=pupil, told_on=timezone.localdate(), note="At a meeting"
    )
    setattr(world, f"{prefix}provision_notice", told)
    setattr(world, f"{prefix}withdrawn_provision_notice", withdrawn)


def setup(world):
    for pupil in (world.pupil, world.other_class_pupil, world.other_school_pupil):
        _on_sen_support(world, pupil)
    _told_pupil(world, world.school, world.own_class, "send_")
    _told_pupil(world, world.school, world.other_class, "send_other_class_")
    _told_pupil(world, world.other_school, world.foreign_class, "send_foreign_")
    _objects_for(world, world.pupil, "send_")
    _objects_for(world, world.other_class_pupil, "send_other_class_")
    _objects_for(world, world.other_school_pupil, "send_foreign_")
    _withdrawn_objects_for(world, world.pupil, "send_")
    _withdrawn_objects_for(world, world.other_class_pupil, "send_other_class_")
    _withdrawn_objects_for(world, world.other_school_pupil, "send_foreign_")


def _pupil(w):
    return {"pk": w.pupil.pk}


def _foreign_pupil(w):
    return {"pk": w.other_school_pupil.pk}


def _other_class_pupil(w):
    return {"pk": w.other_class_pupil.pk}


def _obj(name):
    return (
        lambda w: {"pk": getattr(w, f"send_{name}").pk},
        lambda w: {"pk": getattr(w, f"send_foreign_{name}").pk},
        lambda w: {"pk": getattr(w, f"send_other_class_{name}").pk},
    )


def pupil_page(get, post=NOBODY):
    return Expect(get=get, post=post, kwargs=_pupil, foreign=_foreign_pupil, class_scoped=_other_class_pupil)


def object_page(name, get, post=NOBODY):
    kwargs, foreign, class_scoped = _obj(name)
    return Expect(get=get, post=post, kwargs=kwargs, foreign=foreign, class_scoped=class_scoped)


EXPECTATIONS = {
    "send:dashboard": Expect(get=MANAGE),
    "send:settings": Expect(get=MANAGE, post=MANAGE),
    "send:class_view": Expect(get=VIEW),
    "send:reviews_due": Expect(get=VIEW),
    "send:views_completion": Expect(get=MANAGE),
    "send:panel_home": Expect(get=VIEW),
    "send:register_export": Expect(get=MANAGE),
    "send:provision_map": Expect(get=MANAGE),
    "send:intervention_create": Expect(get=MANAGE, post=MANAGE),
    "send:intervention_edit": Expect(
        get=MANAGE,
        post=MANAGE,
        kwargs=lambda w: {"pk": w.send_intervention.pk},
        foreign=lambda w: {"pk": w.send_foreign_intervention.pk},
    ),
    "send:panel_pupil": pupil_page(STATUS_OBJECT),
    "send:pupil_send": pupil_page(VIEW_OBJECT),
    "send:concern_create": pupil_page(RAISE_OBJECT, RAISE_OBJECT),
    "send:status_change": pupil_page(MANAGE, MANAGE),
    "send:needs_edit": pupil_page(MANAGE, MANAGE),
    "send:passport_edit": pupil_page(PASSPORT_OBJECT, PASSPORT_OBJECT),
    "send:passport_pdf": pupil_page(VIEW_OBJECT),
    "send:cycle_start": pupil_page(MANAGE, MANAGE),
    "send:enrolment_create": pupil_page(MANAGE, MANAGE),
    "send:funding_create": pupil_page(MANAGE, MANAGE),
    "send:agency_create": pupil_page(MANAGE, MANAGE),
    "send:document_upload": pupil_page(MANAGE, MANAGE),
    "send:concern_detail": object_page("concern", VIEW_OBJECT),
    "send:concern_triage": object_page("concern", MANAGE, MANAGE),
    # Whoever raised a concern may withdraw it while it awaits triage; the world's was raised by the SENDCo.
    "send:concern_withdraw": object_page("concern", MANAGE, MANAGE),
    "send:concern_restore": object_page("withdrawn_concern", NOBODY, MANAGE),
    "send:cycle_detail": object_page("cycle", VIEW_OBJECT),
    "send:cycle_assess": object_page("cycle", PLAN_OBJECT, PLAN_OBJECT),
    "send:cycle_stage": object_page("cycle", NOBODY, MANAGE),
    "send:target_add": object_page("cycle", PLAN_OBJECT, PLAN_OBJECT),
    "send:cycle_review": object_page("cycle", PLAN_OBJECT, PLAN_OBJECT),
    "send:views_request": object_page("cycle", MANAGE, MANAGE),
    "send:plan_pdf": object_page("cycle", VIEW_OBJECT),
    "send:review_pdf": object_page("cycle", VIEW_OBJECT),
    "send:target_edit": object_page("target", PLAN_OBJECT, PLAN_OBJECT),
    "send:target_withdraw": object_page("target", PLAN_OBJECT, PLAN_OBJECT),
    "send:target_restore": object_page("withdrawn_target", NOBODY, MANAGE),
    "send:views_record": object_page("views", MANAGE, MANAGE),
    "send:enrolment_edit": object_page("enrolment", MANAGE, MANAGE),
    "send:funding_edit": object_page("funding", MANAGE, MANAGE),
    "send:agency_edit": object_page("agency", MANAGE, MANAGE),
    "send:enrolment_withdraw": object_page("enrolment", MANAGE, MANAGE),
    "send:enrolment_restore": object_page("withdrawn_enrolment", NOBODY, MANAGE),
    "send:funding_withdraw": object_page("funding", MANAGE, MANAGE),
    "send:funding_restore": object_page("withdrawn_funding", NOBODY, MANAGE),
    "send:agency_withdraw": object_page("agency", MANAGE, MANAGE),
    "send:agency_restore": object_page("withdrawn_agency", NOBODY, MANAGE),
    "send:document_download": object_page("document", VIEW_OBJECT),
    "send:document_withdraw": object_page("document", MANAGE, MANAGE),
    "send:document_restore": object_page("withdrawn_document", NOBODY, MANAGE),
    # Telling parents (send/views/parent_letters.py): the SENDCo and the headteacher write the letters.
    "send:provision_letters": pupil_page(MANAGE, MANAGE),
    "send:provision_told_otherwise": pupil_page(MANAGE, MANAGE),
    "send:review_invite": object_page("cycle", MANAGE, MANAGE),
    "send:provision_notice_withdraw": object_page("provision_notice", MANAGE, MANAGE),
    "send:provision_notice_restore": object_page("withdrawn_provision_notice", NOBODY, MANAGE),
}

# A confidential document: same URL name, so checked in tests/send/test_documents_and_permissions.py and
# here as an extra table the send tests run (tests/send/test_confidential_matrix.py).
CONFIDENTIAL_DOWNLOAD = Expect(
    get=CONFIDENTIAL,
    kwargs=lambda w: {"pk": w.send_confidential_document.pk},
    foreign=lambda w: {"pk": w.send_foreign_confidential_document.pk},
)
