"""Views requests in bulk: ask every review in the next N weeks, print the pupils' forms in one PDF,
see who has not replied; and the parents' public reply page (no account: the signed link is the key)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from school import policy
from school.forms import add_service_errors
from school.private_files import private_file_response

from .. import selectors_views, views_reply_links
from ..forms import ViewsBulkForm, ViewsReplyForm
from ..models_views_forms import ViewsFormsPrint
from ..services import views_bulk as services
from .common import saved, today


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def views_bulk(request):
    """Choose N weeks, see the reviews it covers, and ask all their parents and pupils in one step."""
    form = ViewsBulkForm(request.POST or None, initial={"weeks": request.GET.get("weeks") or 6})
    save = partial(services.views_request_bulk, actor=request.user, school=request.school)
    if print_ := saved(request, form, save):
        messages.success(request, "Views requests made: " + print_.description)
        return redirect("send:views_forms_detail", pk=print_.pk)
    try:
        weeks = int(form["weeks"].value())
    except (TypeError, ValueError):
        weeks = 6
    weeks = min(max(weeks, 1), services.MAX_WEEKS)
    rows = selectors_views.upcoming_reviews(
        user=request.user, school=request.school, today=today(), weeks=weeks
    )
    return render(request, "send/views_bulk.html", {"form": form, "rows": rows, "weeks": weeks})


def _access_print(request, pk) -> ViewsFormsPrint:
    """A print of this school's forms, made by someone at it (MANAGE_SEND sees every pupil)."""
    found = ViewsFormsPrint.objects.filter(school=request.school, pk=pk).first()
    if found is None:
        raise Http404("Not found.")
    return found


@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def views_forms_detail(request, pk):
    """The print's state, said as it is: being made, ready to download, or could not be made."""
    print_ = _access_print(request, pk)
    return render(request, "send/views_forms_detail.html", {"print": print_})


@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def views_forms_download(request, pk):
    print_ = _access_print(request, pk)
    if print_.status != "ready" or not print_.pages:
        raise Http404("This PDF is not ready.")
    response = private_file_response(
        print_.private_file_name(), filename=print_.filename, content_type="application/pdf"
    )
    services.views_forms_downloaded(print_=print_, actor=request.user)
    return response


@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def views_outstanding(request):
    """Who has not replied, per review: whose views, how and when asked, when reminded."""
    rows = list(selectors_views.outstanding_requests(user=request.user, school=request.school))
    return render(request, "send/views_outstanding.html", {"rows": rows, "today": today()})


@require_http_methods(["GET", "POST"])
def views_reply(request, token):
    """The parent's page from the e-mailed link: no account; the signed link works once, for 21 days."""
    state, views_request = services.views_reply_request(token)
    form = ViewsReplyForm(request.POST or None) if state == views_reply_links.OK else None
    context = {"state": state, "message": services.state_message(state), "views_request": views_request}
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.views_reply_online(token=token, views=form.cleaned_data["views"])
        except ValidationError as error:  # the link was used meanwhile, or the text was refused
            add_service_errors(form, error)
        else:
            return render(request, "send/views_reply_thanks.html", context, status=200)
    status = 200 if state == views_reply_links.OK else (404 if state == views_reply_links.INVALID else 410)
    response = render(request, "send/views_reply.html", {**context, "form": form}, status=status)
    response["X-Robots-Tag"] = "noindex"
    # same-origin, not no-referrer: the link never leaks to another site, and Chrome still sends the
    # Origin the CSRF check needs (with no-referrer its form posts say "Origin: null" and are refused).
    response["Referrer-Policy"] = "same-origin"
    return response
