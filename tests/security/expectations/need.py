"""Who may use the pages of need to know and the session-end warning (issue 15).

"Stay signed in" (accounts:session_keepalive) is a POST for anyone signed in, as the security page is
for GET; it counts as activity and changes nothing else. The SEND pages the office and the DSL lost
(need to know: school.policy.VIEW_SEND) are in tests/security/expectations/send.py, which reads the
capabilities from the table.
"""

from tests.security.matrix import EVERY_STAFF_ROLE, NOBODY, Expect

EXPECTATIONS = {
    "accounts:session_keepalive": Expect(get=NOBODY, post=EVERY_STAFF_ROLE),
}
