"""Pages for graduated response cases. Thin views, one per action: access helper, form, service,
redirect or render."""

from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from letters.defaults import LEGAL_STEP_CODES
from letters.selectors import letters_for
from school import editing, policy
from school.calendar import SchoolCalendar
from school.forms import add_service_errors
from school.policy import capability_required
from school.submissions import create_once
from school.withdrawal import can_restore, restorable_since
from school.withdrawal_views import restore_action, withdraw_page
from send import selectors_tasks as send_selectors_tasks

from . import case_table, charts, health, selectors, services, tiers
from .forms import (
    ActionDoneForm,
    AlertsForm,
    CommunicationLogForm,
    KeyAdultForm,
    TierActionForm,
    TierBandsForm,
)
from .models import Case, CaseAction, CommunicationLog, TierAction
from .triggers import Kind

LETTERS_ON_CASE = 20


def _cases(request):
    return Case.objects.filter(school=request.school).select_related(
        "pupil", "pupil__registration_class", "key_adult"
    )


def _case(request, pk) -> Case:
    return policy.access_pupil_record(request.user, request.school, _cases(request), pk)


def _case_for(request, pk, capability) -> Case:
    """A case for a role holding `capability`, or for the case's key adult (policy.access_case)."""
    return policy.access_case(request.user, request.school, _cases(request), pk, capability=capability)


@require_safe
@capability_required(policy.VIEW_CASES)
def dashboard(request):
    school, today = request.school, timezone.localdate()
    # First, so that an alert it raises is already in this page's list.
    stale_runs = health.nightly_health_check(school=school)
    calendar = SchoolCalendar.for_school(school)
    filterset, cases = selectors.case_list(
        user=request.user, school=school, data=request.GET, today=today, calendar=calendar
    )
    page = selectors.paginate(request, cases)
    selectors.triage_figures(page.object_list)
    alert_kind = request.GET.get("alert_kind", "")
    alerts = selectors.alerts_by_severity(user=request.user, school=school, kind=alert_kind)
    sort = case_table.sort_key(request.GET.get("sort"))
    overdue = selectors.overdue_actions(user=request.user, school=school, today=today)
    context = {
        "tier_counts": selectors.tier_counts(user=request.user, school=school, today=today),
        "at_risk": selectors.at_risk_of_tier_1(
            user=request.user, school=school, today=today, calendar=calendar
        ),
        "headers": case_table.headers(query=dict(request.GET.lists()), current=sort),
        "sort": sort,
        "today": today,
        "week_ago": today - timedelta(days=7),
        "alerts": alerts[:10],
        "alert_count": alerts.count(),
        "alert_kind": alert_kind,
        "alert_kinds": selectors.alert_kinds(user=request.user, school=school),
        "alerts_form": AlertsForm(alerts=alerts),
        "hidden_query": [
            (k, v) for k, vs in request.GET.lists() if k not in ("alert_kind", "page") for v in vs
        ],
        "overdue": overdue[:10],
        "overdue_count": overdue.count(),
        "my_overdue_count": selectors.actions_for(user=request.user, school=school)
        .filter(due_on__lt=today)
        .count(),
        "filter": filterset,
        "page": page,
        "query": request.GET.copy().urlencode() if "page" not in request.GET else _without_page(request),
        "can_manage": policy.can(request.user, school, policy.MANAGE_CASES),
        "can_edit_tiers": policy.can(request.user, school, policy.EDIT_TIERS),
        # The version of the cases on this page: setting a key adult on one that changed since is refused.
        "key_adult_form": KeyAdultForm(cases=Case.objects.none(), school=school, versioned=page.object_list),
        "runs": selectors.latest_runs(school=school, limit=3),
        "stale_runs": stale_runs,
    }
    return render(request, "graduated_response/dashboard.html", context)


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_POST
@capability_required(policy.MANAGE_CASES)
def cases_set_key_adult(request):
    cases = selectors.cases_in_scope(user=request.user, school=request.school).open()
    ticked = cases.filter(pk__in=[pk for pk in request.POST.getlist("cases") if pk.isdigit()])
    form = KeyAdultForm(request.POST, cases=cases, school=request.school, versioned=ticked)
    if form.is_valid():
        try:
            n = services.case_key_adult_set(
                actor=request.user,
                school=request.school,
                cases=cases.filter(pk__in=[c.pk for c in form.cleaned_data["cases"]]),
                key_adult=form.cleaned_data["key_adult"],
                expected_version=form.cleaned_data.get("expected_version"),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Key adult set on {n} case{'s' if n != 1 else ''}.")
    else:
        messages.error(request, "Choose at least one case and a key adult.")
    return redirect(reverse("graduated_response:dashboard") + _next_query(request))


def _next_query(request) -> str:
    query = request.POST.get("query", "")
    return f"?{query}" if query and "\n" not in query else ""


@require_POST
@capability_required(policy.VIEW_PUPILS)
def alerts_acknowledge(request):
    # Acknowledged ones too: an alert someone else acknowledged meanwhile reaches the service, which
    # says who did it, instead of failing as "not one of the choices".
    alerts = selectors.alerts_for(user=request.user, school=request.school, status=None)
    form = AlertsForm(request.POST, alerts=alerts)
    if form.is_valid():
        try:
            n = services.alerts_acknowledge(
                actor=request.user,
                school=request.school,
                alerts=alerts.filter(pk__in=[a.pk for a in form.cleaned_data["alerts"]]),
                expected_open=True,
                outcome=form.cleaned_data["outcome"],
            )
        except ValidationError as error:
            if "outcome" in getattr(error, "error_dict", {}):
                # What was typed and ticked stays, with the reason beside the field.
                add_service_errors(form, error)
                return _render_my_work(request, alerts_form=form, status=400)
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"{n} alert{'s' if n != 1 else ''} acknowledged.")
    elif "alerts" not in form.errors:
        return _render_my_work(request, alerts_form=form, status=400)
    else:
        messages.error(request, "Choose at least one alert.")
    return redirect(_alert_list_back(request))


