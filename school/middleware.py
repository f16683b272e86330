from django.utils.functional import SimpleLazyObject

from .policy import schools_for

SESSION_KEY = "current_school_id"


def current_school(request):
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

    def __call__(self, request):
        request.school = SimpleLazyObject(lambda: current_school(request))
        return self.get_response(request)
