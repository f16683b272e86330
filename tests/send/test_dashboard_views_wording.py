"""The SEND dashboard's views line says how many requests were made, not "sent" (QA walk, issue 15):
a printed form is only a page in a PDF until someone hands it over, and an e-mail is queued, so
"sent" said something that had not happened."""

from datetime import date

import time_machine

from send import services
from tests import factories as f


@time_machine.travel("2026-11-23 10:00", tick=False)
def test_views_line_counts_requests_made_not_sent(login, sendco, school, own_class):
    pupil = f.PupilFactory(school=school, registration_class=own_class)
    f.SendRecordFactory(pupil=pupil, status="sen_support", primary_need="SLCN")
    cycle = f.SupportCycleFactory(pupil=pupil, review_due=date(2026, 11, 30))
    services.views_request_send(actor=sendco, cycle=cycle, respondent="pupil", method="printed")

    page = login(sendco).get("/send/").content.decode()

    line = page[page.index('data-testid="views-completion"') :].split("</p>")[0]
    assert "(1 request made)" in line
    assert "sent" not in line
