"""Demo data for letter templates: the demo school's letterhead (a drawn logo, a fictional address
and signatory) and a Polish translation of Letter 1, with at least one parent who prefers Polish so
the demo shows a letter going out in the parent's language. Everything here is fictional."""

from __future__ import annotations

import io
from datetime import date

from school.models import Membership, PupilContact, Role

from . import template_services

POLISH_LETTER_1_SUBJECT = "Frekwencja w szkole: {pupil_first_name}"
POLISH_LETTER_1 = (
    "<p>Szanowni Państwo,</p>"
    "<p>Piszemy do Państwa, ponieważ zauważyliśmy, że Państwa dziecko, {pupil_first_name}, opuszcza "
    "lekcje. Chcielibyśmy pomóc.</p>"
    "<p>Od {figures_from} do {figures_to} frekwencja Państwa dziecka wyniosła "
    "<strong>{attendance_pct}</strong>. Oznacza to {sessions_missed_words} "
    "(usprawiedliwione: {sessions_authorised}, nieusprawiedliwione: {sessions_unauthorised}), czyli "
    "około {days_lost_words} lub {hours_lost_words} nauki.</p>"
    "<p>Każdy dzień w szkole ma znaczenie: to tutaj dziecko się uczy, spotyka przyjaciół i czuje się "
    "częścią klasy. Cel frekwencji naszej szkoły to {attendance_target}.</p>"
    "<p>Jeśli coś utrudnia dziecku przychodzenie do szkoły, prosimy nam o tym powiedzieć. Może to być "
    "zdrowie, zmartwienia, sytuacja w domu lub coś w szkole. Chcielibyśmy spotkać się z Państwem, "
    "porozmawiać i ustalić, jakie wsparcie pomoże. Prosimy o kontakt z sekretariatem szkoły "
    "({staff_name}), aby umówić termin spotkania.</p>"
    "<p>Dziękujemy za Państwa wsparcie.</p>"
)


def _logo_png(initials: str) -> bytes:
    """A small round badge with the school's initials, drawn once (no image file in the repository)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle

    fig = Figure(figsize=(0.8, 0.8), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.add_patch(Circle((0.5, 0.5), 0.48, color="#1f4e79"))
    ax.text(0.5, 0.5, initials, color="white", ha="center", va="center", fontsize=16, fontweight="bold")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    out = io.BytesIO()
    fig.savefig(out, format="png", transparent=True)
    return out.getvalue()


def build(*, school, rng, today: date) -> None:
    head = (
        Membership.objects.filter(school=school, role=Role.HEADTEACHER, is_active=True)
        .select_related("user")
        .first()
    )
    actor = head.user if head else None
    signatory = head.user.get_full_name() if head else "The headteacher"
    initials = "".join(word[0] for word in school.name.split()[:2]).upper()
    template_services.letterhead_save(
        actor=actor,
        school=school,
        address=f"{school.name}\n1 Meadow Lane\nLarkfield\nLF1 1AA",
        signatory_name=signatory,
        signatory_role="Headteacher",
        contact_line="Telephone 01632 960100 · office@larkfield.example.com",
        attendance_target=96,
        logo=_logo_png(initials),
    )
    template = template_services.school_templates(school)["letter_1"]
    if not template.versions.filter(language="Polish").exists():
        template_services.template_version_save(
            actor=actor,
            template=template,
            language="Polish",
            subject=POLISH_LETTER_1_SUBJECT,
            body_html=POLISH_LETTER_1,
            expected_number=0,
        )
    # At least one parent (with parental responsibility) prefers Polish, so the translation is used.
    links = PupilContact.objects.filter(pupil__school=school, parental_responsibility=True).select_related(
        "contact"
    )
    if not links.filter(contact__preferred_language="Polish").exists():
        link = links.order_by("pk").first()
        if link:
            link.contact.preferred_language = "Polish"
            link.contact.save(update_fields=["preferred_language"])
