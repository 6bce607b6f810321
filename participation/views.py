import functools
from datetime import date

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.views import View
from django.views.generic import FormView, TemplateView

from forum_portal import fragments
from forum_portal.people.models import User
from forum_portal.people.views import PortalPermissionMixin

from . import exports, ics, selectors, services
from .forms import (
    ActivityForm,
    AddGroupMemberForm,
    AttendanceForm,
    BookingForm,
    DecideInterestForm,
    EventForm,
    GroupForm,
    InterestForm,
    MemberFilterForm,
    OpportunityForm,
    PopulationFigureForm,
    ReportPeriodForm,
    RepReportForm,
)
from .models import Activity, Booking, Event, Group, GroupMember, Interest, Opportunity, RepSeat


def _first_error(error: ValidationError) -> str:
    return error.messages[0]


# --- Public pages ----------------------------------------------------------------------------------


# Public pages that are the same for every visitor (or everyone) are kept as cached fragments:
# rendered again when anything in this app changes, and at least every minute, since events start
# and calls for parent reps close with the clock alone.
VISITOR_SECONDS = 60


def _for_visitors(request, key: str, template: str, page_context, *, everyone: bool = False):
    """The page's content from the cache for visitors (or for everyone, where nothing on it depends
    on the person); None for a signed-in person, whose page is rendered as usual."""
    if request.user.is_authenticated and not everyone:
        return None
    return fragments.render(
        f"participation:{key}",
        lambda: render_to_string(template, page_context(), request=request),
        source="participation",
        timeout=VISITOR_SECONDS,
    )


class IndexView(TemplateView):
    """Take part: upcoming events, groups and open calls for parent reps."""

    template_name = "participation/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        content = _for_visitors(self.request, "index", "participation/_index_content.html", self.page_context)
        return {**context, "content": content} if content else {**context, **self.page_context()}

    def page_context(self) -> dict:
        return {
            "events": selectors.upcoming_events(timezone.now())[:5],
            "opportunities": selectors.open_opportunities(timezone.localdate()),
            "groups": selectors.groups_list(),
        }


class EventListView(TemplateView):
    """Coming events, 20 to a page (all 1,000 on one page took 300 ms and 300 KB). The first page
    is a cached fragment, rendered again when anything in this app changes (a booking changes the
    places left) and at least every minute, since events leave the list as they start."""

    template_name = "participation/event_list.html"
    page_size = 20
    cached_seconds = 60

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)

        def render() -> str:
            events = selectors.upcoming_events(timezone.now())
            page = Paginator(events, self.page_size).get_page(self.request.GET.get("page"))
            return render_to_string("participation/_event_list_page.html", {"page": page}, request=self.request)

        if set(self.request.GET) <= {"page"} and self.request.GET.get("page", "1") == "1":
            context["events"] = fragments.render(
                "participation:events:1", render, source="participation", timeout=self.cached_seconds
            )
        else:
            context["events"] = render()
        return context


class EventDetailView(TemplateView):
    template_name = "participation/event_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.is_authenticated:
            return {**context, **self.page_context()}

        @functools.cache
        def page_context() -> dict:
            return self.page_context()  # a draft is a 404 for visitors, and nothing is kept

        key = f"participation:event:{self.kwargs['pk']}"
        title, content = fragments.render_many(
            [
                fragments.Fragment(
                    f"{key}:title", "participation", lambda: escape(page_context()["event"].title), VISITOR_SECONDS
                ),
                fragments.Fragment(
                    f"{key}:content",
                    "participation",
                    lambda: render_to_string(
                        "participation/_event_detail_content.html", page_context(), request=self.request
                    ),
                    VISITOR_SECONDS,
                ),
            ]
        )
        return {**context, "title": title, "content": content}

    def page_context(self) -> dict:
        event = selectors.event_visible_to(self.request.user, self.kwargs["pk"])
        booking = selectors.booking_of(self.request.user, event)
        return {"event": event, "booking": booking if booking is not None and booking.is_active else None}


