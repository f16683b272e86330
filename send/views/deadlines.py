"""The SENDCo's deadline calendar (every plan, every local authority), and its private iCalendar link."""

from __future__ import annotations

import hmac
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from school import policy
from school.form_base import Form
from school.forms import apply_service
from school.submissions import ALREADY_SAVED, OneTimeTokenMixin

from .. import deadline_calendar, deadline_feed
from ..models_calendar import CalendarFeed, token_hash
from ..services.calendar_feeds import calendar_feed_create, calendar_feed_revoke
from .common import today

#: A fetch marks the link used at most this often (calendar apps poll; one write per poll is noise).
LAST_USED_EVERY = timedelta(minutes=15)


class CalendarFeedForm(OneTimeTokenMixin, Form):
    """No fields: the one-time token makes a double click one link, not two."""


def _active_feed(request) -> CalendarFeed | None:
    return CalendarFeed.objects.active().filter(user=request.user, school=request.school).first()


@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def deadlines(request):
    calendar = deadline_calendar.deadline_calendar(
        user=request.user, school=request.school, today=today(), data=request.GET
    )
    return render(
        request,
        "send/deadlines.html",
        {
            "calendar": calendar,
            "today": today(),
            "feed": _active_feed(request),
            "feed_form": CalendarFeedForm(),
        },
    )


@require_POST
@policy.capability_required(policy.MANAGE_SEND)
def deadlines_feed_create(request):
    form = CalendarFeedForm(request.POST)
    feed = None
    if form.is_valid():
        feed = apply_service(
            form, lambda: calendar_feed_create(actor=request.user, school=request.school), actor=request.user
        )
    if feed is None:
        messages.error(request, " ".join(form.non_field_errors()) or "The calendar link could not be made.")
        return redirect("send:deadlines")
    token = getattr(feed, "token", None)
    if not token:  # a second click on the same form: the link was shown the first time
        messages.info(request, ALREADY_SAVED + " If you did not copy the link, revoke it and make a new one.")
        return redirect("send:deadlines")
    url = request.build_absolute_uri(reverse("send:deadlines_ics", kwargs={"token": token}))
    # A page (no redirect) so that the link is never stored, even in the session; accounts'
    # NoStoreMiddleware keeps it out of every cache.
    return render(request, "send/deadlines_feed_created.html", {"feed_url": url})


@require_POST
@policy.capability_required(policy.MANAGE_SEND)
def deadlines_feed_revoke(request, pk):
    feed = get_object_or_404(CalendarFeed.objects.active(), pk=pk, user=request.user, school=request.school)
    try:
        calendar_feed_revoke(actor=request.user, feed=feed)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The calendar link was revoked: calendars using it will stop updating.")
    return redirect("send:deadlines")


def _feed_for(token: str) -> CalendarFeed:
    """The live link for `token`, whose owner still holds the role; 404 for anything else (a wrong or
    revoked token, a deactivated account, a role taken away) without saying which."""
    digest = token_hash(token)
    feed = CalendarFeed.objects.active().filter(token_hash=digest).select_related("user", "school").first()
    # The lookup is by hash, so a guess learns nothing from timing; compare_digest checks it again.
    if feed is None or not hmac.compare_digest(feed.token_hash, digest):
        raise Http404("No such calendar.")
    if not feed.user.is_active or not policy.can(feed.user, feed.school, policy.MANAGE_SEND):
        raise Http404("No such calendar.")
    return feed


@require_safe
def deadlines_ics(request, token):
    """The feed a calendar app fetches: no session (it cannot sign in), the token is the credential."""
    feed = _feed_for(token)
    now = timezone.now()
    CalendarFeed.objects.filter(pk=feed.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
    ).update(last_used_at=now)
    day = timezone.localdate(now)
    visible = deadline_calendar.visible_deadlines(
        user=feed.user, school=feed.school, today=day, until=day + timedelta(weeks=deadline_feed.FEED_WEEKS)
    )
    body = deadline_feed.feed_ics(
        visible=visible,
        calendar_name=f"SEND deadlines – {feed.school.name}",
        absolute=request.build_absolute_uri,
        now=now,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="send-deadlines.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
