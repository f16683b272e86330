"""The first pupil passport written in two places at once: the later save is refused, not laid over
the earlier one (QA walk, issue 15: two adults opened "Write" before either saved, and the second
"Pupil passport saved." silently replaced the first adult's words)."""

import re

from school.models import AuditEntry
from send.models import PupilPassport


def _version(page) -> str:
    match = re.search(r'name="expected_version" value="(\d+)"', page.content.decode())
    assert match, "the passport form carries the version it was opened at"
    return match.group(1)


def _post(client, pupil, text, version):
    return client.post(
        f"/send/pupils/{pupil.pk}/passport/",
        {
            "liked_and_admired": text,
            "important_to_me": "",
            "how_to_support_me": "",
            "in_pupils_words": "on",
            "expected_version": version,
        },
    )


def test_second_first_passport_is_refused_and_says_who_wrote_it(
    client_for, class_teacher, teaching_assistant, pupil
):
    teacher, ta = client_for(class_teacher), client_for(teaching_assistant)
    teacher_version = _version(teacher.get(f"/send/pupils/{pupil.pk}/passport/"))
    ta_version = _version(ta.get(f"/send/pupils/{pupil.pk}/passport/"))
    assert teacher_version == ta_version == "0"

    assert _post(teacher, pupil, "I like lego", teacher_version).status_code == 302
    refused = _post(ta, pupil, "I like trains", ta_version)

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Someone else changed this while you were editing" in page
    assert "Your changes were not saved" in page
    assert "\u2018I like lego\u2019" in page  # what the first adult wrote...
    assert "(blank) to (blank)" not in page  # ...and not the parts nobody wrote
    assert PupilPassport.objects.get(pupil=pupil).liked_and_admired == "I like lego"
    actions = list(
        AuditEntry.objects.filter(action__startswith="send.passport.").values_list("action", flat=True)
    )
    assert actions == ["send.passport.created"]

    # Having seen the refusal, saving again is a deliberate choice, and it is saved.
    again = _post(ta, pupil, "I like trains", _version(refused))
    assert again.status_code == 302
    assert PupilPassport.objects.get(pupil=pupil).liked_and_admired == "I like trains"


def test_one_adult_writes_the_first_passport(login, class_teacher, pupil):
    client = login(class_teacher)
    version = _version(client.get(f"/send/pupils/{pupil.pk}/passport/"))
    response = _post(client, pupil, "I am kind", version)
    assert response.status_code == 302
    assert PupilPassport.objects.get(pupil=pupil).liked_and_admired == "I am kind"
