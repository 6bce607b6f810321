from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("events/", views.EventListView.as_view(), name="event-list"),
    path("events/calendar.ics", views.EventFeedView.as_view(), name="event-feed"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="event-detail"),
    path("events/<int:pk>/book/", views.EventBookView.as_view(), name="event-book"),
    path("events/<int:pk>/calendar.ics", views.EventCalendarView.as_view(), name="event-calendar"),
    path("bookings/<int:pk>/cancel/", views.BookingCancelView.as_view(), name="booking-cancel"),
    path("groups/", views.GroupListView.as_view(), name="group-list"),
    path("groups/<slug:slug>/", views.GroupDetailView.as_view(), name="group-detail"),
    path("opportunities/<int:pk>/", views.OpportunityDetailView.as_view(), name="opportunity-detail"),
    path("seats/<int:pk>/report/", views.RepReportCreateView.as_view(), name="repreport-create"),
    path("my-involvement/", views.MyInvolvementView.as_view(), name="involvement"),
    # Forum staff
    path("manage/events/", views.StaffEventListView.as_view(), name="event-manage-list"),
    path("manage/events/new/", views.EventFormView.as_view(), name="event-create"),
    path("manage/events/<int:pk>/", views.EventManageView.as_view(), name="event-manage"),
    path("manage/events/<int:pk>/edit/", views.EventFormView.as_view(), name="event-edit"),
    path("manage/events/<int:pk>/publish/", views.EventPublishView.as_view(), name="event-publish"),
    path("manage/events/<int:pk>/cancel/", views.EventCancelView.as_view(), name="event-cancel"),
    path("manage/events/<int:pk>/attendance/", views.AttendanceView.as_view(), name="event-attendance"),
    path("manage/groups/", views.StaffGroupListView.as_view(), name="group-manage-list"),
    path("manage/groups/new/", views.GroupFormView.as_view(), name="group-create"),
    path("manage/groups/<int:pk>/", views.GroupManageView.as_view(), name="group-manage"),
    path("manage/groups/<int:pk>/edit/", views.GroupFormView.as_view(), name="group-edit"),
    path("manage/group-members/<int:pk>/remove/", views.GroupMemberRemoveView.as_view(), name="group-member-remove"),
    path("manage/opportunities/", views.StaffOpportunityListView.as_view(), name="opportunity-manage-list"),
    path("manage/opportunities/new/", views.OpportunityFormView.as_view(), name="opportunity-create"),
    path("manage/opportunities/<int:pk>/", views.OpportunityManageView.as_view(), name="opportunity-manage"),
    path("manage/opportunities/<int:pk>/edit/", views.OpportunityFormView.as_view(), name="opportunity-edit"),
    path("manage/interests/<int:pk>/decide/", views.InterestDecideView.as_view(), name="interest-decide"),
    path("manage/log/", views.ActivityListView.as_view(), name="activity-list"),
    path("manage/log/new/", views.ActivityFormView.as_view(), name="activity-create"),
    path("manage/log/<int:pk>/edit/", views.ActivityFormView.as_view(), name="activity-edit"),
    path("manage/members/", views.MemberListView.as_view(), name="member-list"),
    path("manage/members.<str:format>", views.MemberListView.as_view(), name="member-download"),
    path("manage/representativeness/", views.RepresentativenessView.as_view(), name="representativeness"),
    path("manage/report/", views.ReportView.as_view(), name="report"),
    path("manage/report.<str:format>", views.ReportView.as_view(), name="report-download"),
]
