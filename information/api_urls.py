from django.urls import path

from . import api

# The Open Referral UK API of the services directory.
app_name = "openreferral"

urlpatterns = [
    path("", api.api_root, name="api-root"),
    path("services", api.service_list, name="service-list"),
    path("services/<str:pk>", api.service_detail, name="service-detail"),
    path("service_at_locations", api.service_at_location_list, name="service-at-location-list"),
    path("service_at_locations/<str:pk>", api.service_at_location_detail, name="service-at-location-detail"),
    path("taxonomies", api.taxonomy_list, name="taxonomy-list"),
    path("taxonomies/<str:pk>", api.taxonomy_detail, name="taxonomy-detail"),
    path("taxonomy_terms", api.taxonomy_term_list, name="taxonomy-term-list"),
    path("taxonomy_terms/<str:pk>", api.taxonomy_term_detail, name="taxonomy-term-detail"),
    # Anything else under the API answers in JSON too, not with the portal's HTML page.
    path("<path:path>", api.not_found, name="not-found"),
]
