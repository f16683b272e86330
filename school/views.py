from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import policy, selectors
from .middleware import SESSION_KEY
from .navigation import panels_for


@login_required
def home(request):
    school = request.school
    context = {
        "panels": panels_for(request.user, school),
        "summary": selectors.home_summary(user=request.user, school=school) if school else None,
    }
    return render(request, "school/home.html", context)


@login_required
@require_POST
def switch_school(request):
    school = policy.schools_for(request.user).filter(pk=request.POST.get("school")).first()
    if school is not None:
        request.session[SESSION_KEY] = school.pk
    return HttpResponseRedirect(reverse("home"))
