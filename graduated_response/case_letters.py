"""Letters from a case page: what the case calls for next, and preparing it for every addressee.

Reads (``case_history``, ``meeting_for``, ``default_trigger``) gather what the rule in
``graduated_response/next_step.py`` needs; the one write, ``case_letters_produce``, prepares the letter
for each address among the contacts with parental responsibility (``letters.recipients.addressees``,
one per address when parents live apart), after the SEND gate (``send_gate.sanction_gate``), in one
transaction, and writes a communication log entry (kind letter, linked to the letter) per letter.

Audit: ``letters.letter.created`` per letter (letters.services.letter_produce) and
``graduated_response.communication.added`` per log entry.

A letter prepared here is pending until its PDF is rendered after commit (letters/outbox.py); nothing
here says it was sent: it is "prepared" until someone posts it.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from letters.merge_fields import fields_used, time_text
from letters.models import Letter, Meeting
from letters.recipients import Addressee, addressees
from letters.services import letter_produce
from letters.template_services import current_version, languages_of, template_for
from school.calendar import SchoolCalendar

from . import next_step, selectors, send_gate, services
from .models import Case, CommunicationLog

#: Every template code (letters/defaults.py owns the texts), with the name staff and the log use.
CODE_TITLES: dict[str, str] = {
    "letter_1": "Letter 1 (initial concerns)",
    "letter_2": "Letter 2 (invitation to a School Attendance Meeting)",
    "letter_2a": "Letter 2a (School Attendance Meeting not attended)",
    "letter_2b": "Letter 2b (School Attendance Meeting targets)",
    "letter_2c": "Letter 2c (School Attendance Meeting targets met)",
    "letter_3": "Letter 3 (invitation to a School Attendance Panel)",
    "letter_3a": "Letter 3a (School Attendance Panel not attended)",
    "letter_3b": "Letter 3b (School Attendance Panel targets)",
    "letter_3c": "Letter 3c (School Attendance Panel targets met)",
    "persistent_absence": "Persistent absence letter",
    "certificate_full": "Attendance certificate (100%)",
    "certificate_improved": "Attendance certificate (improved attendance)",
    "termly_report": "Termly attendance report",
    "notice_to_improve": "Notice to improve",
    "attendance_contract": "Attendance contract",
    "penalty_warning": "Penalty notice warning",
    "send_provision": "SEN provision letter",
    "send_review_invite": "Invitation to a SEN support review",
    "ehcp_review_invite": "Invitation to an EHCP annual review",
    "ehcp_review_moved": "EHCP review meeting moved",
}

#: Letters written from the formal measures, not the case page's list: each needs what only its
#: measure knows (a notice's or contract's period and terms, the penalty amount for each parent), so
#: the case page says where to write them instead of offering a letter with blanks.
MEASURE_CODES = frozenset({"notice_to_improve", "attendance_contract", "penalty_warning"})
#: The letters the case page offers.
CASE_PAGE_CODES: dict[str, str] = {code: t for code, t in CODE_TITLES.items() if code not in MEASURE_CODES}
MEASURE_LETTER = (
    "The notice to improve, the attendance contract and the penalty notice warning are written from the "
    "case's formal measures (each fills in its dates, terms or amount), not from this list."
)

NO_ADDRESSEE = (
    "No contact of this pupil has parental responsibility recorded, so there is nobody to address the "
    "letter to. Record who has parental responsibility on the pupil's contacts first."
)

#: The meeting a letter is about: its invitation (planned) or its follow-up (held or not attended).
CODE_MEETING = {
    "letter_2": "sam",
    "letter_2a": "sam",
    "letter_2b": "sam",
    "letter_2c": "sam",
    "letter_3": "sap",
    "letter_3a": "sap",
    "letter_3b": "sap",
    "letter_3c": "sap",
}


# --- reads --------------------------------------------------------------------------------------------
def _meetings(case: Case, kind: str):
    return (
        Meeting.objects.filter(pupil=case.pupil, kind=kind, planned_on__gte=case.opened_on)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-planned_on", "-id")
    )


def meeting_for(*, case: Case, code: str):
    """The SAM or SAP the letter ``code`` invites to or follows up, with its targets (or None)."""
    kind = CODE_MEETING.get(code)
    if kind is None:
        return None
    return _meetings(case, kind).prefetch_related("targets").first()


def _latest(case: Case, kind: str) -> tuple[str | None, bool, Meeting | None]:
    meeting = _meetings(case, kind).prefetch_related("targets").first()
    if meeting is None:
        return None, False, None
    targets = list(meeting.targets.all())
    met = bool(targets) and all(t.status == t.Status.MET for t in targets)
    return meeting.status, met, meeting


def produced_codes(*, case: Case) -> frozenset[str]:
    """Template codes of the letters prepared for the case's pupil since the case opened."""
    return frozenset(
        Letter.objects.filter(pupil=case.pupil, letter_date__gte=case.opened_on)
        .exclude(code="")
        .values_list("code", flat=True)
    )


