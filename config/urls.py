from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from school import views as school_views

urlpatterns = [
    path("", school_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("school/", include("school.urls")),
    path("attendance/", include("attendance.urls")),
    path("letters/", include("letters.urls")),
    path("send/", include("send.urls")),
    path("cases/", include("graduated_response.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
