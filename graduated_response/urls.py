from django.urls import path

from . import views, views_batches, views_case_letters

app_name = "graduated_response"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("key-adult/", views.cases_set_key_adult, name="cases_set_key_adult"),
    path("alerts/acknowledge/", views.alerts_acknowledge, name="alerts_acknowledge"),
    path("my-work/", views.my_work, name="my_work"),
    path("tiers/", views.tier_bands, name="tier_bands"),
    path("tiers/checklists/", views.tier_actions, name="tier_actions"),
    path("tiers/<int:tier>/checklist/add/", views.tier_action_add, name="tier_action_add"),
    path("tiers/checklist/<int:pk>/edit/", views.tier_action_update, name="tier_action_update"),
    path("tiers/checklist/<int:pk>/remove/", views.tier_action_deactivate, name="tier_action_deactivate"),
    path("send/", views.send_in_tiers, name="send_in_tiers"),
    path("panel/home/", views.panel_home, name="panel_home"),
    path("panel/pupil/<int:pk>/", views.panel_pupil, name="panel_pupil"),
    path(
        "panel/pupil/<int:pk>/send-context/",
        views.panel_pupil_send_context,
        name="panel_pupil_send_context",
    ),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/communications/", views.communication_add, name="communication_add"),
    path("communications/<int:pk>/withdraw/", views.communication_withdraw, name="communication_withdraw"),
    path("communications/<int:pk>/restore/", views.communication_restore, name="communication_restore"),
    path("<int:pk>/close/", views.case_close, name="case_close"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("<int:pk>/letters/", views_case_letters.panel_case_letters, name="panel_case_letters"),
    path("<int:pk>/letters/preview/", views_case_letters.case_letter_preview, name="case_letter_preview"),
    path("<int:pk>/letters/prepare/", views_case_letters.case_letters_produce, name="case_letters_produce"),
]

# The formal measures on a case (graduated_response/views_measures.py).
from . import views_measures as m  # noqa: E402

urlpatterns += [
    path("<int:pk>/measures/", m.panel_case_measures, name="panel_case_measures"),
    path("<int:pk>/measures/contract/new/", m.contract_create, name="contract_create"),
    path("measures/contracts/<int:pk>/", m.contract_detail, name="contract_detail"),
    path("measures/contracts/<int:pk>/letters/", m.contract_letters, name="contract_letters"),
    path("measures/contracts/<int:pk>/edit/", m.contract_update, name="contract_update"),
    path("measures/contracts/<int:pk>/status/", m.contract_move, name="contract_move"),
    path("measures/contracts/<int:pk>/form.pdf", m.contract_pdf, name="contract_pdf"),
    path("measures/reviews/<int:pk>/", m.review_record, name="review_record"),
    path(
        "<int:pk>/measures/notice-to-improve/new/",
        m.notice_to_improve_create,
        name="notice_to_improve_create",
    ),
    path(
        "measures/notices-to-improve/<int:pk>/", m.notice_to_improve_detail, name="notice_to_improve_detail"
    ),
    path(
        "measures/notices-to-improve/<int:pk>/outcome/",
        m.notice_to_improve_outcome,
        name="notice_to_improve_outcome",
    ),
    path("<int:pk>/measures/penalty-notice/new/", m.penalty_notice_create, name="penalty_notice_create"),
    path("measures/penalty-notices/<int:pk>/", m.penalty_notice_detail, name="penalty_notice_detail"),
    path(
        "measures/penalty-notices/<int:pk>/receipt/", m.penalty_notice_receipt, name="penalty_notice_receipt"
    ),
    path(
        "measures/penalty-notices/<int:pk>/payment/", m.penalty_notice_payment, name="penalty_notice_payment"
    ),
    path("measures/penalty-notices/<int:pk>/unpaid/", m.penalty_notice_unpaid, name="penalty_notice_unpaid"),
    path(
        "measures/penalty-notices/<int:pk>/withdraw/",
        m.penalty_notice_withdraw,
        name="penalty_notice_withdraw",
    ),
    path(
        "measures/penalty-notices/<int:pk>/prosecute/",
        m.penalty_notice_prosecute,
        name="penalty_notice_prosecute",
    ),
    path(
        "measures/notices-to-improve/<int:pk>/letters/",
        m.notice_to_improve_letters,
        name="notice_to_improve_letters",
    ),
    path("<int:pk>/measures/penalty-warning/", m.penalty_warning_letters, name="penalty_warning_letters"),
    path("<int:pk>/measures/legal-step/new/", m.legal_step_create, name="legal_step_create"),
    path("measures/legal-steps/<int:pk>/", m.legal_step_detail, name="legal_step_detail"),
    path("measures/legal-steps/<int:pk>/status/", m.legal_step_move, name="legal_step_move"),
    path("measures/legal-steps/<int:pk>/extend/", m.legal_step_extend, name="legal_step_extend"),
    path("letter-batches/new/", views_batches.batch_choose, name="batch_choose"),
    path("letter-batches/run/", views_batches.batch_run, name="batch_run"),
]

# Returns to the local authority (graduated_response/views_returns.py).
from . import views_returns as r  # noqa: E402

urlpatterns += [
    path("la-returns/", r.la_returns_list, name="la_returns"),
    path("la-returns/check/", r.la_returns_refresh, name="la_returns_refresh"),
    path("la-returns/<int:pk>/", r.la_return_detail, name="la_return_detail"),
    path("la-returns/<int:pk>/sent/", r.la_return_sent, name="la_return_sent"),
    path("la-returns/monthly.csv", r.la_monthly_return, name="la_monthly_return"),
]
urlpatterns += [path("settings/previous-school/", r.previous_school_setting, name="previous_school_setting")]
