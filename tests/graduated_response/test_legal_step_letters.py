"""A notice to improve is a legal step: its letter is read by the attendance officer, the headteacher and
the DSL only (policy.VIEW_LEGAL_LETTERS). A case's key adult still reads the case's other letters, and
the SENDCo, who reads attendance letters, does not read this one."""

from datetime import date

import pytest
from django.urls import reverse

from graduated_response.models import Case, CommunicationLog
from letters.models import Letter
from tests.security.expectations.letters import LEGAL_LETTER

pytestmark = pytest.mark.django_db


def _letter(pupil, by, code, subject):
    return Letter.objects.create(
        school=pupil.school,
        pupil=pupil,
        kind=Letter.Kind.ATTENDANCE,
        code=code,
        school_name=pupil.school.name,
        letter_date=date(2026, 11, 23),
        subject=subject,
        body_html="<p>Dear parent</p>",
        created_by=by,
        created_at="2026-11-23T09:00:00Z",
        stored_name=f"{code}-{pupil.pk}.pdf",
    )


@pytest.fixture
def letters(pupil, class_teacher, attendance_officer):
    case = Case.objects.create(
        school=pupil.school, pupil=pupil, current_tier=3, opened_on=date(2026, 11, 2), key_adult=class_teacher
    )
    nti = _letter(pupil, attendance_officer, "notice_to_improve", "Notice to improve attendance")
    first = _letter(pupil, attendance_officer, "letter_1", "Attendance at school")
    for letter, summary in (
        (nti, "Notice to improve: period of 4 weeks"),
        (first, "Letter 1: entered Tier 2"),
    ):
        CommunicationLog.objects.create(
            case=case,
            kind=CommunicationLog.Kind.LETTER,
            happened_on=date(2026, 11, 23),
            with_whom="Mother",
            summary=summary,
            recorded_by=attendance_officer,
            letter=letter,
        )
    return {"case": case, "nti": nti, "letter_1": first}


@pytest.mark.parametrize(
    ("persona", "sees_notice"),
    [
        ("attendance_officer", True),
        ("headteacher", True),
        ("dsl", True),
        ("class_teacher", False),  # the case's key adult
        ("sendco", False),
    ],
)
def test_only_the_officer_head_and_dsl_open_the_notice_to_improve_letter(
    request, client_for, letters, persona, sees_notice
):
    client = client_for(request.getfixturevalue(persona))
    nti = client.get(reverse("letters:letter_download", args=[letters["nti"].pk]))
    assert nti.status_code == (200 if sees_notice else 404)
    # The case's other letters stay open to every reader of the case, the key adult included.
    assert client.get(reverse("letters:letter_download", args=[letters["letter_1"].pk])).status_code == 200
    page = client.get(reverse("graduated_response:case_detail", args=[letters["case"].pk])).content.decode()
    assert "Letter 1: entered Tier 2" in page
    assert ("Notice to improve: period of 4 weeks" in page) is sees_notice
    assert ("Notice to improve attendance" in page) is sees_notice  # the case's list of letters
    assert (f'href="{reverse("letters:letter_download", args=[letters["nti"].pk])}"' in page) is sees_notice


def test_the_matrix_names_the_same_roles():
    assert LEGAL_LETTER == {"attendance_officer", "headteacher", "dsl"}
