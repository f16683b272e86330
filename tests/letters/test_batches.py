"""Letter batches: a set of pupils, one letter per addressee, rendered in the background into one
print-ready PDF and a per-letter list, optionally e-mailed; retried without duplicates."""

import csv
import io
from datetime import date

import pytest
import time_machine
import weasyprint
from django.core import mail
from django.db import IntegrityError, transaction
from pypdf import PdfReader

from letters import batches, outbox
from letters.models import Email, Letter, LetterBatch
from letters.tasks import run_batch
from school.models import AuditEntry, Contact
from school.private_files import private_storage
from tests import factories as f

pytestmark = pytest.mark.usefixtures("_monday")


@pytest.fixture
def _monday():
    with time_machine.travel("2026-11-23 09:00Z", tick=False):
        yield


def family(pupil, *parents, apart=False):
    """Contacts with parental responsibility: at one address unless ``apart``."""
    for n, (first, last, email) in enumerate(parents):
        f.PupilContactFactory(
            pupil=pupil,
            contact__first_name=first,
            contact__last_name=last,
            contact__email=email,
            contact__address=f"{n + 1 if apart else 1} Fictional Row\nTestville",
            contact__postcode="ZZ1 1ZZ",
        )


@pytest.fixture
def three_pupils(school, own_class):
    """Ada (parents together), Ben (parents apart: two letters), Cleo (no parental responsibility)."""
    ada = f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="Ada", legal_last_name="Abbott"
    )
    family(ada, ("Ann", "Abbott", "ann@example.invalid"), ("Carl", "Abbott", ""))
    ben = f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="Ben", legal_last_name="Baker"
    )
    family(ben, ("Bea", "Baker", "bea@example.invalid"), ("Bob", "Baker", ""), apart=True)
    cleo = f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="Cleo", legal_last_name="Cole"
    )
    f.PupilContactFactory(pupil=cleo, parental_responsibility=False)
    return ada, ben, cleo


def make_batch(actor, school, pupils, callbacks, *, email=False, code="letter_1"):
    with callbacks(execute=True):
        return batches.batch_create(
            actor=actor,
            school=school,
            code=code,
            pupil_ids=[p.pk for p in pupils],
            email_parents=email,
            description="Entered Tier 2 this week",
        )


def merged_pdf(batch) -> PdfReader:
    with private_storage().open(batch.private_file_name(), "rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_a_batch_writes_one_letter_per_addressee_and_merges_them_into_one_pdf(
    attendance_officer, school, three_pupils, django_capture_on_commit_callbacks
):
    ada, ben, cleo = three_pupils
    batch = make_batch(attendance_officer, school, three_pupils, django_capture_on_commit_callbacks)
    batch.refresh_from_db()
    # Cleo has no contact with parental responsibility: left out, saying why.
    assert batch.excluded == [
        {
            "pupil_id": cleo.pk,
            "name": str(cleo),
            "reason": "No contact with parental responsibility is recorded.",
        }
    ]
    assert (batch.status, batch.total, batch.done, batch.failed) == ("ready", 3, 3, 0)
    letters = Letter.objects.filter(batch=batch)
    assert sorted(letters.values_list("pupil_id", flat=True)) == [ada.pk, ben.pk, ben.pk]
    assert set(letters.values_list("status", flat=True)) == {"rendered"}
    history = list(batch.events.values_list("from_status", "to_status"))
    assert history == [
        ("", "building"),
        ("building", "rendering"),
        ("rendering", "merging"),
        ("merging", "ready"),
    ]
    assert AuditEntry.objects.filter(action="letters.batch.created", object_id=str(batch.pk)).count() == 1
    reader = merged_pdf(batch)
    singles = sum(
        len(PdfReader(private_storage().open(letter.private_file_name(), "rb")).pages) for letter in letters
    )
    assert len(reader.pages) == singles >= 3
    text = text_of(reader)
    assert "Ann Abbott and Carl Abbott" in text and "Bea Baker" in text and "Bob Baker" in text
    assert "Cleo" not in text
    # In print order: Abbott before Baker.
    assert text.index("Ann Abbott") < text.index("Bea Baker")


