from django.conf import settings


def session_end(request):
    """What static/js/session.js needs to warn before the session ends (base.html's body attributes)."""
    return {
        "session_seconds_left": getattr(request, "session_seconds_left", None),
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
    }
