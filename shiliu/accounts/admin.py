"""Admin for system administrators: users with their role, area and unit."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ("username", "full_name", "role", "area", "unit", "is_active", "must_change_password")
    list_filter = ("role", "is_active", "is_staff", "must_change_password")
    search_fields = ("username", "full_name")
    raw_id_fields = ("area", "unit")
    list_select_related = ("area", "unit")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Role and scope"), {"fields": ("full_name", "role", "area", "unit", "must_change_password")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ("full_name", "role", "area", "unit", "must_change_password")}),
    )
