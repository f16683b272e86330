"""Letter template pages: the list, the editor (with merge fields, a reading score and a preview with a
real pupil), translations, version history, and the letterhead settings.

Who may do what: letters/template_policy.py (attendance letters: headteacher and attendance officer;
SEND letters: SENDCo and headteacher; the letterhead: headteacher).
"""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from school import policy
from school.forms import add_service_errors

from . import rendering, template_policy, template_services
from .forms_templates import LetterheadForm, PreviewForm, TemplateVersionForm, TranslationStartForm
from .merge_fields import FIELDS, GROUPS
from .readability import describe, flesch_reading_ease
from .recipients import addressees
from .services import letter_build, letter_html

ENGLISH = template_services.ENGLISH


@require_safe
@policy.capability_required(template_policy.VIEW_TEMPLATES)
def template_list(request):
    kinds = template_policy.editable_kinds(request.user, request.school)
    templates = []
    if kinds:
        by_code = template_services.school_templates(request.school)
        templates = [t for t in by_code.values() if t.kind in kinds]
        templates.sort(key=lambda t: (t.kind, list(template_services.defaults.CODES).index(t.code)))
    languages = {}
    for template in templates:
        languages[template.pk] = template_services.languages_of(template)
    rows = [(t, languages[t.pk]) for t in templates]
    return render(
        request,
        "letters/templates/template_list.html",
        {
            "rows": rows,
            "can_edit_letterhead": policy.can(request.user, request.school, template_policy.EDIT_LETTERHEAD),
        },
    )


def _language(request) -> str:
    language = request.GET.get("language") or request.POST.get("language") or ENGLISH
    return language if language in template_services.LANGUAGES else ENGLISH


def _preview_pupils(request):
    today = timezone.localdate()
    return (
        policy.pupils_in_scope(request.user, request.school)
        .on_roll(at=today)
        .select_related("registration_class")
        .order_by("legal_last_name", "legal_first_name")[:300]
    )


def _editor_context(request, template, language, form, preview_form=None):
    version = template_services.current_version(template, language)
    english = template_services.current_version(template, ENGLISH)
    score = flesch_reading_ease(english.body_html) if english else None
    return {
        "template": template,
        "language": language,
        "version": version,
        "english": english,
        "form": form,
        "preview_form": preview_form,
        "groups": GROUPS,
        "field_keys": " ".join(FIELDS),
        "score": score,
        "score_text": describe(score),
        "languages": template_services.languages_of(template),
        "translation_form": TranslationStartForm(),
        "pupils": _preview_pupils(request),
    }


