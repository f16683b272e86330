"""Who may use the pages of cycles that move with the calendar and of the SEN register list (issue 15).

Closing a reviewed cycle and starting the next, and the SEN register list, are the SENDCo's and the
headteacher's work (MANAGE_SEND).
The world's cycle is the SEND app's one (tests/security/expectations/send.py); another school's is not
found, and a class teacher gets nothing for a pupil of another class.
"""

from tests.security.expectations.send import MANAGE, object_page
from tests.security.matrix import Expect

EXPECTATIONS = {
    "send:cycle_next": object_page("cycle", MANAGE, MANAGE),
    # The SEN register list and its CSV and PDF: the SENDCo's and the headteacher's, as the census export.
    "send:register_list": Expect(get=MANAGE),
    "send:register_list_csv": Expect(get=MANAGE),
    "send:register_list_pdf": Expect(get=MANAGE),
}
