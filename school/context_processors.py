from . import policy
from .navigation import entries_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    school = getattr(request, "school", None)
    return {
        "nav_entries": entries_for(user, school),
        "current_school": school,
        "user_roles": sorted(policy.roles_at(user, school)),
        "user_capabilities": policy.capabilities(user, school),
        "user_schools": list(policy.schools_for(user).order_by("name")),
    }
