from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in security (two-factor, lockout, sessions, login history) and records retention.

    It sits beside `school` and imports only `school` (plus `letters.rendering`, the one PDF renderer,
    which imports nothing of ours), so every other app is covered without knowing about it: its
    middleware protects every page by default. The records export reads other apps through the
    section registry in `school.record_sections`, never by importing them.
    """

    name = "accounts"
    verbose_name = "Accounts and data protection"

    def ready(self):
        from school import policy
        from school.navigation import NavEntry, register

        from . import login_history  # noqa: F401  connects the sign-in signal receivers

        register(
            pupil_panels=[
                NavEntry(
                    "Requests for records",
                    "accounts:record_request_panel",
                    policy.VIEW_RECORD_REQUESTS,
                    order=50,
                )
            ]
        )
