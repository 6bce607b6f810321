from django.contrib import admin

from forum_portal.markdown import render_markdown

from . import services
from .models import (
    Activity,
    Booking,
    Event,
    Group,
    GroupMember,
    Interest,
    Opportunity,
    PopulationFigure,
    RepReport,
    RepSeat,
)


class BookingInline(admin.TabularInline):
    model = Booking
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["requested_at", "promoted_at", "cancelled_at"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "status", "capacity", "organisation"]
    list_filter = ["status", "kind", "is_online", "organisation"]
    search_fields = ["title", "description"]
    date_hierarchy = "starts_at"
    readonly_fields = ["description_html", "published_at", "attendance_recorded_at"]
    autocomplete_fields = ["consultation"]
    inlines = [BookingInline]

    def save_model(self, request, obj, form, change):
        # Text changed here is rendered on save, as the portal's own pages do.
        obj.description_html = render_markdown(obj.description)
        if change and obj.published_at is not None:
            obj.sequence += 1  # calendars holding the event take the change
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # More places, or a booking cancelled in the list below, go to the people waiting.
        services.fill_free_places(form.instance)


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "status", "requested_at", "attended"]
    list_filter = ["status", "attended"]
    search_fields = ["event__title", "user__email", "user__full_name"]
    autocomplete_fields = ["user", "event"]
    list_select_related = ["event", "user"]


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "is_active"]
    list_filter = ["kind", "is_active", "organisation"]
    search_fields = ["name", "purpose"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [GroupMemberInline]

    def save_model(self, request, obj, form, change):
        obj.purpose_html = render_markdown(obj.purpose)
        super().save_model(request, obj, form, change)


@admin.register(GroupMember)
class GroupMemberAdmin(admin.ModelAdmin):
    list_display = ["group", "user", "joined_at"]
    list_filter = ["group"]
    search_fields = ["group__name", "user__email", "user__full_name"]
    autocomplete_fields = ["user", "group"]
    list_select_related = ["group", "user"]


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "closes_on"]
    list_filter = ["group"]
    search_fields = ["title", "description"]

    def save_model(self, request, obj, form, change):
        obj.description_html = render_markdown(obj.description)
        super().save_model(request, obj, form, change)


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ["opportunity", "user", "status", "created_at", "decided_at"]
    list_filter = ["status", "opportunity"]
    search_fields = ["opportunity__title", "user__email", "user__full_name"]
    list_select_related = ["opportunity", "user"]
    autocomplete_fields = ["user"]


@admin.register(RepSeat)
class RepSeatAdmin(admin.ModelAdmin):
    list_display = ["group", "user", "starts_on", "ends_on"]
    list_filter = ["group"]
    search_fields = ["group__name", "user__email", "user__full_name"]
    list_select_related = ["group", "user"]
    autocomplete_fields = ["user"]


@admin.register(RepReport)
class RepReportAdmin(admin.ModelAdmin):
    list_display = ["seat", "meeting_on", "created_at"]
    list_filter = ["seat__group"]
    search_fields = ["took_in", "decided", "report_back"]
    list_select_related = ["seat__group", "seat__user"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "happened_on", "organisation", "ladder_step", "parent_carers_involved", "hours"]
    list_filter = ["kind", "ladder_step", "organisation"]
    search_fields = ["title", "impact"]
    date_hierarchy = "happened_on"
    autocomplete_fields = ["participants", "consultation"]


@admin.register(PopulationFigure)
class PopulationFigureAdmin(admin.ModelAdmin):
    list_display = ["dimension", "value", "count", "updated_at"]
    list_filter = ["dimension"]
    search_fields = ["value"]
