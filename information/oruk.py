"""The services directory as Open Referral UK 3.0 JSON, and back.

``*_json`` functions turn our rows into the UK profile's objects. Empty fields are left out, as
the standard asks, except those its schemas require. Ids the profile wants for rows we do not
keep separately (an address, a phone, an attribute) are derived from the owning row's UUID, so
they stay the same between requests.

The ``read_*`` functions take values out of a feed's JSON for ``services.import_oruk_services``,
checking each one's type, and raise ``BadRecord`` saying where a value is wrong.
"""

import math
import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings

from .models import Location, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm

HSDS_VERSION = "3.0"
PROFILE_URL = "https://openreferraluk.org/"
# The API definition this feed follows: the UK profile's own, which we do not copy.
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json"


def derived_id(owner_id: uuid.UUID, part: str) -> str:
    return str(uuid.uuid5(owner_id, part))


def compact(data: dict) -> dict:
    """``data`` without empty values (None, "", [])."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def organisation_json(organisation) -> dict:
    return {
        **compact(
            {
                "id": str(organisation.id),
                "name": organisation.name,
                "email": organisation.email,
                "website": organisation.website,
            }
        ),
        # Required by the profile even when we have none.
        "description": organisation.description or organisation.name,
    }


def taxonomy_term_json(term: TaxonomyTerm) -> dict:
    return {
        **compact(
            {
                "id": str(term.id),
                "name": term.name,
                "term": term.code,
                "parent_id": str(term.parent_id) if term.parent_id else None,
                "taxonomy_id": str(term.taxonomy_id) if term.taxonomy_id else None,
                "taxonomy": term.taxonomy.name if term.taxonomy_id else None,
            }
        ),
        "description": term.description or term.name,
    }


def taxonomy_json(taxonomy: Taxonomy) -> dict:
    return compact(
        {
            "id": str(taxonomy.id),
            "name": taxonomy.name,
            "description": taxonomy.description or taxonomy.name,
            "uri": taxonomy.uri,
            "version": taxonomy.version,
        }
    )


def location_json(location: Location) -> dict:
    data = compact(
        {
            "id": str(location.id),
            "location_type": "physical",
            "name": location.name,
            "latitude": float(location.latitude) if location.latitude is not None else None,
            "longitude": float(location.longitude) if location.longitude is not None else None,
        }
    )
    if location.address or location.postcode:
        data["addresses"] = [
            {
                "id": derived_id(location.id, "address"),
                "location_id": str(location.id),
                "address_1": location.address,
                "city": location.city,
                "state_province": "England",
                "postal_code": location.postcode,
                "country": "GB",
                "address_type": "physical",
            }
        ]
    return data


def service_summary_json(service: Service) -> dict:
    """The one-to-one fields of a service, as ``/services`` lists them."""
    return compact(
        {
            "id": str(service.id),
            "organization_id": str(service.organisation_id),
            "name": service.name,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "last_modified": service.last_modified.isoformat(),
            "organization": organisation_json(service.organisation),
        }
    )


def service_json(service: Service) -> dict:
    """A fully nested service, as ``/services/{id}`` gives it."""
    data = service_summary_json(service)
    data["service_at_locations"] = [
        {
            "id": str(place.id),
            "service_id": str(service.id),
            "location_id": str(place.location_id),
            "location": location_json(place.location),
        }
        for place in service.service_at_locations.all()
    ]
    data["contacts"] = [
        compact(
            {
                "id": str(contact.id),
                "service_id": str(service.id),
                "name": contact.name,
                "title": contact.title,
                "email": contact.email,
                "phones": [{"id": derived_id(contact.id, "phone"), "number": contact.phone}] if contact.phone else [],
            }
        )
        for contact in service.contacts.all()
    ]
    data["attributes"] = [
        {
            "id": derived_id(service.id, f"term:{term.id}"),
            "link_id": str(service.id),
            "taxonomy_term_id": str(term.id),
            "taxonomy_term": taxonomy_term_json(term),
        }
        for term in service.taxonomy_terms.all()
    ]
    if service.area:
        data["service_areas"] = [
            {"id": derived_id(service.id, "area"), "service_id": str(service.id), "name": service.area}
        ]
    if service.cost:
        data["cost_options"] = [
            {"id": derived_id(service.id, "cost"), "service_id": str(service.id), "amount_description": service.cost}
        ]
    return compact(data)


def service_at_location_json(place: ServiceAtLocation, *, full: bool = False) -> dict:
    return {
        "id": str(place.id),
        "service_id": str(place.service_id),
        "location_id": str(place.location_id),
        "location": location_json(place.location),
        "service": service_json(place.service) if full else service_summary_json(place.service),
    }


def page_size(requested: int | None) -> int:
    """The page size asked for, within 1 and the largest allowed; the default when not asked."""
    if requested is None:
        return settings.INFORMATION_ORUK_PAGE_SIZE
    return min(max(requested, 1), settings.INFORMATION_ORUK_MAX_PAGE_SIZE)


def page_number(requested: int | None) -> int:
    return 1 if requested is None else max(requested, 1)


def paged(queryset, *, page: int, size: int, to_json) -> dict:
    """The profile's page object: counts, flags and this page's ``contents``."""
    total = queryset.count()
    total_pages = max(math.ceil(total / size), 1)
    start = (page - 1) * size
    rows = list(queryset[start : start + size]) if start < total else []
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(rows),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not rows,
        "contents": [to_json(row) for row in rows],
    }


# --- Reading a feed ------------------------------------------------------------------------------


class BadRecord(ValueError):
    """What is wrong in one record of a feed, said so that the feed's owner can find it."""


def at(where: str, key: str) -> str:
    """The place of ``key`` inside ``where``, as a path a person can follow in the JSON."""
    return f"{where}.{key}" if where else key


def read_object(data: dict, key: str, where: str = "") -> dict:
    """``data[key]`` as an object ({} when absent or null)."""
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRecord(f"{at(where, key)} is not an object")
    return value


def read_objects(data: dict, key: str, where: str = "") -> list[dict]:
    """``data[key]`` as a list of objects ([] when absent or null)."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise BadRecord(f"{at(where, key)} is not a list of objects")
    return value


def read_text(data: dict, key: str, where: str = "", *, limit: int | None = None) -> str:
    """``data[key]`` as text ("" when absent or null), cut to ``limit`` characters."""
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRecord(f"{at(where, key)} is not text")
    value = value.strip()
    return value[:limit] if limit else value


def read_uuid(value, name: str) -> uuid.UUID:
    """``value``, a UUID written as text; ``name`` says where it came from."""
    if value in (None, ""):
        raise BadRecord(f"missing field {name}")
    if not isinstance(value, str):
        raise BadRecord(f"{name} is not text")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadRecord(f"{name} {value!r} is not a UUID") from None


def read_whole_number(data: dict, key: str, where: str = "") -> int | None:
    """``data[key]`` as a whole number of at least 0 (None when absent or null)."""
    value = data.get(key)
    if value is None:
        return None
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole or value < 0:
        raise BadRecord(f"{at(where, key)} {value!r} is not a whole number of at least 0")
    return int(value)


def read_coordinate(data: dict, key: str, where: str, *, limit: int) -> Decimal | None:
    """``data[key]``, a latitude (``limit`` 90) or longitude (180), to six decimal places."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadRecord(f"{at(where, key)} is not a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise BadRecord(f"{at(where, key)} is not a number") from None
    if not number.is_finite() or abs(number) > limit:
        raise BadRecord(f"{at(where, key)} {value} is not between -{limit} and {limit}")
    return number.quantize(Decimal("0.000001"))
