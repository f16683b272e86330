"""Each role signs in through the real form and sees its own navigation; class teachers are kept to
their own classes."""

import pytest

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What each role's navigation must and must not offer.
NAVIGATION = {
    "headteacher": ({"Pupils", "Registers", "Attendance", "SEND", "Cases", "School set-up"}, set()),
    "sendco": ({"Pupils", "SEND", "Cases"}, {"School set-up", "Absence"}),
    "attendance_officer": (
        {"Pupils", "Registers", "Absence", "Attendance", "Cases"},
        {"School set-up", "SEND"},
    ),
    "office_staff": ({"Pupils", "Registers", "Absence"}, {"School set-up", "SEND", "Cases"}),
    "class_teacher": (
        {"Pupils", "Registers", "My class SEND"},
        {"School set-up", "Absence", "Cases", "SEND"},
    ),
    "teaching_assistant": ({"Pupils", "My class SEND"}, {"Registers", "School set-up", "Absence", "Cases"}),
    "governor": ({"Reports"}, {"Pupils", "Registers", "SEND", "Cases", "Absence", "My class SEND"}),
}


@pytest.mark.parametrize("role", sorted(NAVIGATION))
def test_each_role_sees_its_own_navigation(role, page, live_server, sign_in_browser, request):
    user = request.getfixturevalue(role)
    sign_in_browser(page, user)
    labels = set(page.get_by_test_id("main-nav").locator("a").all_inner_texts())
    labels = {label.strip() for label in labels}
    must, must_not = NAVIGATION[role]
    assert must <= labels, f"{role} is missing {must - labels}"
    assert not (must_not & labels), f"{role} should not see {must_not & labels}"


def test_class_teacher_cannot_open_a_pupil_from_another_class(
    page, live_server, sign_in_browser, class_teacher, own_class, other_class
):
    mine = f.PupilFactory(school=own_class.school, registration_class=own_class, legal_first_name="Rowan")
    theirs = f.PupilFactory(
        school=other_class.school, registration_class=other_class, legal_first_name="Sorrel"
    )
    sign_in_browser(page, class_teacher)

    page.goto(f"{live_server.url}/school/pupils/")
    table = page.locator("main").inner_text()
    assert "Rowan" in table and "Sorrel" not in table

    response = page.goto(f"{live_server.url}/school/pupils/{mine.pk}/")
    assert response.status == 200 and "Rowan" in page.locator("main").inner_text()

    response = page.goto(f"{live_server.url}/school/pupils/{theirs.pk}/")
    assert response.status == 404
    assert "Sorrel" not in page.content()
