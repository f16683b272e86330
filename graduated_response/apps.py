from django.apps import AppConfig


class GraduatedResponseConfig(AppConfig):
    name = "graduated_response"
