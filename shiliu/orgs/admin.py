"""Admin for system administrators. Everyday edits go through the pages, which call the services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Area, AreaStatistics, Unit, UnitType


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "level", "parent", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("name", "code")
    raw_id_fields = ("parent",)
    # Codes, paths and the subtree must stay consistent: areas are created and moved through the services.
    readonly_fields = ("code", "level", "parent", "path", "created_at", "updated_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UnitType)
class UnitTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "requires_credit_code", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("name", "code")

    def has_delete_permission(self, request, obj=None):
        # Types are referenced by units; retire one by clearing "active".
        return False


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("name", "unit_type", "area", "status", "is_member_department")
    list_filter = ("status", "unit_type", "is_member_department")
    search_fields = ("name", "credit_code")
    list_select_related = ("unit_type", "area")
    # The area moves through the unit form (its service keeps area_path in step).
    readonly_fields = ("area", "area_path", "created_at", "updated_at")
    # Personal data stays out of the admin lists; the unit page masks it and logs reveals.
    exclude = ("contact_name", "contact_phone")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Nothing referenced is hard-deleted: units are archived.
        return False


@admin.register(AreaStatistics)
class AreaStatisticsAdmin(SimpleHistoryAdmin):
    list_display = ("area", "year", "households", "population", "minority_population", "ethnic_groups")
    list_filter = ("year",)
    search_fields = ("area__name", "area__code")
    raw_id_fields = ("area",)
    list_select_related = ("area",)
    readonly_fields = ("area_path",)

    def has_add_permission(self, request):
        return False
