"""Pages of a co-production project. Each view loads the project through ``ProjectMixin``, which
answers 404 to anyone who may not see the page, so a private project's existence stays private."""

import difflib
import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import escape
from django.views import View
from django.views.generic import FormView, TemplateView

from forum_portal import fragments
from forum_portal.people.rules import has_two_factor, is_parent_carer, needs_two_factor
from forum_portal.people.views import PortalPermissionMixin

from . import selectors, services
from .forms import (
    ActionEditForm,
    ActionForm,
    AgendaItemForm,
    CommentForm,
    CornerstonesForm,
    DecisionForm,
    DocumentEditForm,
    DocumentForm,
    InviteForm,
    MeetingForm,
    ParkItemForm,
    ProjectForm,
)
from .models import (
    Action,
    AgendaItem,
    Decision,
    Document,
    DocumentVersion,
    Invitation,
    Project,
    Side,
    TeamMember,
)
from .rules import current_member


class ProjectListView(TemplateView):
    template_name = "coproduction/project_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if not user.is_authenticated:
            # Every visitor sees the same list of public projects: from the cache, in one query.
            context["content"] = fragments.render(
                "coproduction:projects:visitor",
                lambda: render_to_string(
                    "coproduction/_project_list_content.html",
                    {"projects": selectors.projects_visible_to(user)},
                    request=self.request,
                ),
                source="coproduction",
                timeout=600,
            )
            return context
        context["projects"] = selectors.projects_visible_to(user)
        # Parent carers have no dashboard: what needs them next in their projects is shown here.
        context["my_actions"] = selectors.actions_for(user)[:20]
        context["my_documents"] = selectors.documents_awaiting_sign_off_by(user)[:20]
        return context


class ProjectCreateView(PortalPermissionMixin, FormView):
    permission_required = "coproduction.add_project"
    template_name = "coproduction/project_form.html"
    form_class = ProjectForm

    def form_valid(self, form):
        data = form.cleaned_data
        project = services.create_project(
            title=data["title"],
            aims=data["aims"],
            visibility=data["visibility"],
            ladder_step=data["ladder_step"],
            parent_share_threshold=data["parent_share_threshold"],
            partners=data["partners"],
            by=self.request.user,
        )
        messages.success(self.request, "The project is set up. Now add the team: parent carers and professionals.")
        return redirect("coproduction:team", project.slug)


