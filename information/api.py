"""The Open Referral UK read API of the services directory: open to all, read-only, JSON."""

import uuid

from django.db.models import Prefetch, Q
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from forum_portal import fragments

from . import oruk
from .models import Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from .views import CONTENT_SECONDS


def _json(data, status=200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Open CORS: the directory is public data, meant to be reused by other sites.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _uuid_or_404(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


def _full_services():
    return (
        Service.objects.listed()
        .select_related("organisation")
        .prefetch_related(
            Prefetch("service_at_locations", queryset=ServiceAtLocation.objects.select_related("location")),
            "contacts",
            Prefetch("taxonomy_terms", queryset=TaxonomyTerm.objects.select_related("taxonomy")),
        )
    )


def _page_args(request) -> dict:
    return {"page": oruk.page_number(request.GET.get("page")), "size": oruk.page_size(request.GET.get("per_page"))}


@require_GET
def api_root(request):
    return _json(
        {
            "version": oruk.HSDS_VERSION,
            "profile": oruk.PROFILE_URL,
            "openapi_url": oruk.OPENAPI_URL,
        }
    )


# The plain list's first pages are kept as cached fragments (a bounded set: no search, no filter).
CACHED_PAGES = 10


@require_GET
def service_list(request):
    page = request.GET.get("page", "1")
    if set(request.GET) <= {"page"} and page.isdigit() and 1 <= int(page) <= CACHED_PAGES:
        body = fragments.render(
            f"openreferral:services:{int(page)}",
            lambda: _json(_service_page(request)).content.decode(),
            source="information",
            timeout=CONTENT_SECONDS,
        )
        response = _json({})
        response.content = body.encode()
        return response
    return _json(_service_page(request))


def _service_page(request) -> dict:
    services = Service.objects.listed().select_related("organisation").order_by("name", "id")
    search = request.GET.get("search", "").strip()
    if search:
        services = services.filter(Q(name__icontains=search) | Q(description__icontains=search))
    if request.GET.get("taxonomy_term_id"):
        services = services.filter(taxonomy_terms=_uuid_or_404(request.GET["taxonomy_term_id"]))
    if request.GET.get("taxonomy_id"):
        services = services.filter(taxonomy_terms__taxonomy=_uuid_or_404(request.GET["taxonomy_id"])).distinct()
    return oruk.paged(services, to_json=oruk.service_summary_json, **_page_args(request))


@require_GET
def service_detail(request, pk):
    service = _full_services().filter(pk=_uuid_or_404(pk)).first()
    if service is None:
        return _json({"detail": "No service with this id."}, status=404)
    return _json(oruk.service_json(service))


@require_GET
def service_at_location_list(request):
    places = (
        ServiceAtLocation.objects.filter(service__status=Service.Status.ACTIVE)
        .select_related("service__organisation", "location")
        .order_by("service__name", "id")
    )
    return _json(oruk.paged(places, to_json=oruk.service_at_location_json, **_page_args(request)))


@require_GET
def service_at_location_detail(request, pk):
    place = (
        ServiceAtLocation.objects.filter(pk=_uuid_or_404(pk), service__status=Service.Status.ACTIVE)
        .select_related("location")
        .first()
    )
    if place is None:
        return _json({"detail": "No service at location with this id."}, status=404)
    place.service = _full_services().get(pk=place.service_id)
    return _json(oruk.service_at_location_json(place, full=True))


@require_GET
def taxonomy_list(request):
    return _json(oruk.paged(Taxonomy.objects.order_by("name", "id"), to_json=oruk.taxonomy_json, **_page_args(request)))


@require_GET
def taxonomy_detail(request, pk):
    taxonomy = Taxonomy.objects.filter(pk=_uuid_or_404(pk)).first()
    if taxonomy is None:
        return _json({"detail": "No taxonomy with this id."}, status=404)
    data = oruk.taxonomy_json(taxonomy)
    data["taxonomy_terms"] = [oruk.taxonomy_term_json(term) for term in taxonomy.terms.select_related("taxonomy")]
    return _json(data)


@require_GET
def taxonomy_term_list(request):
    terms = TaxonomyTerm.objects.select_related("taxonomy").order_by("name", "id")
    return _json(oruk.paged(terms, to_json=oruk.taxonomy_term_json, **_page_args(request)))


@require_GET
def taxonomy_term_detail(request, pk):
    term = TaxonomyTerm.objects.select_related("taxonomy").filter(pk=_uuid_or_404(pk)).first()
    if term is None:
        return _json({"detail": "No taxonomy term with this id."}, status=404)
    return _json(oruk.taxonomy_term_json(term))
