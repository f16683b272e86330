"""Requests for a pupil's educational record and subject access requests: the statutory due date
(maintained schools and academies differ), the list of what is due and overdue, the review of flagged
items, and the export of everything held (PDF and JSON)."""

import doctest
import io
import json
import zipfile
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts import record_request_deadlines as deadlines
from accounts import record_request_status, services
from accounts.models import RecordItemDecision, RecordRequest
from school.calendar import SchoolCalendar
from school.models import AuditEntry, School
from school.record_sections import registered_keys
from school.transitions import IllegalMove
from tests import factories as f

TODAY = date(2026, 12, 1)
ER, SAR = deadlines.EDUCATIONAL_RECORD, deadlines.SUBJECT_ACCESS
MAINTAINED, ACADEMY = deadlines.MAINTAINED, deadlines.ACADEMY
CALENDAR = SchoolCalendar.build(
    [(start, end) for _, start, end in f.HALF_TERMS_2026_27],
    {date(2026, 11, 16): ("AM", "PM")},  # an INSET day in Autumn 2
)


@pytest.fixture(autouse=True)
def _today():
    """Every test, and every fixture it uses, runs on 1 December 2026 (autouse fixtures come first)."""
    with time_machine.travel(TODAY, tick=False):
        yield


# --- the rule, without the database ------------------------------------------------------------------
def test_doctests():
    assert doctest.testmod(deadlines).failed == 0
    assert doctest.testmod(record_request_status, optionflags=doctest.ELLIPSIS).failed == 0


@pytest.mark.parametrize(
    "received, due",
    [
        # 23 Oct is the 1st school day after; half-term (26-30 Oct) and the INSET day 16 Nov are skipped.
        (date(2026, 10, 22), date(2026, 11, 20)),
        # received on a Saturday in half-term: counting starts on Monday 2 November
        (date(2026, 10, 24), date(2026, 11, 23)),
        # the early May bank holiday (3 May 2027) is not a school day
        (date(2027, 4, 30), date(2027, 5, 24)),
        # across the Christmas holiday: 18 Dec is day 1, term resumes 5 Jan
        (date(2026, 12, 17), date(2027, 1, 22)),
    ],
)
def test_educational_record_at_a_maintained_school_counts_15_school_days(received, due):
    got = deadlines.due_on(kind=ER, school_kind=MAINTAINED, received_on=received, school_calendar=CALENDAR)
    assert got == due
    assert CALENDAR.count_school_days_between(received + timedelta(days=1), got) == 15


def test_educational_record_deadline_needs_the_calendar_to_reach_it():
    with pytest.raises(deadlines.CalendarTooShort):
        deadlines.due_on(
            kind=ER, school_kind=MAINTAINED, received_on=date(2027, 7, 10), school_calendar=CALENDAR
        )


@pytest.mark.parametrize(
    "kind, school_kind, received, extended, due",
    [
        (SAR, MAINTAINED, date(2027, 1, 31), False, date(2027, 2, 28)),  # month end clamps
        (SAR, ACADEMY, date(2028, 1, 31), False, date(2028, 2, 29)),  # leap year
        (SAR, ACADEMY, date(2026, 12, 15), False, date(2027, 1, 15)),  # over the year end
        (SAR, ACADEMY, date(2027, 3, 31), False, date(2027, 4, 30)),
        (SAR, ACADEMY, date(2026, 10, 22), False, date(2026, 11, 22)),  # holidays do not matter
        (SAR, ACADEMY, date(2027, 1, 31), True, date(2027, 4, 30)),  # 3 months from receipt, not 28 May
        (SAR, MAINTAINED, date(2026, 11, 30), True, date(2027, 2, 28)),
        (ER, ACADEMY, date(2027, 1, 31), False, date(2027, 2, 28)),  # academy: handled as a SAR
        (ER, ACADEMY, date(2027, 1, 31), True, date(2027, 4, 30)),
    ],
)
def test_one_calendar_month_rule(kind, school_kind, received, extended, due):
    got = deadlines.due_on(
        kind=kind, school_kind=school_kind, received_on=received, extended=extended, school_calendar=CALENDAR
    )
    assert got == due


