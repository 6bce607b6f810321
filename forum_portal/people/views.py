from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from forum_portal.audit.services import record_event

from . import services
from .forms import DeleteAccountForm, DeleteOnRequestForm, JoinForumForm, LeaveForumForm, ProfileDataForm
from .models import DataExport
from .rules import has_two_factor, is_parent_carer, needs_two_factor
from .selectors import consent_history


class PortalPermissionMixin(PermissionRequiredMixin):
    """Permission check for every portal view.

    Visitors are sent to sign in. Officers and forum staff who have not set up two-factor sign-in
    are sent to set it up (their permissions all require it), anyone else gets the 403 page.
    """

    def handle_no_permission(self):
        user = self.request.user
        if not user.is_authenticated:
            return redirect_to_login(self.request.get_full_path())
        if needs_two_factor(user) and not has_two_factor(user):
            messages.info(self.request, "Set up two-factor sign-in to use the officer and staff pages.")
            return redirect(f"{reverse('mfa_activate_totp')}?next={self.request.get_full_path()}")
        raise PermissionDenied


class AccountView(PortalPermissionMixin, TemplateView):
    permission_required = "people.view_own_account"
    template_name = "people/account_detail.html"


class JoinForumView(PortalPermissionMixin, FormView):
    permission_required = "people.join_forum"
    template_name = "people/profile_join.html"
    form_class = JoinForumForm

    def handle_no_permission(self):
        if self.request.user.is_authenticated and hasattr(self.request.user, "parent_carer_profile"):
            return redirect("people:profile")
        return super().handle_no_permission()

    def get_initial(self):
        return {"full_name": self.request.user.full_name}

    def form_valid(self, form):
        services.join_forum(self.request.user, full_name=form.cleaned_data["full_name"])
        messages.success(self.request, "Welcome to the forum. You can tell us a little more below, if you want to.")
        return redirect("people:profile")


class MembersOnlyMixin:
    """A superuser holds every permission, but only a member has a profile to show or leave."""

    def has_permission(self):
        return super().has_permission() and is_parent_carer(self.request.user)


class ProfileView(MembersOnlyMixin, PortalPermissionMixin, FormView):
    permission_required = "people.change_own_profile"
    template_name = "people/profile_detail.html"
    form_class = ProfileDataForm

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            return redirect("people:join")
        return super().handle_no_permission()

    def get_initial(self):
        return ProfileDataForm.initial_for(self.request.user.parent_carer_profile)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["profile"] = self.request.user.parent_carer_profile
        context["consents"] = consent_history(self.request.user)
        return context

    def form_valid(self, form):
        services.set_profile_data(self.request.user.parent_carer_profile, **form.consented_values())
        withdrawn = form.withdrawn()
        if withdrawn:
            messages.success(self.request, f"Your details are saved. We have deleted {' and '.join(withdrawn)}.")
        else:
            messages.success(self.request, "Your details are saved.")
        return redirect("people:profile")


class LeaveForumView(MembersOnlyMixin, PortalPermissionMixin, FormView):
    permission_required = "people.change_own_profile"
    template_name = "people/profile_leave.html"
    form_class = LeaveForumForm
    success_url = reverse_lazy("people:account")

    def form_valid(self, form):
        services.leave_forum(self.request.user)
        messages.success(self.request, "You have left the forum. Your profile and its details are deleted.")
        return super().form_valid(form)


class DataExportView(PortalPermissionMixin, TemplateView):
    """Download my data: ask for a download, watch it being prepared, fetch it."""

    permission_required = "people.view_own_account"
    template_name = "people/dataexport_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["exports"] = list(DataExport.objects.filter(user=self.request.user).order_by("-created_at")[:5])
        context["retain_days"] = settings.RETAIN_DATA_EXPORTS.days
        return context

    def post(self, request, *args, **kwargs):
        services.request_data_export(request.user)
        messages.success(request, "We are preparing your data. We will email you when it is ready to download.")
        return redirect("people:data-export")


class DataExportDownloadView(PortalPermissionMixin, View):
    permission_required = "people.view_own_account"

    def get(self, request, pk):
        # Someone else's download, or one that has expired, does not exist for this person.
        export = DataExport.objects.filter(pk=pk, user=request.user, status=DataExport.Status.READY).first()
        if export is None or export.is_expired():
            raise Http404
        record_event("data_export.downloaded", actor=request.user, obj=export)
        return FileResponse(export.file.open("rb"), as_attachment=True, filename="my-forum-data.zip")


class DeleteAccountView(PortalPermissionMixin, FormView):
    permission_required = "people.view_own_account"
    template_name = "people/account_delete.html"
    form_class = DeleteAccountForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user = self.request.user
        logout(self.request)
        services.delete_account(user, by=user)
        messages.success(self.request, "Your account is deleted. We have sent a confirmation to your email address.")
        return redirect("home")


class DeleteOnRequestView(PortalPermissionMixin, FormView):
    """Forum staff delete an account on the person's written request: details, then a confirmation.

    The first post shows what will be deleted, with the details carried in the form; only a post
    with ``confirmed`` deletes.
    """

    permission_required = "people.delete_account_on_request"
    template_name = "people/account_delete_on_request.html"
    form_class = DeleteOnRequestForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "by": self.request.user}

    def form_valid(self, form):
        account = form.account
        if "confirmed" not in self.request.POST:
            context = self.get_context_data(form=form, account=account)
            return render(self.request, "people/account_delete_on_request_confirm.html", context)
        services.delete_account_on_request(
            account,
            by=self.request.user,
            received_on=form.cleaned_data["received_on"],
            reference=form.cleaned_data["reference"],
        )
        messages.success(
            self.request,
            f"The account {form.cleaned_data['email']} is deleted. We have emailed the person to confirm it.",
        )
        return redirect("people:account-delete-on-request")
