from datetime import date

from django.urls import path, register_converter

from .views import closures, office, registers, stats, transfer


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:  # 2026-02-30 matches the pattern but is no date: a 404
            raise ValueError(str(exc)) from exc

    def to_url(self, value):
        return value.isoformat() if isinstance(value, date) else str(value)


register_converter(IsoDateConverter, "isodate")

app_name = "attendance"

urlpatterns = [
    # Registers
    path("registers/", registers.register_list, name="register_list"),
    path(
        "registers/<int:class_id>/<isodate:day>/<str:session>/", registers.register_take, name="register_take"
    ),
    path("panels/my-registers/", registers.panel_my_registers, name="panel_my_registers"),
    path(
        "panels/registers-not-taken/", registers.panel_registers_not_taken, name="panel_registers_not_taken"
    ),
    path("marks/<int:mark_id>/change/", office.mark_amend, name="mark_amend"),
    # The calendar's closures live in the school app, which cannot see marks (attendance.closures).
    path("closures/new/", closures.closure_create, name="closure_create"),
    # The office
    path("office/", office.office_dashboard, name="office_dashboard"),
    path("office/n-queue/", office.n_queue, name="n_queue"),
    path("office/n-queue/convert-to-o/", office.n_convert_bulk, name="n_convert_bulk"),
    path("pupils/<int:pupil_id>/absence-call/", office.absence_call_new, name="absence_call_new"),
    path("absence-calls/<int:pk>/withdraw/", office.absence_call_withdraw, name="absence_call_withdraw"),
    path("absence-calls/<int:pk>/restore/", office.absence_call_restore, name="absence_call_restore"),
    path("leave/", office.leave_list, name="leave_list"),
    path("pupils/<int:pupil_id>/leave/", office.leave_new, name="leave_new"),
    path("leave/<int:leave_id>/grant/", office.leave_grant, name="leave_grant"),
    path("leave/<int:leave_id>/refuse/", office.leave_refuse, name="leave_refuse"),
    path("import/", transfer.import_marks, name="import_marks"),
    path("import/<int:pk>/", transfer.import_marks_status, name="import_marks_status"),
    path("import/<int:pk>/progress/", transfer.panel_import_progress, name="panel_import_progress"),
    path("pupils/<int:pupil_id>/call-attempts/", office.call_attempt_new, name="call_attempt_new"),
    # Figures
    path("pupils/<int:pupil_id>/", stats.pupil_attendance, name="pupil_attendance"),
    path("panels/pupil/<int:pupil_id>/", stats.panel_pupil, name="panel_pupil"),
    path("classes/<int:class_id>/", stats.class_attendance, name="class_attendance"),
    path("years/<str:year>/", stats.year_attendance, name="year_attendance"),
    path("overview/", stats.school_overview, name="school_overview"),
    path("cohorts/", stats.cohorts, name="cohorts"),
    path("absence-lists/", stats.absence_list, name="absence_list"),
    path("export.csv", transfer.export, name="export"),
    path("reconciliation/", stats.reconciliation, name="reconciliation"),
]
