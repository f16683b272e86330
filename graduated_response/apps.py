from django.apps import AppConfig


class GraduatedResponseConfig(AppConfig):
    name = "graduated_response"

    def ready(self):
        from school import policy
        from school.navigation import NavEntry, register
        from school.school_setup import register_setup_step

        from .services import tier_bands_create_defaults

        register_setup_step(tier_bands_create_defaults)

        # Letters asks this before producing a sanction letter itself (a 3a after a missed SAP).
        from letters import gates

        from .send_gate import sanction_gate

        gates.register(sanction_gate)
        from .meeting_letters_log import acknowledge_joint_review_alerts, log_letters_produced

        gates.register_listener(log_letters_produced)  # a meeting's letters go in the case's log
        gates.register_meeting_listener(acknowledge_joint_review_alerts)  # the review answers its alert

        register(
            nav=[
                NavEntry("Cases", "graduated_response:dashboard", policy.VIEW_CASES, order=60),
                NavEntry("My work", "graduated_response:my_work", policy.VIEW_PUPILS, order=70),
            ],
            home_panels=[
                NavEntry("Attendance cases", "graduated_response:panel_home", policy.VIEW_CASES, order=40)
            ],
            pupil_panels=[
                NavEntry("Attendance case", "graduated_response:panel_pupil", policy.VIEW_CASES, order=30)
            ],
        )

        # The office's first-day calls list flags a pupil with an open case (attendance.call_flags).
        from attendance import call_flags

        from .selectors import open_case_pupil_ids

        call_flags.register("Open case", open_case_pupil_ids)
        register(
            nav=[NavEntry("LA returns", "graduated_response:la_returns", policy.MANAGE_ATTENDANCE, order=65)]
        )
