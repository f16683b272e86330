"""Who may open letters (see tests/security/matrix.py).

A letter is reachable by roles that may see its pupil and open its kind: views requests (SEND) by
VIEW_SEND roles, class teachers and TAs only for their own classes. Governors and trust leads reach none.
A notice to improve's letter (a legal step) is reached only by VIEW_LEGAL_LETTERS roles, the key adult
not included: the matrix has one row per URL, so that letter's row is
tests/graduated_response/test_legal_step_letters.py (LEGAL_LETTER below names the roles).
"""

from letters import template_services
from letters.models import Email, Letter
from letters.services import letter_render
from school import policy
from tests.security.matrix import NOBODY, Expect, roles_with, roles_with_any

VIEW_LETTER = roles_with(policy.VIEW_PUPILS, policy.VIEW_SEND) - {"other_school_teacher"}
LEGAL_LETTER = roles_with(policy.VIEW_LEGAL_LETTERS)
# Letter templates (letters/template_policy.py): the list for VIEW_CASES roles (it shows only the
# kinds each may edit); attendance templates edited by MANAGE_CASES roles (headteacher, attendance
# officer), SEND templates by MANAGE_SEND roles (SENDCo, headteacher); the letterhead by the
# headteacher. Governors, teachers, TAs and the office see none of it.
TEMPLATE_LIST = roles_with(policy.VIEW_CASES)
EDIT_ATTENDANCE = roles_with(policy.VIEW_CASES, policy.MANAGE_CASES)
EDIT_SEND = roles_with(policy.VIEW_CASES, policy.MANAGE_SEND)
SEND_EMAIL = roles_with(policy.VIEW_PUPILS, policy.MANAGE_SEND) - {"other_school_teacher"}
# Meetings: read by case viewers; attendance meetings planned and recorded by case managers; a joint
# SENDCo review also by the SENDCo (letters/views_meetings.py).
READ_MEETINGS = roles_with(policy.VIEW_CASES)
# The pages that only read meetings (detail, PDF, the case panel, targets due): the world's class
# teacher too, as the key adult of world.pupil's case (tests/security/expectations/graduated_response.py).
READ_MEETINGS_PAGES = READ_MEETINGS | {"class_teacher"}
MANAGE_MEETINGS = roles_with(policy.MANAGE_CASES)
PLAN_MEETINGS = roles_with_any(policy.MANAGE_CASES, policy.MANAGE_SEND) & READ_MEETINGS
# Letter batches: the attendance officer and the headteacher (whole-school sets of letters).
BATCHES = roles_with(policy.MANAGE_CASES)


def _letter(world, pupil, name):
    letter = Letter.objects.create(
        school=pupil.school,
        pupil=pupil,
        kind=Letter.Kind.VIEWS_REQUEST,
        school_name=pupil.school.name,
        letter_date="2026-11-23",
        subject="Your views",
        body_html="<p>Dear parent</p>",
        created_by=world.users["sendco"],
        created_at="2026-11-23T09:00:00Z",
        stored_name=f"{name}.pdf",
    )
    setattr(world, name, letter)
    return letter


def _email(world, pupil, name):
    email = Email.objects.create(
        school=pupil.school,
        pupil=pupil,
        kind=Email.Kind.VIEWS_REQUEST,
        to="parent@example.invalid",
        subject="Your views",
        body="Dear parent",
        status=Email.Status.FAILED,
        error="SMTPException: test",
        created_by=world.users["sendco"],
        created_at="2026-11-23T09:00:00Z",
    )
    setattr(world, name, email)
    return email


def _meetings(world, pupil, name):
    """A planned SAM with one target, and a planned joint review, about `pupil`."""
    from datetime import date

    from letters.models import Meeting, MeetingTarget

    by = world.users["attendance_officer"]
    sam = Meeting.objects.create(
        school=pupil.school, pupil=pupil, kind="sam", planned_on=date(2026, 11, 23), created_by=by
    )
    review = Meeting.objects.create(
        school=pupil.school, pupil=pupil, kind="send_review", planned_on=date(2026, 11, 23), created_by=by
    )
    target = MeetingTarget.objects.create(
        meeting=sam, text="Arrive by 8.50am", owner="Mum", review_on=date(2026, 12, 4)
    )
    setattr(world, f"{name}sam", sam)
    setattr(world, f"{name}review", review)
    setattr(world, f"{name}target", target)


def _batch(world, school, pupil, name):
    """A ready batch (its merged PDF stored) with one failed letter to try again."""
    from letters.models import LetterBatch
    from school.private_files import save_private_file

    batch = LetterBatch.objects.create(
        school=school,
        code="letter_1",
        description="Entered Tier 2 this week",
        pupil_ids=[pupil.pk],
        created_by=world.users["attendance_officer"],
        created_at="2026-11-23T09:00:00Z",
        status="ready",
        total=1,
        failed=1,
        stored_name=f"{name}.pdf",
    )
    save_private_file(batch.private_file_name(), b"%PDF-1.4 test")
    letter = _letter(world, pupil, f"{name}_letter")
    Letter.objects.filter(pk=letter.pk).update(batch=batch, status="failed", error="test")
    setattr(world, name, batch)