class EventBookView(PortalPermissionMixin, FormView):
    permission_required = "participation.book_event"
    template_name = "participation/booking_form.html"
    form_class = BookingForm

    def get_permission_object(self):
        self.event = selectors.event_visible_to(self.request.user, self.kwargs["pk"])
        return self.event

    def handle_no_permission(self):
        user = self.request.user
        if user.is_authenticated and not hasattr(user, "parent_carer_profile"):
            messages.info(self.request, "Join the forum to book a place at an event.")
            return redirect("people:join")
        if user.is_authenticated:
            messages.error(self.request, "This event is not taking bookings.")
            return redirect(self.event)
        return super().handle_no_permission()

    def get(self, request, *args, **kwargs):
        booking = selectors.booking_of(request.user, self.event)
        if booking is not None and booking.is_active:
            return redirect(self.event)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        context["is_full"] = self.event.places_left == 0
        return context

    def form_valid(self, form):
        try:
            booking = services.book_place(self.event, user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(self.request, _first_error(error))
            return redirect(self.event)
        if booking.status == Booking.Status.BOOKED:
            messages.success(self.request, "Your place is booked. We have sent you an email with the details.")
        else:
            messages.success(
                self.request,
                "The event is full, so you are on the waiting list. We will email you if a place comes up.",
            )
        return redirect(self.event)


class BookingCancelView(PortalPermissionMixin, TemplateView):
    permission_required = "participation.cancel_booking"
    template_name = "participation/booking_cancel.html"

    def get_permission_object(self):
        # Someone else's booking does not exist for this person.
        self.booking = get_object_or_404(
            Booking.objects.select_related("event"), pk=self.kwargs["pk"], user_id=self.request.user.pk
        )
        return self.booking

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "booking": self.booking, "event": self.booking.event}

    def post(self, request, *args, **kwargs):
        try:
            services.cancel_booking(self.booking, by=request.user)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, "Your booking is cancelled.")
        return redirect(self.booking.event)


class EventCalendarView(View):
    def get(self, request, pk):
        event = selectors.event_visible_to(request.user, pk)
        booking = selectors.booking_of(request.user, event)
        with_link = booking is not None and booking.status == Booking.Status.BOOKED
        response = HttpResponse(ics.event_calendar(event, with_link=with_link), content_type="text/calendar")
        response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
        return response


class EventFeedView(View):
    def get(self, request):
        events = selectors.events_in_feed(timezone.now())
        response = HttpResponse(ics.events_calendar(events), content_type="text/calendar")
        response["Content-Disposition"] = 'inline; filename="events.ics"'
        return response


class GroupListView(TemplateView):
    template_name = "participation/group_list.html"

    def get_context_data(self, **kwargs):
        content = _for_visitors(
            self.request,
            "groups",
            "participation/_group_list_content.html",
            lambda: {"groups": selectors.groups_list()},
            everyone=True,
        )
        return {**super().get_context_data(**kwargs), "content": content}


class GroupDetailView(TemplateView):
    template_name = "participation/group_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group = selectors.group_detail(self.kwargs["slug"])
        user = self.request.user
        today = timezone.localdate()
        seats = list(selectors.seats_of_group(group))
        context.update(
            group=group,
            current_seats=[seat for seat in seats if seat.is_current(today)],
            my_seat=next((seat for seat in seats if seat.user_id == user.pk and seat.is_current(today)), None),
            reports=selectors.rep_reports_of_group(group) if user.has_perm("participation.view_rep_reports") else None,
            opportunities=selectors.open_opportunities(today).filter(group=group),
            upcoming=selectors.upcoming_events(timezone.now()).filter(group=group),
        )
        return context


