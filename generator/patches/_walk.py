"""Where schemas and parameters sit in an OpenAPI 3.0 document, so rules find them by position."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

JSON = dict[str, Any]
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SCHEMA_LISTS = ("allOf", "oneOf", "anyOf")
_SCHEMA_SINGLES = ("items", "not", "additionalProperties")


def iter_operations(spec: JSON) -> Iterator[tuple[str, str, JSON]]:
    """(path, method, operation) for every operation, in document order."""
    for path, item in spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield path, method, operation


def iter_parameters(spec: JSON) -> Iterator[tuple[str, JSON]]:
    """(location, parameter) for every inline parameter object, wherever it is declared."""
    for name, parameter in spec.get("components", {}).get("parameters", {}).items():
        if isinstance(parameter, dict) and "$ref" not in parameter:
            yield f"#/components/parameters/{name}", parameter
    for path, item in spec.get("paths", {}).items():
        for index, parameter in enumerate(item.get("parameters", [])):
            if isinstance(parameter, dict) and "$ref" not in parameter:
                yield f"{path} parameters[{index}]", parameter
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            for index, parameter in enumerate(operation.get("parameters", [])):
                if isinstance(parameter, dict) and "$ref" not in parameter:
                    yield f"{method.upper()} {path} parameters[{index}]", parameter


def _content_schemas(where: str, holder: JSON) -> Iterator[tuple[str, JSON]]:
    for media_type, media in holder.get("content", {}).items():
        if isinstance(media, dict) and isinstance(media.get("schema"), dict):
            yield f"{where} {media_type}", media["schema"]


def _root_schemas(spec: JSON) -> Iterator[tuple[str, JSON]]:
    components = spec.get("components", {})
    for name, schema in components.get("schemas", {}).items():
        yield f"#/components/schemas/{name}", schema
    for name, body in components.get("requestBodies", {}).items():
        yield from _content_schemas(f"#/components/requestBodies/{name}", body)
    for name, response in components.get("responses", {}).items():
        yield from _content_schemas(f"#/components/responses/{name}", response)
    for where, parameter in iter_parameters(spec):
        if isinstance(parameter.get("schema"), dict):
            yield f"{where} schema", parameter["schema"]
    for path, method, operation in iter_operations(spec):
        where = f"{method.upper()} {path}"
        body = operation.get("requestBody")
        if isinstance(body, dict):
            yield from _content_schemas(f"{where} requestBody", body)
        for status, response in operation.get("responses", {}).items():
            if isinstance(response, dict):
                yield from _content_schemas(f"{where} responses[{status}]", response)


def _descend(where: str, schema: JSON) -> Iterator[tuple[str, JSON]]:
    yield where, schema
    for name, child in schema.get("properties", {}).items():
        if isinstance(child, dict):
            yield from _descend(f"{where}/properties/{name}", child)
    for key in _SCHEMA_SINGLES:
        child = schema.get(key)
        if isinstance(child, dict):
            yield from _descend(f"{where}/{key}", child)
    for key in _SCHEMA_LISTS:
        for index, child in enumerate(schema.get(key, [])):
            if isinstance(child, dict):
                yield from _descend(f"{where}/{key}/{index}", child)


def iter_schemas(spec: JSON) -> Iterator[tuple[str, JSON]]:
    """(location, schema) for every inline schema object in the document, nested ones included."""
    for where, schema in _root_schemas(spec):
        yield from _descend(where, schema)
