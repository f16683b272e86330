from django.apps import AppConfig


class SendConfig(AppConfig):
    name = "send"

    def ready(self):
        # Each module registers its SEND deadlines with send.deadlines (the calendar and nightly alerts).
        from school import policy
        from school.navigation import NavEntry, register

        from . import deadlines_assessments, deadlines_reviews, deadlines_timetables  # noqa: F401

        register(
            nav=[
                NavEntry("SEND", "send:dashboard", policy.MANAGE_SEND, order=50),
                NavEntry(
                    "My class SEND",
                    "send:class_view",
                    policy.VIEW_SEND,
                    order=55,
                    only_if=policy.has_own_class,
                ),
            ],
            home_panels=[NavEntry("SEND", "send:panel_home", policy.VIEW_SEND, order=30)],
            # Everyone who sees the pupil sees their SEND status; the panel shows the full record's summary
            # only to VIEW_SEND (need to know: policy.VIEW_SEND_STATUS, VIEW_SEND_NEEDS).
            pupil_panels=[NavEntry("SEND", "send:panel_pupil", policy.VIEW_SEND_STATUS, order=20)],
        )
        # The register accepts a typed C2 only for a session an agreed part-time timetable covers; the
        # attendance app cannot import send, so send names its timetables to it here.
        from attendance import part_time_sources

        from .selectors_timetables import pupils_timetabled_out

        part_time_sources.register(pupils_timetabled_out)
