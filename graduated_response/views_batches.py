"""Choosing a set of pupils for a letter batch, reviewing it, and running it (letters.batches).

The sets: every pupil whose case entered Tier 2 this week; the cases the dashboard's filter shows
(its query string is passed through); every pupil on roll with 100% attendance this term (the
statistics engine). The review lists each pupil with the letters they would get, and every pupil
left out with the reason: no contact with parental responsibility, or the SEND gate (a letter that
warns of sanctions for a pupil with SEND needs the joint SENDCo review first). The batch page itself
is letters:batch_detail.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.db.models import QuerySet
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from attendance import statistics
from letters import batches
from school import policy
from school.calendar import SchoolCalendar, monday_of
from school.forms import apply_service
from school.models import Pupil

from . import selectors
from .forms_batches import BATCH_CODES, BatchChooseForm, BatchRunForm
from .models import TierChange
from .send_gate import sanction_refusals

SETS = {
    "tier2_week": "Every pupil who entered Tier 2 this week",
    "cases": "The cases in the dashboard's filter",
    "full_attendance": "Every pupil with 100% attendance this term",
}


def _term_start(calendar: SchoolCalendar, today: date) -> date | None:
    """The first day of the half-term containing today (or the last one before it)."""
    started = [start for start, end in calendar.periods if start <= today]
    return max(started) if started else None


def set_pupils(*, user, school, chosen: str, query, today: date) -> tuple[QuerySet[Pupil], str]:
    """The pupils of a set, in the user's scope, and the set's description."""
    in_scope = policy.pupils_in_scope(user, school)
    cases = selectors.cases_in_scope(user=user, school=school).open()
    if chosen == "tier2_week":
        monday = monday_of(today)
        ids = TierChange.objects.filter(
            case__in=cases, to_tier=2, changed_on__gte=monday, changed_on__lte=today
        ).values("case__pupil_id")
        return in_scope.filter(pk__in=ids), f"Entered Tier 2 in the week of {monday:%-d %B %Y}"
    if chosen == "cases":
        _, filtered = selectors.case_filter(user=user, school=school, data=query)
        return in_scope.filter(pk__in=filtered.values("pupil_id")), "Cases in the dashboard's filter"
    calendar = SchoolCalendar.for_school(school)
    start = _term_start(calendar, today)
    if start is None:
        return in_scope.none(), SETS["full_attendance"]
    on_roll = in_scope.on_roll(at=today)
    figures = statistics.pupil_figures(on_roll, start, today, calendar=calendar)
    full = [pk for pk, figs in figures.items() if figs.possible and figs.attendance == figs.possible]
    return on_roll.filter(pk__in=full), f"100% attendance since {start:%-d %B %Y}"


@require_safe
@policy.capability_required(policy.MANAGE_CASES)
def batch_choose(request):
    """Choose a set and a letter, then review who gets what (and who is left out, and why)."""
    chosen = request.GET.get("set", "")
    choose_form = BatchChooseForm(request.GET or None)
    context = {"sets": SETS, "chosen": chosen, "choose_form": choose_form, "query": _case_query(request)}
    if chosen in SETS and choose_form.is_valid():
        code = choose_form.cleaned_data["code"]
        pupils, description = set_pupils(
            user=request.user, school=request.school, chosen=chosen, query=request.GET,
            today=timezone.localdate(),
        )  # fmt: skip
        pupils = pupils.select_related("registration_class").order_by(
            "legal_last_name", "legal_first_name", "pk"
        )[: batches.MAX_PUPILS]
        rows = batches.batch_review(pupils=pupils, code=code, gate=sanction_refusals)
        included = [row for row in rows if not row.reason]
        context |= {
            "code": code,
            "code_label": dict(BATCH_CODES)[code],
            "included": included,
            "excluded": [row for row in rows if row.reason],
            "letter_count": sum(len(row.addressees) for row in included),
            "run_form": BatchRunForm(
                initial={
                    "code": code,
                    "description": f"{dict(BATCH_CODES)[code].split(':')[0]}: {description}"[:300],
                    "pupil_ids": ",".join(str(row.pupil.pk) for row in included),
                }
            ),
        }
    return render(request, "graduated_response/batch_choose.html", context)


def _case_query(request) -> str:
    query = request.GET.copy()
    for key in ("set", "code"):
        query.pop(key, None)
    return query.urlencode()


@require_POST
@policy.capability_required(policy.MANAGE_CASES)
def batch_run(request):
    """Make the batch from the reviewed list and go to its page (its task runs in the background)."""
    form = BatchRunForm(request.POST)
    if form.is_valid():
        ids = list(
            policy.pupils_in_scope(request.user, request.school)
            .filter(pk__in=form.cleaned_data["pupil_ids"])
            .values_list("pk", flat=True)
        )
        data = form.cleaned_data
        batch = apply_service(
            form,
            lambda: batches.batch_create(
                actor=request.user,
                school=request.school,
                code=data["code"],
                pupil_ids=ids,
                email_parents=data["email_parents"],
                description=data["description"],
                gate=sanction_refusals,
            ),
            actor=request.user,
        )
        if batch is not None:
            batch.refresh_from_db(fields=["enqueued_at"])
            if batch.enqueued_at is None:  # the broker refused the task (letters/outbox.py)
                messages.warning(
                    request,
                    "The batch is saved. The background service is down: the letters will be prepared "
                    "when it is back. This page shows how far it has got.",
                )
            else:
                messages.success(
                    request, "The letters are being prepared. This page shows how far it has got."
                )
            return redirect("letters:batch_detail", pk=batch.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("graduated_response:batch_choose")
