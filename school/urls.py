from django.urls import path

from . import views, views_manage, views_trust

app_name = "school"

urlpatterns = [
    path("switch-school/", views.switch_school, name="switch_school"),
    # pupils
    path("pupils/", views.pupil_list, name="pupil_list"),
    path("pupils/new/", views.pupil_create, name="pupil_create"),
    path("pupils/import/", views_manage.pupil_import, name="pupil_import"),
    path("pupils/<int:pk>/", views.pupil_detail, name="pupil_detail"),
    path("pupils/<int:pk>/edit/", views.pupil_edit, name="pupil_edit"),
    path("pupils/<int:pk>/class-move/", views.pupil_class_move_page, name="pupil_class_move"),
    path("pupils/<int:pk>/contacts/new/", views.contact_add, name="contact_add"),
    path("pupils/<int:pk>/contacts/<int:link_pk>/edit/", views.contact_edit, name="contact_edit"),
    path("pupils/<int:pk>/contacts/<int:link_pk>/remove/", views.contact_remove, name="contact_remove"),
    # school set-up (headteacher)
    path("manage/", views_manage.manage, name="manage"),
    path("manage/classes/", views_manage.class_list, name="class_list"),
    path("manage/classes/new/", views_manage.class_create, name="class_create"),
    path("manage/classes/<int:pk>/edit/", views_manage.class_edit, name="class_edit"),
    path("manage/calendar/", views_manage.calendar_view, name="calendar"),
    path("manage/calendar/years/new/", views_manage.academic_year_create, name="academic_year_create"),
    path("manage/calendar/years/<int:pk>/edit/", views_manage.academic_year_edit, name="academic_year_edit"),
    path("manage/calendar/half-terms/new/", views_manage.term_period_create, name="term_period_create"),
    path("manage/calendar/half-terms/<int:pk>/edit/", views_manage.term_period_edit, name="term_period_edit"),
    path("manage/calendar/closures/<int:pk>/delete/", views_manage.closure_delete, name="closure_delete"),
    path("manage/register-times/", views_manage.register_times, name="register_times"),
    path("manage/school-type/", views_manage.school_kind, name="school_kind"),
    path("manage/staff/", views_manage.staff_list, name="staff_list"),
    path("manage/staff/new/", views_manage.staff_add, name="staff_add"),
    path("manage/staff/<int:pk>/role/", views_manage.membership_edit, name="membership_edit"),
    path(
        "manage/staff/<int:pk>/deactivate/", views_manage.membership_deactivate, name="membership_deactivate"
    ),
    path(
        "manage/staff/<int:pk>/password-link/", views_manage.staff_password_link, name="staff_password_link"
    ),
    # the trust lead's staff pages, across the schools of the trust
    path("trust/staff/", views_trust.trust_staff, name="trust_staff"),
    path("trust/schools/<int:school_pk>/staff/new/", views_trust.trust_staff_add, name="trust_staff_add"),
    path(
        "trust/staff/<int:pk>/password-link/",
        views_trust.trust_staff_password_link,
        name="trust_staff_password_link",
    ),
    path("set-password/<uidb64>/<token>/", views_manage.SetPasswordView.as_view(), name="set_password"),
    # audit
    path("audit/", views_manage.audit_log, name="audit_log"),
]
