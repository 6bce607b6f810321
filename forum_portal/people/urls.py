from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.AccountView.as_view(), name="account"),
    path("forum/join/", views.JoinForumView.as_view(), name="join"),
    path("forum/profile/", views.ProfileView.as_view(), name="profile"),
    path("forum/leave/", views.LeaveForumView.as_view(), name="leave"),
    path("data/", views.DataExportView.as_view(), name="data-export"),
    path("data/<int:pk>/download/", views.DataExportDownloadView.as_view(), name="data-export-download"),
    path("delete/", views.DeleteAccountView.as_view(), name="account-delete"),
    path("delete-on-request/", views.DeleteOnRequestView.as_view(), name="account-delete-on-request"),
]
