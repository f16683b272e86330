from django.urls import path

from . import panels, views, views_templates

app_name = "letters"

urlpatterns = [
    path("<int:pk>/letter.pdf", views.letter_download, name="letter_download"),
    path("<int:pk>/retry/", views.letter_retry, name="letter_retry"),
    path("panels/pupil/<int:pk>/", panels.panel_pupil, name="panel_pupil"),
    path("emails/<int:pk>/retry/", views.email_retry, name="email_retry"),
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