def test_a_maintained_schools_educational_record_deadline_cannot_be_extended():
    rule = deadlines.rule_for(kind=ER, school_kind=MAINTAINED)
    assert not rule.may_extend
    plain = deadlines.due_on(
        kind=ER, school_kind=MAINTAINED, received_on=date(2026, 11, 2), school_calendar=CALENDAR
    )
    asked = deadlines.due_on(
        kind=ER,
        school_kind=MAINTAINED,
        received_on=date(2026, 11, 2),
        extended=True,
        school_calendar=CALENDAR,
    )
    assert plain == asked == date(2026, 11, 24)
    assert deadlines.rule_for(kind=SAR, school_kind=MAINTAINED).may_extend


@pytest.mark.parametrize(
    "kind, school_kind, extended, today, refused",
    [
        (SAR, ACADEMY, False, date(2026, 10, 15), ""),  # on the due date itself: still in time
        (SAR, ACADEMY, False, date(2026, 10, 16), "overdue"),  # the day after: too late
        (SAR, ACADEMY, True, date(2026, 10, 1), "already been extended"),
        (ER, MAINTAINED, False, date(2026, 10, 1), "no extension"),
        (ER, ACADEMY, False, date(2026, 10, 1), ""),  # an academy handles it as a SAR
    ],
)
def test_when_a_deadline_may_be_extended(kind, school_kind, extended, today, refused):
    got = deadlines.extension_refusal(
        rule=deadlines.rule_for(kind=kind, school_kind=school_kind),
        extended=extended,
        due_on=date(2026, 10, 15),
        today=today,
    )
    assert (refused in got) if refused else got == ""


@pytest.mark.parametrize(
    "from_status, to_status, allowed",
    [
        ("received", "in_preparation", True),
        ("received", "refused", True),
        ("received", "released", False),  # nothing released before it is prepared and reviewed
        ("in_preparation", "released", True),
        ("in_preparation", "refused", True),
        ("released", "in_preparation", False),
        ("refused", "received", False),
        ("in_preparation", "archived", False),
    ],
)
def test_status_moves(from_status, to_status, allowed):
    if allowed:
        record_request_status.STATUS.check(from_status, to_status)
    else:
        with pytest.raises(IllegalMove):
            record_request_status.STATUS.check(from_status, to_status)


# --- recording requests ------------------------------------------------------------------------------
def _form(**overrides):
    data = {
        "kind": ER,
        "requester_name": "Dana Whitlow",
        "requester_relationship": "Mother",
        "received_on": "2026-11-23",
        "identity_checked": "on",
    }
    data.update(overrides)
    return data


def test_a_maintained_school_records_an_educational_record_request_due_in_15_school_days(
    login, headteacher, school, pupil
):
    school.kind = School.Kind.MAINTAINED
    school.save()
    response = login(headteacher).post(reverse("accounts:record_request_create", args=[pupil.pk]), _form())
    request = RecordRequest.objects.get(pupil=pupil)
    assert response.status_code == 302
    # 24 Nov is day 1; Autumn 2 has no closures in the fixture calendar: 15th school day is 14 December.
    assert request.due_on == date(2026, 12, 14)
    assert request.status == "received"
    assert list(request.events.values_list("from_status", "to_status")) == [("", "received")]
    entry = AuditEntry.objects.get(action="accounts.record_request.created")
    assert entry.pupil_id == pupil.pk and entry.after["due_on"] == "2026-12-14"
    page = login(headteacher).get(reverse("accounts:record_request_detail", args=[request.pk]))
    assert "14 December 2026" in page.content.decode()
    assert "15 school days" in page.content.decode()