def _alert_list_back(request) -> str:
    """Where the acknowledge form goes back to: the list it was sent from, with its sort, filters
    and page (``next``), when that is this site's dashboard or My work; else the list named by
    ``back`` with the alert-kind filter only."""
    lists = {reverse("graduated_response:dashboard"), reverse("graduated_response:my_work")}
    target = request.POST.get("next", "")
    if (
        url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and urlsplit(target).path in lists
        and not urlsplit(target).netloc
    ):
        return target
    kind = request.POST.get("alert_kind", "")
    query = f"?{urlencode({'alert_kind': kind})}" if kind in Kind.LABELS else ""
    back = (
        "graduated_response:my_work"
        if request.POST.get("back") == "my_work"
        else "graduated_response:dashboard"
    )
    return reverse(back) + query


@require_safe
@capability_required(policy.VIEW_PUPILS)
def case_detail(request, pk):
    """Case roles, and the case's key adult (figures, checklist, log, meetings, letters)."""
    return _render_case(request, _case_for(request, pk, policy.VIEW_CASES))


def _render_case(request, case, *, log_form=None, status=200):
    today = timezone.localdate()
    calendar = SchoolCalendar.for_school(request.school)
    pf = selectors.pupil_case_figures(case=case, on=today, calendar=calendar)
    changes = list(case.tier_changes.all())
    log = case.communications.all()
    if not policy.can(request.user, request.school, policy.VIEW_LEGAL_LETTERS):
        # A legal step's letter (a notice to improve) and its log entry are not for a key adult.
        log = log.exclude(letter__code__in=LEGAL_STEP_CODES)
    context = {
        "case": case,
        "pupil": case.pupil,
        "figures": pf.figures,
        "part_time_c2": pf.part_time_c2,
        "judged": pf,  # the tier's percentage: over the sessions expected (C2 left out)
        "illness": pf.illness,
        "chart": charts.tier_chart(changes, end=case.closed_on or today),
        "changes": changes,
        "actions": list(case.actions.select_related("done_by").order_by("done_at", "due_on", "id")),
        "communications": list(log.current().select_related("recorded_by", "letter")),
        "withdrawn_communications": list(
            log.withdrawn().select_related("withdrawn_by").order_by("-withdrawn_at")
        ),
        "restore_since": restorable_since(now=timezone.now()),
        "can_restore": can_restore(request.user, request.school),
        "alerts": list(case.alerts.select_related("acknowledged_by").order_by("-created_on", "-id")[:50]),
        "status_events": list(case.status_events.select_related("by")),
        # Letters about the pupil that this user may open (one query; letters owns who sees what).
        "letters": list(
            letters_for(user=request.user, school=request.school, pupil=case.pupil)[:LETTERS_ON_CASE]
        ),
        "log_form": log_form or CommunicationLogForm(initial={"happened_on": today}),
        "can_manage": policy.can(request.user, request.school, policy.MANAGE_CASES),
        # False for a key adult who sees this case only as its key adult (no case list, no measures).
        "can_view_cases": policy.can(request.user, request.school, policy.VIEW_CASES),
        # The key adult (access_case) records contacts too; case managers hold the capability outright.
        "can_log": case.key_adult_id == request.user.pk
        or policy.can(request.user, request.school, policy.LOG_CASE_CONTACT),
        # Whose checklist actions this user may tick (views.action_done allows the same).
        "my_roles": policy.roles_at(request.user, request.school),
        "today": today,
        "tier_name": tiers.tier_name(case.current_tier),
    }
    return render(request, "graduated_response/case_detail.html", context, status=status)


