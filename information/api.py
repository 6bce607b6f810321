"""The Open Referral UK read API of the services directory: open to all, read-only, JSON.

Every answer, errors included, is JSON with the open CORS header, so another site's script can
read why a request failed: a malformed or unknown id is 404, a malformed filter or page number
400, a method other than GET or HEAD 405 (OPTIONS, a browser's preflight, is answered).
"""

import uuid
from functools import wraps

from django.db.models import Prefetch, Q
from django.http import HttpResponse, JsonResponse

from forum_portal import fragments

from . import oruk
from .models import Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from .views import CONTENT_SECONDS

ALLOWED_METHODS = "GET, HEAD, OPTIONS"


class ApiError(Exception):
    """A request the API answers with an error: its status and what to tell the caller."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


def _open_to_all(response):
    # Open CORS: the directory is public data, meant to be reused by other sites.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json(data, status=200) -> JsonResponse:
    return _open_to_all(JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False}))


def endpoint(view):
    """A read-only API view: GET and HEAD answered by ``view``, OPTIONS by the CORS headers, any
    other method refused, and an ``ApiError`` turned into its JSON answer."""

    @wraps(view)
    def answer(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = _open_to_all(HttpResponse(status=204))
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Max-Age"] = "86400"
        elif request.method not in ("GET", "HEAD"):
            response = _json({"detail": f"This API only reads: {request.method} is not allowed."}, status=405)
        else:
            try:
                return view(request, *args, **kwargs)
            except ApiError as error:
                return _json({"detail": error.detail}, status=error.status)
        response["Allow"] = ALLOWED_METHODS
        return response

    # Nothing here changes anything, and other sites call it without our CSRF token: a POST must
    # reach the 405 above rather than the CSRF failure page.
    answer.csrf_exempt = True
    return answer


def _uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ApiError(404, f"No {what} with this id: {value!r} is not a UUID.") from None


def _filter_uuid(request, name: str) -> uuid.UUID | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ApiError(400, f"{name} must be a UUID; {value!r} is not one.") from None


def _whole_number(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ApiError(400, f"{name} must be a whole number; {value!r} is not one.") from None


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
    return {
        "page": oruk.page_number(_whole_number(request, "page")),
        "size": oruk.page_size(_whole_number(request, "per_page")),
    }


@endpoint
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


@endpoint
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
    term_id, taxonomy_id = _filter_uuid(request, "taxonomy_term_id"), _filter_uuid(request, "taxonomy_id")
    if term_id:
        services = services.filter(taxonomy_terms=term_id)
    if taxonomy_id:
        services = services.filter(taxonomy_terms__taxonomy=taxonomy_id).distinct()
    return oruk.paged(services, to_json=oruk.service_summary_json, **_page_args(request))


@endpoint
def service_detail(request, pk):
    service = _full_services().filter(pk=_uuid(pk, "service")).first()
    if service is None:
        return _json({"detail": "No service with this id."}, status=404)
    return _json(oruk.service_json(service))


@endpoint
def service_at_location_list(request):
    places = (
        ServiceAtLocation.objects.filter(service__status=Service.Status.ACTIVE)
        .select_related("service__organisation", "location")
        .order_by("service__name", "id")
    )
    return _json(oruk.paged(places, to_json=oruk.service_at_location_json, **_page_args(request)))


@endpoint
def service_at_location_detail(request, pk):
    place = (
        ServiceAtLocation.objects.filter(pk=_uuid(pk, "service at location"), service__status=Service.Status.ACTIVE)
        .select_related("location")
        .first()
    )
    if place is None:
        return _json({"detail": "No service at location with this id."}, status=404)
    place.service = _full_services().get(pk=place.service_id)
    return _json(oruk.service_at_location_json(place, full=True))


@endpoint
def taxonomy_list(request):
    return _json(oruk.paged(Taxonomy.objects.order_by("name", "id"), to_json=oruk.taxonomy_json, **_page_args(request)))


@endpoint
def taxonomy_detail(request, pk):
    taxonomy = Taxonomy.objects.filter(pk=_uuid(pk, "taxonomy")).first()
    if taxonomy is None:
        return _json({"detail": "No taxonomy with this id."}, status=404)
    data = oruk.taxonomy_json(taxonomy)
    data["taxonomy_terms"] = [oruk.taxonomy_term_json(term) for term in taxonomy.terms.select_related("taxonomy")]
    return _json(data)


@endpoint
def taxonomy_term_list(request):
    terms = TaxonomyTerm.objects.select_related("taxonomy").order_by("name", "id")
    return _json(oruk.paged(terms, to_json=oruk.taxonomy_term_json, **_page_args(request)))


@endpoint
def taxonomy_term_detail(request, pk):
    term = TaxonomyTerm.objects.select_related("taxonomy").filter(pk=_uuid(pk, "taxonomy term")).first()
    if term is None:
        return _json({"detail": "No taxonomy term with this id."}, status=404)
    return _json(oruk.taxonomy_term_json(term))


@endpoint
def not_found(request, path):
    raise ApiError(404, "There is nothing at this address. The API's root lists where its definition is.")
