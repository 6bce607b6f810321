from django.urls import path  # noqa: F401

# The Open Referral UK API of the services directory.
app_name = "openreferral"

urlpatterns: list = []
