from django.urls import path

from . import views

app_name = "school"

urlpatterns = [
    path("switch-school/", views.switch_school, name="switch_school"),
]
