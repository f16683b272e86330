from django.urls import path

from . import panels, views, views_batches, views_templates

app_name = "letters"

urlpatterns = [
    path("<int:pk>/letter.pdf", views.letter_download, name="letter_download"),
    path("<int:pk>/retry/", views.letter_retry, name="letter_retry"),
    path("panels/pupil/<int:pk>/", panels.panel_pupil, name="panel_pupil"),
    path("emails/<int:pk>/retry/", views.email_retry, name="email_retry"),
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
