"""Outside agencies and documents: upload (checked), and download only through the policy checks."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from school import audit, policy
from school.forms import apply_service
from school.private_files import private_file_response

from .. import selectors, services
from ..forms import AgencyForm, DocumentForm
from ..models import AgencyInvolvement, SendDocument
from .common import access_pupil_item, form_copy, pupil_form_page, saved, today, withdrawal_views


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def agency_create(request, pk):
    pupil = policy.access_pupil(request.user, request.school, pk)
    form = AgencyForm(
        request.POST or None,
        instance=AgencyInvolvement(school=request.school, pupil=pupil),
        initial={"referral_date": today()},
    )
    if done := saved(request, form, partial(services.agency_save, actor=request.user, pupil=pupil)):
        messages.success(request, f"{done.get_agency_display()} involvement recorded.")
        return redirect("send:pupil_send", pk=pupil.pk)
    return pupil_form_page(request, form, pupil, title=f"Outside agency involvement for {pupil}")


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def agency_edit(request, pk):
    involvement = access_pupil_item(request, AgencyInvolvement.objects.current(), pk)
    pupil = involvement.pupil
    form = AgencyForm(request.POST or None, instance=form_copy(involvement))
    save = partial(services.agency_save, actor=request.user, pupil=pupil, involvement=involvement)
    if saved(request, form, save):
        messages.success(request, "Saved.")
        return redirect("send:pupil_send", pk=pupil.pk)
    return pupil_form_page(request, form, pupil, title=f"Edit {involvement}")


# A withdrawn agency involvement leaves every list, count and total on the SEND pages.
agency_withdraw, agency_restore = withdrawal_views(AgencyInvolvement, kind="agency involvement")


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def document_upload(request, pk):
    pupil = policy.access_pupil(request.user, request.school, pk)
    form = DocumentForm(request.POST or None, request.FILES or None, pupil=pupil)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = apply_service(
            form,
            lambda: services.document_upload(
                actor=request.user,
                pupil=pupil,
                uploaded_file=data["file"],
                kind=data["kind"],
                title=data["title"],
                confidential=data["confidential"],
                agency=data["agency"],
            ),
        )
        if done:
            messages.success(request, f"{done} uploaded.")
            return redirect("send:pupil_send", pk=pupil.pk)
    return render(
        request,
        "send/form.html",
        {
            "form": form,
            "title": f"Upload a document for {pupil}",
            "pupil": pupil,
            "multipart": True,
            "back": (str(pupil), "send:pupil_send", pupil.pk),
        },
    )


@require_safe
@policy.capability_required(policy.VIEW_SEND)
def document_download(request, pk):
    """Serve a document's bytes as an attachment. Confidential documents exist only for roles that may
    open them (404 for everyone else); opening an EHC plan, medical or confidential document is audited."""
    documents = (
        selectors.documents_for(user=request.user, school=request.school).current().select_related("pupil")
    )
    document = policy.access_pupil_record(request.user, request.school, documents, pk)
    response = private_file_response(
        document.private_file_name(),
        filename=document.original_name,
        content_type=document.content_type,
    )
    if document.view_is_audited:
        audit.record_view(actor=request.user, obj=document, action="send.document.viewed")
    return response


# A withdrawn document leaves every list, count and total on the SEND pages.
document_withdraw, document_restore = withdrawal_views(SendDocument, kind="document")
