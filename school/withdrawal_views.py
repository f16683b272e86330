"""The two pages every withdrawable record shares: "Withdraw ..." (with a reason) and "Restore".

Each app's view finds the object through its own access helper (so an out-of-scope record is 404) and
hands it here; the confirmation page, the messages and the service calls are the same for every kind of
record, so a document, a provision place or a log entry is withdrawn exactly as a target is.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from . import withdrawal
from .forms import WithdrawForm, apply_service


def withdraw_page(
    request: HttpRequest, *, obj, kind: str, back: str, pupil=None, note: str = ""
) -> HttpResponse:
    """GET: the confirmation form; POST: withdraw `obj` with the reason given, then go `back`.
    `note`: what withdrawing does not undo, said on the page (an absence call's marks stay)."""
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if apply_service(
            form,
            lambda: withdrawal.record_withdraw(
                actor=request.user, obj=obj, reason=form.cleaned_data["reason"]
            ),
        ):
            messages.success(
                request,
                f"{kind.capitalize()} withdrawn. The SENDCo or the headteacher can restore it within "
                f"{withdrawal.RESTORE_DAYS} days.",
            )
            return redirect(back)
    return render(
        request,
        "school/withdraw_confirm.html",
        {"form": form, "kind": kind, "thing": obj, "back": back, "pupil": pupil, "note": note},
    )


def restore_action(request: HttpRequest, *, obj, kind: str, back: str) -> HttpResponse:
    """POST: restore `obj` (SENDCo or head, within 30 days); a refusal is said on the page `back`."""
    try:
        withdrawal.record_restore(actor=request.user, obj=obj, school=request.school)  # type: ignore[attr-defined]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{kind.capitalize()} restored.")
    return redirect(back)
