from django.urls import path

from . import views

app_name = "letters"

urlpatterns = [
    path("<int:pk>/letter.pdf", views.letter_download, name="letter_download"),
    path("<int:pk>/retry/", views.letter_retry, name="letter_retry"),
    path("emails/<int:pk>/retry/", views.email_retry, name="email_retry"),
]
