"""Letters from a case page: the suggested letter, who it goes to, the preview, "Prepare letters" (one
letter per address, a log entry each, audited, once per submit), the SEND gate, and who may do what.

Decision (SECURITY.md): only case managers (MANAGE_CASES) prepare letters; a key adult reads the
attendance letters of their case's pupil but does not prepare them."""

import io
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from graduated_response.models import Case, CommunicationLog, TierChange
from letters.models import Letter
from letters.services import letter_render
from school.models import AuditEntry
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _parent(pupil, first, last, address, postcode, *, title="Ms", pr=True, relationship="Mother"):
    contact = f.ContactFactory(
        school=pupil.school, title=title, first_name=first, last_name=last, address=address, postcode=postcode
    )
    f.PupilContactFactory(pupil=pupil, contact=contact, parental_responsibility=pr, relationship=relationship)
    return contact


def _case(pupil, *, tier=2, key_adult=None):
    case = Case.objects.create(
        school=pupil.school, pupil=pupil, current_tier=tier, opened_on=date(2026, 11, 3), key_adult=key_adult
    )
    TierChange.objects.create(case=case, from_tier=None, to_tier=tier, changed_on=date(2026, 11, 3))
    return case


@pytest.fixture
def apart(pupil):
    """Parents living apart, and a grandparent without parental responsibility."""
    _parent(pupil, "Alys", "Penhallow", "4 Quarry Lane\nLowfield", "LF1 2AA")
    _parent(
        pupil, "Bryn", "Penhallow", "19 Mill Street\nHighcombe", "HC9 8ZZ", title="Mr", relationship="Father"
    )
    _parent(pupil, "Cerys", "Morgan", "2 Orchard Row", "LF1 3BB", pr=False, relationship="Grandmother")
    return pupil


@pytest.fixture
def case(apart, class_teacher):
    return _case(apart, key_adult=class_teacher)


def _panel(client, case):
    return client.get(reverse("graduated_response:panel_case_letters", args=[case.pk]))


def _prepare(client, case, *, code=None, trigger=None, token=None):
    panel = _panel(client, case)
    form = panel.context["form"]
    data = {
        "code": code or form["code"].value(),
        "trigger": trigger if trigger is not None else form["trigger"].value(),
        "submission_token": token or form["submission_token"].value(),
    }
    return client.post(reverse("graduated_response:case_letters_produce", args=[case.pk]), data), data


@time_machine.travel(TODAY, tick=False)
def test_the_panel_suggests_letter_1_and_lists_one_addressee_per_address(login, attendance_officer, case):
    response = _panel(login(attendance_officer), case)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Suggested next: <strong>Letter 1 (initial concerns)</strong>" in page
    assert "no letter has gone home yet" in page
    assert "Ms A Penhallow" in page and "Mr B Penhallow" in page
    assert "One letter for each address" in page
    assert "Morgan" not in page  # no parental responsibility: no letter
    assert response.context["form"]["trigger"].value() == "entered Tier 2 on 3 Nov"
    assert "Prepare letters" in page and "Preview Letter 1 (initial concerns)" in page
    # Every template is offered, not only the suggestion, except the measures' own letters, and the
    # panel says where those are written.
    assert 'value="letter_3"' in page and 'value="persistent_absence"' in page
    for code in ("penalty_warning", "notice_to_improve", "attendance_contract"):
        assert f'value="{code}"' not in page
    assert "the penalty notice warning are written from the case" in page
    assert reverse("graduated_response:penalty_notice_create", args=[case.pk]) in page