def test_running_the_task_again_writes_no_second_letter(
    attendance_officer, school, three_pupils, django_capture_on_commit_callbacks
):
    batch = make_batch(attendance_officer, school, three_pupils, django_capture_on_commit_callbacks)
    first = set(Letter.objects.filter(batch=batch).values_list("pk", flat=True))
    # The worker died after writing the letters (acks_late: the broker hands the task out again).
    LetterBatch.objects.filter(pk=batch.pk).update(status="building")
    assert run_batch(batch.pk) == "ready"
    assert run_batch(batch.pk) == "ready"  # and once more, finished: nothing happens
    assert set(Letter.objects.filter(batch=batch).values_list("pk", flat=True)) == first
    batch.refresh_from_db()
    assert (batch.total, batch.done) == (3, 3)
    assert AuditEntry.objects.filter(action="letters.letter.rendered").count() == 3


def test_the_database_refuses_a_second_letter_for_the_same_addressee(
    attendance_officer, school, three_pupils, django_capture_on_commit_callbacks
):
    batch = make_batch(attendance_officer, school, three_pupils, django_capture_on_commit_callbacks)
    letter = Letter.objects.filter(batch=batch).first()
    copy = Letter.objects.get(pk=letter.pk)
    copy.pk, copy.stored_name = None, "another.pdf"
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


@pytest.fixture
def weasyprint_fails_for(monkeypatch):
    """WeasyPrint (the boundary) fails on any page that mentions the given text."""
    real = weasyprint.HTML
    failing = set()

    def html(*args, string="", **kwargs):
        if any(word in string for word in failing):
            raise RuntimeError("cairo: out of memory")
        return real(*args, string=string, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", html)
    return failing


def test_a_letter_that_fails_does_not_stop_the_batch_and_can_be_tried_again(
    login, attendance_officer, school, three_pupils, weasyprint_fails_for, django_capture_on_commit_callbacks
):
    weasyprint_fails_for.add("Bob Baker")
    batch = make_batch(attendance_officer, school, three_pupils, django_capture_on_commit_callbacks)
    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.done, batch.failed) == ("ready", 3, 2, 1)
    failed = Letter.objects.get(batch=batch, status="failed")
    assert "Bob Baker" in failed.recipient_name and "out of memory" in failed.error
    assert "Bob Baker" not in text_of(merged_pdf(batch))

    client = login(attendance_officer)
    page = client.get(f"/letters/batches/{batch.pk}/").content.decode()
    assert "2 of 3 letters ready, 1 could not be prepared." in page
    assert f"/letters/batches/{batch.pk}/letters/{failed.pk}/retry/" in page

    weasyprint_fails_for.clear()  # whatever it was has passed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/letters/batches/{batch.pk}/letters/{failed.pk}/retry/", follow=True)
    assert "is being prepared again" in response.content.decode()
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed) == ("ready", 3, 0)
    assert "Bob Baker" in text_of(merged_pdf(batch))
    assert [e.to_status for e in batch.events.all()][-3:] == ["rendering", "merging", "ready"]
    # Pressing it again: nothing to do.
    again = client.post(f"/letters/batches/{batch.pk}/letters/{failed.pk}/retry/", follow=True)
    assert "Nothing to do" in again.content.decode()
    assert AuditEntry.objects.filter(action="letters.batch.letter_retried").count() == 1


class RefusingBackend:
    """A mail server that refuses one address (the boundary), and accepts the rest into mail.outbox."""

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.inner = EmailBackend(*args, **kwargs)

    def send_messages(self, messages):
        for message in messages:
            if "refused@example.invalid" in message.to:
                from smtplib import SMTPRecipientsRefused

                raise SMTPRecipientsRefused({"refused@example.invalid": (550, b"No such mailbox")})
        return self.inner.send_messages(messages)

    def open(self):
        return True

    def close(self):
        return None


