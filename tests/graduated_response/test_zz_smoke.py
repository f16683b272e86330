from datetime import date
import pytest
from tests import factories as f
from tests.graduated_response.conftest import fill_marks, absent_every
from graduated_response.nightly import nightly_checks_run
from graduated_response.models import *

@pytest.mark.django_db
def test_smoke(school, pupil, django_assert_max_num_queries):
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 20), absent_every(1, 8))
    run = nightly_checks_run(school=school, on=date(2026, 11, 20))
    print(run.__dict__)
    print(list(Case.objects.values()))
    print(list(Alert.objects.values_list("kind", "message")))
    print(CaseAction.objects.count(), TierChange.objects.values_list("figures"))
    assert run.status == "succeeded"