def case_history(*, case: Case, attendance_pct=None) -> next_step.History:
    sam, sam_met, _ = _latest(case, "sam")
    sap, sap_met, _ = _latest(case, "sap")
    return next_step.History(
        tier=case.current_tier,
        produced=produced_codes(case=case),
        sam=sam,
        sam_targets_met=sam_met,
        sap=sap,
        sap_targets_met=sap_met,
        attendance_pct=attendance_pct,
    )


def _day(d: date) -> str:
    return f"{d.day} {d:%b}"


def default_trigger(*, case: Case, code: str | None, attendance_pct=None) -> str:
    """What caused the letter, in the log's words, e.g. "entered Tier 2 on 3 Nov"."""
    if code in CODE_MEETING and code not in ("letter_2", "letter_3"):
        meeting = meeting_for(case=case, code=code)
        if meeting is not None:
            name = "School Attendance Meeting" if CODE_MEETING[code] == "sam" else "School Attendance Panel"
            if code.endswith("a"):
                return f"did not attend the {name} on {_day(meeting.planned_on)}"
            if code.endswith("c"):
                return f"every target from the {name} of {_day(meeting.day)} met"
            return f"{name} held on {_day(meeting.day)}"
    if code == "persistent_absence" and attendance_pct is not None:
        return f"attendance {attendance_pct}% on {_day(timezone.localdate())}"
    change = case.tier_changes.order_by("-changed_on", "-id").first()
    if change is None:
        return f"in Tier {case.current_tier} since {_day(case.opened_on)}"
    return f"entered Tier {change.to_tier} on {_day(change.changed_on)}"


def _extra(*, case: Case, code: str, meeting=None) -> dict:
    """The merge fields a meeting letter needs (letters.merge_fields: meeting_date, _time, _place, _targets)."""
    meeting = meeting or meeting_for(case=case, code=code)
    if meeting is None:
        return {}
    return {
        "meeting_date": meeting.day,
        "meeting_time": time_text(meeting.planned_time),  # "2pm", as in every letter
        "meeting_place": meeting.place,
        "meeting_targets": [t.as_merge() for t in meeting.targets.all()],
    }


_DETAILS = {"meeting_date": "date", "meeting_time": "time", "meeting_place": "place"}


def meeting_details_missing(*, school, code: str, extra: dict) -> str | None:
    """Why the letter cannot go yet when its text names the meeting's date, time or place and the case
    has no meeting with them (Letter 2 would tell a parent "a meeting on  at  in ."); else None."""
    template = template_for(school, code)
    used = set()
    for version in (current_version(template, language) for language in languages_of(template)):
        if version is not None:
            used |= set(fields_used(version.subject + version.body_html))
    missing = [word for key, word in _DETAILS.items() if key in used and not extra.get(key)]
    if not missing:
        return None
    name = "School Attendance Panel" if CODE_MEETING.get(code) == "sap" else "School Attendance Meeting"
    return (
        f"This letter tells the family the meeting's {' and '.join(missing)}, and the case has none yet. "
        f"Plan the {name} first (Meetings: Plan a meeting), with its date, time and place."
    )