@require_http_methods(["GET", "POST"])
@policy.capability_required(template_policy.VIEW_TEMPLATES)
def template_edit(request, pk):
    """Edit the template in one language (English by default; ?language=Polish edits a translation).
    Saving adds a version; unknown merge fields are shown beside their field and nothing is saved."""
    template = template_policy.access_template(request.user, request.school, pk)
    language = _language(request)
    version = template_services.current_version(template, language)
    if request.method == "POST":
        form = TemplateVersionForm(data=request.POST)
        if form.is_valid():
            try:
                saved = template_services.template_version_save(
                    actor=request.user,
                    template=template,
                    language=language,
                    subject=form.cleaned_data["subject"],
                    body_html=form.cleaned_data["body_html"],
                    expected_number=form.cleaned_data.get("expected_number"),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved version {saved.number} of {template.name} ({language}).")
                return redirect(f"{reverse('letters:template_edit', args=[template.pk])}?language={language}")
    else:
        source = version or template_services.current_version(template, ENGLISH)
        form = TemplateVersionForm(
            initial={
                "subject": source.subject if source else "",
                "body_html": source.body_html if source else "",
                "expected_number": version.number if version else 0,
            }
        )
    return render(
        request, "letters/templates/template_edit.html", _editor_context(request, template, language, form)
    )


@require_safe
@policy.capability_required(template_policy.VIEW_TEMPLATES)
def template_translation_start(request, pk):
    """Choose a language to translate into: goes to the editor in that language (starting from English)."""
    template = template_policy.access_template(request.user, request.school, pk)
    form = TranslationStartForm(data=request.GET)
    if form.is_valid():
        url = reverse("letters:template_edit", args=[template.pk])
        return redirect(f"{url}?language={form.cleaned_data['language']}")
    messages.error(request, "Choose a language to translate into.")
    return redirect("letters:template_edit", pk=template.pk)


@require_safe
@policy.capability_required(template_policy.VIEW_TEMPLATES)
def template_history(request, pk):
    template = template_policy.access_template(request.user, request.school, pk)
    versions = template.versions.select_related("created_by").order_by("language", "-number")
    return render(
        request, "letters/templates/template_history.html", {"template": template, "versions": versions}
    )


def _preview_letter(request, template):
    """(form, letter or None): the letter the typed text makes for the chosen pupil, not saved."""
    pupils = list(_preview_pupils(request))
    form = PreviewForm(data=request.POST, pupils=pupils)
    if not form.is_valid():
        return form, None
    pupil = policy.access_pupil(request.user, request.school, form.cleaned_data["pupil"])
    draft = SimpleNamespace(
        subject=form.cleaned_data["subject"],
        body_html=template_services.clean_body(form.cleaned_data["body_html"]),
        language=form.cleaned_data.get("language") or ENGLISH,
    )
    people = addressees(pupil)
    sample = {
        key: FIELDS[key].example
        for key in ("meeting_time", "meeting_place", "penalty_amount", "provision_summary")
    }  # staff_name: the school's signatory, as in the letters the school sends (not an example name)
    today = timezone.localdate()
    sample |= {
        "meeting_date": today,
        "period_start": today,
        "period_end": today,
        "review_date": today,
        "meeting_targets": [{"text": "An example target", "owner": "Parent", "review_on": today}],
    }
    letter = letter_build(
        actor=request.user,
        pupil=pupil,
        template=template,
        version=draft,
        addressee=people[0] if people else None,
        extra=sample,
    )
    return form, letter


@require_POST
@policy.capability_required(template_policy.VIEW_TEMPLATES)
def template_preview(request, pk):
    """The letter as it would print for a real pupil, from the text being edited (nothing is saved)."""
    template = template_policy.access_template(request.user, request.school, pk)
    form, letter = _preview_letter(request, template)
    return render(
        request,
        "letters/templates/template_preview.html",
        {
            "template": template,
            "form": form,
            "letter": letter,
            "letterhead": letter.letterhead if letter else {},
        },
        status=200 if letter else 400,
    )


@require_POST
@policy.capability_required(template_policy.VIEW_TEMPLATES)
def template_preview_pdf(request, pk):
    template = template_policy.access_template(request.user, request.school, pk)
    form, letter = _preview_letter(request, template)
    if letter is None:
        return render(
            request,
            "letters/templates/template_preview.html",
            {"template": template, "form": form, "letter": None},
            status=400,
        )
    return rendering.pdf_response(rendering.html_to_pdf(letter_html(letter)), f"preview-{template.code}.pdf")


@require_http_methods(["GET", "POST"])
@policy.capability_required(template_policy.EDIT_LETTERHEAD)
def letterhead_edit(request):
    letterhead = template_services.letterhead_for(request.school)
    if request.method == "POST":
        form = LetterheadForm(data=request.POST, files=request.FILES)
        if form.is_valid():
            logo = form.cleaned_data.get("logo")
            try:
                template_services.letterhead_save(
                    actor=request.user,
                    school=request.school,
                    address=form.cleaned_data["address"],
                    signatory_name=form.cleaned_data["signatory_name"],
                    signatory_role=form.cleaned_data["signatory_role"],
                    contact_line=form.cleaned_data["contact_line"],
                    attendance_target=form.cleaned_data["attendance_target"],
                    logo=logo.read(letterhead.LOGO_MAX_BYTES + 1) if logo else None,
                    remove_logo=form.cleaned_data.get("remove_logo", False),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "The letterhead is saved. New letters will use it.")
                return redirect("letters:letterhead_edit")
    else:
        form = LetterheadForm(
            initial={
                "address": letterhead.address,
                "signatory_name": letterhead.signatory_name,
                "signatory_role": letterhead.signatory_role,
                "contact_line": letterhead.contact_line,
                "attendance_target": letterhead.attendance_target,
            }
        )
    return render(request, "letters/templates/letterhead_edit.html", {"form": form, "letterhead": letterhead})
