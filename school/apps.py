from django.apps import AppConfig


class SchoolConfig(AppConfig):
    name = "school"
    verbose_name = "School, pupils and staff"

    def ready(self):
        from . import policy
        from .navigation import NavEntry, register

        register(
            nav=[
                NavEntry("Pupils", "school:pupil_list", policy.VIEW_PUPILS, order=10),
                NavEntry("School set-up", "school:manage", policy.MANAGE_SCHOOL, order=100),
                NavEntry("Trust staff", "school:trust_staff", policy.GRANT_TRUST_ROLES, order=105),
            ]
        )
