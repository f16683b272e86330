"""Home, pupil list, pupil profile, and the pupil and contact forms. Thin: access helper, form, service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from school.pagination import paginate

from . import policy, selectors, services
from .class_membership import pupil_class_move
from .forms import ContactForm, PupilClassMoveForm, PupilForm, add_service_errors
from .middleware import SESSION_KEY
from .models import Pupil, PupilContact
from .navigation import panels_for, pupil_panels_for
from .submissions import create_once

PUPILS_PER_PAGE = 50


@login_required
@require_safe
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


# --- pupils ---------------------------------------------------------------------------------------
@require_safe
@policy.capability_required(policy.VIEW_PUPILS)
def pupil_list(request):
    today = timezone.localdate()
    filterset, pupils = selectors.pupil_list(
        user=request.user, school=request.school, data=request.GET, today=today
    )
    page = paginate(request, pupils, PUPILS_PER_PAGE)
    return render(
        request,
        "school/pupil_list.html",
        {
            "filter": filterset,
            "page": page,
            "flag_fields": Pupil.FLAG_FIELDS,
            "can_edit": policy.can(request.user, request.school, policy.EDIT_PUPILS),
            "can_import": policy.can(request.user, request.school, policy.IMPORT_PUPILS),
            "today": today,
        },
    )


def _flags(pupil) -> list[str]:
    return [
        Pupil._meta.get_field(name).verbose_name.capitalize()
        for name in Pupil.FLAG_FIELDS
        if getattr(pupil, name)
    ]


@require_safe
@policy.capability_required(policy.VIEW_PUPILS)
def pupil_detail(request, pk):
    school, user = request.school, request.user
    pupil = policy.access_pupil(user, school, pk)
    return render(
        request,
        "school/pupil_detail.html",
        {
            "pupil": pupil,
            "flags": _flags(pupil),
            "contacts": selectors.pupil_contacts(pupil),
            "siblings": selectors.pupil_siblings(user=user, school=school, pupil=pupil),
            "can_see_safeguarding": policy.can_see_safeguarding(user, school),
            "can_edit": policy.can(user, school, policy.EDIT_PUPILS),
            "can_view_audit": policy.can(user, school, policy.VIEW_AUDIT),
            "panels": pupil_panels_for(user, school, pupil),
            "on_roll": pupil.on_roll_at(timezone.localdate()),
        },
    )


def _pupil_form(request, pupil=None):
    return PupilForm(
        request.POST or None,
        instance=pupil,
        school=request.school,
        can_see_safeguarding=policy.can_see_safeguarding(request.user, request.school),
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.EDIT_PUPILS)
def pupil_create(request):
    form = _pupil_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            pupil = create_once(
                request,
                form,
                lambda data: services.pupil_create(actor=request.user, school=request.school, **data),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{pupil} has been added.")
            return redirect("school:pupil_detail", pk=pupil.pk)
    return render(request, "school/pupil_form.html", {"form": form, "pupil": None})


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.EDIT_PUPILS)
def pupil_edit(request, pk):
    pupil = policy.access_pupil(request.user, request.school, pk)
    form = _pupil_form(request, pupil)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.pupil_update(actor=request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved." if changed else "Nothing was changed.")
            return redirect("school:pupil_detail", pk=pupil.pk)
    return render(request, "school/pupil_form.html", {"form": form, "pupil": pupil})


@require_http_methods(["GET", "HEAD", "POST"])
@policy.capability_required(policy.EDIT_PUPILS)
def pupil_class_move_page(request, pk):
    """Move a pupil to another class from a day, perhaps a past one (the office learns on Wednesday
    that the pupil moved on Monday): registers from that day list the pupil in the new class."""
    pupil = policy.access_pupil(request.user, request.school, pk)
    form = PupilClassMoveForm(request.POST or None, pupil=pupil, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            create_once(
                request,
                form,
                lambda data: pupil_class_move(actor=request.user, pupil=pupil, **data),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            pupil.refresh_from_db()
            on = form.cleaned_data["on"]
            messages.success(request, f"{pupil} is in {pupil.registration_class} from {on:%-d %B %Y}.")
            return redirect("school:pupil_detail", pk=pupil.pk)
    return render(
        request,
        "school/pupil_class_move.html",
        {"form": form, "pupil": pupil, "membership": selectors.current_class_membership(pupil=pupil)},
    )


# --- contacts -------------------------------------------------------------------------------------
def _access_link(request, pk, link_pk) -> tuple[Pupil, PupilContact]:
    pupil = policy.access_pupil(request.user, request.school, pk)
    try:
        link = pupil.contact_links.select_related("contact", "pupil__school").get(pk=link_pk)
    except (PupilContact.DoesNotExist, ValueError):
        raise Http404("No such contact.") from None
    return pupil, link


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.EDIT_PUPILS)
def contact_add(request, pk):
    pupil = policy.access_pupil(request.user, request.school, pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            create_once(
                request,
                form,
                lambda data: services.pupil_contact_add(
                    actor=request.user,
                    pupil=pupil,
                    contact_fields=form.contact_data(),
                    link_fields=form.link_data(),
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Contact added.")
            return redirect("school:pupil_detail", pk=pupil.pk)
    return render(request, "school/contact_form.html", {"form": form, "pupil": pupil, "link": None})


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.EDIT_PUPILS)
def contact_edit(request, pk, link_pk):
    pupil, link = _access_link(request, pk, link_pk)
    form = ContactForm(request.POST or None, instance=link.contact, link=link, versioned=(link.contact, link))
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.pupil_contact_edit(
                actor=request.user,
                link=link,
                contact_fields=form.contact_data(),
                link_fields=form.link_data(),
                expected_version=form.cleaned_data.get("expected_version"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved." if changed else "Nothing was changed.")
            return redirect("school:pupil_detail", pk=pupil.pk)
    shared_with = link.contact.pupil_links.exclude(pupil=pupil).count()
    return render(
        request,
        "school/contact_form.html",
        {"form": form, "pupil": pupil, "link": link, "shared_with": shared_with},
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.EDIT_PUPILS)
def contact_remove(request, pk, link_pk):
    pupil, link = _access_link(request, pk, link_pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.pupil_contact_unlink(actor=request.user, link=link)
        messages.success(request, f"{link.contact} is no longer a contact for {pupil}.")
        return redirect("school:pupil_detail", pk=pupil.pk)
    return render(request, "school/contact_remove.html", {"pupil": pupil, "link": link})
