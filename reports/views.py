from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from school import policy

from .selectors import governor_overview


@require_safe
@policy.capability_required(policy.VIEW_AGGREGATES)
def index(request):
    overview = governor_overview(school=request.school, today=timezone.localdate())
    return render(request, "reports/index.html", {"overview": overview})


@require_safe
@policy.capability_required(policy.VIEW_AGGREGATES)
def panel_home(request):
    overview = governor_overview(school=request.school, today=timezone.localdate())
    return render(request, "reports/_panel_home.html", {"overview": overview})