def test_an_academy_answers_the_same_request_within_one_month(login, headteacher, school, pupil):
    assert school.kind == School.Kind.ACADEMY  # the default: the demo school is in a trust
    login(headteacher).post(reverse("accounts:record_request_create", args=[pupil.pk]), _form())
    assert RecordRequest.objects.get(pupil=pupil).due_on == date(2026, 12, 23)


def test_a_request_cannot_be_received_in_the_future(login, headteacher, pupil):
    response = login(headteacher).post(
        reverse("accounts:record_request_create", args=[pupil.pk]), _form(received_on="2026-12-02")
    )
    assert response.status_code == 200
    assert "cannot be received in the future" in response.content.decode()
    assert not RecordRequest.objects.exists()


def _request(pupil, headteacher, **fields):
    values = {
        "kind": SAR,
        "requester_name": "Dana Whitlow",
        "requester_relationship": "Mother",
        "received_on": date(2026, 11, 20),
        "identity_checked": True,
    }
    values.update(fields)
    return services.record_request_create(actor=headteacher, school=pupil.school, pupil=pupil, **values)


def test_the_list_shows_overdue_requests_first_and_filters_them(login, headteacher, school, pupil):
    late = _request(pupil, headteacher, received_on=date(2026, 10, 1), requester_name="Overdue Olly")
    _request(pupil, headteacher, received_on=date(2026, 11, 25), requester_name="Fresh Fran")
    closed = _request(pupil, headteacher, received_on=date(2026, 9, 1), requester_name="Closed Cara")
    services.record_request_move(actor=headteacher, request=closed, to_status="refused", note="No ID")
    client = login(headteacher)
    page = client.get(reverse("accounts:record_request_list")).content.decode()
    assert page.index("Overdue Olly") < page.index("Fresh Fran")
    assert page.count("Overdue</strong>") == 1
    assert "Closed Cara" not in page  # closed requests are not "open"
    overdue = client.get(reverse("accounts:record_request_list") + "?show=overdue").content.decode()
    assert "Overdue Olly" in overdue and "Fresh Fran" not in overdue
    assert late.due_on == date(2026, 11, 1)
    everything = client.get(reverse("accounts:record_request_list") + "?show=all").content.decode()
    assert "Closed Cara" in everything


def test_a_complex_subject_access_request_is_extended_once_with_a_reason(login, headteacher, pupil):
    request = _request(pupil, headteacher, received_on=date(2026, 11, 30))
    client = login(headteacher)
    url = reverse("accounts:record_request_extend", args=[request.pk])
    assert "Why the request is complex" in client.get(url).content.decode()
    client.post(url, {"reason": "Ten years of records across two schools"})
    request.refresh_from_db()
    assert request.extended and request.due_on == date(2027, 2, 28)
    entry = AuditEntry.objects.get(action="accounts.record_request.extended")
    assert entry.before["due_on"] == "2026-12-30" and entry.after["due_on"] == "2027-02-28"
    with pytest.raises(ValidationError):
        services.record_request_extend(actor=headteacher, request=request, reason="Again")


def test_a_maintained_schools_educational_record_request_cannot_be_extended(headteacher, school, pupil):
    school.kind = School.Kind.MAINTAINED
    school.save()
    request = _request(pupil, headteacher, kind=ER)
    with pytest.raises(ValidationError, match="no extension"):
        services.record_request_extend(actor=headteacher, request=request, reason="Complex")
    assert not AuditEntry.objects.filter(action="accounts.record_request.extended").exists()


def test_changing_the_received_date_moves_the_due_date_and_is_audited(login, headteacher, pupil):
    request = _request(pupil, headteacher)
    login(headteacher).post(
        reverse("accounts:record_request_edit", args=[request.pk]),
        _form(kind=SAR, received_on="2026-11-27"),
    )
    request.refresh_from_db()
    assert request.due_on == date(2026, 12, 27)
    entry = AuditEntry.objects.get(action="accounts.record_request.changed")
    assert entry.before["due_on"] == "2026-12-20" and entry.after["due_on"] == "2026-12-27"


