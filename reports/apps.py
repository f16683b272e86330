from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        from school import policy
        from school.navigation import NavEntry, register

        register(
            nav=[NavEntry("Reports", "reports:index", policy.VIEW_AGGREGATES, order=90)],
            home_panels=[NavEntry("Reports", "reports:panel_home", policy.VIEW_AGGREGATES, order=50)],
        )
