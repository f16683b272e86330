"""Who may use the census export's page (issue 15): the SENDCo's and the headteacher's, as the CSV
it downloads (send:register_export, tests/security/expectations/send.py)."""

from tests.security.expectations.send import MANAGE
from tests.security.matrix import Expect

EXPECTATIONS = {
    "send:register_census": Expect(get=MANAGE),
}
