"""Who may make and download an EHC needs assessment evidence pack: the SENDCo and the headteacher
(MANAGE_SEND), as for the assessment's own page. Another school's assessment or pack is not found."""

from datetime import date

from django.utils import timezone

from school import policy
from school.private_files import save_private_file
from send.models import EhcNeedsAssessment, EvidencePack, LocalAuthority
from tests.security.matrix import NOBODY, Expect, roles_with

MANAGE = roles_with(policy.MANAGE_SEND)


def _pack(world, pupil) -> EvidencePack:
    la, _ = LocalAuthority.objects.get_or_create(trust=pupil.school.trust, name="Matrix County Council")
    assessment = EhcNeedsAssessment.objects.create(
        school=pupil.school,
        pupil=pupil,
        local_authority=la,
        request_date=date(2026, 9, 1),
        status="requested",
        created_by=world.users["sendco"],
    )
    # Written ready directly: rendering a real pack for every role would be slow and is tested in
    # tests/send/test_evidence_pack.py.
    pack = EvidencePack.objects.create(
        school=pupil.school,
        pupil=pupil,
        assessment=assessment,
        requested_by=world.users["sendco"],
        status="ready",
        ready_at=timezone.now(),
        pages=1,
        include_confidential=True,
    )
    save_private_file(pack.private_file_name(), b"%PDF-1.4\n%%EOF\n")
    return pack


def setup(world):
    world.ev_pack = _pack(world, world.pupil)
    world.ev_foreign_pack = _pack(world, world.other_school_pupil)


EXPECTATIONS = {
    "send:evidence_pack_request": Expect(
        get=NOBODY,
        post=MANAGE,
        kwargs=lambda w: {"pk": w.ev_pack.assessment_id},
        foreign=lambda w: {"pk": w.ev_foreign_pack.assessment_id},
    ),
    "send:evidence_pack_download": Expect(
        get=MANAGE,
        kwargs=lambda w: {"pk": w.ev_pack.pk},
        foreign=lambda w: {"pk": w.ev_foreign_pack.pk},
    ),
}
