"""GeoReport v2 fields for our records: categories as services, needs as service requests.

Every field is picked by name from the category, the municipality or the need's own columns;
nothing about the person who reported a need is read here."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from handlers.needs.open311.privacy import mask_phones, public_media_url
from models import Category, Municipality, Need

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this API's endpoints or fields last changed (discovery's `changeset`).
CHANGESET = "2025-06-01T00:00:00Z"
FORMATS = ["text/xml", "application/json"]
# Every category is a need of the social sphere; one group keeps clients' menus flat.
GROUP = "social"


def w3_datetime(moment: datetime) -> str:
    """2010-04-14T06:37:38Z: the w3 subset of ISO 8601 the spec asks for, in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def discovery(url: str) -> dict[str, Any]:
    """The service discovery document for the endpoint at `url`."""
    return {
        "changeset": CHANGESET,
        "contact": "Kenesh: ask the municipality or the operator of this server",
        "key_service": "API keys are given by the operator of this server (kenesh open311 key)",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": FORMATS,
            }
        ],
    }


def service(category: Category, language: str) -> dict[str, Any]:
    """One need category as a service; its names in every language are its keywords."""
    names = dict.fromkeys([category.name(language), *category.all_names()])
    return {
        "service_code": category.code,
        "service_name": category.name(language),
        "description": " / ".join(names),
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join([category.code, *names]),
        "group": GROUP,
    }


def service_definition(category: Category) -> dict[str, Any]:
    """A service's definition: no extra attributes are asked for any category."""
    return {"service_code": category.code, "attributes": []}


def service_request(
    need: Need, category: Category, municipality: Municipality, language: str
) -> dict[str, Any]:
    """One need as a service request: open while new, received or in progress."""
    fields: dict[str, Any] = {
        "service_request_id": need.reference,
        "status": "open" if need.status.is_open else "closed",
        "status_notes": mask_phones(need.staff_comment),
        "service_name": category.name(language),
        "service_code": category.code,
        "description": mask_phones(need.public_description) or "",
        "agency_responsible": municipality.name(language),
        "requested_datetime": w3_datetime(need.created_at),
        "updated_datetime": w3_datetime(need.updated_at),
        # where a resident was, or what they typed as their place, may be their home: public
        # answers never carry it (staff see it in the workspace); the fields stay, empty, for
        # clients that read them
        "address": None,
        "lat": None,
        "long": None,
    }
    media_url = public_media_url(need)
    if media_url:
        fields["media_url"] = media_url
    return fields


def created_request(need: Need, notice: str) -> dict[str, Any]:
    """The answer to a POSTed request: its id and what happens next."""
    return {"service_request_id": need.reference, "service_notice": notice}
