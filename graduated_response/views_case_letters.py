"""The case page's Letters section: the suggested next letter and why, every template to choose from,
who it will go to, a preview, and one "Prepare letters" button. Case managers only (MANAGE_CASES):
a key adult reads the letters in the case's log but does not prepare them (SECURITY.md)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from letters import outbox
from letters.rendering import html_to_pdf
from letters.services import letter_html
from school import policy
from school.calendar import SchoolCalendar
from school.forms import add_service_errors
from school.policy import capability_required
from school.submissions import create_once

from . import case_letters, next_step, selectors, send_gate
from .forms_case_letters import CaseLettersForm
from .models import Case

PANEL = "graduated_response/partials/_case_letters.html"


def _case(request, pk) -> Case:
    cases = Case.objects.filter(school=request.school).select_related("pupil", "school")
    return policy.access_pupil_record(request.user, request.school, cases, pk)


def _back(case) -> str:
    return reverse("graduated_response:case_detail", args=[case.pk]) + "#letters-section"


def _panel_context(request, case, *, form=None) -> dict:
    """The Letters section: the suggestion, the gate, the addressees, and the form (``form``: one that
    was refused, shown again with the user's values and the reason beside the field)."""
    calendar = SchoolCalendar.for_school(request.school)
    figures = selectors.pupil_case_figures(case=case, on=timezone.localdate(), calendar=calendar).figures
    pct = figures.attendance_pct_1dp if figures.has_sessions else None
    suggestion = next_step.suggest(case_letters.case_history(case=case, attendance_pct=pct))
    code = suggestion.code or "letter_1"
    if form is None:
        form = CaseLettersForm(
            initial={
                "code": code,
                "trigger": case_letters.default_trigger(case=case, code=suggestion.code, attendance_pct=pct),
            }
        )
    return {
        "case": case,
        "suggestion": suggestion,
        "suggested_title": case_letters.CODE_TITLES.get(suggestion.code or ""),
        # A refused form carries its own reason beside the field; the banner is for the suggestion.
        "gate": None if form.is_bound else send_gate.sanction_gate(pupil=case.pupil, code=code),
        "addressees": case_letters.case_addressees(case=case),
        "no_addressee": case_letters.NO_ADDRESSEE,
        "form": form,
        "codes": list(case_letters.CASE_PAGE_CODES.items()),
        "measure_letter": case_letters.MEASURE_LETTER,
    }


@require_safe
@capability_required(policy.MANAGE_CASES)
def panel_case_letters(request, pk):
    case = _case(request, pk)
    return render(request, PANEL, _panel_context(request, case))


@require_safe
@capability_required(policy.MANAGE_CASES)
def case_letter_preview(request, pk):
    """The letter's PDF as the first addressee would get it, rendered now; nothing is saved."""
    case = _case(request, pk)
    code = request.GET.get("code", "")
    try:
        letter = case_letters.case_letter_preview(actor=request.user, case=case, code=code)
    except ValidationError as exc:
        messages.error(request, "No preview. " + " ".join(exc.messages))
        return redirect(_back(case))
    response = HttpResponse(html_to_pdf(letter_html(letter)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="preview-{code.replace("_", "-")}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _refused(request, case, form):
    """The Letters section again with the user's choice and words kept and the reason beside the
    field: swapped into the case page (htmx), or on a page of its own without JavaScript."""
    context = _panel_context(request, case, form=form)
    if request.htmx:
        return render(request, PANEL, context)  # 200: htmx swaps only successful responses
    return render(request, "graduated_response/case_letters_refused.html", context, status=400)


def _done(request, case):
    if request.htmx:
        # The whole case page again (the log lists the new letters). Without the "#letters-section"
        # of _back: from a page already at that address, a change of fragment alone would not reload.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("graduated_response:case_detail", args=[case.pk])
        return response
    return redirect(_back(case))


@require_POST
@capability_required(policy.MANAGE_CASES)
def case_letters_produce(request, pk):
    case = _case(request, pk)
    form = CaseLettersForm(request.POST)
    if not form.is_valid():
        return _refused(request, case, form)
    code = form.cleaned_data["code"]
    try:
        entries = create_once(
            request,
            form,
            lambda data: case_letters.case_letters_produce(
                actor=request.user, case=case, code=data["code"], trigger=data["trigger"]
            ),
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _refused(request, case, form)
    if isinstance(entries, list):
        n = len(entries)
        said = f"{case_letters.CODE_TITLES[code]} prepared for {n} address{'es' if n != 1 else ''}. "
        if any(outbox.is_waiting_for_broker(entry.letter) for entry in entries):
            # The broker refused the render task: the PDF waits for the outbox sweep (letters/outbox.py).
            messages.warning(
                request,
                said + "It is in the communication log; the background service is down, so its PDF "
                "will be ready to print when the service is back.",
            )
        else:
            messages.success(
                request, said + "It is in the communication log; each PDF is ready to print in a moment."
            )
    return _done(request, case)
