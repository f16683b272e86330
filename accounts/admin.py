from django.contrib import admin

from .models import LegalHold, LoginEvent, RetentionRule


@admin.register(LoginEvent)
class LoginEventAdmin(admin.ModelAdmin):
    """Read-only: sign-in history is evidence."""

    list_display = ("at", "username", "outcome", "ip_address")
    list_filter = ("outcome",)
    search_fields = ("username",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ("record_type", "years", "anchor", "statutory_minimum_years")
    readonly_fields = ("statutory_minimum_years",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    """Holds are placed and lifted in the application, where each change is audited."""

    list_display = ("pupil", "reason", "placed_at", "lifted_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
