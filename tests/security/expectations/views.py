"""Views requests in bulk, their printed forms, who has not replied, and the parents' reply page (issue 15).

Asking in bulk, the forms' PDF and the outstanding list are the SENDCo's and the headteacher's work
(MANAGE_SEND); another school's print is not found. The reply page needs no account: the signed
single-use link is the key, so anyone holding the world's valid link may open it and send the form (an
empty POST is refused beside the field and writes nothing); a wrong link is a 404
(tests/send/test_views_bulk.py).
"""

from datetime import date

from django.utils import timezone

from school import policy
from school.private_files import save_private_file
from send import views_reply_links
from send.models import SupportCycle, ViewsFormsPrint, ViewsRequest
from tests import factories as f
from tests.security.matrix import EVERY_STAFF_ROLE, Expect, roles_with

MANAGE = roles_with(policy.MANAGE_SEND)


def _print(world, school) -> ViewsFormsPrint:
    print_ = ViewsFormsPrint.objects.create(
        school=school,
        requested_by=world.users["sendco"],
        status="ready",
        ready_at=timezone.now(),
        pages=1,
    )
    save_private_file(print_.private_file_name(), b"%PDF-1.4\n%%EOF\n")
    return print_


def setup(world):
    world.views_print = _print(world, world.school)
    world.views_foreign_print = _print(world, world.other_school)
    cycle = SupportCycle.objects.create(
        school=world.school,
        pupil=f.PupilFactory(school=world.school, registration_class=world.pupil.registration_class),
        number=1,
        start_date=date(2026, 9, 7),
        review_due=date(2026, 12, 4),
        stage="do",
        created_by=world.users["sendco"],
    )
    request = ViewsRequest.objects.create(
        cycle=cycle,
        respondent="parent",
        method="email",
        sent_to="parent@example.invalid",
        sent_at=timezone.now(),
        requested_by=world.users["sendco"],
        reply_nonce=views_reply_links.new_nonce(),
    )
    world.views_reply_token = views_reply_links.make_token(request_id=request.pk, nonce=request.reply_nonce)


ANYONE_WITH_THE_LINK = EVERY_STAFF_ROLE | {"anonymous"}

EXPECTATIONS = {
    "send:views_bulk": Expect(get=MANAGE, post=MANAGE),
    "send:views_outstanding": Expect(get=MANAGE),
    "send:views_forms_detail": Expect(
        get=MANAGE,
        kwargs=lambda w: {"pk": w.views_print.pk},
        foreign=lambda w: {"pk": w.views_foreign_print.pk},
    ),
    "send:views_forms_download": Expect(
        get=MANAGE,
        kwargs=lambda w: {"pk": w.views_print.pk},
        foreign=lambda w: {"pk": w.views_foreign_print.pk},
    ),
    "send:views_reply": Expect(
        get=ANYONE_WITH_THE_LINK,
        post=ANYONE_WITH_THE_LINK,
        public=True,
        kwargs=lambda w: {"token": w.views_reply_token},
    ),
}
