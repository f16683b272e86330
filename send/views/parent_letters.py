"""Telling parents: the letter that SEN provision is being made (or a record that they were told another
way), and the invitation to a SEN support review. The SENDCo and the headteacher (MANAGE_SEND) write
them; every adult who may see the pupil's SEND record sees the letters on the pupil's and cycle's pages."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from letters import outbox
from letters.recipients import addressees
from school import policy

from .. import selectors, services
from ..forms import ProvisionLettersForm, ReviewInvitationForm, ToldOtherwiseForm
from ..models import ProvisionNotification
from ..services.parent_letters import INVITE_STAGES
from .common import access_cycle, access_pupil_item, pupil_form_page, saved, today, withdrawal_views


def _say_written(request, letters) -> None:
    """What really happened (letters.outbox.letters_progress): written, and ready, being prepared,
    waiting for the background service, or failed."""
    count = len(letters)
    what = "1 letter was written" if count == 1 else f"{count} letters were written (one for each address)"
    progress = outbox.letters_progress(letters)
    tail = " Open each one below." if progress.ready else ""
    messages.add_message(request, progress.level, f"{what}. {progress.sentence()}{tail}")


def _letter_page(request, form, *, pupil, title: str, lead: str, button: str, back: tuple):
    return render(
        request,
        "send/parent_letter_form.html",
        {
            "form": form,
            "pupil": pupil,
            "title": title,
            "lead": lead,
            "button": button,
            "back": back,
            "addressees": addressees(pupil),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def provision_letters(request, pk):
    """Write the letter telling the parents that SEN provision is being made, one per address."""
    pupil = policy.access_pupil(request.user, request.school, pk)
    status = selectors.provision_notice_status(pupil=pupil)
    if request.method == "GET" and (status["placement"] is None or status["notification"] is not None):
        messages.info(
            request,
            f"{pupil} is not on SEN support, so there is no letter to write."
            if status["placement"] is None
            else "The parents have already been told.",
        )
        return redirect("send:pupil_send", pk=pupil.pk)
    form = ProvisionLettersForm(
        request.POST or None,
        initial={"provision_summary": selectors.provision_summary_suggestion(pupil=pupil, today=today())},
    )
    if done := saved(
        request, form, partial(services.provision_letters_write, actor=request.user, pupil=pupil)
    ):
        _say_written(request, list(done.letters.all()))
        return redirect("send:pupil_send", pk=pupil.pk)
    return _letter_page(
        request,
        form,
        pupil=pupil,
        title=f"Prepare the letter telling {pupil}'s parents",
        lead="The SEND Code of Practice asks us to tell parents formally when the school makes special "
        "educational provision for their child. The letter says what support is planned and who to talk to.",
        button="Prepare the letters",
        back=(str(pupil), "send:pupil_send", pupil.pk),
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def provision_told_otherwise(request, pk):
    """Record that the parents were told another way (at a meeting, for example), with the date and a note."""
    pupil = policy.access_pupil(request.user, request.school, pk)
    form = ToldOtherwiseForm(request.POST or None, initial={"told_on": today()})
    if saved(
        request, form, partial(services.provision_told_otherwise_record, actor=request.user, pupil=pupil)
    ):
        messages.success(request, "Recorded: the parents have been told that SEN provision is being made.")
        return redirect("send:pupil_send", pk=pupil.pk)
    return pupil_form_page(
        request,
        form,
        pupil,
        title=f"Record that {pupil}'s parents were told another way",
        lead="For when the parents were told formally without the letter, for example at a meeting.",
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def review_invite(request, pk):
    """Invite the parents to the cycle's review meeting: one letter per address, with date, time and place."""
    cycle = access_cycle(request, pk)
    if request.method == "GET" and cycle.stage not in INVITE_STAGES:
        messages.info(
            request,
            f"Parents are invited to the review once the plan is being done: this cycle is at "
            f"{cycle.get_stage_display()}.",
        )
        return redirect("send:cycle_detail", pk=cycle.pk)
    form = ReviewInvitationForm(request.POST or None)
    if done := saved(
        request, form, partial(services.review_invitation_create, actor=request.user, cycle=cycle)
    ):
        _say_written(request, list(done.letters.all()))
        return redirect("send:cycle_detail", pk=cycle.pk)
    return _letter_page(
        request,
        form,
        pupil=cycle.pupil,
        title=f"Invite {cycle.pupil}'s parents to the review",
        lead=f"Cycle {cycle.number}: review due {cycle.review_due.day} {cycle.review_due:%B %Y}. "
        "Choose a day the school is open.",
        button="Prepare the invitations",
        back=("Cycle", "send:cycle_detail", cycle.pk),
    )


# --- a notification recorded by mistake: withdrawn with a reason, restorable for 30 days ---------------
_notice_withdraw, _notice_restore = withdrawal_views(
    ProvisionNotification, kind="record that the parents were told"
)
provision_notice_withdraw = _notice_withdraw


@require_POST
@policy.capability_required(policy.MANAGE_SEND)
def provision_notice_restore(request, pk):
    """Restore a withdrawn notification, unless another has been recorded for the same placement since
    (then there would be two, and the newer one stands)."""
    notice = access_pupil_item(request, ProvisionNotification.objects.all(), pk)
    newer = (
        ProvisionNotification.objects.current().filter(placement_id=notice.placement_id).exclude(pk=notice.pk)
    )
    if notice.is_withdrawn and newer.exists():
        messages.error(
            request, "The parents' being told has been recorded again since, so this one cannot be restored."
        )
        return redirect("send:pupil_send", pk=notice.pupil_id)
    return _notice_restore(request, pk)
