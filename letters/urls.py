from django.urls import path

from . import panels, views, views_batches, views_meetings, views_templates

app_name = "letters"

urlpatterns = [
    path("<int:pk>/letter.pdf", views.letter_download, name="letter_download"),
    path("<int:pk>/retry/", views.letter_retry, name="letter_retry"),
    path("panels/pupil/<int:pk>/", panels.panel_pupil, name="panel_pupil"),
    path("emails/<int:pk>/retry/", views.email_retry, name="email_retry"),
    # Meetings (letters/views_meetings.py)
    path("meetings/pupil/<int:pk>/plan/", views_meetings.meeting_plan, name="meeting_plan"),
    path("meetings/", views_meetings.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", views_meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/record/", views_meetings.meeting_record, name="meeting_record"),
    path("meetings/<int:pk>/edit/", views_meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/not-attended/", views_meetings.meeting_not_attended, name="meeting_not_attended"),
    path("meetings/<int:pk>/cancel/", views_meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/targets/", views_meetings.meeting_target_add, name="meeting_target_add"),
    path("meetings/<int:pk>/letters/", views_meetings.meeting_letters, name="meeting_letters"),
    path("meetings/<int:pk>/record.pdf", views_meetings.meeting_pdf, name="meeting_pdf"),
    path("meetings/targets/<int:pk>/review/", views_meetings.target_review, name="target_review"),
    path("meetings/targets/due/", views_meetings.targets_due_list, name="targets_due"),
    path("meetings/panels/case/<int:pk>/", views_meetings.panel_case_meetings, name="panel_case_meetings"),
    path("batches/", views_batches.batch_list, name="batch_list"),
    path("batches/<int:pk>/", views_batches.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/progress/", views_batches.batch_progress, name="panel_batch_progress"),
    path("batches/<int:pk>/letters.pdf", views_batches.batch_pdf, name="batch_pdf"),
    path("batches/<int:pk>/letters.csv", views_batches.batch_letter_list, name="batch_letter_list"),
    path(
        "batches/<int:pk>/letters/<int:letter_pk>/retry/",
        views_batches.batch_letter_retry,
        name="batch_letter_retry",
    ),
    # Letter templates and the letterhead (views_templates; owner: templates).
    path("templates/", views_templates.template_list, name="template_list"),
    path("templates/<int:pk>/", views_templates.template_edit, name="template_edit"),
    path(
        "templates/<int:pk>/translate/", views_templates.template_translation_start, name="template_translate"
    ),
    path("templates/<int:pk>/history/", views_templates.template_history, name="template_history"),
    path("templates/<int:pk>/preview/", views_templates.template_preview, name="template_preview"),
    path("templates/<int:pk>/preview.pdf", views_templates.template_preview_pdf, name="template_preview_pdf"),
    path("letterhead/", views_templates.letterhead_edit, name="letterhead_edit"),
]
