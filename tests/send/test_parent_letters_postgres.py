"""The SENDCo and the headteacher press "Prepare the letters" for the same pupil at the same moment, on
PostgreSQL (real row locks): one set of letters is written, and the other is told the parents were
already told."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from letters.models import Letter
from send import register_status, services
from send.models import ProvisionNotification
from tests import factories as f
from tests.conftest import require_postgresql

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    require_postgresql()


def test_simultaneous_presses_write_one_set(school, sendco, headteacher):
    pupil = f.PupilFactory(school=school)
    for postcode in ("ZZ1 1ZZ", "ZZ2 2ZZ"):
        f.PupilContactFactory(pupil=pupil, contact__address=f"1 Road {postcode}", contact__postcode=postcode)
    services.send_status_change(
        actor=sendco,
        pupil=pupil,
        to_status=register_status.SEN_SUPPORT,
        reason="Added",
        parents_agreed_by="A parent",
        parents_agreed_on=date(2026, 9, 7),
        on=date(2026, 9, 7),
    )
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def run(i, actor):
        try:
            barrier.wait()
            outcomes[i] = services.provision_letters_write(
                actor=actor, pupil=pupil, provision_summary="Reading"
            )
        except ValidationError as exc:
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate((sendco, headteacher))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1 and "already told" in refused[0].messages[0], outcomes
    assert ProvisionNotification.objects.count() == 1
    assert Letter.objects.filter(code="send_provision").count() == 2