def case_addressees(*, case: Case) -> list[Addressee]:
    return addressees(case.pupil)


# --- the write ------------------------------------------------------------------------------------------
def _check(*, case: Case, code: str, trigger: str) -> None:
    if case.status != Case.Status.OPEN:
        raise ValidationError("This case is closed: letters are prepared from open cases only.")
    if code in MEASURE_CODES:
        raise ValidationError({"code": MEASURE_LETTER})
    if code not in CASE_PAGE_CODES:
        raise ValidationError({"code": "Choose one of the letters in the list."})
    if not trigger:
        raise ValidationError({"trigger": "Say why this letter is going, for the communication log."})
    refusal = send_gate.sanction_gate(pupil=case.pupil, code=code)
    if refusal:
        raise ValidationError({"code": refusal})


@transaction.atomic
def case_letters_produce(*, actor, case: Case, code: str, trigger: str) -> list[CommunicationLog]:
    """Prepare the letter ``code`` for every addressee of the case's pupil, each with its log entry.

    Refused (ValidationError, nothing saved) for a closed case, an unknown code, an empty trigger, a
    letter the SEND gate holds back (its reason), or a pupil with no contact with parental
    responsibility. Returns the log entries, one per letter, in the addressees' order."""
    trigger = " ".join(trigger.split())
    _check(case=case, code=code, trigger=trigger)
    to = case_addressees(case=case)
    if not to:
        raise ValidationError({"code": NO_ADDRESSEE})
    today = timezone.localdate()
    figures = selectors.pupil_case_figures(
        case=case, on=today, calendar=SchoolCalendar.for_school(case.school)
    ).figures
    meeting = meeting_for(case=case, code=code)
    extra = _extra(case=case, code=code, meeting=meeting)
    missing = meeting_details_missing(school=case.school, code=code, extra=extra)
    if missing:
        raise ValidationError({"code": missing})
    entries = []
    for addressee in to:
        letter = letter_produce(
            actor=actor,
            pupil=case.pupil,
            code=code,
            addressee=addressee,
            extra=extra,
            trigger=trigger,
            figures=figures,
            meeting=meeting,
        )
        entry = services.communication_log_add(
            actor=actor,
            case=case,
            kind=CommunicationLog.Kind.LETTER,
            happened_on=today,
            with_whom=addressee.name,
            summary=f"{CODE_TITLES[code]}: {trigger}",
            letter=letter,
        )
        entries.append(entry)
    return entries


class _NothingSaved(Exception):
    """Raised inside the preview's savepoint so that the letter written there is rolled back."""


def case_letter_preview(*, actor, case: Case, code: str):
    """The letter ``code`` as the first addressee would get it, written inside a savepoint that is then
    rolled back: the preview runs the very code that prepares letters, and nothing is saved or queued
    (no letter row, no audit row). Returns the unsaved Letter, or raises ValidationError like the
    service (unknown code, no addressee). The SEND gate does not stop a preview."""
    if code in MEASURE_CODES:
        raise ValidationError({"code": MEASURE_LETTER})
    if code not in CASE_PAGE_CODES:
        raise ValidationError({"code": "Choose one of the letters in the list."})
    to = case_addressees(case=case)
    if not to:
        raise ValidationError({"code": NO_ADDRESSEE})
    holder = {}
    try:
        with transaction.atomic():
            holder["letter"] = letter_produce(
                actor=actor,
                pupil=case.pupil,
                code=code,
                addressee=to[0],
                extra=_extra(case=case, code=code),
                trigger="preview",
                queue=False,
            )
            raise _NothingSaved
    except _NothingSaved:
        pass
    return holder["letter"]
