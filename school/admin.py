from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AuditEntry, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is never edited or deleted from the application."""

    list_display = ("at", "actor_name", "action", "object_repr")
    list_filter = ("action",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