# --- the export --------------------------------------------------------------------------------------
def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _unzip(response):
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        pdf = next(name for name in names if name.endswith(".pdf"))
        data = next(name for name in names if name.endswith(".json"))
        return _pdf_text(archive.read(pdf)), json.loads(archive.read(data))


def _items(data):
    return {item["key"]: item for section in data["sections"] for item in section["items"]}


@pytest.fixture
def held(school, pupil, headteacher):
    """A pupil with marks, SEND targets, a child protection plan, a confidential report and a sibling."""
    pupil.safeguarding_status = "cp"
    pupil.save()
    f.RegisterMarkFactory(pupil=pupil, date=date(2026, 11, 2), session="AM", code="/")
    f.RegisterMarkFactory(pupil=pupil, date=date(2026, 11, 2), session="PM", code="I")
    f.RegisterMarkFactory(pupil=pupil, date=date(2026, 11, 3), session="AM", code="G")
    f.SendRecordFactory(pupil=pupil)
    cycle = f.SupportCycleFactory(pupil=pupil, created_by=headteacher)
    f.TargetFactory(cycle=cycle, target="Use a visual timetable to start work")
    from send.models import SendDocument

    report = SendDocument.objects.create(
        school=school,
        pupil=pupil,
        kind="report",
        title="Paediatric report",
        confidential=True,
        stored_name="x-report.pdf",
        original_name="report.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=headteacher,
        uploaded_at=timezone.now(),
    )
    link = f.PupilContactFactory(pupil=pupil)
    sibling = f.PupilFactory(school=school, legal_first_name="Rowan", legal_last_name="Siblingson")
    f.PupilContactFactory(pupil=sibling, contact=link.contact)
    request = _request(pupil, headteacher)
    return {"request": request, "report": report, "sibling": sibling}


def test_the_draft_export_holds_marks_and_targets_and_flags_what_to_review(login, headteacher, pupil, held):
    request = held["request"]
    response = login(headteacher).get(reverse("accounts:record_request_export", args=[request.pk]))
    pdf_text, data = _unzip(response)
    assert "DRAFT" in data["status"] and data["items_to_review"] == 3
    items = _items(data)
    marks = items[f"school.pupil:{pupil.pk}:marks"]["rows"]
    assert [row["Code"] for row in marks] == ["/", "I", "G"]
    summary = items[f"school.pupil:{pupil.pk}:attendance-summary"]["data"]
    assert summary["Possible sessions"] == "3" and summary["Unauthorised absence"] == "1"
    assert any(
        item["data"].get("Target") == "Use a visual timetable to start work" for item in items.values()
    )
    flagged = {key: item["review"] for key, item in items.items() if "review" in item}
    assert set(flagged) == {
        f"school.pupil:{pupil.pk}:safeguarding",
        f"send.senddocument:{held['report'].pk}",
        f"school.pupil:{pupil.pk}:siblings",
    }
    assert all(review["decision"] == "to review" for review in flagged.values())
    assert "DRAFT — contains items to review" in pdf_text
    assert "Use a visual timetable to start work" in pdf_text
    assert "Child protection plan" in pdf_text and "Rowan Siblingson" in pdf_text
    entry = AuditEntry.objects.get(action="accounts.record_request.exported")
    assert entry.pupil_id == pupil.pk and entry.after["draft"] is True


def test_the_export_keeps_the_capitals_of_field_labels(login, headteacher, pupil, held):
    """Labels came from verbose_name.capitalize(), which printed 'Upn' and 'Sen provision' to the
    requester."""
    response = login(headteacher).get(reverse("accounts:record_request_export", args=[held["request"].pk]))
    pdf_text, data = _unzip(response)
    details = _items(data)[f"school.pupil:{pupil.pk}"]["data"]
    assert {"UPN", "SEN provision", "Legal first name"} <= set(details)
    assert "Upn" not in details and "Upn" not in pdf_text
    assert "SEN provision" in pdf_text


