"""Letters in two steps: a snapshot record, then an idempotent task that renders and stores the PDF."""

import io
from datetime import date

import pytest
import time_machine
from django.conf import settings
from pypdf import PdfReader

from letters import rendering
from letters.models import Letter
from letters.services import letter_create, letter_render
from letters.tasks import render_letter
from school.models import AuditEntry
from school.private_files import private_storage
from send import services as send_services
from send.models import ViewsRequest
from tests import factories as f


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


PLAN = {"get_plan_type_display": "Personalised learning plan", "review_due": date(2026, 12, 4)}


def make_letter(actor, pupil, **extra):
    return letter_create(
        actor=actor,
        pupil=pupil,
        kind=Letter.Kind.VIEWS_REQUEST,
        subject=extra.pop("subject", "Your views"),
        body_template="send/letters/views_request_body.html",
        context={"request_": {"respondent": "parent"}, "cycle": PLAN},
        **extra,
    )


@time_machine.travel("2026-11-23 09:00", tick=False)
def test_printed_views_request_is_a_snapshot_rendered_after_commit(
    login, sendco, pupil, django_capture_on_commit_callbacks
):
    pupil.preferred_first_name = "Rosie"
    pupil.save()
    f.PupilContactFactory(
        pupil=pupil,
        contact__first_name="Ann",
        contact__last_name="Example <b>bold</b>",
        contact__address="1 Fictional Row\nTestville",
        contact__postcode="ZZ1 1ZZ",
    )
    cycle = f.SupportCycleFactory(pupil=pupil)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request = send_services.views_request_send(
            actor=sendco, cycle=cycle, respondent="parent", method="printed"
        )
    letter = request.letter
    assert letter.status == Letter.Status.PENDING and len(callbacks) == 1
    # The pupil and the contact change after the letter was written, before it is rendered.
    pupil.preferred_first_name = "Changed"
    pupil.save()
    contact = request.contact
    contact.address, contact.last_name = "99 Other Street", "Renamed"
    contact.save()
    pending = login(sendco).get(f"/letters/{letter.pk}/letter.pdf")
    # Not yet handed to the background service (its on_commit hook has not run): the page says so.
    assert pending.status_code == 200 and "background service is back" in pending.content.decode()
    callbacks[0]()  # the on_commit hook: enqueue the task (eager in tests)
    letter.refresh_from_db()
    # In the private storage, which is the folder PRIVATE_MEDIA_ROOT names.
    assert letter.status == Letter.Status.RENDERED
    assert letter.private_file_name() == f"letters/{pupil.school_id}/{letter.stored_name}"
    assert (settings.PRIVATE_MEDIA_ROOT / letter.private_file_name()).is_file()
    text = pdf_text(login(sendco).get(f"/letters/{letter.pk}/letter.pdf"))
    assert "Your views before Rosie" in text and "Changed" not in text
    assert "Ann Example <b>bold</b>" in text and "1 Fictional Row" in text and "ZZ1 1ZZ" in text
    assert "99 Other Street" not in text and "Renamed" not in text
    assert "Meadowbank Primary" in text and "23 November 2026" in text
    created = AuditEntry.objects.get(action="letters.letter.created")
    assert created.pupil == pupil and created.actor == sendco
    assert AuditEntry.objects.filter(action="letters.letter.rendered", object_id=str(letter.pk)).count() == 1


