from django.urls import path

from . import views
from . import views_sen_information as sir

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("panel/home/", views.panel_home, name="panel_home"),
    path("sen-information/", sir.index, name="sen_information_reports"),
    path("sen-information/new/", sir.create, name="sen_information_create"),
    path("sen-information/<int:pk>/edit/", sir.edit, name="sen_information_edit"),
    path("sen-information/<int:pk>/publish/", sir.publish, name="sen_information_publish"),
    path("sen-information/<int:pk>/withdraw/", sir.withdraw, name="sen_information_withdraw"),
    path("sen-information/<int:pk>/restore/", sir.restore, name="sen_information_restore"),
    path("sen-information/version/<int:pk>/", sir.version_page, name="sen_information_version"),
    path("sen-information/version/<int:pk>/pdf/", sir.version_pdf, name="sen_information_version_pdf"),
    path(
        "sen-information/version/<int:pk>/website/",
        sir.version_website,
        name="sen_information_version_website",
    ),
]
