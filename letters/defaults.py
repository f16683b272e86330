"""The default text of every letter template, in plain, warm English, as a school gets it before
editing. Letters 1-3 and their a/b/c variants follow the school attendance policy's procedures (seed
004, Appendix 4: Tier 1 universal offer, Tier 2 challenge and support, Tier 3 enforcing support);
the SEND letters follow the SEND Code of Practice duty to tell parents when SEN provision is made
(6.43) and the annual review of an EHC plan. See docs/rules.md, "Letters".

Each body uses only the merge fields of letters/merge_fields.py (tests check it); the salutation,
letterhead, date, address block and signature are added by the page (templates/letters/pdf/).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULTS", "LEGAL_STEP_CODES", "SANCTION_CODES", "DefaultLetter", "CODES"]


@dataclass(frozen=True)
class DefaultLetter:
    code: str
    name: str
    kind: str  # LetterTemplate.Kind: "attendance" or "send"
    subject: str
    body_html: str


#: Letters that warn of sanctions: for a pupil on SEN support or with an EHC plan these need the joint
#: SENDCo review recorded first (graduated_response/send_gate.py).
SANCTION_CODES = frozenset({"letter_3", "letter_3a", "notice_to_improve", "penalty_warning"})

#: Letters that are a legal step themselves: only roles holding policy.VIEW_LEGAL_LETTERS open them
#: (letters.selectors.letters_for), so a case's key adult does not.
LEGAL_STEP_CODES = frozenset({"notice_to_improve"})

_FIGURES = (
    "<p>From {figures_from} to {figures_to}, {pupil_first_name}'s attendance was "
    "<strong>{attendance_pct}</strong>. That is {sessions_missed_words} "
    "({sessions_authorised} authorised, {sessions_unauthorised} unauthorised), about {days_lost_words}, "
    "or {hours_lost_words} of learning.</p>"
)

_DEFAULTS = [
    DefaultLetter(
        "letter_1",
        "Letter 1: attendance initial concerns",
        "attendance",
        "{pupil_first_name}'s attendance at school",
        "<p>Dear {contact_name},</p>"
        "<p>We are writing because we have noticed that {pupil_first_name} has been missing school, "
        "and we would like to help.</p>" + _FIGURES + "<p>Every day in school matters: it is where "
        "{pupil_first_name} learns, sees friends and feels part of the class. Our school's target is "
        "{attendance_target}.</p>"
        "<p>If something is making it hard for {pupil_first_name} to come to school, please tell us. "
        "It may be health, worries, something at home or something at school. We would like to meet "
        "you to talk about it and see what support would help. Please contact {staff_name} at the "
        "school office to arrange a time.</p>"
        "<p>Thank you for your support.</p>",
    ),
    DefaultLetter(
        "letter_2",
        "Letter 2: invitation to a School Attendance Meeting",
        "attendance",
        "Invitation to a School Attendance Meeting about {pupil_first_name}",
        "<p>Dear {contact_name},</p>"
        "<p>We are still worried about {pupil_first_name}'s attendance, and we would like to meet you "
        "to agree together how we can help.</p>" + _FIGURES + "<p>We have arranged a School Attendance "
        "Meeting on <strong>{meeting_date} at {meeting_time}</strong> in {meeting_place}. At the "
        "meeting we will listen to you and to {pupil_first_name}, talk about what is getting in the way, "
        "and agree a few clear targets and the support the school will give.</p>"
        "<p>If this time is difficult, please contact us straight away and we will find another. You "
        "are welcome to bring someone with you.</p>"
        "<p>We look forward to seeing you.</p>",
    ),
    DefaultLetter(
        "letter_2a",
        "Letter 2a: School Attendance Meeting not attended",
        "attendance",
        "We missed you at the meeting about {pupil_first_name}",
        "<p>Dear {contact_name},</p>"
        "<p>We were sorry not to see you at the School Attendance Meeting on {meeting_date} about "
        "{pupil_first_name}'s attendance.</p>" + _FIGURES + "<p>It is important that we talk together "
        "soon, so that we can agree the support {pupil_first_name} needs. Please contact {staff_name} "
        "within the next five school days to arrange a new meeting.</p>"
        "<p>If you cannot come into school, tell us and we will arrange a call or another way to "
        "meet.</p>",
    ),
    DefaultLetter(
        "letter_2b",
        "Letter 2b: School Attendance Meeting targets",
        "attendance",
        "The targets we agreed for {pupil_first_name}",
        "<p>Dear {contact_name},</p>"
        "<p>Thank you for meeting us on {meeting_date} to talk about {pupil_first_name}'s attendance. "
        "This letter confirms what we agreed together.</p>"
        "<p>The targets are:</p>{meeting_targets}"
        "<p>We will look at how things are going on the review dates above. If anything changes, or "
        "the support is not helping, please tell us before then.</p>"
        "<p>Thank you for working with us.</p>",
    ),
    DefaultLetter(
        "letter_2c",
        "Letter 2c: School Attendance Meeting targets met",
        "attendance",
        "Well done: {pupil_first_name}'s attendance has improved",
        "<p>Dear {contact_name},</p>"
        "<p>We are delighted to tell you that {pupil_first_name} has met the attendance targets we "
        "agreed at our meeting on {meeting_date}.</p>"
        "<p>{pupil_first_name}'s attendance is now <strong>{attendance_pct}</strong>. Thank you: we "
        "know this takes effort from the whole family.</p>"
        "<p>We will keep supporting {pupil_first_name}. Please keep in touch if anything makes coming "
        "to school harder.</p>",
    ),
    DefaultLetter(
        "letter_3",
        "Letter 3: invitation to a School Attendance Panel",
        "attendance",
        "Invitation to a School Attendance Panel about {pupil_first_name}",
        "<p>Dear {contact_name},</p>"
        "<p>At our School Attendance Meeting we agreed targets for {pupil_first_name}'s attendance. "
        "Sadly these have not been met, and we are now very concerned.</p>" + _FIGURES + "<p>We invite "
        "you to a School Attendance Panel on <strong>{meeting_date} at {meeting_time}</strong> in "
        "{meeting_place}. Senior staff will meet you to agree a plan of support, which may include an "
        "attendance contract and help from other services.</p>"
        "<p>Please understand that parents have a legal duty to make sure their child attends school "
        "regularly. If attendance does not improve, the school and the local authority may have to "
        "consider formal steps, such as a notice to improve or a penalty notice. We would much rather "
        "work this out together, so please come to the panel or contact {staff_name} if the time is "
        "difficult.</p>",
    ),
    DefaultLetter(
        "letter_3a",
        "Letter 3a: School Attendance Panel not attended",
        "attendance",
        "We missed you at the School Attendance Panel about {pupil_first_name}",
        "<p>Dear {contact_name},</p>"
        "<p>You were invited to a School Attendance Panel on {meeting_date} about "
        "{pupil_first_name}'s attendance, and we were sorry that you could not come.</p>" + _FIGURES + ""
        "<p>Please contact {staff_name} within five school days so that we can agree a plan of support "
        "with you. If attendance does not improve and we cannot meet, the school may need to ask the "
        "local authority to consider formal steps, such as a notice to improve or a penalty notice.</p>"
        "<p>We still want to help, and it is not too late to talk.</p>",
    ),
    DefaultLetter(
        "letter_3b",
        "Letter 3b: School Attendance Panel targets",
        "attendance",
        "The plan we agreed for {pupil_first_name} at the School Attendance Panel",
        "<p>Dear {contact_name},</p>"
        "<p>Thank you for meeting the School Attendance Panel on {meeting_date}. This letter confirms "
        "the plan we agreed to help {pupil_first_name} attend school every day.</p>"
        "<p>The targets are:</p>{meeting_targets}"
        "<p>We will review progress on the dates above. If the support is not working, please tell us "
        "straight away so that we can change it together.</p>",
    ),
    DefaultLetter(
        "letter_3c",
        "Letter 3c: School Attendance Panel targets met",
        "attendance",
        "Thank you: {pupil_first_name} has met the panel's targets",
        "<p>Dear {contact_name},</p>"
        "<p>We are very pleased to tell you that {pupil_first_name} has met the targets agreed at the "
        "School Attendance Panel on {meeting_date}. Attendance is now <strong>{attendance_pct}</strong>."
        "</p><p>Thank you for all you have done. We will keep supporting {pupil_first_name}, and our "
        "door is always open.</p>",
    ),
    DefaultLetter(
        "persistent_absence",
        "Persistent absence",
        "attendance",
        "{pupil_first_name} has missed 10% or more of school",
        "<p>Dear {contact_name},</p>"
        "<p>{pupil_first_name} has now missed 10% or more of school this year, which the Department for "
        "Education calls persistent absence.</p>" + _FIGURES + "<p>Missing this much school makes it "
        "harder to keep up with learning and friendships. We would like to work with you to help "
        "{pupil_first_name} attend every day. Please contact {staff_name} so that we can talk about "
        "any support that would help.</p>",
    ),
    DefaultLetter(
        "certificate_full",
        "Certificate: 100% attendance",
        "attendance",
        "Certificate of 100% attendance for {pupil_full_name}",
        "<h1>Certificate of attendance</h1>"
        "<p>This certificate is awarded to <strong>{pupil_full_name}</strong> of {class_name} for "
        "<strong>100% attendance</strong> from {figures_from} to {figures_to}.</p>"
        "<p>Every single day counted. Well done, {pupil_first_name}, and thank you to your family for "
        "their support!</p>",
    ),
    DefaultLetter(
        "certificate_improved",
        "Certificate: improved attendance",
        "attendance",
        "Certificate of improved attendance for {pupil_full_name}",
        "<h1>Certificate of improvement</h1>"
        "<p>This certificate is awarded to <strong>{pupil_full_name}</strong> of {class_name} for "
        "<strong>improving their attendance</strong> to {attendance_pct}.</p>"
        "<p>We are proud of you, {pupil_first_name}. Keep it up!</p>",
    ),
    DefaultLetter(
        "termly_report",
        "Termly attendance report",
        "attendance",
        "{pupil_first_name}'s attendance this term",
        "<p>Dear {contact_name},</p>"
        "<p>Here is {pupil_first_name}'s attendance from {figures_from} to {figures_to}.</p>"
        "<ul><li>Attendance: <strong>{attendance_pct}</strong> (our school's target is "
        "{attendance_target})</li><li>Sessions missed: {sessions_missed} ({sessions_authorised} "
        "authorised, {sessions_unauthorised} unauthorised)</li><li>Times late: {lates}</li></ul>"
        "<p>The chart below shows {pupil_first_name}'s attendance beside the school's target.</p>"
        "<p>Thank you for helping {pupil_first_name} come to school every day. If you have any "
        "questions, please contact the school office.</p>",
    ),
    DefaultLetter(
        "notice_to_improve",
        "Notice to improve",
        "attendance",
        "Notice to improve {pupil_first_name}'s attendance",
        "<p>Dear {contact_name},</p>"
        "<p>We have been working with you about {pupil_first_name}'s attendance, but it has not "
        "improved enough.</p>" + _FIGURES + "<p>This letter is a <strong>notice to improve</strong>. "
        "It gives a last chance for attendance to improve, with support, before a penalty notice is "
        "considered. The improvement period runs from <strong>{period_start}</strong> to "
        "<strong>{period_end}</strong>.</p>"
        "<p>During this period we expect {pupil_first_name} to attend every day, on time, unless they "
        "are ill or there is another good reason that the school has agreed. The support we offer is "
        "described in the plan we agreed with you. If attendance does not improve enough by the end of "
        "the period, a penalty notice may be issued.</p>"
        "<p>Please contact {staff_name} if you would like to talk about this or about more support.</p>",
    ),
    DefaultLetter(
        "attendance_contract",
        "Attendance contract",
        "attendance",
        "Attendance contract for {pupil_first_name}",
        "<p>Dear {contact_name},</p>"
        "<p>Thank you for agreeing to an attendance contract to help {pupil_first_name} come to school "
        "regularly. It is a voluntary agreement between you and the school, and it runs from "
        "{period_start} to {period_end}.</p>" + _FIGURES + "<p>What we agreed:</p>{meeting_targets}"
        "<p>We will review the contract together. If you need more help at any point, please contact "
        "{staff_name}.</p>",
    ),
    DefaultLetter(
        "penalty_warning",
        "Penalty notice warning",
        "attendance",
        "Warning: a penalty notice may be issued for {pupil_first_name}'s absence",
        "<p>Dear {contact_name},</p>"
        "<p>{pupil_first_name} has had {unauthorised_last_10_weeks_words} of unauthorised absence in "
        "the last 10 school weeks.</p>" + _FIGURES + "<p>Parents have a legal duty to make sure their "
        "child attends school regularly. Under the national framework, the local authority may issue a "
        "<strong>penalty notice</strong> of {penalty_amount} to each parent. We do not want to do this, "
        "and it can still be avoided if {pupil_first_name} attends every day from now on.</p>"
        "<p>Please contact {staff_name} straight away if there is a reason for these absences that we do "
        "not know about, or if you need support.</p>",
    ),
    DefaultLetter(
        "send_provision",
        "SEN provision is being made",
        "send",
        "Special educational provision for {pupil_first_name}",
        "<p>Dear {contact_name},</p>"
        "<p>We are writing to let you know that the school is now making special educational provision "
        "for {pupil_first_name}, as the SEND Code of Practice asks us to tell you. This means "
        "{pupil_first_name} is on the school's SEN support register.</p>"
        "<p>The support planned is: {provision_summary}</p>"
        "<p>We will work with you and {pupil_first_name} to plan, try and review this support, and we "
        "would like to hear your views. Please contact {staff_name}, our SENDCo, if you have any "
        "questions.</p>",
    ),
    DefaultLetter(
        "send_review_invite",
        "Invitation to a SEN support review",
        "send",
        "Invitation to review {pupil_first_name}'s SEN support",
        "<p>Dear {contact_name},</p>"
        "<p>We would like to invite you to a review of the support {pupil_first_name} receives, on "
        "<strong>{meeting_date} at {meeting_time}</strong> in {meeting_place}.</p>"
        "<p>We will look at how {pupil_first_name} is getting on, what is working and what we should "
        "change. Your views and {pupil_first_name}'s views matter: it may help to jot down anything you "
        "would like to say.</p>"
        "<p>If this time is difficult, please contact {staff_name} and we will find another.</p>",
    ),
    DefaultLetter(
        "ehcp_review_invite",
        "Invitation to an EHC plan annual review",
        "send",
        "Invitation to the annual review of {pupil_first_name}'s EHC plan",
        "<p>Dear {contact_name},</p>"
        "<p>It is time for the annual review of {pupil_first_name}'s education, health and care plan. "
        "We invite you to the review meeting on <strong>{meeting_date} at {meeting_time}</strong> in "
        "{meeting_place}.</p>"
        "<p>At the meeting we will look at the progress {pupil_first_name} has made towards the plan's "
        "outcomes and whether the plan needs to change. We will also ask for your views, and "
        "{pupil_first_name}'s, before the meeting.</p>"
        "<p>If you cannot come at this time, please contact {staff_name} as soon as you can.</p>",
    ),
    DefaultLetter(
        "ehcp_review_moved",
        "EHC plan review meeting moved",
        "send",
        "The review meeting for {pupil_first_name}'s EHC plan has moved",
        "<p>Dear {contact_name},</p>"
        "<p>We wrote to invite you to the review meeting of {pupil_first_name}'s education, health and "
        "care plan. The meeting has moved. It will now be on <strong>{meeting_date} at {meeting_time}"
        "</strong> in {meeting_place}.</p>"
        "<p>Everything else in our invitation stays the same. We are sorry for any trouble this "
        "causes.</p>"
        "<p>If you cannot come at the new time, please contact {staff_name} as soon as you can.</p>",
    ),
]

DEFAULTS: dict[str, DefaultLetter] = {letter.code: letter for letter in _DEFAULTS}
CODES: tuple[str, ...] = tuple(DEFAULTS)
