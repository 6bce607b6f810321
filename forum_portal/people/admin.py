from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from forum_portal.audit.services import record_event

from . import services
from .models import (
    ChildAgeBand,
    ChildNeed,
    ConsentRecord,
    DataExport,
    Membership,
    Organisation,
    ParentCarerProfile,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]


class AuditedMembershipMixin:
    """Who gave whom a role in which organisation is part of the audit trail.

    On the membership admin the saved object is the membership; on the user and organisation
    admins memberships are changed through the inline, recorded in ``save_formset``.
    """

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if isinstance(obj, Membership):
            action = "membership.changed" if change else "membership.added"
            record_event(action, actor=request.user, obj=obj, role=obj.role)

    def delete_model(self, request, obj):
        self.record_removed_memberships(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self.record_removed_memberships(request, list(queryset))
        super().delete_queryset(request, queryset)

    def record_removed_memberships(self, request, objs) -> None:
        """Deleting a membership, or an organisation with its memberships, removes roles."""
        memberships = [obj for obj in objs if isinstance(obj, Membership)]
        organisations = [obj for obj in objs if isinstance(obj, Organisation)]
        if organisations:
            memberships += Membership.objects.filter(organisation__in=organisations).select_related(
                "user", "organisation"
            )
        for membership in memberships:
            record_event("membership.removed", actor=request.user, obj=membership)

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            for removed in formset.deleted_forms:
                if removed.instance.pk:
                    record_event("membership.removed", actor=request.user, obj=removed.instance)
        super().save_formset(request, form, formset, change)
        if formset.model is Membership:
            for membership, _ in formset.changed_objects:
                record_event("membership.changed", actor=request.user, obj=membership, role=membership.role)
            for membership in formset.new_objects:
                record_event("membership.added", actor=request.user, obj=membership, role=membership.role)


# What an account may do beyond a member's own pages; a change to any of these is audited.
ACCESS_FIELDS = ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]


def access_of(user: User) -> dict:
    return {
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "permissions": sorted(
            f"{app_label}.{codename}"
            for app_label, codename in user.user_permissions.values_list("content_type__app_label", "codename")
        ),
    }


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(AuditedMembershipMixin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "is_parent_carer", "date_joined", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "memberships__organisation__kind", "date_joined"]
    search_fields = ["email", "full_name", "memberships__organisation__name"]
    inlines = [MembershipInline]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    actions = ["delete_on_request"]

    def get_actions(self, request):
        # Accounts are deleted only through delete_account, which keeps answers and decisions.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Delete the selected accounts (on the person's written request)")
    def delete_on_request(self, request, queryset):
        count = 0
        for user in queryset:
            services.delete_account(user, by=request.user)
            count += 1
        self.message_user(
            request, f"{count} account(s) deleted; answers and decisions kept without names.", messages.SUCCESS
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent_carer_profile")

    def save_related(self, request, form, formsets, change):
        """A new account, or a change to what an account may do, is a role change: audited.

        Recorded after the groups and permissions are saved, so the event holds what was set.
        """
        super().save_related(request, form, formsets, change)
        user = form.instance
        if not change:
            record_event("user.added", actor=request.user, obj=user, **access_of(user))
            return
        changed = [name for name in ACCESS_FIELDS if name in form.changed_data]
        if changed:
            record_event("user.access_changed", actor=request.user, obj=user, changed=changed, **access_of(user))

    @admin.display(boolean=True, description="parent carer")
    def is_parent_carer(self, user):
        return hasattr(user, "parent_carer_profile")


@admin.register(Organisation)
class OrganisationAdmin(AuditedMembershipMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "member_count", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(ordering="member_count", description="people")
    def member_count(self, organisation):
        return organisation.member_count


@admin.register(Membership)
class MembershipAdmin(AuditedMembershipMixin, admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "job_title", "created_at"]
    list_filter = ["role", "organisation__kind", "organisation"]
    search_fields = ["user__email", "user__full_name", "organisation__name", "job_title"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


class ConsentedDataInline(admin.TabularInline):
    """Read-only: this data is kept only with the member's own consent, given on their profile."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ChildAgeBandInline(ConsentedDataInline):
    model = ChildAgeBand


class ChildNeedInline(ConsentedDataInline):
    model = ChildNeed


@admin.register(ParentCarerProfile)
class ParentCarerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "joined_at", "postcode_district", "shares_age_bands", "shares_needs"]
    list_filter = ["joined_at", ("postcode_consented_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__full_name", "postcode_district"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
    inlines = [ChildAgeBandInline, ChildNeedInline]
    readonly_fields = [
        "privacy_notice_accepted_at",
        "postcode_district",
        "postcode_consented_at",
        "age_bands_consented_at",
        "needs_consented_at",
    ]

    def has_add_permission(self, request):
        # Joining the forum means the person accepts the privacy notice themself: nobody can do
        # that for them, so profiles are made only by joining on the portal.
        return False

    def delete_model(self, request, obj):
        """Deleting a profile here is the member leaving the forum: the withdrawal is recorded."""
        record_event("profile.removed", actor=request.user, obj=obj)
        services.leave_forum(obj.user)

    def delete_queryset(self, request, queryset):
        for profile in queryset.select_related("user"):
            self.delete_model(request, profile)

    @admin.display(boolean=True, description="age bands consented")
    def shares_age_bands(self, profile):
        return profile.age_bands_consented_at is not None

    @admin.display(boolean=True, description="needs consented")
    def shares_needs(self, profile):
        return profile.needs_consented_at is not None


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "purpose", "given"]
    list_filter = ["purpose", "given", "at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "purpose", "given", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the consent history is evidence; it is never edited


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "status", "progress", "expires_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "status", "progress", "file", "created_at", "ready_at", "expires_at"]

    def has_add_permission(self, request):
        return False
