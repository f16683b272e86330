"""The attendance meetings list (letters/views_meetings.py meeting_list): read by the roles that read
meetings, and by a case's key adult (the world's class teacher), who sees the meetings of their own
cases' pupils only (see tests/security/matrix.py)."""

from tests.security.expectations.letters import READ_MEETINGS_PAGES
from tests.security.matrix import Expect

EXPECTATIONS = {
    "letters:meeting_list": Expect(get=READ_MEETINGS_PAGES),
}
