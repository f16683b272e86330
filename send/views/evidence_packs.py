"""The evidence pack section of a needs assessment's page: make a pack, download a ready one."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from school import policy
from school.private_files import private_file_response

from ..forms_assessment import EvidencePackForm
from ..models_assessment import EhcNeedsAssessment
from ..models_evidence import EvidencePack
from ..services import evidence_packs as services
from .common import access_pupil_item, saved

#: The section lists this many of the latest packs (older ones stay downloadable by their link).
LATEST = 5


def section_context(request, assessment: EhcNeedsAssessment) -> dict:
    """What the 'Evidence pack' section of the assessment page shows (one query)."""
    return {
        "pack_form": EvidencePackForm(),
        "packs": list(assessment.evidence_packs.select_related("requested_by")[:LATEST]),
    }


def _detail(assessment_pk: int):
    return redirect(reverse("send:assessment_detail", args=[assessment_pk]) + "#evidence-pack")


@require_POST
@policy.capability_required(policy.MANAGE_SEND)
def evidence_pack_request(request, pk):
    assessment = access_pupil_item(request, EhcNeedsAssessment.objects.current(), pk)
    form = EvidencePackForm(request.POST)
    save = partial(services.evidence_pack_request, assessment=assessment, actor=request.user)
    if pack := saved(request, form, save):
        pack.refresh_from_db(fields=["status"])  # made already when tasks run in-process (no broker)
        if pack.status == "ready":
            messages.success(request, "The evidence pack is ready to download.")
        elif pack.status == "failed":
            messages.error(request, "The evidence pack could not be made: the reason is below.")
        else:
            messages.success(
                request, "The evidence pack is being made. Reload the page to see when it is ready."
            )
    else:
        for error in form.non_field_errors() or ["The evidence pack could not be asked for: try again."]:
            messages.error(request, error)
    return _detail(assessment.pk)


@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def evidence_pack_download(request, pk):
    """A ready pack's PDF. A pack holding confidential documents is found only by someone who may open
    them now; a pack not ready has no file to send (404)."""
    packs = EvidencePack.objects.filter(status="ready", assessment__withdrawn_at__isnull=True)
    if not policy.can(request.user, request.school, policy.VIEW_CONFIDENTIAL_DOCUMENTS):
        packs = packs.filter(include_confidential=False)
    pack = access_pupil_item(request, packs, pk)
    response = private_file_response(
        pack.private_file_name(), filename=pack.filename, content_type="application/pdf"
    )
    services.evidence_pack_downloaded(pack=pack, actor=request.user)
    return response
