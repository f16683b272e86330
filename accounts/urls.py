from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("two-factor/set-up/", views.mfa_enrol, name="mfa_enrol"),
    path("two-factor/verify/", views.mfa_verify, name="mfa_verify"),
    path("security/", views.security, name="security"),
    path("security/recovery-codes/", views.recovery_codes_new, name="recovery_codes_new"),
    path("login-history/", views.login_history, name="login_history"),
    path("login-history/locked/<int:user_id>/unlock/", views.lockout_reset, name="lockout_reset"),
    path("retention/", views.retention_report, name="retention_report"),
    path("retention/pupils/<int:pupil_id>/delete/", views.retention_delete, name="retention_delete"),
    path("retention/pupils/<int:pupil_id>/legal-hold/", views.legal_hold_create, name="legal_hold_create"),
    path("retention/legal-holds/<int:pk>/lift/", views.legal_hold_lift, name="legal_hold_lift"),
]