def test_e_mailed_letters_carry_their_pdf_and_only_accepted_ones_count(
    login, settings, attendance_officer, school, three_pupils, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.letters.test_batches.RefusingBackend"
    Contact.objects.filter(first_name="Bea").update(email="refused@example.invalid")
    batch = make_batch(
        attendance_officer, school, three_pupils, django_capture_on_commit_callbacks, email=True
    )
    batch.refresh_from_db()
    assert batch.status == "ready"
    # Ada's parents (one e-mail address between them) and Bea; Bob has no address: printed only.
    emails = Email.objects.filter(letter__batch=batch)
    assert sorted(emails.values_list("to", "status")) == [
        ("ann@example.invalid", "sent"),
        ("refused@example.invalid", "failed"),
    ]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.invalid"]
    assert message.reply_to == [attendance_officer.email]  # the sender, never a no-reply address (issue 15)
    assert "Dear Ann Abbott and Carl Abbott" in message.body and "<" not in message.body
    (name, content, mimetype) = message.attachments[0]
    assert mimetype == "application/pdf" and name.endswith(".pdf")
    assert "Ann Abbott" in text_of(PdfReader(io.BytesIO(content)))
    assert batches.batch_counts(batch) == {"emailed": 1, "email_waiting": 0, "email_failed": 1}
    page = login(attendance_officer).get(f"/letters/batches/{batch.pk}/progress/").content.decode()
    assert "1 e-mailed, 1 could not be e-mailed." in page
    # Running the task again sends nothing more.
    LetterBatch.objects.filter(pk=batch.pk).update(status="rendering")
    run_batch(batch.pk)
    assert Email.objects.filter(letter__batch=batch).count() == 2 and len(mail.outbox) == 1


def test_the_progress_bar_says_how_many_are_ready(login, attendance_officer, school, three_pupils):
    # The broker is not reached here (no commit): the batch waits, building.
    batch = batches.batch_create(
        actor=attendance_officer, school=school, code="letter_1", pupil_ids=[p.pk for p in three_pupils],
        email_parents=False, description="Test set",
    )  # fmt: skip
    LetterBatch.objects.filter(pk=batch.pk).update(status="rendering", total=200, done=34)
    page = login(attendance_officer).get(f"/letters/batches/{batch.pk}/progress/").content.decode()
    assert 'aria-valuenow="34"' in page and 'aria-valuemax="200"' in page and "<progress" in page
    assert "34 of 200 letters ready." in page
    assert 'hx-trigger="every 2s"' in page  # still polling
    LetterBatch.objects.filter(pk=batch.pk).update(status="ready", done=200)
    page = login(attendance_officer).get(f"/letters/batches/{batch.pk}/progress/").content.decode()
    assert "hx-trigger" not in page and f"/letters/batches/{batch.pk}/letters.pdf" in page


def test_a_batch_the_broker_never_took_says_it_is_waiting(login, attendance_officer, school, three_pupils):
    # No commit here, so the broker never gets the task: as when it is down (enqueued_at stays empty).
    batch = batches.batch_create(
        actor=attendance_officer, school=school, code="letter_1", pupil_ids=[p.pk for p in three_pupils],
        email_parents=False, description="Test set",
    )  # fmt: skip
    client = login(attendance_officer)
    page = client.get(f"/letters/batches/{batch.pk}/progress/").content.decode()
    assert "Waiting for the background service" in page and "written so far" not in page
    LetterBatch.objects.filter(pk=batch.pk).update(enqueued_at=batch.created_at)
    page = client.get(f"/letters/batches/{batch.pk}/progress/").content.decode()
    assert "Writing the letters: 0 written so far." in page and "Waiting" not in page


def test_batch_pages_name_the_letter_not_its_code(login, attendance_officer, school, three_pupils):
    client = login(attendance_officer)
    assert "No letter batches yet." in client.get("/letters/batches/").content.decode()
    batch = batches.batch_create(
        actor=attendance_officer, school=school, code="certificate_full",
        pupil_ids=[p.pk for p in three_pupils], email_parents=False, description="Test set",
    )  # fmt: skip
    for url in (f"/letters/batches/{batch.pk}/", "/letters/batches/"):
        page = client.get(url).content.decode()
        assert "Certificate: 100% attendance" in page and "certificate_full" not in page


def test_the_sweep_queues_a_batch_the_broker_lost_but_not_its_letters_one_by_one(
    attendance_officer, school, three_pupils, monkeypatch
):
    batch = batches.batch_create(
        actor=attendance_officer, school=school, code="letter_1", pupil_ids=[p.pk for p in three_pupils],
        email_parents=False, description="Test set",
    )  # fmt: skip
    # No commit hook ran: never queued. The sweep queues it (eagerly here), and the batch is finished.
    counts = outbox.outbox_sweep()
    assert counts["batches"] == 1 and counts["letters"] == 0
    batch.refresh_from_db()
    assert batch.status == "ready" and batch.enqueued_at is not None
    assert outbox.outbox_sweep()["batches"] == 0


def test_the_per_letter_list_is_csv_safe_from_formulas(
    login, attendance_officer, school, own_class, django_capture_on_commit_callbacks
):
    pupil = f.PupilFactory(school=school, registration_class=own_class, legal_first_name='=HYPERLINK("x")')
    family(pupil, ("@SUM(A1)", "Parent", ""))
    batch = make_batch(attendance_officer, school, [pupil], django_capture_on_commit_callbacks)
    response = login(attendance_officer).get(f"/letters/batches/{batch.pk}/letters.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Letter number", "Pupil"]
    assert rows[1][1].startswith("'") and "=HYPERLINK" in rows[1][1]
    assert rows[1][4].startswith("'@SUM(A1)") and rows[1][7] == "Ready"


def test_review_page_lists_addressees_and_who_is_left_out_and_why(
    login, attendance_officer, sendco, school, three_pupils
):
    from graduated_response.models import Case, TierChange

    ada, ben, cleo = three_pupils
    ben.sen_provision = "K"  # SEN support: Letter 3 waits for the joint SENDCo review
    ben.save(update_fields=["sen_provision"])
    for pupil in three_pupils:
        case = Case.objects.create(school=school, pupil=pupil, current_tier=2, opened_on=date(2026, 11, 23))
        TierChange.objects.create(case=case, from_tier=None, to_tier=2, changed_on=date(2026, 11, 23))
    from graduated_response.send_gate import sanction_refusals

    # The review holds back a letter that warns of sanctions for Ben until the joint SENDCo review.
    rows = {
        row.pupil: row
        for row in batches.batch_review(pupils=three_pupils, code="letter_3", gate=sanction_refusals)
    }
    assert "joint" in rows[ben].reason.lower() and "SENDCo" in rows[ben].reason and not rows[ben].addressees
    assert rows[ada].reason == "" and len(rows[ada].addressees) == 1

    client = login(attendance_officer)
    page = client.get("/cases/letter-batches/new/?set=tier2_week&code=letter_1").content.decode()
    assert "Ann Abbott and Carl Abbott" in page
    assert "Cleo Cole" in page or str(cleo) in page
    assert "No contact with parental responsibility is recorded." in page
    assert "3 letters to the families of 2 pupils" in page
    # Letters 2 and 3 invite each family to its own meeting: written from the case, never in a batch.
    assert 'value="letter_2"' not in page and 'value="letter_3"' not in page


def test_the_batch_page_says_why_letters_2_and_3_are_not_offered_and_where_to_write_them(
    login, attendance_officer
):
    from django.urls import reverse

    page = login(attendance_officer).get(reverse("graduated_response:batch_choose")).content.decode()
    line = page.split('data-testid="batch-not-offered">')[1].split("</div>")[0]
    assert "Letters 2 and 3 are not offered here" in line and "its own meeting" in line
    assert f'href="{reverse("letters:meeting_list")}"' in line


def test_a_double_submit_makes_one_batch(login, attendance_officer, school, three_pupils, monkeypatch):
    client = login(attendance_officer)
    ada, ben, _ = three_pupils
    data = {
        "code": "letter_1",
        "pupil_ids": f"{ada.pk},{ben.pk}",
        "description": "Letter 1: a test set",
        "submission_token": "5a1e6c9e-0b7e-4c57-9d59-1d0c7c3e2f11",
    }
    first = client.post("/cases/letter-batches/run/", data)
    second = client.post("/cases/letter-batches/run/", data)
    assert LetterBatch.objects.count() == 1
    batch = LetterBatch.objects.get()
    assert first["Location"] == second["Location"] == f"/letters/batches/{batch.pk}/"
    assert batch.description == "Letter 1: a test set" and batch.created_by == attendance_officer


def test_a_class_teacher_cannot_run_a_batch(login, class_teacher, school, three_pupils):
    client = login(class_teacher)
    assert client.get("/cases/letter-batches/new/").status_code == 403
    assert client.post("/cases/letter-batches/run/", {"code": "letter_1"}).status_code == 403


def test_a_run_that_uses_its_time_queues_its_own_continuation(
    attendance_officer, school, three_pupils, django_capture_on_commit_callbacks, monkeypatch
):
    """Well before the task's time limit a run stops and queues the next, which carries on."""
    batch = batches.batch_create(
        actor=attendance_officer, school=school, code="letter_1", pupil_ids=[p.pk for p in three_pupils],
        email_parents=False, description="Test set",
    )  # fmt: skip
    queued = []  # the broker (the boundary) takes the continuation
    monkeypatch.setattr(run_batch, "apply_async", lambda args, **kwargs: queued.append(args))
    assert batches.batch_run(batch_id=batch.pk, budget=-1) == "continued"
    batch.refresh_from_db()
    assert batch.status == "building" and queued == [[batch.pk]] and not batch.letters.exists()
    assert batch.enqueued_at is not None
    assert batches.batch_run(batch_id=batch.pk) == "ready"
    assert batch.letters.count() == 3


def test_the_full_attendance_set_is_every_pupil_with_100_percent_this_term(
    login, attendance_officer, school, three_pupils
):
    from tests.graduated_response.conftest import fill_marks

    ada, ben, _ = three_pupils
    fill_marks(ada, date(2026, 11, 2), date(2026, 11, 20))
    fill_marks(ben, date(2026, 11, 2), date(2026, 11, 20), lambda d, s, i: "I" if i == 3 else None)
    fill_marks(ben, date(2026, 10, 1), date(2026, 10, 2), lambda d, s, i: "O")  # last half-term: not counted
    page = login(attendance_officer).get(
        "/cases/letter-batches/new/?set=full_attendance&code=certificate_full"
    )
    text = page.content.decode()
    assert "Ann Abbott and Carl Abbott" in text and "Bea Baker" not in text
    assert "1 letter to the families of 1 pupil" in text


def test_the_case_list_set_follows_the_dashboards_filter(login, attendance_officer, school, three_pupils):
    from graduated_response.models import Case

    ada, ben, _ = three_pupils
    Case.objects.create(school=school, pupil=ada, current_tier=3, opened_on=date(2026, 11, 2))
    Case.objects.create(school=school, pupil=ben, current_tier=2, opened_on=date(2026, 11, 2))
    client = login(attendance_officer)
    dashboard = client.get("/cases/?tier=3").content.decode()
    assert "/cases/letter-batches/new/?set=cases&amp;tier=3" in dashboard
    text = client.get("/cases/letter-batches/new/?set=cases&tier=3&code=termly_report").content.decode()
    assert "Ann Abbott and Carl Abbott" in text and "Bea Baker" not in text
    assert '<input type="hidden" name="tier" value="3">' in text  # kept when the letter is changed


def test_hostile_names_and_descriptions_print_literally(
    login, attendance_officer, school, own_class, django_capture_on_commit_callbacks
):
    pupil = f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="<script>alert(1)</script>"
    )
    family(pupil, ("{{ secret }}", "Parent", ""))
    client = login(attendance_officer)
    from graduated_response.models import Case, TierChange

    case = Case.objects.create(school=school, pupil=pupil, current_tier=2, opened_on=date(2026, 11, 23))
    TierChange.objects.create(case=case, from_tier=None, to_tier=2, changed_on=date(2026, 11, 23))
    review = client.get("/cases/letter-batches/new/?set=tier2_week&code=letter_1").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in review and "<script>alert(1)" not in review
    assert "{{ secret }} Parent" in review
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/cases/letter-batches/run/",
            {"code": "letter_1", "pupil_ids": str(pupil.pk), "description": "<b>{{ secret }}</b>"},
        )
    response = client.get(response["Location"])
    page = response.content.decode()
    assert "&lt;b&gt;{{ secret }}&lt;/b&gt;" in page and "<b>{{" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    batch = LetterBatch.objects.get()
    assert "<script>alert(1)</script>" in text_of(merged_pdf(batch))


def test_review_reads_every_pupils_addressees_in_one_query(school, own_class, django_assert_num_queries):
    """Looking up addressees does not cost a query per pupil: 3 pupils and 30 pupils, same count."""

    def pupils(n):
        found = []
        for i in range(n):
            pupil = f.PupilFactory(school=school, registration_class=own_class)
            family(pupil, (f"P{i}", "Parent", ""), (f"Q{i}", "Parent", ""), apart=bool(i % 2))
            found.append(pupil)
        return found

    few, many = pupils(3), pupils(30)
    with django_assert_num_queries(1):
        rows = batches.batch_review(pupils=few, code="letter_1")
    assert [len(row.addressees) for row in rows] == [1, 2, 1]
    with django_assert_num_queries(1):
        rows = batches.batch_review(pupils=many, code="letter_1")
    assert sum(len(row.addressees) for row in rows) == 45