def test_after_review_the_final_export_leaves_out_withheld_items(login, headteacher, pupil, held):
    request = held["request"]
    client = login(headteacher)
    detail = client.get(reverse("accounts:record_request_detail", args=[request.pk])).content.decode()
    assert "3 items to review" in detail and "Paediatric report" in detail
    decide = reverse("accounts:record_item_decide", args=[request.pk])
    client.post(decide, {"item_key": f"school.pupil:{pupil.pk}:safeguarding", "decision": "withhold"})
    client.post(decide, {"item_key": f"school.pupil:{pupil.pk}:siblings", "decision": "withhold"})
    client.post(decide, {"item_key": f"send.senddocument:{held['report'].pk}", "decision": "release"})
    assert RecordItemDecision.objects.filter(request=request).count() == 3
    assert AuditEntry.objects.filter(action="accounts.record_request.item_decided").count() == 3
    pdf_text, data = _unzip(client.get(reverse("accounts:record_request_export", args=[request.pk])))
    assert data["status"] == "Final" and data["items_withheld"] == 2
    assert "DRAFT" not in pdf_text
    assert "Child protection plan" not in pdf_text and "Rowan Siblingson" not in pdf_text
    assert "Paediatric report" in pdf_text
    assert f"school.pupil:{pupil.pk}:safeguarding" not in _items(data)


def test_records_are_released_only_after_review_and_an_identity_check(login, headteacher, pupil, held):
    request = held["request"]
    services.record_request_move(actor=headteacher, request=request, to_status="in_preparation")
    with pytest.raises(ValidationError, match="3 flagged items still to review"):
        services.record_request_move(actor=headteacher, request=request, to_status="released")
    for key in (
        f"school.pupil:{pupil.pk}:safeguarding",
        f"school.pupil:{pupil.pk}:siblings",
        f"send.senddocument:{held['report'].pk}",
    ):
        services.record_item_decide(actor=headteacher, request=request, item_key=key, decision="withhold")
    services.record_request_change(actor=headteacher, request=request, identity_checked=False)
    with pytest.raises(ValidationError, match="identity"):
        services.record_request_move(actor=headteacher, request=request, to_status="released")
    services.record_request_change(actor=headteacher, request=request, identity_checked=True)
    login(headteacher).post(
        reverse("accounts:record_request_move", args=[request.pk]), {"to_status": "released"}
    )
    request.refresh_from_db()
    assert request.status == "released"
    assert list(request.events.values_list("to_status", flat=True)) == [
        "received",
        "in_preparation",
        "released",
    ]


def test_only_flagged_items_can_be_decided(headteacher, pupil, held):
    with pytest.raises(ValidationError):
        services.record_item_decide(
            actor=headteacher,
            request=held["request"],
            item_key=f"school.pupil:{pupil.pk}:marks",
            decision="withhold",
        )


def test_every_app_adds_its_section(pupil):
    from accounts import record_export

    record_export.gather(pupil)  # fills the registry by discovering each app's record_section module
    assert {"pupil", "contacts", "attendance", "send", "documents", "letters", "cases", "audit"} <= set(
        registered_keys()
    )


