"""The SENDCo's deadline calendar and its private iCalendar link (issue 13).

The calendar and making or revoking a link are for the SENDCo and the headteacher (MANAGE_SEND).
Revoking reaches only the user's own link: the world's link belongs to the SENDCo, so the
headteacher's POST is a 404. The .ics feed needs no session (a calendar app cannot sign in): the
token is the credential, so with a wrong token every role, and anonymous, gets 404.
"""

from school import policy
from send.models import CalendarFeed
from send.models_calendar import token_hash
from tests.security.matrix import NOBODY, Expect, roles_with

MANAGE = roles_with(policy.MANAGE_SEND)


def setup(world):
    world.calendar_feed = CalendarFeed.objects.create(
        user=world.users["sendco"], school=world.school, token_hash=token_hash("matrix-calendar-token")
    )
    world.foreign_calendar_feed = CalendarFeed.objects.create(
        user=world.users["other_school_teacher"],
        school=world.other_school,
        token_hash=token_hash("matrix-foreign-calendar-token"),
    )


EXPECTATIONS = {
    "send:deadlines": Expect(get=MANAGE),
    "send:deadlines_feed_create": Expect(get=NOBODY, post=MANAGE),
    "send:deadlines_feed_revoke": Expect(
        get=NOBODY,
        post=frozenset({"sendco"}),
        kwargs=lambda w: {"pk": w.calendar_feed.pk},
        foreign=lambda w: {"pk": w.foreign_calendar_feed.pk},
    ),
    "send:deadlines_ics": Expect(
        get=NOBODY, post=NOBODY, public=True, kwargs=lambda w: {"token": "not-a-real-calendar-token"}
    ),
}
