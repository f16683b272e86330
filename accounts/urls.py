from django.urls import path

from . import views, views_records

app_name = "accounts"

urlpatterns = [
    path("two-factor/set-up/", views.mfa_enrol, name="mfa_enrol"),
    path("two-factor/verify/", views.mfa_verify, name="mfa_verify"),
    path("security/", views.security, name="security"),
    path("session/keepalive/", views.session_keepalive, name="session_keepalive"),
    path("security/recovery-codes/", views.recovery_codes_new, name="recovery_codes_new"),
    path("login-history/", views.login_history, name="login_history"),
    path("login-history/locked/<int:user_id>/unlock/", views.lockout_reset, name="lockout_reset"),
    path("retention/", views.retention_report, name="retention_report"),
    path("retention/pupils/<int:pupil_id>/delete/", views.retention_delete, name="retention_delete"),
    path("retention/pupils/<int:pupil_id>/legal-hold/", views.legal_hold_create, name="legal_hold_create"),
    path("retention/legal-holds/<int:pk>/lift/", views.legal_hold_lift, name="legal_hold_lift"),
    path("record-requests/", views_records.record_request_list, name="record_request_list"),
    path(
        "record-requests/pupils/<int:pupil_id>/new/",
        views_records.record_request_create,
        name="record_request_create",
    ),
    path(
        "record-requests/panel/pupil/<int:pk>/",
        views_records.record_request_panel,
        name="record_request_panel",
    ),
    path("record-requests/<int:pk>/", views_records.record_request_detail, name="record_request_detail"),
    path("record-requests/<int:pk>/edit/", views_records.record_request_edit, name="record_request_edit"),
    path(
        "record-requests/<int:pk>/extend/", views_records.record_request_extend, name="record_request_extend"
    ),
    path("record-requests/<int:pk>/status/", views_records.record_request_move, name="record_request_move"),
    path("record-requests/<int:pk>/review/", views_records.record_item_decide, name="record_item_decide"),
    path(
        "record-requests/<int:pk>/export/", views_records.record_request_export, name="record_request_export"
    ),
]
