"""Admin for system administrators: the configurable lists (activity types, campaigns). Records go through pages."""

from django.contrib import admin

from .models import ActivityType, Campaign


@admin.register(ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("name", "code")

    def has_delete_permission(self, request, obj=None):
        # Types are referenced by activities; retire one by clearing "active".
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "start_date", "end_date")
    search_fields = ("name",)
    date_hierarchy = "start_date"
