from django.urls import path

from . import views

app_name = "letters"

urlpatterns = [
    path("<int:pk>/letter.pdf", views.letter_download, name="letter_download"),
]