class OpportunityDetailView(FormView):
    template_name = "participation/opportunity_detail.html"
    form_class = InterestForm

    def dispatch(self, request, *args, **kwargs):
        self.opportunity = get_object_or_404(Opportunity.objects.select_related("group"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            opportunity=self.opportunity,
            interest=Interest.objects.filter(opportunity=self.opportunity, user_id=user.pk).first(),
            can_express=user.has_perm("participation.express_interest", self.opportunity),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm("participation.express_interest", self.opportunity):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.express_interest(self.opportunity, user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, _first_error(error))
            return self.form_invalid(form)
        messages.success(self.request, "Thank you. Forum staff will let you know their decision by email.")
        return redirect(self.opportunity)


class MyInvolvementView(PortalPermissionMixin, TemplateView):
    """A member's own page: what they booked, joined, offered to do, answered and follow."""

    permission_required = "participation.view_own_involvement"
    template_name = "participation/involvement_detail.html"

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            return redirect("people:join")
        return super().handle_no_permission()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        context.update(
            bookings=selectors.bookings_of(user),
            group_memberships=selectors.group_memberships_of(user),
            interests=selectors.interests_of(user),
            seats=[seat for seat in selectors.seats_of(user) if seat.is_current(today)],
            responses=selectors.consultations_answered_by(user),
            subscriptions=selectors.topics_followed_by(user),
        )
        return context


class RepReportCreateView(PortalPermissionMixin, FormView):
    permission_required = "participation.file_rep_report"
    template_name = "participation/repreport_form.html"
    form_class = RepReportForm

    def get_permission_object(self):
        self.seat = get_object_or_404(RepSeat.objects.select_related("group"), pk=self.kwargs["pk"])
        return self.seat

    def handle_no_permission(self):
        user = self.request.user
        if user.is_authenticated and self.seat.user_id == user.pk:
            messages.info(self.request, "Reports can be written only while your term as a parent rep runs.")
            return redirect(self.seat.group)
        return super().handle_no_permission()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "seat": self.seat}

    def form_valid(self, form):
        try:
            services.file_rep_report(self.seat, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Your report is published to members.")
        return redirect(self.seat.group)


# --- Forum staff pages -----------------------------------------------------------------------------


class StaffEventListView(PortalPermissionMixin, TemplateView):
    permission_required = "participation.manage_events"
    template_name = "participation/event_manage_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = selectors.events_for_staff()
        return context


class EventFormView(PortalPermissionMixin, FormView):
    permission_required = "participation.manage_events"
    template_name = "participation/event_form.html"
    form_class = EventForm

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(Event, pk=kwargs["pk"]) if "pk" in kwargs else None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.event}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "event": self.event}

    def form_valid(self, form):
        event = services.save_event(self.event, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, "The event is saved." if self.event else "The event is saved as a draft.")
        return redirect("participation:event-manage", pk=event.pk)


class EventManageView(PortalPermissionMixin, TemplateView):
    """One event as staff see it: its bookings and waiting list, publishing and attendance."""

    permission_required = "participation.manage_events"
    template_name = "participation/event_manage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = get_object_or_404(selectors.events_for_staff(), pk=self.kwargs["pk"])
        bookings = list(selectors.bookings_for_event(event))
        context.update(
            event=event,
            has_started=event.starts_at <= timezone.now(),
            booked=[booking for booking in bookings if booking.status == Booking.Status.BOOKED],
            waiting=[booking for booking in bookings if booking.status == Booking.Status.WAITLISTED],
        )
        return context


class EventPublishView(PortalPermissionMixin, View):
    permission_required = "participation.publish_event"

    def get_permission_object(self):
        self.event = get_object_or_404(Event, pk=self.kwargs["pk"])
        return self.event

    def post(self, request, pk):
        # Refused for a forum admin (who holds every permission) asking for what no role may, or
        # for a second click after the first published it.
        try:
            services.publish_event(self.event, by=request.user)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, "The event is published. Members can now book.")
        return redirect("participation:event-manage", pk=pk)


class EventCancelView(PortalPermissionMixin, TemplateView):
    permission_required = "participation.cancel_event"
    template_name = "participation/event_cancel.html"

    def get_permission_object(self):
        self.event = get_object_or_404(selectors.events_for_staff(), pk=self.kwargs["pk"])
        return self.event

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "event": self.event}

    def post(self, request, pk):
        try:
            services.cancel_event(self.event, by=request.user)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, "The event is cancelled. We have emailed everyone who booked or was waiting.")
        return redirect("participation:event-manage", pk=pk)


class AttendanceView(PortalPermissionMixin, FormView):
    permission_required = "participation.record_attendance"
    template_name = "participation/attendance_form.html"
    form_class = AttendanceForm

    def get_permission_object(self):
        self.event = get_object_or_404(Event, pk=self.kwargs["pk"])
        return self.event

    def handle_no_permission(self):
        user = self.request.user
        if (
            user.has_perm("participation.manage_events")
            and self.event.status == Event.Status.PUBLISHED
            and self.event.starts_at > timezone.now()
        ):
            messages.info(self.request, "You can record attendance once the event has started.")
            return redirect("participation:event-manage", pk=self.event.pk)
        return super().handle_no_permission()

    def get_form_kwargs(self):
        self.bookings = [
            booking for booking in selectors.bookings_for_event(self.event) if booking.status == Booking.Status.BOOKED
        ]
        return {**super().get_form_kwargs(), "bookings": self.bookings}

    def get_initial(self):
        return {
            "outcome": self.event.outcome,
            "attended": [str(booking.user_id) for booking in self.bookings if booking.attended],
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "event": self.event}

    def form_valid(self, form):
        attended = User.objects.filter(pk__in=form.cleaned_data["attended"])
        try:
            services.record_attendance(
                self.event, attended=list(attended), outcome=form.cleaned_data["outcome"], by=self.request.user
            )
        except ValidationError as error:
            messages.error(self.request, _first_error(error))
            return redirect("participation:event-manage", pk=self.event.pk)
        messages.success(self.request, "Attendance is saved and the event is in the participation log.")
        return redirect("participation:event-manage", pk=self.event.pk)


