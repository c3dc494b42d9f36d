"""Admin for system administrators: the configurable list of venue types. Venues go through the pages."""

from django.contrib import admin

from .models import VenueType


@admin.register(VenueType)
class VenueTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("name", "code")

    def has_delete_permission(self, request, obj=None):
        # Types are referenced by venues; retire one by clearing "active".
        return False
