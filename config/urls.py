from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from accounts.forms import SignInForm
from school import views as school_views

# The Django admin reaches every record, so it asks for a second factor too.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", school_views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, http_method_names=["get", "post"]),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("school/", include("school.urls")),
    path("accounts/", include("accounts.urls")),
    path("attendance/", include("attendance.urls")),
    path("letters/", include("letters.urls")),
    path("send/", include("send.urls")),
    path("cases/", include("graduated_response.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