class StaffOpportunityListView(PortalPermissionMixin, TemplateView):
    permission_required = "participation.manage_groups"
    template_name = "participation/opportunity_manage_list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "opportunities": selectors.opportunities_for_staff()}


class OpportunityFormView(PortalPermissionMixin, FormView):
    """Publish a call for parent reps, or change one (its wording, closing date or term)."""

    permission_required = "participation.manage_groups"
    template_name = "participation/opportunity_form.html"
    form_class = OpportunityForm

    def dispatch(self, request, *args, **kwargs):
        self.opportunity = get_object_or_404(Opportunity, pk=kwargs["pk"]) if "pk" in kwargs else None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.opportunity}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "opportunity": self.opportunity}

    def form_valid(self, form):
        opportunity = services.save_opportunity(self.opportunity, by=self.request.user, **form.cleaned_data)
        saved = "The opportunity is saved." if self.opportunity else "The opportunity is published."
        messages.success(self.request, saved)
        return redirect("participation:opportunity-manage", pk=opportunity.pk)


class OpportunityManageView(PortalPermissionMixin, TemplateView):
    """The people who expressed interest, each with a decision form while undecided."""

    permission_required = "participation.manage_groups"
    template_name = "participation/opportunity_manage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        opportunity = get_object_or_404(Opportunity.objects.select_related("group"), pk=self.kwargs["pk"])
        context.update(
            opportunity=opportunity,
            interests=selectors.interests_for_opportunity(opportunity),
        )
        return context


class InterestDecideView(PortalPermissionMixin, FormView):
    permission_required = "participation.manage_groups"
    template_name = "participation/interest_decide.html"
    form_class = DecideInterestForm

    def dispatch(self, request, *args, **kwargs):
        self.interest = get_object_or_404(Interest.objects.select_related("opportunity", "user"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "interest": self.interest}

    def form_valid(self, form):
        appoint = form.cleaned_data["decision"] == "appoint"
        try:
            services.decide_interest(self.interest, appoint=appoint, by=self.request.user)
        except ValidationError as error:
            messages.error(self.request, _first_error(error))
        else:
            outcome = "appointed" if appoint else "told “not this time”"
            messages.success(self.request, f"{self.interest.user} is {outcome}. We have emailed them.")
        return redirect("participation:opportunity-manage", pk=self.interest.opportunity_id)


def _period(request, *, button: str) -> tuple[ReportPeriodForm, date, date]:
    """The period asked for in the query string, or the current grant year (also while the dates
    asked for are wrong: the form then shows why)."""
    start, end = selectors.grant_year_around(timezone.localdate())
    form = ReportPeriodForm(request.GET or None, initial={"start": start, "end": end}, button=button)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, start, end


class ActivityListView(PortalPermissionMixin, TemplateView):
    """The participation log for a period: the grant year unless another is chosen."""

    permission_required = "participation.manage_log"
    template_name = "participation/activity_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, start, end = _period(self.request, button="Show the log")
        context.update(form=form, start=start, end=end, activities=selectors.activities_between(start, end))
        return context


class ActivityFormView(PortalPermissionMixin, FormView):
    permission_required = "participation.manage_log"
    template_name = "participation/activity_form.html"
    form_class = ActivityForm

    def dispatch(self, request, *args, **kwargs):
        self.activity = get_object_or_404(Activity, pk=kwargs["pk"]) if "pk" in kwargs else None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.activity}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "activity": self.activity}

    def form_valid(self, form):
        if self.activity is None:
            services.log_activity(by=self.request.user, **form.cleaned_data)
            messages.success(self.request, "The activity is in the participation log.")
        else:
            services.change_activity(self.activity, by=self.request.user, **form.cleaned_data)
            messages.success(self.request, "The activity is saved.")
        return redirect("participation:activity-list")


