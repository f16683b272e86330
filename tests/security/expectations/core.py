from tests.security.matrix import EVERY_STAFF_ROLE, Expect

EXPECTATIONS = {
    "home": Expect(get=EVERY_STAFF_ROLE),
    "login": Expect(get=EVERY_STAFF_ROLE, post=EVERY_STAFF_ROLE, public=True),
    "logout": Expect(get=frozenset(), post=EVERY_STAFF_ROLE, public=True, may_redirect_to_login=True),
    "school:switch_school": Expect(get=frozenset(), post=EVERY_STAFF_ROLE),
}