class ProjectMixin:
    """Loads ``self.project`` and ``self.member`` (the person's place in the team, or None).

    Visitors are asked to sign in, officers and staff without two-factor sign-in are sent to set
    it up; anyone else who may not see the page gets a 404.
    """

    project_permission = "coproduction.view_project"
    # Pages where the person acts as a team member. A forum admin's superuser status passes every
    # permission check, but only the team works in a project.
    needs_member = False

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        project = Project.objects.filter(slug=kwargs["slug"]).first()
        member = current_member(user, project)
        if (
            project is not None
            and user.has_perm(self.project_permission, project)
            and (member is not None or not self.needs_member)
        ):
            self.project = project
            self.member = member
            self.load_objects()
            return super().dispatch(request, *args, **kwargs)
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if needs_two_factor(user) and not has_two_factor(user) and member is not None:
            messages.info(request, "Set up two-factor sign-in to work in your projects.")
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.get_full_path()}")
        raise Http404

    def load_objects(self) -> None:
        """Load the page's own objects, looked up within the project only once the person may see
        it, so a 404 for a missing row cannot tell someone outside that a row exists."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["project"] = self.project
        context["member"] = self.member
        is_member = self.member is not None
        context["can_work"] = is_member and user.has_perm("coproduction.work_in_project", self.project)
        context["can_lead"] = is_member and user.has_perm("coproduction.lead_project", self.project)
        context["can_manage_team"] = user.has_perm("coproduction.manage_team", self.project)
        context["can_change"] = user.has_perm("coproduction.change_project", self.project)
        return context


class WorkMixin(ProjectMixin):
    """Pages only the team sees."""

    project_permission = "coproduction.work_in_project"
    needs_member = True


class _NotForVisitors(Exception):
    """The project is not one a visitor may read."""


class ProjectDetailView(ProjectMixin, TemplateView):
    """The project's overview: its public summary, or the team's start page. Forum staff outside
    the team of a team-only project see its settings and team numbers, not its work."""

    template_name = "coproduction/project_detail.html"
    project_permission = "coproduction.open_project"

    # Everyone outside the team sees the same public summary: kept as a cached fragment, rendered
    # again when anything in this app changes, and at least every minute (an action becomes
    # overdue with the clock alone). It took 8 queries and 25 ms on a project of 25 of everything.
    # A visitor's whole page comes from the cache, in one query.
    summary_seconds = 60

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            try:
                return self.visitor_page(kwargs["slug"])
            except _NotForVisitors:
                pass  # the usual way: a visitor is asked to sign in
        return super().dispatch(request, *args, **kwargs)

    def visitor_page(self, slug: str) -> TemplateResponse:
        @functools.cache
        def page_context() -> dict:
            project = Project.objects.filter(slug=slug, visibility=Project.Visibility.PUBLIC).first()
            if project is None:
                raise _NotForVisitors  # nothing is kept
            self.project, self.member = project, None
            return self.overview_context({"project": project, "can_see_work": True, "can_work": False})

        def fragment(name, render) -> fragments.Fragment:
            return fragments.Fragment(f"coproduction:project:{slug}:visitor:{name}", "coproduction", render, 60)

        title, breadcrumbs, content = fragments.render_many(
            [
                fragment("title", lambda: escape(page_context()["project"].title)),
                fragment(
                    "breadcrumbs", lambda: render_to_string("coproduction/_project_breadcrumbs.html", page_context())
                ),
                fragment(
                    "content",
                    lambda: render_to_string(
                        "coproduction/_project_visitor_content.html", page_context(), request=self.request
                    ),
                ),
            ]
        )
        context = {"title": title, "breadcrumbs": breadcrumbs, "content": content}
        return TemplateResponse(self.request, "coproduction/project_visitor.html", context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.project
        # A forum admin's superuser status passes every check: a team-only project's work is
        # still shown only to its team.
        context["can_see_work"] = self.request.user.has_perm("coproduction.view_project", project) and (
            project.is_public or self.member is not None
        )
        if context["can_see_work"] and not context["can_work"]:
            summary = {key: context[key] for key in ("project", "can_see_work", "can_work")}
            context["overview"] = fragments.render(
                f"coproduction:project:{project.pk}:summary",
                lambda: render_to_string("coproduction/_project_overview.html", self.overview_context(summary)),
                source="coproduction",
                timeout=self.summary_seconds,
            )
            return context
        return self.overview_context(context)

    def overview_context(self, context: dict) -> dict:
        project = self.project
        context["counts"] = selectors.team_counts(project)
        context["partners"] = list(project.partners.all())
        if not context["can_see_work"]:
            return context
        context["named_members"] = [m for m in selectors.team_of(project) if m.show_name]
        context["decisions"] = selectors.decisions_of(project)[:10]
        context["actions"] = selectors.actions_of(project)[:20]
        documents = selectors.documents_of(project)
        if not context["can_work"]:
            documents = documents.filter(is_coproduced=True)
        context["documents"] = documents
        if context["can_work"]:
            context["activity"] = selectors.activity_of(project)[:10]
            context["agenda_waiting"] = AgendaItem.objects.filter(
                project=project, status=AgendaItem.Status.PROPOSED
            ).count()
        return context


class ProjectEditView(ProjectMixin, FormView):
    project_permission = "coproduction.change_project"
    template_name = "coproduction/project_form.html"
    form_class = ProjectForm

    def get_form_kwargs(self):
        # A copy: validating a model form changes its instance, and the page still shows the
        # project as saved (its title in the breadcrumbs) when the form has errors.
        return {**super().get_form_kwargs(), "instance": Project.objects.get(pk=self.project.pk)}

    def form_valid(self, form):
        # The form only validates; the service makes the change.
        data = form.cleaned_data
        services.update_project(
            self.project,
            by=self.request.user,
            title=data["title"],
            aims=data["aims"],
            visibility=data["visibility"],
            ladder_step=data["ladder_step"],
            parent_share_threshold=data["parent_share_threshold"],
            partners=data["partners"],
        )
        messages.success(self.request, "The project's details are saved.")
        return redirect("coproduction:project-detail", self.project.slug)


# --- Team ------------------------------------------------------------------------------------------


class TeamView(ProjectMixin, FormView):
    """The team, both sides; leads and forum staff invite people and see who has not answered."""

    template_name = "coproduction/team_list.html"
    form_class = InviteForm
    project_permission = "coproduction.open_project"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not (context["can_work"] or context["can_manage_team"]):
            raise Http404
        context["team"] = selectors.team_of(self.project)
        if context["can_manage_team"]:
            context["invitations"] = selectors.invitations_waiting(self.project)
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("coproduction.manage_team", self.project):
            raise Http404
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        try:
            invitation = services.invite_to_team(
                self.project,
                email=email,
                side=form.cleaned_data["side"],
                is_lead=form.cleaned_data["is_lead"],
                by=self.request.user,
            )
        except ValidationError as error:
            form.add_error("side" if error.code == "not_professional" else "email", error.messages[0])
            return self.form_invalid(form)
        if invitation.sent is None:
            messages.warning(
                self.request,
                f"{invitation.email} has switched off emails about co-production invitations, so none was sent. "
                "Withdraw the invitation below if you will reach them another way.",
            )
        else:
            messages.success(
                self.request, f"An invitation is on its way to {invitation.email}. They join when they accept it."
            )
        return redirect("coproduction:team", self.project.slug)


class InvitationWithdrawView(ProjectMixin, View):
    project_permission = "coproduction.manage_team"

    def load_objects(self):
        self.invitation = get_object_or_404(Invitation.objects.waiting(), project=self.project, pk=self.kwargs["pk"])

    def post(self, request, slug, pk):
        services.withdraw_invitation(self.invitation, by=request.user)
        messages.success(request, f"The invitation to {self.invitation.email} is withdrawn.")
        return redirect("coproduction:team", self.project.slug)


class InvitationView(TemplateView):
    """The page an invitation's link opens: the person accepts (signed in with the invited
    address) or declines (anyone holding the link). Someone without an account signs up and opens
    the same link again."""

    template_name = "coproduction/invitation.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = get_object_or_404(
            Invitation.objects.select_related("project", "invited_by"), token=kwargs["token"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        invitation = self.invitation
        context.update(invitation=invitation, project=invitation.project)
        if user.is_authenticated:
            context["right_address"] = services.has_verified_address(user, invitation.email)
            context["needs_to_join_forum"] = invitation.side == Side.PARENT_CARER and not is_parent_carer(user)
        return context

    def post(self, request, token):
        answer = request.POST.get("answer")
        try:
            if answer == "accept":
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                services.accept_invitation(self.invitation, user=request.user)
                messages.success(request, f"Welcome to the team of {self.invitation.project.title}.")
                return redirect(self.invitation.project.get_absolute_url())
            if answer == "decline":
                services.decline_invitation(self.invitation)
                messages.success(request, "You have declined the invitation. Thank you for letting the team know.")
        except ValidationError as error:
            messages.error(request, error.messages[0])
        return redirect(self.invitation.get_absolute_url())


class TeamMemberChangeView(ProjectMixin, View):
    """Make someone a lead, stand them down, or take them off the team (leads and forum staff)."""

    project_permission = "coproduction.manage_team"

    def post(self, request, slug, pk):
        member = get_object_or_404(TeamMember.objects.current().select_related("user"), project=self.project, pk=pk)
        what = request.POST.get("change")
        if what == "remove":
            services.remove_team_member(member, by=request.user)
            messages.success(request, f"{member.display_name} is no longer on the team.")
        elif what in {"lead", "not-lead"}:
            services.set_team_lead(member, is_lead=what == "lead", by=request.user)
            messages.success(request, f"{member.display_name} is {'now' if what == 'lead' else 'no longer'} a lead.")
        return redirect("coproduction:team", self.project.slug)


class LeaveProjectView(WorkMixin, View):
    def post(self, request, slug):
        services.remove_team_member(self.member, by=request.user)
        messages.success(request, f"You have left {self.project.title}. What you contributed stays with the project.")
        return redirect("coproduction:project-list")


class ShowNameView(WorkMixin, View):
    def post(self, request, slug):
        show = request.POST.get("show") == "yes"
        services.set_show_name(self.member, show=show)
        text = "Your name is shown" if show else "Your name is not shown"
        messages.success(request, f"{text} on the project's public summary.")
        return redirect("coproduction:team", self.project.slug)


# --- Agenda -----------------------------------------------------------------------------------------


class AgendaView(WorkMixin, FormView):
    template_name = "coproduction/agenda_list.html"
    form_class = AgendaItemForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = list(selectors.agenda_of(self.project))
        context["agreed"] = [item for item in items if item.status == AgendaItem.Status.AGREED]
        context["proposed"] = [item for item in items if item.status == AgendaItem.Status.PROPOSED]
        context["parked"] = [item for item in items if item.status == AgendaItem.Status.PARKED]
        return context

    def form_valid(self, form):
        services.propose_agenda_item(self.project, by=self.member, **form.cleaned_data)
        messages.success(self.request, "Your item is proposed. It goes on the agenda when both leads agree it.")
        return redirect("coproduction:agenda", self.project.slug)


class AgendaAgreeView(WorkMixin, View):
    project_permission = "coproduction.lead_project"

    def post(self, request, slug, pk):
        item = get_object_or_404(AgendaItem, project=self.project, pk=pk)
        item = services.agree_agenda_item(item, by=self.member)
        if item.status == AgendaItem.Status.AGREED:
            messages.success(request, f"“{item.title}” is on the agenda: both leads agree.")
        else:
            messages.success(request, f"You agreed “{item.title}”. It needs the other side's lead too.")
        return redirect("coproduction:agenda", self.project.slug)


class AgendaParkView(WorkMixin, FormView):
    project_permission = "coproduction.lead_project"
    template_name = "coproduction/agenda_park.html"
    form_class = ParkItemForm

    def load_objects(self):
        self.item = get_object_or_404(AgendaItem, project=self.project, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "item": self.item}

    def form_valid(self, form):
        try:
            services.park_agenda_item(self.item, by=self.member, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason" if error.code == "no_reason" else None, error.messages[0])
            return self.form_invalid(form)
        messages.success(self.request, f"“{self.item.title}” is parked.")
        return redirect("coproduction:agenda", self.project.slug)


# --- Meetings, decisions, actions ---------------------------------------------------------------------


class MeetingListView(WorkMixin, TemplateView):
    template_name = "coproduction/meeting_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meetings"] = selectors.meetings_of(self.project)
        return context


class MeetingCreateView(WorkMixin, FormView):
    template_name = "coproduction/meeting_form.html"
    form_class = MeetingForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project, "team": selectors.team_of(self.project)}

    def form_valid(self, form):
        data = form.cleaned_data
        meeting = services.record_meeting(
            self.project,
            by=self.member,
            title=data["title"],
            held_on=data["held_on"],
            agenda_items=data["agenda_items"],
            attendees=data["attendees"],
        )
        messages.success(self.request, "The meeting is recorded.")
        return redirect(meeting.get_absolute_url())


class MeetingDetailView(WorkMixin, TemplateView):
    template_name = "coproduction/meeting_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = selectors.meeting_detail(self.project, kwargs["pk"])
        context["meeting"] = meeting
        context["share"] = self.project.parent_share_percent(meeting.parent_carers_present, meeting.present)
        context["share_too_low"] = self.project.parent_share_is_too_low(meeting.parent_carers_present, meeting.present)
        return context


class DecisionListView(WorkMixin, FormView):
    template_name = "coproduction/decision_list.html"
    form_class = DecisionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project, "team": selectors.team_of(self.project)}

    def get_initial(self):
        return {"meeting": self.request.GET.get("meeting")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["decisions"] = selectors.decisions_of(self.project)
        return context

    def form_valid(self, form):
        services.record_decision(self.project, by=self.member, **form.cleaned_data)
        messages.success(self.request, "The decision is recorded.")
        return redirect("coproduction:decisions", self.project.slug)


class ActionListView(WorkMixin, FormView):
    template_name = "coproduction/action_list.html"
    form_class = ActionForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "team": selectors.team_of(self.project),
            "decisions": Decision.objects.filter(project=self.project).order_by("-decided_on", "-id"),
        }

    def get_initial(self):
        return {"decision": self.request.GET.get("decision")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["actions"] = selectors.actions_of(self.project)
        return context

    def form_valid(self, form):
        action = services.add_action(self.project, by=self.member, **form.cleaned_data)
        messages.success(self.request, f"The action is added for {action.owner.display_name}.")
        return redirect("coproduction:actions", self.project.slug)


class ActionEditView(WorkMixin, FormView):
    """Anyone on the team changes an action: its wording, owner, due date, or whether it is done."""

    template_name = "coproduction/action_form.html"
    form_class = ActionEditForm

    def load_objects(self):
        self.action = get_object_or_404(
            Action.objects.select_related("owner"), project=self.project, pk=self.kwargs["pk"]
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "team": selectors.team_of(self.project)}

    def get_initial(self):
        action = self.action
        owner = action.owner if action.owner.is_current else None
        return {"description": action.description, "owner": owner, "due_on": action.due_on, "status": action.status}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action": self.action}

    def form_valid(self, form):
        try:
            services.change_action(self.action, by=self.member, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("owner" if error.code == "not_member" else None, error.messages[0])
            return self.form_invalid(form)
        messages.success(self.request, "The action is saved.")
        return redirect("coproduction:actions", self.project.slug)


class ActionDoneView(WorkMixin, View):
    def post(self, request, slug, pk):
        action = get_object_or_404(Action, project=self.project, pk=pk)
        services.complete_action(action, by=self.member)
        messages.success(request, "The action is marked as done.")
        return redirect("coproduction:actions", self.project.slug)


class ActivityView(WorkMixin, TemplateView):
    """Every change to the project, newest first, a page at a time."""

    template_name = "coproduction/activity_list.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(selectors.activity_of(self.project), self.page_size).get_page(self.request.GET.get("page"))
        context.update(page_obj=page, activity=page.object_list)
        return context


# --- Documents ----------------------------------------------------------------------------------------


class DocumentListView(WorkMixin, TemplateView):
    template_name = "coproduction/document_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["documents"] = selectors.documents_of(self.project)
        return context


class DocumentCreateView(WorkMixin, FormView):
    template_name = "coproduction/document_form.html"
    form_class = DocumentForm

    def form_valid(self, form):
        document = services.start_document(self.project, by=self.member, **form.cleaned_data)
        messages.success(self.request, "The document is saved as version 1.")
        return redirect(document.get_absolute_url())


class DocumentMixin:
    def get_document(self) -> Document:
        return selectors.document_detail(self.project, self.kwargs["pk"])


class DocumentDetailView(WorkMixin, DocumentMixin, FormView):
    """The latest version (or one chosen), its sign-offs and comments, and every version."""

    template_name = "coproduction/document_detail.html"
    form_class = CommentForm

    def get_version(self, document) -> DocumentVersion:
        number = self.request.GET.get("version") or document.latest_version.number
        try:
            number = int(number)
        except ValueError:
            raise Http404 from None
        return selectors.version_with_sign_offs(document, number)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.get_document()
        version = self.get_version(document)
        sign_offs = list(version.sign_offs.all())
        context.update(
            document=document,
            version=version,
            is_latest=version.pk == document.latest_version_id,
            sign_offs=sign_offs,
            signed_sides={sign_off.side for sign_off in sign_offs},
            signed_by_me=any(sign_off.member_id == self.member.pk for sign_off in sign_offs),
            versions=selectors.versions_of(document),
        )
        return context

    def form_valid(self, form):
        document = self.get_document()
        version = self.get_version(document)
        services.comment_on_version(version, by=self.member, text=form.cleaned_data["text"])
        messages.success(self.request, f"Your comment on version {version.number} is added.")
        return redirect(f"{document.get_absolute_url()}?version={version.number}#comments")


class DocumentEditView(WorkMixin, DocumentMixin, FormView):
    """Writes a new version. If someone else saved first, both texts are shown and nothing is lost."""

    template_name = "coproduction/document_edit.html"
    form_class = DocumentEditForm

    def get_initial(self):
        latest = self.get_document().latest_version
        return {"body": latest.body, "based_on": latest.number}

    def get_context_data(self, **kwargs):
        return {"document": self.get_document(), **super().get_context_data(**kwargs)}

    def form_valid(self, form):
        document = self.get_document()
        try:
            version = services.save_document_version(
                document, by=self.member, body=form.cleaned_data["body"], based_on=form.cleaned_data["based_on"]
            )
        except services.EditConflict as conflict:
            # Show the newer version next to what this person wrote; their text stays in the box,
            # and the form now builds on the newer version so a second save goes through.
            data = form.data.copy()
            data["based_on"] = conflict.latest.number
            form = self.get_form_class()(data)
            form.is_valid()
            form.add_error(
                "body",
                f"{conflict.latest.author.display_name} saved version {conflict.latest.number} while you were "
                "editing. Compare the two texts, put both changes into yours and save again.",
            )
            return self.render_to_response(
                self.get_context_data(form=form, conflict=conflict.latest, document=document)
            )
        messages.success(self.request, f"Version {version.number} is saved. Sign-offs start again for it.")
        return redirect(document.get_absolute_url())


class DocumentCompareView(WorkMixin, DocumentMixin, TemplateView):
    """Two versions side by side as a list of changed lines."""

    template_name = "coproduction/document_compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.get_document()
        versions = {v.number: v for v in selectors.versions_of(document)}
        try:
            old = versions[int(self.request.GET.get("from", 0))]
            new = versions[int(self.request.GET.get("to", 0))]
        except (KeyError, ValueError):
            latest = document.latest_version.number
            old, new = versions[max(latest - 1, 1)], versions[latest]
        context.update(document=document, old=old, new=new, versions=versions.values(), lines=diff_lines(old, new))
        return context


def diff_lines(old: DocumentVersion, new: DocumentVersion) -> list[tuple[str, str]]:
    """Each line of the two texts, marked "added", "removed" or "same"."""
    lines = []
    for line in difflib.ndiff(old.body.splitlines(), new.body.splitlines()):
        mark, text = line[:2], line[2:]
        if mark == "? ":
            continue  # ndiff's hints about characters within a line; the whole line is shown instead
        lines.append(({"+ ": "added", "- ": "removed"}.get(mark, "same"), text))
    return lines


class SignOffView(WorkMixin, View):
    project_permission = "coproduction.lead_project"

    def post(self, request, slug, pk, number):
        document = get_object_or_404(Document, project=self.project, pk=pk)
        version = get_object_or_404(DocumentVersion, document=document, number=number)
        try:
            services.sign_off_version(version, by=self.member)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            document.refresh_from_db()
            if document.is_coproduced:
                messages.success(request, f"Version {number} is signed off by both sides: it is co-produced.")
            else:
                messages.success(request, f"You signed off version {number}. It needs the other side's lead too.")
        return redirect(document.get_absolute_url())


# --- Four Cornerstones check -------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 600, 260
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 50, 550, 20, 220


def chart_points(months: list[dict], side: str) -> list[dict]:
    """Where each month's overall average for one side sits on the chart (1 at the bottom, 5 at the top)."""
    step = (CHART_RIGHT - CHART_LEFT) / max(len(months) - 1, 1)
    points = []
    for index, month in enumerate(months):
        averages = month[side.value]
        if averages is None:
            continue
        x = CHART_LEFT + index * step if len(months) > 1 else (CHART_LEFT + CHART_RIGHT) / 2
        y = CHART_BOTTOM - (averages["overall"] - 1) * (CHART_BOTTOM - CHART_TOP) / 4
        points.append({"x": round(x, 1), "y": round(y, 1), "value": averages["overall"]})
    return points