class ReportView(PortalPermissionMixin, TemplateView):
    """The funder's report for a period; CSV and XLSX of the same figures."""

    permission_required = "participation.view_report"
    template_name = "participation/report.html"

    def get(self, request, *args, **kwargs):
        form, start, end = _period(request, button="Show report")
        report = selectors.participation_report(start, end)
        download = kwargs.get("format")
        if download is None or (form.is_bound and not form.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, report=report))
        if download == "csv":
            content, content_type = exports.report_csv(report, by=request.user), "text/csv"
        elif download == "xlsx":
            content = exports.report_xlsx(report, by=request.user)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            raise Http404
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="participation-{start}-to-{end}.{download}"'
        return response


class MemberListView(PortalPermissionMixin, TemplateView):
    """Members with filters on the data they consented to give, and a CSV of the same list."""

    permission_required = "participation.view_members"
    template_name = "participation/member_list.html"
    page_size = 50

    def get(self, request, *args, **kwargs):
        form = MemberFilterForm(request.GET or None, areas=selectors.member_areas())
        filters = {key: value for key, value in (form.cleaned_data.items() if form.is_valid() else []) if value}
        profiles = selectors.members(**filters)
        if kwargs.get("format") not in (None, "csv"):
            raise Http404
        if kwargs.get("format") == "csv":
            response = HttpResponse(
                exports.members_csv(profiles, by=request.user, filters=filters), content_type="text/csv"
            )
            response["Content-Disposition"] = 'attachment; filename="forum-members.csv"'
            return response
        page = Paginator(profiles, self.page_size).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return self.render_to_response(
            self.get_context_data(form=form, page=page, total=page.paginator.count, query=query.urlencode())
        )


class RepresentativenessView(PortalPermissionMixin, FormView):
    """Members (or one activity's participants) beside the local SEND population."""

    permission_required = "participation.view_members"
    template_name = "participation/representativeness.html"
    form_class = PopulationFigureForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activities = list(selectors.activities_with_participants())
        chosen = next((a for a in activities if str(a.pk) == self.request.GET.get("activity")), None)
        user_ids = chosen.participants.values("pk") if chosen else None
        context.update(activities=activities, chosen=chosen, comparisons=selectors.representativeness(user_ids))
        return context

    def form_valid(self, form):
        services.set_population_figure(by=self.request.user, **form.cleaned_data)
        messages.success(self.request, "The figure is saved.")
        return redirect("participation:representativeness")


class StaffGroupListView(PortalPermissionMixin, TemplateView):
    permission_required = "participation.manage_groups"
    template_name = "participation/group_manage_list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "groups": selectors.groups_for_staff()}


class GroupFormView(PortalPermissionMixin, FormView):
    permission_required = "participation.manage_groups"
    template_name = "participation/group_form.html"
    form_class = GroupForm

    def dispatch(self, request, *args, **kwargs):
        self.group = get_object_or_404(Group, pk=kwargs["pk"]) if "pk" in kwargs else None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.group}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "group": self.group}

    def form_valid(self, form):
        group = services.save_group(self.group, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, "The group is saved.")
        return redirect("participation:group-manage", pk=group.pk)


class GroupManageView(PortalPermissionMixin, FormView):
    """A group's members as staff see them: add a member by email, remove one."""

    permission_required = "participation.manage_groups"
    template_name = "participation/group_manage.html"
    form_class = AddGroupMemberForm

    def dispatch(self, request, *args, **kwargs):
        self.group = get_object_or_404(Group.objects.select_related("organisation"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(group=self.group, members=selectors.members_of_group(self.group))
        return context

    def form_valid(self, form):
        services.add_group_member(self.group, user=form.user, by=self.request.user)
        messages.success(self.request, f"{form.user} is in the group.")
        return redirect("participation:group-manage", pk=self.group.pk)


class GroupMemberRemoveView(PortalPermissionMixin, View):
    permission_required = "participation.manage_groups"

    def post(self, request, pk):
        member = get_object_or_404(GroupMember.objects.select_related("group", "user"), pk=pk)
        services.remove_group_member(member, by=request.user)
        messages.success(request, f"{member.user} is no longer in the group.")
        return redirect("participation:group-manage", pk=member.group_id)
