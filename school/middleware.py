from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import School, User
from .policy import schools_for

SESSION_KEY = "current_school_id"


class SchoolRequest(HttpRequest):
    """A request after CurrentSchoolMiddleware: what views and the policy may rely on, for the type checker
    (as healthchecks types its AuthenticatedHttpRequest). `school` is None for an anonymous visitor."""

    user: User
    school: School | None


def current_school(request: SchoolRequest) -> School | None:
    """The school the user is working in: the one chosen this session, else their first."""
    user = request.user
    if not user.is_authenticated:
        return None
    schools = schools_for(user).order_by("name")
    chosen = request.session.get(SESSION_KEY)
    if chosen is not None:
        school = schools.filter(pk=chosen).first()
        if school is not None:
            return school
    return schools.first()


class CurrentSchoolMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: SchoolRequest):
        # Lazy: most requests (static files, sign-in) never ask which school.
        request.school = SimpleLazyObject(lambda: current_school(request))  # type: ignore[assignment]
        return self.get_response(request)
