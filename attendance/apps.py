from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"

    def ready(self):
        from school import policy
        from school.navigation import NavEntry, register

        register(
            nav=[
                NavEntry("Registers", "attendance:register_list", policy.TAKE_OWN_REGISTERS, order=20),
                NavEntry("Registers", "attendance:register_list", policy.TAKE_ANY_REGISTER, order=20),
                NavEntry("Absence", "attendance:office_dashboard", policy.MANAGE_ATTENDANCE, order=30),
                NavEntry("Attendance", "attendance:school_overview", policy.VIEW_ATTENDANCE_STATS, order=40),
            ],
            home_panels=[
                NavEntry(
                    "Registers not yet taken",
                    "attendance:panel_registers_not_taken",
                    policy.TAKE_ANY_REGISTER,
                    order=10,
                ),
                NavEntry(
                    "My registers today", "attendance:panel_my_registers", policy.TAKE_OWN_REGISTERS, order=20
                ),
            ],
            pupil_panels=[NavEntry("Attendance", "attendance:panel_pupil", policy.VIEW_PUPILS, order=10)],
        )