class CornerstonesView(WorkMixin, FormView):
    """Each team member's rating on the Four Cornerstones; the averages of each side over time."""

    template_name = "coproduction/cornerstones.html"
    form_class = CornerstonesForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        months = selectors.cornerstones_by_month(self.project)[-12:]
        parent_points = chart_points(months, Side.PARENT_CARER)
        professional_points = chart_points(months, Side.PROFESSIONAL)
        step = (CHART_RIGHT - CHART_LEFT) / max(len(months) - 1, 1)
        context.update(
            months=months,
            parent_points=parent_points,
            parent_line=" ".join(f"{p['x']},{p['y']}" for p in parent_points),
            professional_points=professional_points,
            professional_line=" ".join(f"{p['x']},{p['y']}" for p in professional_points),
            month_labels=[
                {
                    "x": round(CHART_LEFT + i * step if len(months) > 1 else (CHART_LEFT + CHART_RIGHT) / 2, 1),
                    "text": month["period"].strftime("%b %Y"),
                }
                for i, month in enumerate(months)
            ],
            grid=[{"value": v, "y": CHART_BOTTOM - (v - 1) * (CHART_BOTTOM - CHART_TOP) / 4} for v in range(1, 6)],
            chart={"width": CHART_WIDTH, "height": CHART_HEIGHT, "left": CHART_LEFT, "right": CHART_RIGHT},
        )
        return context

    def form_valid(self, form):
        services.rate_project(self.project, by=self.member, **form.cleaned_data)
        messages.success(self.request, "Your rating is saved. Thank you.")
        return redirect("coproduction:cornerstones", self.project.slug)