@time_machine.travel(TODAY, tick=False)
def test_prepare_letters_makes_one_per_address_with_a_log_entry_each(login, attendance_officer, case):
    client = login(attendance_officer)
    response, _ = _prepare(client, case)
    assert response.status_code == 302
    letters = list(Letter.objects.filter(pupil=case.pupil).order_by("id"))
    assert [lt.code for lt in letters] == ["letter_1", "letter_1"]
    assert {lt.recipient_name for lt in letters} == {"Ms A Penhallow", "Mr B Penhallow"}
    assert all(
        lt.status == Letter.Status.PENDING and lt.trigger == "entered Tier 2 on 3 Nov" for lt in letters
    )
    entries = list(CommunicationLog.objects.filter(case=case).order_by("id"))
    assert [e.letter for e in entries] == letters
    assert all(e.kind == "letter" and e.recorded_by == attendance_officer for e in entries)
    assert entries[0].summary == "Letter 1 (initial concerns): entered Tier 2 on 3 Nov"
    assert AuditEntry.objects.filter(action="letters.letter.created").count() == 2
    assert AuditEntry.objects.filter(action="graduated_response.communication.added").count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Letter 1 (initial concerns) prepared for 2 addresses" in page
    assert "sent" not in page.lower().replace("consent", "")  # prepared, never "sent"
    # The render tasks were never handed over (no commit in this test): the log says queued.
    assert page.count('data-testid="log-letter"') == 2 and "Letter queued" in page
    Letter.objects.update(enqueued_at=timezone.now())  # handed to the broker, not yet rendered
    page = client.get(response["Location"]).content.decode()
    assert page.count("Letter being prepared.") == 2
    # The next suggestion moves on to the invitation to a School Attendance Meeting.
    assert "Letter 2 (invitation to a School Attendance Meeting)" in _panel(client, case).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_with_the_background_service_down_the_page_says_the_letters_wait(
    login, attendance_officer, case, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from letters.tasks import render_letter

    client = login(attendance_officer)

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(render_letter, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response, _ = _prepare(client, case)
    page = client.get(response["Location"]).content.decode()
    assert "will be ready to print when the service is back" in page
    assert "ready to print in a moment" not in page and "Letter ready" not in page
    assert Letter.objects.filter(code="letter_1", status="pending", enqueued_at=None).count() == 2


@time_machine.travel(TODAY, tick=False)
def test_with_the_background_service_down_the_log_says_queued_not_being_prepared(
    login, attendance_officer, case, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from letters.tasks import render_letter

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    client = login(attendance_officer)
    monkeypatch.setattr(render_letter, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        _prepare(client, case)
    page = client.get(reverse("graduated_response:case_detail", args=[case.pk])).content.decode()
    log = page.split('data-testid="communications"')[1].split("</ul>")[0]
    assert log.count("Letter queued: its PDF will be made when the background service is back.") == 2
    assert "being prepared" not in page
    # Once the service is back and the sweep has queued them, they are being prepared.
    monkeypatch.undo()
    monkeypatch.setattr(render_letter, "apply_async", lambda *a, **k: None)
    from letters import outbox

    assert outbox.outbox_sweep()["letters"] == 2
    page = client.get(reverse("graduated_response:case_detail", args=[case.pk])).content.decode()
    assert page.count("Letter being prepared.") == 2 and "queued" not in page


@time_machine.travel(TODAY, tick=False)
def test_a_double_submit_prepares_one_set(login, attendance_officer, case):
    client = login(attendance_officer)
    _, data = _prepare(client, case)
    second = client.post(reverse("graduated_response:case_letters_produce", args=[case.pk]), data)
    assert second.status_code == 302
    assert Letter.objects.filter(pupil=case.pupil).count() == 2
    assert CommunicationLog.objects.filter(case=case).count() == 2
    assert "already saved" in client.get(second["Location"]).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_the_send_gate_refuses_a_sanction_letter_with_its_reason(login, attendance_officer, apart):
    apart.sen_provision = "K"
    apart.save(update_fields=["sen_provision"])
    case = _case(apart, tier=4)
    client = login(attendance_officer)
    response, _ = _prepare(client, case, code="letter_3", trigger="entered Tier 4 on 3 Nov")
    assert not Letter.objects.exists() and not CommunicationLog.objects.exists()
    assert not AuditEntry.objects.filter(action="letters.letter.created").exists()
    assert response.status_code == 400
    assert "joint review with the SENDCo" in response.context["form"].errors["code"][0]
    # A letter that does not warn of sanctions still goes.
    _prepare(client, case, code="letter_1", trigger="entered Tier 4 on 3 Nov")
    assert Letter.objects.filter(code="letter_1").count() == 2


def _field(page, name):
    """The <select> or <input> of ``name`` in the letters form, and what follows it up to the next one."""
    return page.split(f'name="{name}"')[1].split("name=")[0]


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("htmx", [True, False])
def test_a_send_gate_refusal_keeps_the_form_and_says_why_beside_it(login, attendance_officer, apart, htmx):
    apart.sen_provision = "K"
    apart.save(update_fields=["sen_provision"])
    case = _case(apart, tier=4)
    client = login(attendance_officer)
    form = _panel(client, case).context["form"]
    data = {
        "code": "letter_3",
        "trigger": "Tier 4 since the panel on 3 Nov, my own words",
        "submission_token": form["submission_token"].value(),
    }
    url = reverse("graduated_response:case_letters_produce", args=[case.pk])
    response = client.post(url, data, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
    # htmx swaps the Letters section in place (200); without JavaScript, a page of its own (400).
    assert response.status_code == (200 if htmx else 400)
    page = response.content.decode()
    assert ("<html" in page) is not htmx
    assert not Letter.objects.exists()
    # The user's choice and words are kept...
    assert '<option value="letter_3" selected>' in _field(page, "code")
    assert 'value="Tier 4 since the panel on 3 Nov, my own words"' in _field(page, "trigger")
    # ...and the reason is beside the letter field (and in the error summary), not in a banner.
    beside = page.split('name="code"')[1].split('name="trigger"')[0]
    assert "invalid-feedback" in beside and "joint review with the SENDCo" in beside
    assert 'data-testid="letters-gate"' not in page and 'data-testid="error-summary"' in page
    # Corrected, the same form (same token) prepares the letter once.
    data["code"] = "letter_1"
    done = client.post(url, data, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
    back = reverse("graduated_response:case_detail", args=[case.pk])
    assert (done["HX-Redirect"] if htmx else done["Location"]) == (
        back if htmx else back + "#letters-section"
    )
    assert Letter.objects.filter(code="letter_1").count() == 2


@time_machine.travel(TODAY, tick=False)
def test_no_contact_with_parental_responsibility_is_said_plainly(login, attendance_officer, pupil):
    _parent(pupil, "Cerys", "Morgan", "2 Orchard Row", "LF1 3BB", pr=False, relationship="Grandmother")
    case = _case(pupil)
    client = login(attendance_officer)
    panel = _panel(client, case).content.decode()
    assert "No contact of this pupil has parental responsibility recorded" in panel
    assert "Prepare letters" not in panel
    response, _ = _prepare(client, case, code="letter_1", trigger="entered Tier 2 on 3 Nov")
    assert not Letter.objects.exists()
    assert response.status_code == 400 and "parental responsibility" in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_the_preview_is_the_letter_as_a_pdf_and_saves_nothing(login, attendance_officer, case):
    client = login(attendance_officer)
    response = client.get(
        reverse("graduated_response:case_letter_preview", args=[case.pk]), {"code": "letter_1"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert case.pupil.legal_first_name in text or case.pupil.preferred_first_name in text
    assert "Penhallow" in text
    assert not Letter.objects.exists()
    assert not AuditEntry.objects.filter(action="letters.letter.created").exists()


@time_machine.travel(TODAY, tick=False)
def test_the_key_adult_reads_the_letters_but_does_not_prepare_them(
    client_for, attendance_officer, class_teacher, teaching_assistant, governor, dsl, case
):
    _prepare(client_for(attendance_officer), case)
    letter = Letter.objects.filter(pupil=case.pupil).first()
    assert letter_render(letter_id=letter.pk) == Letter.Status.RENDERED
    teacher = client_for(class_teacher)
    assert _panel(teacher, case).status_code == 403
    post = teacher.post(
        reverse("graduated_response:case_letters_produce", args=[case.pk]), {"code": "letter_2"}
    )
    assert post.status_code == 403
    preview = teacher.get(
        reverse("graduated_response:case_letter_preview", args=[case.pk]), {"code": "letter_1"}
    )
    assert preview.status_code == 403
    assert Letter.objects.count() == 2
    # ... but opens the case's log with its letters and the PDF.
    page = teacher.get(reverse("graduated_response:case_detail", args=[case.pk])).content.decode()
    assert reverse("letters:letter_download", args=[letter.pk]) in page
    assert "Prepare letters" not in page
    pdf = teacher.get(reverse("letters:letter_download", args=[letter.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # The teaching assistant of the class is no key adult: the attendance letter is not found.
    assert (
        client_for(teaching_assistant).get(reverse("letters:letter_download", args=[letter.pk])).status_code
        == 404
    )
    # Governors see no letters; the DSL reads cases but does not prepare letters.
    assert client_for(governor).get(reverse("letters:letter_download", args=[letter.pk])).status_code == 403
    assert _panel(client_for(dsl), case).status_code == 403
    assert client_for(dsl).get(reverse("letters:letter_download", args=[letter.pk])).status_code == 200


@time_machine.travel(TODAY, tick=False)
def test_hostile_names_print_literally_on_the_panel(login, attendance_officer, pupil):
    _parent(pupil, "<script>alert(1)</script>", "{{ secret }}", "1 Road", "LF1 1AA", title="")
    case = _case(pupil)
    page = _panel(login(attendance_officer), case).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ secret }}" in page
    assert "<script>alert(1)</script>" not in page


@time_machine.travel(TODAY, tick=False)
def test_a_closed_case_prepares_nothing(login, attendance_officer, case):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_on=date(2026, 11, 20))
    client = login(attendance_officer)
    response, _ = _prepare(client, case)
    assert not Letter.objects.exists()
    assert response.status_code == 400 and "This case is closed" in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_a_hostile_trigger_prints_literally_in_the_log_and_the_letter(login, attendance_officer, case):
    client = login(attendance_officer)
    response, _ = _prepare(client, case, trigger="<script>alert('xss')</script> {{ secret }}")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "<script>alert('xss')" not in page
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt; {{ secret }}" in page
    letter = Letter.objects.filter(pupil=case.pupil).first()
    assert letter.trigger == "<script>alert('xss')</script> {{ secret }}"


@time_machine.travel(TODAY, tick=False)
def test_after_the_sam_a_tier_4_pupil_with_send_is_offered_letter_3_behind_the_gate(
    login, attendance_officer, apart
):
    from letters.models import Meeting

    apart.sen_provision = "E"
    apart.save(update_fields=["sen_provision"])
    case = _case(apart, tier=4)
    client = login(attendance_officer)
    _prepare(client, case, code="letter_1", trigger="entered Tier 4 on 3 Nov")
    sam = Meeting.objects.create(
        school=case.school,
        pupil=case.pupil,
        kind=Meeting.Kind.SAM,
        status=Meeting.Status.PLANNED,
        planned_on=date(2026, 11, 16),
        planned_time=time(9, 15),
        place="the school office",
        created_by=attendance_officer,
    )
    _prepare(client, case, code="letter_2", trigger="Letter 1 sent")
    Meeting.objects.filter(pk=sam.pk).update(status=Meeting.Status.HELD, held_on=date(2026, 11, 16))
    # Letter 2b confirms the targets agreed, so the meeting has one (without, 2b is refused).
    sam.targets.create(text="In school by 8:50", owner="Parent", review_on=date(2026, 12, 7))
    panel = _panel(client, case)
    assert panel.context["suggestion"].code == "letter_2b"
    assert panel.context["form"]["trigger"].value() == "School Attendance Meeting held on 16 Nov"
    _prepare(client, case)  # 2b: the targets confirmed
    panel = _panel(client, case)
    page = panel.content.decode()
    assert panel.context["suggestion"].code == "letter_3"
    assert 'data-testid="letters-gate"' in page and "joint review with the SENDCo" in page


@time_machine.travel(TODAY, tick=False)
def test_letter_2_waits_for_the_meeting_it_invites_to(login, attendance_officer, case):
    # The demo's 28 Letter 2s once told parents "We have arranged a School Attendance Meeting on  at
    # in ." because no meeting was planned: the letter now waits for the meeting's date, time and place.
    from letters.models import Meeting

    client = login(attendance_officer)
    response, _ = _prepare(client, case, code="letter_2", trigger="Letter 1 sent")
    page = response.content.decode()
    assert response.status_code == 400 and "Plan the School Attendance Meeting first" in page
    assert not Letter.objects.filter(code="letter_2").exists()
    Meeting.objects.create(
        school=case.school,
        pupil=case.pupil,
        kind=Meeting.Kind.SAM,
        status=Meeting.Status.PLANNED,
        planned_on=date(2026, 11, 30),
        planned_time=time(14, 0),
        place="the school office",
        created_by=attendance_officer,
    )
    _prepare(client, case, code="letter_2", trigger="Letter 1 sent")
    letters = Letter.objects.filter(code="letter_2")
    assert letters.count() == 2  # parents apart: one each
    assert all("Monday 30 November 2026 at 2pm" in letter.body_html for letter in letters)
    assert all("in the school office" in letter.body_html for letter in letters)
