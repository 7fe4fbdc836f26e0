"""No phone number, name, chat id or reporter in any Open311 answer, in any format or language."""

from __future__ import annotations

import re

import httpx

from handlers.needs.open311.privacy import mask_phones
from tests.handlers.needs.open311.conftest import NAMES, PHONES, TELEGRAM_CHAT, Reported, Served
from tests.handlers.needs.open311.test_submit import NEW

REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "requested_datetime",
    "updated_datetime",
    "address",
    "lat",
    "long",
}


def digit_runs(text: str) -> list[str]:
    """Every run of digits in `text`, joined across the separators people write numbers with."""
    return [re.sub(r"\D", "", run) for run in re.findall(r"\d(?:[\s\-().]{0,3}\d)*", text)]


def assert_nothing_personal(path: str, body: str) -> None:
    for name in [*NAMES, "Aigerim", "Toktogulova", "aigerim@example.kg"]:
        assert name not in body, (path, name)
    runs = digit_runs(body)
    for phone in PHONES:
        national = phone[-9:]  # 555123456: however it was written, these nine digits remain
        assert not any(national in run for run in runs), (path, phone)
    assert TELEGRAM_CHAT not in runs, path
    assert "AgACAgIAAxkBAAIB" not in body and "twilio" not in body, path
    assert "reporter" not in body and "person" not in body, path


async def test_no_personal_data_in_any_answer(
    served: Served, reported: Reported, api_key: str
) -> None:
    async with httpx.AsyncClient(base_url=served.url) as http:
        posted = await http.post("/requests.json", data={**NEW, "api_key": api_key})
        assert posted.status_code == 200
        assert_nothing_personal("POST", posted.text)
        references = [r["service_request_id"] for r in (await http.get("/requests.json")).json()]
        references.append(reported.old.reference)
        paths = ["/discovery", "/services", "/services/water", "/requests"]
        paths += [f"/requests/{reference}" for reference in references]
        queries = [
            {},
            {"status": "closed"},
            {"service_request_id": ",".join(references)},
            {"start_date": "2000-01-01T00:00:00Z"},
        ]
        checked = 0
        for path in paths:
            for extension in ("json", "xml"):
                for language in ("ky", "ru", "uz", "en"):
                    for query in queries if path == "/requests" else [{}]:
                        params = {**query, "locale": language}
                        response = await http.get(f"{path}.{extension}", params=params)
                        assert response.status_code == 200, (path, response.text)
                        assert_nothing_personal(f"{path}.{extension} {params}", response.text)
                        checked += 1
    assert checked == (len(paths) - 1 + len(queries)) * 2 * 4  # every combination ran


async def test_requests_carry_only_the_spec_fields(served: Served, reported: Reported) -> None:
    async with httpx.AsyncClient(base_url=served.url) as http:
        requests = (await http.get("/requests.json")).json()
    assert len(requests) == 3
    for request in requests:
        assert set(request) == REQUEST_FIELDS, request  # no media_url for residents' photos
    mms = next(r for r in requests if r["service_request_id"] == reported.mms.reference)
    assert mms["description"] == "Call me: *** or ***"


def test_phone_numbers_are_masked_however_they_are_written() -> None:
    for written in [
        "+996555123456",
        "+996 555 123 456",
        "0555 123 456",
        "0 (555) 12-34-56",
        "555123456",
        "996700112233",
        "0312 62 45 67",
    ]:
        assert mask_phones(f"call {written} today") == "call *** today", written
    for kept in ["N-000123", "house 12, flat 5", "in 2024, 350 families", "41.0801, 72.9903"]:
        assert mask_phones(kept) == kept
