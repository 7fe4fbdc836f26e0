"""Checking a release package against the official OCDS 1.1.5 schema, offline.

The package schema refers to the release schema by its absolute URL. Both files ship with Kenesh
(`schema/` beside this module, copied unchanged from the standard), and the release schema is registered
under that URL, so validating never touches the network: a `$ref` to anything else fails instead
of being fetched.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, validators
from jsonschema.exceptions import ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).parent / "schema"
PACKAGE_SCHEMA = SCHEMA_DIR / "release-package-schema.json"
RELEASE_SCHEMA = SCHEMA_DIR / "release-schema.json"
MAX_ERRORS = 200  # a broken export repeats the same mistake in every release


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _canonical(value: Any) -> Any:
    """A form in which two JSON values are equal exactly when JSON Schema says so (1 == 1.0,
    true != 1)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    return value


def unique_items(
    validator: Draft4Validator, unique: bool, instance: Any, schema: dict[str, Any]
) -> Any:
    """uniqueItems in linear time. jsonschema compares every pair of objects, which took 13 s
    for 4,000 releases and grows with the square; and its message repeats the whole array."""
    if not unique or not validator.is_type(instance, "array"):
        return
    seen: dict[str, int] = {}
    for index, item in enumerate(instance):
        key = json.dumps(_canonical(item), sort_keys=True, default=str)
        if key in seen:
            yield ValidationError(f"items {seen[key]} and {index} are equal (uniqueItems)")
            return
        seen[key] = index


# Draft 4 as jsonschema implements it, but for how uniqueItems is computed
PackageValidator = validators.extend(Draft4Validator, {"uniqueItems": unique_items})


@cache
def package_validator() -> Draft4Validator:
    """A Draft 4 validator of release packages: local registry, formats checked (date-time and
    uri, through rfc3339-validator and rfc3986-validator)."""
    package = _load(PACKAGE_SCHEMA)
    release = _load(RELEASE_SCHEMA)
    registry: Registry = Registry().with_resources(
        (schema["id"], DRAFT4.create_resource(schema)) for schema in (package, release)
    )
    return PackageValidator(
        package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER
    )


def error_path(error: ValidationError) -> str:
    """Where the error is, as a JSON pointer (`/releases/0/tender/value/currency`)."""
    return "/" + "/".join(str(part) for part in error.absolute_path)


def describe(error: ValidationError) -> str:
    """One line an operator can act on: the path, the message, and for "none of these schemas
    matched" the closest reason."""
    message = error.message
    if error.context:
        closest = min(error.context, key=lambda sub: len(sub.absolute_path))
        message += f" ({closest.message})"
    return f"{error_path(error)}: {message}"


def _sortable(path: Any) -> tuple[str, ...]:
    """Paths in document order: release 2 before release 10."""
    return tuple(f"{part:09d}" if isinstance(part, int) else str(part) for part in path)


def validate_package(data: Any) -> list[str]:
    """The schema errors of a release package, each with its path; empty when it is valid."""
    errors = sorted(
        package_validator().iter_errors(data),
        key=lambda error: (_sortable(error.absolute_path), error.message),
    )
    lines = [describe(error) for error in errors[:MAX_ERRORS]]
    if len(errors) > MAX_ERRORS:
        lines.append(f"… and {len(errors) - MAX_ERRORS} more errors")
    return lines
