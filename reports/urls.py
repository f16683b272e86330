from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("panel/home/", views.panel_home, name="panel_home"),
]