@require_POST
@capability_required(policy.VIEW_PUPILS)
def communication_add(request, pk):
    """Case managers, and the case's key adult (the checklist asks them to record conversations)."""
    case = _case_for(request, pk, policy.LOG_CASE_CONTACT)
    form = CommunicationLogForm(request.POST)
    if form.is_valid():
        try:
            create_once(
                request,
                form,
                lambda data: services.communication_log_add(actor=request.user, case=case, **data),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Added to the communication log.")
            return redirect("graduated_response:case_detail", pk=case.pk)
    return _render_case(request, case, log_form=form, status=400)


def _log_entry(request, pk, queryset) -> CommunicationLog:
    return policy.access_pupil_record(
        request.user,
        request.school,
        queryset.filter(case__school=request.school).select_related("case__pupil"),
        pk,
        pupil_field="case__pupil",
    )


@require_http_methods(["GET", "POST"])
@capability_required(policy.MANAGE_CASES)
def communication_withdraw(request, pk):
    entry = _log_entry(request, pk, CommunicationLog.objects.current())
    back = reverse("graduated_response:case_detail", args=[entry.case_id])
    return withdraw_page(request, obj=entry, kind="log entry", back=back, pupil=entry.case.pupil)


@require_POST
@capability_required(policy.VIEW_CASES)
def communication_restore(request, pk):
    """The SENDCo or the headteacher (withdrawal.RESTORERS), not every case manager: refused with 403."""
    if not can_restore(request.user, request.school):
        raise PermissionDenied
    entry = _log_entry(request, pk, CommunicationLog.objects.all())  # restored already: said, not 404
    back = reverse("graduated_response:case_detail", args=[entry.case_id])
    return restore_action(request, obj=entry, kind="log entry", back=back)


@require_POST
@capability_required(policy.MANAGE_CASES)
def case_close(request, pk):
    case = _case(request, pk)
    try:
        services.case_close(actor=request.user, case=case, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The case is closed.")
    return redirect("graduated_response:case_detail", pk=case.pk)


@require_POST
@capability_required(policy.VIEW_PUPILS)
def action_done(request, pk):
    """The responsible role (or the role it was escalated to), or a case manager, marks it done."""
    school = request.school
    if policy.can(request.user, school, policy.MANAGE_CASES):
        actions = CaseAction.objects.filter(
            case__in=selectors.cases_in_scope(user=request.user, school=school)
        )
    else:
        actions = selectors.actions_assigned(user=request.user, school=school)
    action = actions.filter(pk=pk).select_related("case", "case__school", "case__pupil").first()
    if action is None:
        raise Http404("Not found.")
    form = ActionDoneForm(request.POST)
    if form.is_valid():
        try:
            services.case_action_complete(actor=request.user, action=action, note=form.cleaned_data["note"])
        except ValidationError as exc:  # someone else ticked it first: say who
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Marked as done.")
    else:  # never drop what someone typed: say why, and leave the action open
        messages.error(request, "Not marked as done. " + " ".join(form.errors.get("note", [])))
    may_open = action.case.key_adult_id == request.user.pk or policy.can(
        request.user, school, policy.VIEW_CASES
    )
    if request.POST.get("back") == "my_work" or not may_open:
        return redirect("graduated_response:my_work")
    return redirect("graduated_response:case_detail", pk=action.case_id)


@require_safe
@capability_required(policy.VIEW_PUPILS)
def my_work(request):
    return _render_my_work(request)


def _tier_param(request) -> int | None:
    raw = request.GET.get("tier", "")
    return int(raw) if raw in {str(t) for t in services.CASE_TIERS} else None


def _render_my_work(request, *, alerts_form=None, status=200):
    school, today = request.school, timezone.localdate()
    due = request.GET.get("due", "")
    due = due if due in dict(selectors.DUE_CHOICES) else ""
    tier = _tier_param(request)
    actions = selectors.my_actions(user=request.user, school=school, today=today, due=due, tier=tier)
    can_view_cases = policy.can(request.user, school, policy.VIEW_CASES)
    alert_kind = request.GET.get("alert_kind", "") or request.POST.get("alert_kind", "")
    alerts = selectors.alerts_by_severity(user=request.user, school=school, kind=alert_kind)
    context = {
        "actions": selectors.paginate(request, actions, per_page=50),
        "alerts": alerts[:100],
        "alert_count": alerts.count(),
        "alert_kind": alert_kind,
        "alert_kinds": selectors.alert_kinds(user=request.user, school=school),
        "alerts_form": alerts_form or AlertsForm(alerts=alerts),
        "ticked": {str(pk) for pk in request.POST.getlist("alerts")},
        # After a refusal the form keeps going back to the list it came from (checked again on POST).
        "alert_next": request.POST.get("next", "") if request.method == "POST" else "",
        "key_adult_cases": selectors.cases_in_scope(user=request.user, school=school)
        .open()
        .filter(key_adult=request.user)
        .select_related("pupil"),
        # SEND follow-ups of a triage (send's tasks: this later app may read them).
        "follow_up_tasks": list(
            send_selectors_tasks.my_follow_up_tasks(user=request.user, school=school)[:100]
        ),
        "today": today,
        "can_view_cases": can_view_cases,
        "due": due,
        "due_choices": selectors.DUE_CHOICES,
        "tier": tier,
        "tiers": [(t, tiers.tier_name(t)) for t in services.CASE_TIERS],
        # The same counts as the dashboard's: overdue means due before today on both pages.
        "my_overdue_count": selectors.actions_for(user=request.user, school=school)
        .filter(due_on__lt=today)
        .count(),
        "all_overdue_count": selectors.overdue_actions(user=request.user, school=school, today=today).count()
        if can_view_cases
        else None,
    }
    return render(request, "graduated_response/my_work.html", context, status=status)


@require_http_methods(["GET", "POST"])
@capability_required(policy.EDIT_TIERS)
def tier_bands(request):
    school = request.school
    bands, response_settings = services.tier_bands_of(school)
    if request.method == "POST":
        form = TierBandsForm(request.POST, versioned=(*bands, response_settings))
        if form.is_valid():
            try:
                services.tier_bands_update(
                    actor=request.user,
                    school=school,
                    ranges=form.ranges(),
                    min_possible_sessions=form.cleaned_data["min_possible_sessions"],
                    step_down_weeks=form.cleaned_data["step_down_weeks"],
                    ehcp_review_from_tier=form.cleaned_data.get("ehcp_review_from_tier"),
                    expected_version=form.cleaned_data.get("expected_version"),
                )
            except ValidationError as exc:
                # The band problem shows beside that tier's "to" field.
                add_service_errors(
                    form,
                    exc,
                    field_map={
                        key: f"{key}_high"
                        for key in getattr(exc, "error_dict", {})
                        if f"{key}_high" in form.fields
                    },
                )
            else:
                messages.success(request, "Tier bands saved.")
                return redirect("graduated_response:tier_bands")
        status = 400
    else:
        initial = {
            "min_possible_sessions": response_settings.min_possible_sessions,
            "step_down_weeks": response_settings.step_down_weeks,
            "ehcp_review_from_tier": response_settings.ehcp_review_from_tier,
        }
        for band in bands:
            initial[f"tier_{band.tier}_low"] = band.low_pct
            initial[f"tier_{band.tier}_high"] = band.high_pct
        form = TierBandsForm(initial=initial, versioned=(*bands, response_settings))
        status = 200
    return render(request, "graduated_response/tier_bands.html", {"form": form}, status=status)


@require_safe
@capability_required(policy.VIEW_CASES)
def send_in_tiers(request):
    cases = selectors.send_in_tiers(user=request.user, school=request.school)
    # The SENDCo dashboard (send app) loads the table itself as an htmx panel.
    template = (
        "graduated_response/partials/_send_in_tiers_table.html"
        if request.htmx
        else "graduated_response/send_in_tiers.html"
    )
    return render(request, template, {"page": selectors.paginate(request, cases)})


@require_safe
@capability_required(policy.VIEW_CASES)
def panel_home(request):
    school = request.school
    stale_runs = health.nightly_health_check(school=school)
    context = {
        "tier_counts": selectors.tier_counts(user=request.user, school=school, today=timezone.localdate()),
        "alert_count": selectors.alerts_for(user=request.user, school=school).count(),
        "overdue_count": selectors.overdue_actions(
            user=request.user, school=school, today=timezone.localdate()
        ).count(),
        "stale_runs": stale_runs,
    }
    return render(request, "graduated_response/panel_home.html", context)


@require_safe
@capability_required(policy.VIEW_PUPILS)
def panel_pupil(request, pk):
    """The pupil page's "Attendance case" panel: case roles see every case of the pupil; a case's key
    adult (policy.access_pupil_with) sees the pupil's cases they are key adult of; others 403."""
    pupil = policy.access_pupil_with(request.user, request.school, pk, policy.VIEW_CASES)
    cases = pupil.cases.all()
    if not policy.can(request.user, request.school, policy.VIEW_CASES):
        cases = cases.filter(key_adult=request.user)
    cases = list(cases.order_by("-opened_on", "-id")[:5])
    return render(request, "graduated_response/panel_pupil.html", {"pupil": pupil, "cases": cases})


@require_safe
@capability_required(policy.VIEW_SEND)
def panel_pupil_send_context(request, pk):
    """The SEND page's "At a glance" attendance case lines (issue 15): the open case's tier for case
    roles and the case's own key adult; the key adult's name for everyone who sees the SEND page (who
    to talk to about attendance), without the tier. Two queries after the pupil, however many cases."""
    pupil = policy.access_pupil(request.user, request.school, pk)
    case = (
        Case.objects.filter(school=request.school, pupil=pupil, status=Case.Status.OPEN)
        .select_related("key_adult")
        .first()
    )
    sees_tier = case is not None and (
        policy.can(request.user, request.school, policy.VIEW_CASES) or case.key_adult_id == request.user.pk
    )
    return render(
        request,
        "graduated_response/partials/_send_context.html",
        {"pupil": pupil, "case": case, "sees_tier": sees_tier},
    )


# --- tier checklists ------------------------------------------------------------------------------------
def _tier_action(request, pk) -> TierAction:
    return policy.access_school_record(request.school, TierAction.objects.all(), pk)


def _render_tier_actions(request, *, bound=None, status=200):
    """Every tier's checklist with an edit form per action and an add form per tier; ``bound`` is a
    form that failed validation, shown in its place with its errors beside the fields."""
    actions = TierAction.objects.filter(school=request.school, is_active=True).order_by("tier", "order", "id")
    by_tier = {tier: [] for tier in services.CASE_TIERS}
    actions = list(actions)
    versions = editing.current_versions(actions)  # one query for the page, not one per form
    for action in actions:
        prefix = f"action-{action.pk}"
        form = (
            bound
            if bound is not None and bound.prefix == prefix
            else TierActionForm(instance=action, prefix=prefix, version=versions[action.pk])
        )
        by_tier[action.tier].append({"action": action, "form": form})
    tiers_list = []
    for tier in services.CASE_TIERS:
        prefix = f"add-{tier}"
        add_form = bound if bound is not None and bound.prefix == prefix else TierActionForm(prefix=prefix)
        tiers_list.append(
            {"tier": tier, "name": tiers.tier_name(tier), "rows": by_tier[tier], "add_form": add_form}
        )
    return render(
        request,
        "graduated_response/tier_actions.html",
        {"tiers": tiers_list, "bound": bound},
        status=status,
    )


@require_safe
@capability_required(policy.EDIT_TIERS)
def tier_actions(request):
    return _render_tier_actions(request)


@require_POST
@capability_required(policy.EDIT_TIERS)
def tier_action_add(request, tier):
    if tier not in services.CASE_TIERS:
        raise Http404("No such tier.")
    form = TierActionForm(request.POST, prefix=f"add-{tier}")
    if form.is_valid():
        try:
            create_once(
                request,
                form,
                lambda data: services.tier_action_create(
                    actor=request.user, school=request.school, tier=tier, **data
                ),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Action added to the {tiers.tier_name(tier)} checklist.")
            return redirect(reverse("graduated_response:tier_actions") + f"#tier-{tier}")
    return _render_tier_actions(request, bound=form, status=400)


@require_POST
@capability_required(policy.EDIT_TIERS)
def tier_action_update(request, pk):
    action = _tier_action(request, pk)
    form = TierActionForm(request.POST, instance=action, prefix=f"action-{action.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.tier_action_update(
                actor=request.user,
                action=action,
                text=data["text"],
                responsible_role=data["responsible_role"],
                target_school_days=data["target_school_days"],
                order=action.order if data["order"] is None else data["order"],
                expected_version=data.get("expected_version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Checklist action saved.")
            return redirect(reverse("graduated_response:tier_actions") + f"#tier-{action.tier}")
    return _render_tier_actions(request, bound=form, status=400)


@require_POST
@capability_required(policy.EDIT_TIERS)
def tier_action_deactivate(request, pk):
    action = _tier_action(request, pk)
    if services.tier_action_deactivate(actor=request.user, action=action):
        messages.success(request, "Action removed from the checklist. Cases that already have it keep it.")
    return redirect(reverse("graduated_response:tier_actions") + f"#tier-{action.tier}")