# --- who may ---------------------------------------------------------------------------------------
def test_another_schools_pupil_and_request_are_not_found(login, headteacher, other_school_pupil, pupil):
    client = login(headteacher)
    assert (
        client.get(reverse("accounts:record_request_create", args=[other_school_pupil.pk])).status_code == 404
    )
    assert (
        client.post(
            reverse("accounts:record_request_create", args=[other_school_pupil.pk]), _form()
        ).status_code
        == 404
    )
    foreign_head = f.staff(other_school_pupil.school, "headteacher")
    foreign = _request(other_school_pupil, foreign_head)
    for name in ("accounts:record_request_detail", "accounts:record_request_export"):
        assert client.get(reverse(name, args=[foreign.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="accounts.record_request.exported").exists()


@pytest.mark.parametrize("persona", ["governor", "class_teacher", "sendco", "office_staff"])
def test_other_roles_are_refused(request, client_for, headteacher, pupil, persona):
    record_request = _request(pupil, headteacher)
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("accounts:record_request_list")).status_code == 403
    assert client.get(reverse("accounts:record_request_detail", args=[record_request.pk])).status_code == 403
    assert client.get(reverse("accounts:record_request_export", args=[record_request.pk])).status_code == 403
    assert client.post(reverse("accounts:record_request_create", args=[pupil.pk]), _form()).status_code == 403
    assert RecordRequest.objects.count() == 1


def test_the_dsl_reads_requests_but_cannot_export_or_change_them(login, dsl, headteacher, pupil):
    record_request = _request(pupil, headteacher)
    client = login(dsl)
    assert "Dana Whitlow" in client.get(reverse("accounts:record_request_list")).content.decode()
    panel = client.get(reverse("accounts:record_request_panel", args=[pupil.pk])).content.decode()
    assert "Dana Whitlow" in panel and "Record a request" not in panel
    assert client.get(reverse("accounts:record_request_export", args=[record_request.pk])).status_code == 403
    assert (
        client.post(
            reverse("accounts:record_request_move", args=[record_request.pk]),
            {"to_status": "refused", "note": "x"},
        ).status_code
        == 403
    )


def test_the_school_sets_its_type_and_the_change_is_audited(login, headteacher, school):
    login(headteacher).post(reverse("school:school_kind"), {"kind": "maintained"})
    school.refresh_from_db()
    assert school.kind == School.Kind.MAINTAINED
    entry = AuditEntry.objects.get(action="school.school.kind_changed")
    assert entry.before == {"kind": "academy"} and entry.after == {"kind": "maintained"}


def test_audit_rows_about_a_protection_plan_are_flagged_and_others_are_not(headteacher, school):
    from accounts import record_export
    from school import services as school_services

    pupil = school_services.pupil_create(
        actor=headteacher,
        school=school,
        upn=f.make_upn(77),
        legal_first_name="Ada",
        legal_last_name="Quill",
        date_of_birth=date(2018, 5, 1),
        sex="F",
        year_group=3,
        admission_date=date(2022, 9, 1),
    )
    school_services.pupil_update(actor=headteacher, pupil=pupil, year_group=4, reason="Moved up")
    request = _request(pupil, headteacher)
    plain = record_export.build(request, {})
    assert plain.to_review == 0  # a pupil snapshot with a blank status is not safeguarding information
    school_services.pupil_update(actor=headteacher, pupil=pupil, safeguarding_status="cin", reason="Referral")
    flagged = {item.key for _, item in record_export.flagged_items(record_export.gather(pupil))}
    assert flagged == {f"school.pupil:{pupil.pk}:safeguarding", f"school.pupil:{pupil.pk}:audit-safeguarding"}


def test_the_headteacher_sees_requests_on_the_pupil_page(login, headteacher, pupil):
    _request(pupil, headteacher)
    client = login(headteacher)
    page = client.get(reverse("school:pupil_detail", args=[pupil.pk])).content.decode()
    assert reverse("accounts:record_request_panel", args=[pupil.pk]) in page
    panel = client.get(reverse("accounts:record_request_panel", args=[pupil.pk])).content.decode()
    assert "Dana Whitlow" in panel and "Record a request" in panel


def test_a_request_does_not_stop_deletion_at_the_end_of_retention(headteacher, school):
    from accounts.services import pupil_delete_for_retention

    left = f.PupilFactory(
        school=school,
        date_of_birth=date(2003, 1, 5),
        admission_date=date(2007, 9, 1),
        leaving_date=date(2014, 7, 18),
    )
    request = _request(left, headteacher)
    counts = pupil_delete_for_retention(actor=headteacher, school=school, pupil=left)
    assert counts["accounts.RecordRequest"] == 1
    assert not RecordRequest.objects.filter(pk=request.pk).exists()


# --- QA walk: the final export, closed and overdue requests -----------------------------------------
def _decide_all(client, request, pupil, held, *, report="withhold"):
    decide = reverse("accounts:record_item_decide", args=[request.pk])
    client.post(decide, {"item_key": f"school.pupil:{pupil.pk}:safeguarding", "decision": "withhold"})
    client.post(decide, {"item_key": f"school.pupil:{pupil.pk}:siblings", "decision": "release"})
    client.post(decide, {"item_key": f"send.senddocument:{held['report'].pk}", "decision": report})


def test_the_final_audit_trail_leaves_out_requests_and_withheld_items_in_plain_words(
    login, headteacher, pupil, held
):
    from school import services as school_services
    from school.audit import record

    request = held["request"]
    _request(pupil, headteacher, requester_name="Grandma Gwen", requester_relationship="Grandmother")
    record(actor=headteacher, action="send.document.viewed", obj=held["report"])
    school_services.pupil_update(actor=headteacher, pupil=pupil, year_group=4, reason="Moved up")
    school_services.pupil_update(
        actor=headteacher, pupil=pupil, leaving_date=date(2027, 7, 21), reason="Leaving"
    )
    client = login(headteacher)
    _decide_all(client, request, pupil, held)
    pdf_text, data = _unzip(client.get(reverse("accounts:record_request_export", args=[request.pk])))
    assert data["status"] == "Final"
    audit = _items(data)[f"school.pupil:{pupil.pk}:audit"]["rows"]
    shown = json.dumps(audit)
    for leaked in ("record_request", "withhold", "Grandma Gwen", "Grandmother", "Paediatric report"):
        assert leaked not in shown and leaked not in pdf_text
    assert "created_by_id" not in shown and "school.pupil.changed" not in shown
    change = next(row for row in audit if row["Reason"] == "Moved up")
    assert change["What"] == "Changed" and "Year group: " in change["Changes"] and " → " in change["Changes"]
    assert "Year group" in pdf_text
    leaving = next(row for row in audit if row["Reason"] == "Leaving")
    assert leaving["Changes"] == "Leaving date: (blank) → 21 Jul 2027"


def test_the_final_export_holds_no_review_notes(login, headteacher, pupil, held):
    request = held["request"]
    client = login(headteacher)
    _decide_all(client, request, pupil, held, report="release")
    pdf_text, data = _unzip(client.get(reverse("accounts:record_request_export", args=[request.pk])))
    assert data["status"] == "Final" and "Rowan Siblingson" in pdf_text
    assert "For review" not in pdf_text and "Decision:" not in pdf_text
    assert "Mentions other people" not in pdf_text
    assert not any("review" in item for item in _items(data).values())


def test_an_overdue_request_cannot_be_extended(login, headteacher, pupil):
    """Received 15 Sep, due 15 Oct: on 1 December extending would move it to 15 December and hide that
    the deadline was missed. The requester must be told of an extension within the first month."""
    request = _request(pupil, headteacher, received_on=date(2026, 9, 15))
    assert request.due_on == date(2026, 10, 15)
    client = login(headteacher)
    detail = client.get(reverse("accounts:record_request_detail", args=[request.pk])).content.decode()
    assert "Extend the deadline" not in detail
    url = reverse("accounts:record_request_extend", args=[request.pk])
    page = client.get(url).content.decode()
    assert "It was due by 15 October 2026: it is overdue." in page
    assert "Why the request is complex" not in page
    client.post(url, {"reason": "Ten years of records"})
    with pytest.raises(ValidationError) as refused:
        services.record_request_extend(actor=headteacher, request=request, reason="Ten years of records")
    assert "overdue" in refused.value.message_dict["reason"][0]
    request.refresh_from_db()
    assert not request.extended and request.due_on == date(2026, 10, 15)
    assert not AuditEntry.objects.filter(action="accounts.record_request.extended").exists()


@pytest.mark.parametrize("status, word", [("released", "released"), ("refused", "refused")])
def test_a_closed_request_cannot_be_changed(login, headteacher, pupil, status, word):
    request = _request(pupil, headteacher)
    if status == "released":
        services.record_request_move(actor=headteacher, request=request, to_status="in_preparation")
        services.record_request_move(actor=headteacher, request=request, to_status="released")
    else:
        services.record_request_move(actor=headteacher, request=request, to_status="refused", note="No ID")
    message = f"This request has been {word}. Record a new request instead."
    with pytest.raises(ValidationError, match=message):
        services.record_request_change(actor=headteacher, request=request, received_on=date(2026, 11, 1))
    with pytest.raises(ValidationError, match=message):
        services.record_request_extend(actor=headteacher, request=request, reason="Complex")
    with pytest.raises(ValidationError, match=message):
        services.record_request_move(actor=headteacher, request=request, to_status="in_preparation")
    client = login(headteacher)
    client.post(reverse("accounts:record_request_edit", args=[request.pk]), _form(received_on="2026-11-01"))
    request.refresh_from_db()
    assert request.received_on == date(2026, 11, 20) and request.status == status
    assert not AuditEntry.objects.filter(
        action__in=["accounts.record_request.changed", "accounts.record_request.extended"]
    ).exists()
    detail = client.get(reverse("accounts:record_request_detail", args=[request.pk])).content.decode()
    assert "Change details" not in detail and "Extend the deadline" not in detail
    assert "Change status" not in detail
    edit = client.get(reverse("accounts:record_request_edit", args=[request.pk])).content.decode()
    assert message in edit and "Save</button>" not in edit
    extend = client.get(reverse("accounts:record_request_extend", args=[request.pk])).content.decode()
    assert message in extend and "Why the request is complex" not in extend


def test_no_item_decisions_on_a_closed_request(login, headteacher, pupil, held):
    request = held["request"]
    services.record_request_move(actor=headteacher, request=request, to_status="refused", note="No ID")
    key = f"school.pupil:{pupil.pk}:siblings"
    with pytest.raises(ValidationError, match="has been refused"):
        services.record_item_decide(actor=headteacher, request=request, item_key=key, decision="release")
    detail = login(headteacher).get(reverse("accounts:record_request_detail", args=[request.pk]))
    assert "Save decision" not in detail.content.decode()
    assert not RecordItemDecision.objects.exists()


@pytest.mark.parametrize("ext_status", ["extended", "maintained"])
def test_the_extend_page_shows_no_form_when_the_law_allows_no_extension(
    login, headteacher, school, pupil, ext_status
):
    if ext_status == "maintained":
        school.kind = School.Kind.MAINTAINED
        school.save()
        request = _request(pupil, headteacher, kind=ER)
        expected = "The law allows no extension"
    else:
        request = _request(pupil, headteacher)
        services.record_request_extend(actor=headteacher, request=request, reason="Complex")
        expected = "already been extended"
    page = login(headteacher).get(reverse("accounts:record_request_extend", args=[request.pk]))
    assert expected in page.content.decode() and "Why the request is complex" not in page.content.decode()


def test_a_request_recorded_after_its_deadline_says_it_is_overdue(login, headteacher, pupil):
    response = login(headteacher).post(
        reverse("accounts:record_request_create", args=[pupil.pk]),
        _form(kind=SAR, received_on="2026-09-15"),
        follow=True,
    )
    page = response.content.decode()
    assert "It was due by 15 October 2026: it is overdue." in page
    assert "must be answered by 15 October" not in page


def test_the_request_page_says_how_long_a_fresh_request_has(login, headteacher, pupil):
    response = login(headteacher).post(
        reverse("accounts:record_request_create", args=[pupil.pk]), _form(kind=SAR), follow=True
    )
    assert "It must be answered by 23 December 2026." in response.content.decode()
