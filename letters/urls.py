from django.urls import path

from . import panels, views

app_name = "letters"

urlpatterns = [
    path("<int:pk>/letter.pdf", views.letter_download, name="letter_download"),
    path("<int:pk>/retry/", views.letter_retry, name="letter_retry"),
    path("panels/pupil/<int:pk>/", panels.panel_pupil, name="panel_pupil"),
    path("emails/<int:pk>/retry/", views.email_retry, name="email_retry"),
]
