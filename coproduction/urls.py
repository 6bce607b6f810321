from django.urls import path

from . import views

app_name = "coproduction"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project-list"),
    path("new/", views.ProjectCreateView.as_view(), name="project-create"),
    path("invitations/<str:token>/", views.InvitationView.as_view(), name="invitation"),
    path("<slug:slug>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("<slug:slug>/edit/", views.ProjectEditView.as_view(), name="project-edit"),
    path("<slug:slug>/team/", views.TeamView.as_view(), name="team"),
    path("<slug:slug>/team/<int:pk>/", views.TeamMemberChangeView.as_view(), name="team-member-change"),
    path(
        "<slug:slug>/team/invitations/<int:pk>/withdraw/",
        views.InvitationWithdrawView.as_view(),
        name="invitation-withdraw",
    ),
    path("<slug:slug>/team/leave/", views.LeaveProjectView.as_view(), name="team-leave"),
    path("<slug:slug>/team/show-name/", views.ShowNameView.as_view(), name="team-show-name"),
    path("<slug:slug>/agenda/", views.AgendaView.as_view(), name="agenda"),
    path("<slug:slug>/agenda/<int:pk>/agree/", views.AgendaAgreeView.as_view(), name="agenda-agree"),
    path("<slug:slug>/agenda/<int:pk>/park/", views.AgendaParkView.as_view(), name="agenda-park"),
    path("<slug:slug>/meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("<slug:slug>/meetings/new/", views.MeetingCreateView.as_view(), name="meeting-create"),
    path("<slug:slug>/meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("<slug:slug>/decisions/", views.DecisionListView.as_view(), name="decisions"),
    path("<slug:slug>/actions/", views.ActionListView.as_view(), name="actions"),
    path("<slug:slug>/actions/<int:pk>/edit/", views.ActionEditView.as_view(), name="action-edit"),
    path("<slug:slug>/actions/<int:pk>/done/", views.ActionDoneView.as_view(), name="action-done"),
    path("<slug:slug>/cornerstones/", views.CornerstonesView.as_view(), name="cornerstones"),
    path("<slug:slug>/activity/", views.ActivityView.as_view(), name="activity"),
    path("<slug:slug>/documents/", views.DocumentListView.as_view(), name="document-list"),
    path("<slug:slug>/documents/new/", views.DocumentCreateView.as_view(), name="document-create"),
    path("<slug:slug>/documents/<int:pk>/", views.DocumentDetailView.as_view(), name="document-detail"),
    path("<slug:slug>/documents/<int:pk>/edit/", views.DocumentEditView.as_view(), name="document-edit"),
    path("<slug:slug>/documents/<int:pk>/compare/", views.DocumentCompareView.as_view(), name="document-compare"),
    path(
        "<slug:slug>/documents/<int:pk>/versions/<int:number>/sign-off/",
        views.SignOffView.as_view(),
        name="document-sign-off",
    ),
]
