"""The export against the official OCDS 1.1.5 schema (Draft 4, local registry, formats)."""

from __future__ import annotations

import copy
import socket

import pytest

from handlers.tenders.ocds import validate
from handlers.tenders.ocds.package import build_package
from handlers.tenders.ocds.validate import SCHEMA_DIR, validate_package
from tests.conftest import ocds_schema_dir
from tests.handlers.tenders.ocds.conftest import History


async def export(app) -> dict:
    async with app.sessions() as session:
        return await build_package(session, "https://kenesh.example.kg/ocds/releases.json")


async def test_the_export_of_a_realistic_history_is_valid(app, history: History) -> None:
    package = await export(app)
    assert len(package["releases"]) == 9
    assert validate_package(package) == []


async def test_a_broken_package_is_reported_with_paths(app, history: History) -> None:
    package = copy.deepcopy(await export(app))
    del package["publisher"]
    package["releases"][0]["tag"] = ["published"]
    package["releases"][1]["tender"]["value"]["currency"] = "SOM"
    package["releases"][2]["tender"]["status"] = "open"
    del package["releases"][3]["ocid"]
    package["releases"][4]["tender"]["value"]["amount"] = "150000"
    errors = validate_package(package)
    assert errors[0] == "/: 'publisher' is a required property"
    assert any(e.startswith("/releases/0/tag/0: 'published' is not one of") for e in errors)
    assert any(e.startswith("/releases/1/tender/value/currency: 'SOM'") for e in errors)
    assert any(e.startswith("/releases/2/tender/status: 'open'") for e in errors)
    assert "/releases/3: 'ocid' is a required property" in errors
    assert any(e.startswith("/releases/4/tender/value/amount: '150000'") for e in errors)
    assert len(errors) == 6


async def test_formats_are_checked(app, history: History) -> None:
    package = copy.deepcopy(await export(app))
    package["publishedDate"] = "2026-11-26 10:00"
    package["uri"] = "releases of Barpy"
    package["releases"][0]["tender"]["tenderPeriod"]["endDate"] = "yesterday"
    assert validate_package(package) == [
        "/publishedDate: '2026-11-26 10:00' is not a 'date-time'",
        "/releases/0/tender/tenderPeriod/endDate: 'yesterday' is not a 'date-time'",
        "/uri: 'releases of Barpy' is not a 'uri'",
    ]


def test_an_empty_package_is_not_valid() -> None:
    package = {
        "uri": "urn:ocds-kenesh:releases",
        "version": "1.1",
        "publishedDate": "2026-11-26T10:00:00Z",
        "publisher": {"name": "Kenesh"},
        "releases": [],
    }
    (error,) = validate_package(package)
    assert error.startswith("/releases: []")  # "is too short" or "should be non-empty"
    assert validate_package([]) == ["/: [] is not of type 'object'"]


async def test_validation_never_goes_to_the_network(
    app, history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = await export(app)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("validation tried the network")

    validate.package_validator.cache_clear()
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    try:
        assert validate_package(package) == []
    finally:
        validate.package_validator.cache_clear()


@pytest.mark.parametrize("name", ["release-package-schema.json", "release-schema.json"])
def test_the_bundled_schema_is_the_official_one(name: str) -> None:
    official = ocds_schema_dir()  # fails, naming where it looked, when the schema is missing
    assert (SCHEMA_DIR / name).read_bytes() == (official / name).read_bytes()


async def test_a_repeated_release_is_found(app, history: History) -> None:
    package = copy.deepcopy(await export(app))
    again = copy.deepcopy(package["releases"][2])
    again["tender"]["value"]["amount"] = float(again["tender"]["value"]["amount"])  # 1 == 1.0
    package["releases"].append(again)
    assert validate_package(package) == ["/releases: items 2 and 9 are equal (uniqueItems)"]
    again["id"] += "-b"
    assert validate_package(package) == []


def test_a_missing_schema_fails_naming_where_to_put_it(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OCDS_SCHEMA_DIR", str(tmp_path))
    with pytest.raises(AssertionError, match=r"OCDS_SCHEMA_DIR=.* holds no release-schema\.json"):
        ocds_schema_dir()


def test_the_schema_is_found_by_ocds_schema_dir(monkeypatch) -> None:
    official = ocds_schema_dir()
    monkeypatch.setenv("OCDS_SCHEMA_DIR", str(official))
    assert ocds_schema_dir() == official