def setup(world):
    _meetings(world, world.pupil, "")
    _meetings(world, world.other_class_pupil, "other_class_")
    _meetings(world, world.other_school_pupil, "foreign_")
    _batch(world, world.school, world.pupil, "batch")
    _batch(world, world.other_school, world.other_school_pupil, "foreign_batch")
    _email(world, world.pupil, "email")
    _email(world, world.other_class_pupil, "other_class_email")
    _email(world, world.other_school_pupil, "foreign_email")
    letter_render(letter_id=_letter(world, world.pupil, "letter").pk)  # served as a PDF
    _letter(world, world.other_class_pupil, "other_class_letter")
    _letter(world, world.other_school_pupil, "foreign_letter")
    # Letter templates: one attendance and one SEND template of the world's school, one of another's.
    templates = template_services.school_templates(world.school)
    world.attendance_template = templates["letter_1"]
    world.send_template = templates["send_provision"]
    world.foreign_template = template_services.school_templates(world.other_school)["letter_1"]


EXPECTATIONS = {
    # Every role that sees the pupil sees the panel; it lists only the letters that role may open.
    "letters:panel_pupil": Expect(
        get=roles_with(policy.VIEW_PUPILS) - {"other_school_teacher"},
        kwargs=lambda w: {"pk": w.pupil.pk},
        foreign=lambda w: {"pk": w.other_school_pupil.pk},
        class_scoped=lambda w: {"pk": w.other_class_pupil.pk},
    ),
    "letters:letter_download": Expect(
        get=VIEW_LETTER,
        kwargs=lambda w: {"pk": w.letter.pk},
        foreign=lambda w: {"pk": w.foreign_letter.pk},
        class_scoped=lambda w: {"pk": w.other_class_letter.pk},
    ),
    # POST only; trying again an already rendered letter changes nothing and shows it.
    "letters:letter_retry": Expect(
        get=NOBODY,
        post=VIEW_LETTER,
        kwargs=lambda w: {"pk": w.letter.pk},
        foreign=lambda w: {"pk": w.foreign_letter.pk},
        class_scoped=lambda w: {"pk": w.other_class_letter.pk},
    ),
    # POST only; sending again a failed or waiting e-mail (SENDCo work), back to the page it was on.
    "letters:email_retry": Expect(
        get=NOBODY,
        post=SEND_EMAIL,
        kwargs=lambda w: {"pk": w.email.pk},
        foreign=lambda w: {"pk": w.foreign_email.pk},
        class_scoped=lambda w: {"pk": w.other_class_email.pk},
    ),
    # --- meetings ---
    "letters:meeting_plan": Expect(
        get=PLAN_MEETINGS,
        post=PLAN_MEETINGS,
        kwargs=lambda w: {"pk": w.pupil.pk},
        foreign=lambda w: {"pk": w.other_school_pupil.pk},
        class_scoped=lambda w: {"pk": w.other_class_pupil.pk},
    ),
    "letters:meeting_detail": Expect(
        get=READ_MEETINGS_PAGES,
        kwargs=lambda w: {"pk": w.sam.pk},
        foreign=lambda w: {"pk": w.foreign_sam.pk},
        class_scoped=lambda w: {"pk": w.other_class_sam.pk},
    ),
    "letters:meeting_pdf": Expect(
        get=READ_MEETINGS_PAGES,
        kwargs=lambda w: {"pk": w.sam.pk},
        foreign=lambda w: {"pk": w.foreign_sam.pk},
        class_scoped=lambda w: {"pk": w.other_class_sam.pk},
    ),
    "letters:panel_case_meetings": Expect(
        get=READ_MEETINGS_PAGES,
        kwargs=lambda w: {"pk": w.pupil.pk},
        foreign=lambda w: {"pk": w.other_school_pupil.pk},
        class_scoped=lambda w: {"pk": w.other_class_pupil.pk},
    ),
    "letters:targets_due": Expect(get=READ_MEETINGS_PAGES),
    # The joint review's record: the SENDCo too.
    "letters:meeting_record": Expect(
        get=PLAN_MEETINGS,
        post=PLAN_MEETINGS,
        kwargs=lambda w: {"pk": w.review.pk},
        foreign=lambda w: {"pk": w.foreign_review.pk},
        class_scoped=lambda w: {"pk": w.other_class_review.pk},
    ),
    # A SAM's record, moves, targets and letters: case managers only.
    "letters:meeting_edit": Expect(
        get=MANAGE_MEETINGS,
        post=MANAGE_MEETINGS,
        kwargs=lambda w: {"pk": w.sam.pk},
        foreign=lambda w: {"pk": w.foreign_sam.pk},
        class_scoped=lambda w: {"pk": w.other_class_sam.pk},
    ),
    "letters:meeting_not_attended": Expect(
        get=MANAGE_MEETINGS,
        post=MANAGE_MEETINGS,
        kwargs=lambda w: {"pk": w.sam.pk},
        foreign=lambda w: {"pk": w.foreign_sam.pk},
        class_scoped=lambda w: {"pk": w.other_class_sam.pk},
    ),
    "letters:meeting_cancel": Expect(
        get=MANAGE_MEETINGS,
        post=MANAGE_MEETINGS,
        kwargs=lambda w: {"pk": w.sam.pk},
        foreign=lambda w: {"pk": w.foreign_sam.pk},
        class_scoped=lambda w: {"pk": w.other_class_sam.pk},
    ),
    "letters:meeting_target_add": Expect(
        get=NOBODY,
        post=MANAGE_MEETINGS,
        kwargs=lambda w: {"pk": w.sam.pk},
        foreign=lambda w: {"pk": w.foreign_sam.pk},
        class_scoped=lambda w: {"pk": w.other_class_sam.pk},
    ),
    "letters:meeting_letters": Expect(
        get=NOBODY,
        post=MANAGE_MEETINGS,
        kwargs=lambda w: {"pk": w.sam.pk},
        foreign=lambda w: {"pk": w.foreign_sam.pk},
        class_scoped=lambda w: {"pk": w.other_class_sam.pk},
    ),
    "letters:target_review": Expect(
        get=MANAGE_MEETINGS,
        post=MANAGE_MEETINGS,
        kwargs=lambda w: {"pk": w.target.pk},
        foreign=lambda w: {"pk": w.foreign_target.pk},
        class_scoped=lambda w: {"pk": w.other_class_target.pk},
    ),
    "letters:batch_list": Expect(get=BATCHES),
    "letters:batch_detail": Expect(
        get=BATCHES, kwargs=lambda w: {"pk": w.batch.pk}, foreign=lambda w: {"pk": w.foreign_batch.pk}
    ),
    "letters:panel_batch_progress": Expect(
        get=BATCHES, kwargs=lambda w: {"pk": w.batch.pk}, foreign=lambda w: {"pk": w.foreign_batch.pk}
    ),
    "letters:batch_pdf": Expect(
        get=BATCHES, kwargs=lambda w: {"pk": w.batch.pk}, foreign=lambda w: {"pk": w.foreign_batch.pk}
    ),
    "letters:batch_letter_list": Expect(
        get=BATCHES, kwargs=lambda w: {"pk": w.batch.pk}, foreign=lambda w: {"pk": w.foreign_batch.pk}
    ),
    # POST only; puts the failed letter back to be prepared and the batch back to rendering.
    "letters:batch_letter_retry": Expect(
        get=NOBODY,
        post=BATCHES,
        kwargs=lambda w: {"pk": w.batch.pk, "letter_pk": w.batch_letter.pk},
        foreign=lambda w: {"pk": w.foreign_batch.pk, "letter_pk": w.foreign_batch_letter.pk},
    ),
    "letters:template_list": Expect(get=TEMPLATE_LIST),
    # Saving with empty data refuses the form (nothing saved); a POST for a SEND template is tried too.
    "letters:template_edit": Expect(
        get=EDIT_ATTENDANCE,
        post=EDIT_ATTENDANCE,
        kwargs=lambda w: {"pk": w.attendance_template.pk},
        foreign=lambda w: {"pk": w.foreign_template.pk},
    ),
    "letters:template_translate": Expect(
        get=EDIT_SEND,
        kwargs=lambda w: {"pk": w.send_template.pk},
        foreign=lambda w: {"pk": w.foreign_template.pk},
    ),
    "letters:template_history": Expect(
        get=EDIT_SEND,
        kwargs=lambda w: {"pk": w.send_template.pk},
        foreign=lambda w: {"pk": w.foreign_template.pk},
    ),
    "letters:template_preview": Expect(
        get=NOBODY,
        post=EDIT_ATTENDANCE,
        kwargs=lambda w: {"pk": w.attendance_template.pk},
        post_data=lambda w: {
            "subject": "Hello {pupil_first_name}",
            "body_html": "<p>Hi</p>",
            "pupil": w.pupil.pk,
        },
        foreign=lambda w: {"pk": w.foreign_template.pk},
    ),
    "letters:template_preview_pdf": Expect(
        get=NOBODY,
        post=EDIT_SEND,
        kwargs=lambda w: {"pk": w.send_template.pk},
        post_data=lambda w: {
            "subject": "Hello {pupil_first_name}",
            "body_html": "<p>Hi</p>",
            "pupil": w.pupil.pk,
        },
        foreign=lambda w: {"pk": w.foreign_template.pk},
    ),
    "letters:letterhead_edit": Expect(
        get=roles_with(policy.MANAGE_SCHOOL), post=roles_with(policy.MANAGE_SCHOOL)
    ),
}
