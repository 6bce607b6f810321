"""The Open Referral UK schemas, read where they are kept rather than copied into the project.

They are licensed CC BY-SA 4.0; copying them in would put share-alike files among the project's
own, so the tests read them from ``ORUK_SCHEMA_DIR`` (default: ``../shared/oruk`` beside the
project) and skip, saying why, when they are not there.
"""

import json
import os
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = Path(os.environ.get("ORUK_SCHEMA_DIR", ROOT.parent / "shared" / "oruk"))

requires_schemas = pytest.mark.skipif(
    not (SCHEMA_DIR / "schema" / "service.json").exists(),
    reason=f"Open Referral UK schemas not found in {SCHEMA_DIR} (set ORUK_SCHEMA_DIR to a copy of the uk-profile)",
)


def load(name: str) -> dict:
    return json.loads((SCHEMA_DIR / "schema" / name).read_text())


def example_path(name: str) -> Path:
    return SCHEMA_DIR / "examples" / name


def page_schema() -> dict:
    return load("openapi.json")["components"]["schemas"]["Page"]


def definition(name: str) -> dict:
    """One of the profile's objects as ``service_with_definitions.json`` defines it, with the
    definitions its ``$ref``s point to. (The profile compiles no taxonomy schema of its own; the
    OpenAPI document refers to one by address, and these are its words.)"""
    definitions = load("service_with_definitions.json")["definitions"]
    return {**definitions[name], "definitions": definitions}


def taxonomy_schema() -> dict:
    return definition("taxonomy")


def taxonomy_term_schema() -> dict:
    return definition("taxonomy_term")


def example(name: str):
    return json.loads(example_path(name).read_text())


def schema_errors(instance, schema: dict) -> list[str]:
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(instance)]


def assert_valid(instance, schema: dict) -> None:
    assert schema_errors(instance, schema) == []


def assert_valid_page(body: dict, item_schema: dict) -> None:
    assert set(body) == {
        "total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"
    }  # fmt: skip
    assert_valid(body, page_schema())
    for item in body["contents"]:
        assert_valid(item, item_schema)
