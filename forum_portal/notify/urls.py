from django.urls import path

from . import views

app_name = "notify"

urlpatterns = [
    path("preferences/", views.EmailPreferencesView.as_view(), name="preferences"),
    path("unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
