from school import policy
from tests.security.matrix import Expect, roles_with

EXPECTATIONS = {
    "reports:index": Expect(get=roles_with(policy.VIEW_AGGREGATES)),
    "reports:panel_home": Expect(get=roles_with(policy.VIEW_AGGREGATES)),
}
