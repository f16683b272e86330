from django.urls import path

from . import views, views_batches

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
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/communications/", views.communication_add, name="communication_add"),
    path("communications/<int:pk>/withdraw/", views.communication_withdraw, name="communication_withdraw"),
    path("communications/<int:pk>/restore/", views.communication_restore, name="communication_restore"),
    path("<int:pk>/close/", views.case_close, name="case_close"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("letter-batches/new/", views_batches.batch_choose, name="batch_choose"),
    path("letter-batches/run/", views_batches.batch_run, name="batch_run"),
]