def test_rendering_twice_renders_once(sendco, pupil, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        letter = make_letter(sendco, pupil)
    letter.refresh_from_db()
    first_rendered_at = letter.rendered_at
    path = settings.PRIVATE_MEDIA_ROOT / letter.private_file_name()
    first_bytes = path.read_bytes()
    assert render_letter.delay(letter.pk).get() == "rendered"
    assert letter_render(letter_id=letter.pk) == "rendered"
    letter.refresh_from_db()
    assert letter.rendered_at == first_rendered_at and path.read_bytes() == first_bytes
    assert AuditEntry.objects.filter(action="letters.letter.rendered").count() == 1


def test_a_failing_letter_is_marked_failed_and_the_batch_goes_on(
    login, sendco, pupil, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        broken = make_letter(sendco, pupil, subject="Broken")
        fine = make_letter(sendco, pupil, subject="Fine")
    real = rendering.html_to_pdf

    def weasyprint_fails_for_broken(html):  # WeasyPrint is the external boundary here
        if "<title>Broken</title>" in html:
            raise RuntimeError("font cache unavailable")
        return real(html)

    monkeypatch.setattr(rendering, "html_to_pdf", weasyprint_fails_for_broken)
    results = [render_letter.delay(letter.pk).get() for letter in (broken, fine)]
    assert results == ["failed", "rendered"]
    broken.refresh_from_db()
    assert broken.status == Letter.Status.FAILED and "font cache unavailable" in broken.error
    assert not private_storage().exists(broken.private_file_name())
    assert AuditEntry.objects.filter(action="letters.letter.failed", object_id=str(broken.pk)).exists()
    # A failed letter stays failed (the conditional update only moves pending letters).
    assert letter_render(letter_id=broken.pk) == "failed"
    page = login(sendco).get(f"/letters/{broken.pk}/letter.pdf").content.decode()
    assert "could not be prepared" in page and "font cache" not in page
    assert letter_render(letter_id=999999) == "missing"


@pytest.mark.parametrize(
    ("who", "which", "status"),
    [
        ("class_teacher", "own", 200),
        ("teaching_assistant", "own", 200),
        ("sendco", "other_class", 200),
        ("class_teacher", "other_class", 404),
        ("other_school_teacher", "own", 404),
        ("sendco", "other_school", 404),
        ("trust_lead", "own", 404),  # may see pupils, not SEND letters
        ("governor", "own", 403),
    ],
)
def test_who_may_open_a_letter(
    request, login, sendco, pupil, other_class_pupil, other_school_pupil, who, which, status
):
    owner = {"own": pupil, "other_class": other_class_pupil, "other_school": other_school_pupil}[which]
    letter = make_letter(sendco, owner)
    letter_render(letter_id=letter.pk)
    response = login(request.getfixturevalue(who)).get(f"/letters/{letter.pk}/letter.pdf")
    assert response.status_code == status
    if status == 200:
        assert "Your views before" in pdf_text(response)
        assert "no-store" in response["Cache-Control"]


def test_pupil_send_page_lists_the_pupils_letters(
    login, sendco, class_teacher, pupil, other_class_pupil, django_assert_max_num_queries
):
    cycle = f.SupportCycleFactory(pupil=pupil)
    request = send_services.views_request_send(
        actor=sendco, cycle=cycle, respondent="pupil", method="printed"
    )
    make_letter(sendco, other_class_pupil, subject="About someone else")
    assert request.letter.recipient_name == pupil.display_name
    page = login(class_teacher).get(f"/send/pupils/{pupil.pk}/").content.decode()
    assert f"My views: {pupil.display_name}" in page and f"/letters/{request.letter.pk}/letter.pdf" in page
    assert "About someone else" not in page
    cycle_page = login(sendco).get(f"/send/cycles/{cycle.pk}/").content.decode()
    assert f"/letters/{request.letter.pk}/letter.pdf" in cycle_page
    # Asking again writes a new letter; the request points at the latest, both stay listed.
    again = send_services.views_request_send(actor=sendco, cycle=cycle, respondent="pupil", method="printed")
    assert again.letter_id != request.letter_id
    assert ViewsRequest.objects.get(pk=request.pk).letter_id == again.letter_id
    assert Letter.objects.filter(pupil=pupil).count() == 2


def test_a_failed_letter_can_be_tried_again(
    login, sendco, class_teacher, other_class_pupil, pupil, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        letter = make_letter(sendco, pupil, subject="Your views")
    real = rendering.html_to_pdf

    def weasyprint_fails(html):  # WeasyPrint is the external boundary here
        raise RuntimeError("font cache unavailable")

    monkeypatch.setattr(rendering, "html_to_pdf", weasyprint_fails)
    assert letter_render(letter_id=letter.pk) == "failed"
    client = login(class_teacher)
    page = client.get(f"/letters/{letter.pk}/letter.pdf").content.decode()
    assert "could not be prepared" in page and f'action="/letters/{letter.pk}/retry/"' in page

    monkeypatch.setattr(rendering, "html_to_pdf", real)  # the font cache is back
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/letters/{letter.pk}/retry/")
    assert response.status_code == 302 and response["Location"] == f"/letters/{letter.pk}/letter.pdf"
    letter.refresh_from_db()
    assert letter.status == Letter.Status.RENDERED and letter.error == ""
    assert client.get(f"/letters/{letter.pk}/letter.pdf")["Content-Type"] == "application/pdf"
    retried = AuditEntry.objects.get(action="letters.letter.retried", object_id=str(letter.pk))
    assert retried.actor == class_teacher and retried.after == {"status": "pending"}

    # A rendered letter is not queued again, and a letter out of the teacher's classes is a 404.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/letters/{letter.pk}/retry/")
    assert AuditEntry.objects.filter(action="letters.letter.retried").count() == 1
    other = make_letter(sendco, other_class_pupil)
    assert client.post(f"/letters/{other.pk}/retry/").status_code == 404
