"""Adding a closure day: the calendar form, and the question when its sessions already hold marks."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from school import policy, submissions
from school.forms import add_service_errors

from .. import closures
from ..forms import ClosureAddForm


@policy.capability_required(policy.MANAGE_SCHOOL)
@require_http_methods(["GET", "POST"])
def closure_create(request):
    form = ClosureAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # No one-time token here: a second closure on the same day is refused anyway, and the confirm
        # step posts the same form again on purpose.
        data = {k: v for k, v in form.cleaned_data.items() if k != submissions.FIELD_NAME}
        try:
            _, recoded = closures.closure_add(actor=request.user, school=request.school, **data)
        except closures.ClosureHasMarks as exc:
            return render(
                request,
                "attendance/closure_confirm.html",
                {"form": form, "count": exc.count, "code": exc.code, "data": data},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            text = "Closure added."
            if recoded:
                text += (
                    " "
                    + ngettext(
                        "%d mark on those sessions recoded, kept as an amendment.",
                        "%d marks on those sessions recoded, each kept as an amendment.",
                        recoded,
                    )
                    % recoded
                )
            messages.success(request, text)
            return redirect("school:calendar")
    return render(
        request,
        "school/manage/form.html",
        {"form": form, "title": "New closure day", "back": reverse("school:calendar")},
    )
