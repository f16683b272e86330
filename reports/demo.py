"""Demo data for the reports app: Larkfield Primary's SEN information report for this year, published
once, so the governor's login has a version to read. Fictional, in our own words."""

from __future__ import annotations

from datetime import date

from school.models import Membership, Role

from . import services

TEXT = {
    "approach": (
        "We are a mainstream primary school. We teach children with a wide range of special educational "
        "needs alongside their classmates, adapting lessons so that every child can take part.\n"
        "Our SEND policy is on the school website, and the office can give you a printed copy."
    ),
    "identifying": (
        "Class teachers check every child's progress each term. When a child is finding something much "
        "harder than others of the same age, the teacher talks to the parents and to our SENDCo, and "
        "we watch and assess carefully before deciding together what help is needed."
    ),
    "support": (
        "Most children are helped by good everyday teaching. Some also take part in small-group or "
        "one-to-one sessions for reading, number, language or emotional well-being. Staff are trained "
        "each year in the needs of the children they teach."
    ),
    "working_with_families": (
        "Parents and children are asked for their views before every review of a support plan, and we "
        "write down what they say in their own words. You can ask to meet the class teacher or the "
        "SENDCo at any time."
    ),
    "checking": (
        "Each support plan has targets that are reviewed at least once a term. We look at what worked, "
        "what did not, and what to try next, and the governors look at the figures on this page."
    ),
    "local_offer": (
        "The local authority publishes a local offer: the services for children with special "
        "educational needs and their families in our area."
    ),
    "concerns": (
        "Please talk to your child's class teacher first. If you are still worried, ask to meet the "
        "SENDCo or the headteacher. Our complaints policy is on the school website."
    ),
}


def build(*, school, rng, today: date) -> None:
    membership = Membership.objects.filter(school=school, role=Role.SENDCO).select_related("user").first()
    if membership is None:
        return
    sendco = membership.user
    year_start = today.year if today.month >= 9 else today.year - 1
    report = services.sen_information_report_create(actor=sendco, school=school, year_start=year_start)
    services.sen_information_report_update(
        actor=sendco,
        report=report,
        expected_version=None,
        local_offer_url="https://www.example.org/local-offer",
        **TEXT,
    )
    services.sen_information_report_publish(actor=sendco, report=report, today=today)
