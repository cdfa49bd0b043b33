"""The API docs page and the brief's JSON Schema, both served by the app.

``/docs`` is rendered here from the app's OpenAPI description (no CDN, no inline script):
every endpoint with its parameters and bodies as field tables, and every field of the brief
contract from ``newsdesk/schema/brief.schema.json``, which ``/api/schema/brief.json`` serves
as is. Examples use the address the page was requested on.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from markupsafe import Markup, escape

__all__ = ["BRIEF_SCHEMA_PATH", "brief_schema", "docs_context", "inline_code", "schema_fields"]

#: Where the brief's JSON Schema lives inside the package.
BRIEF_SCHEMA_PATH = ("schema", "brief.schema.json")


@lru_cache(maxsize=1)
def _schema_text() -> str:
    return resources.files("newsdesk").joinpath(*BRIEF_SCHEMA_PATH).read_text(encoding="utf-8")


def brief_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of the brief contract ``newsdesk.brief/N``.

    Example:
        >>> brief_schema()["title"]
        'newsdesk brief'
    """
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema


def inline_code(text: str) -> Markup:
    """Escape ``text`` and set its ``double-backticked`` parts (docstring style) as code."""
    parts = text.split("``")
    out = Markup("")
    for i, part in enumerate(parts):
        out += Markup("<code>{}</code>").format(part) if i % 2 else escape(part)
    return out


def _type(node: dict[str, Any], defs: dict[str, Any]) -> str:
    """Say a schema node's type the way a reader says it: "string or null", "array of S…"."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        target = defs.get(name, {})
        return "source label" if name == "label" else _type(target, defs) if target else name
    for key in ("oneOf", "anyOf"):
        if key in node:
            return " or ".join(dict.fromkeys(_type(n, defs) for n in node[key]))
    kind = node.get("type", "object" if "properties" in node else "any")
    if isinstance(kind, list):
        return " or ".join(kind)
    if kind == "array":
        return f"array of {_type(node.get('items', {}), defs)}"
    if "enum" in node:
        return " | ".join(str(v) for v in node["enum"])
    if "pattern" in node and node["pattern"].startswith("^\\d{4}"):
        return "date"
    return str(kind)


def _describe(node: dict[str, Any], defs: dict[str, Any]) -> str:
    text = str(node.get("description", ""))
    if not text and "$ref" in node:
        text = str(defs.get(node["$ref"].rsplit("/", 1)[-1], {}).get("description", ""))
    bounds = []
    for key, word in (("minimum", "at least"), ("maximum", "at most"), ("minLength", "length ≥")):
        if key in node:
            bounds.append(f"{word} {node[key]}")
    if "maxLength" in node:
        bounds.append(f"up to {node['maxLength']:,} characters")
    if "default" in node and node["default"] is not None:
        bounds.append(f"default {node['default']}")
    return "; ".join(x for x in [text, ", ".join(bounds)] if x)


def schema_fields(
    schema: dict[str, Any], *, defs: dict[str, Any] | None = None, prefix: str = ""
) -> list[dict[str, Any]]:
    """Flatten a JSON Schema object into rows: field path, type, required, description.

    Nested objects and arrays of objects add their fields below their own row, with paths
    like ``sources[].outlet``.

    Example:
        >>> [r["path"] for r in schema_fields({"properties": {"a": {"type": "string"}}})]
        ['a']
    """
    defs = defs if defs is not None else schema.get("$defs", {})
    required = set(schema.get("required", ()))
    rows: list[dict[str, Any]] = []
    for name, node in schema.get("properties", {}).items():
        for key in ("anyOf", "oneOf"):  # pydantic's "X or null": document the X
            options = [n for n in node.get(key, ()) if n.get("type") != "null"]
            if len(options) == 1 and "$ref" in options[0] and key == "anyOf":
                node = {**node, **options[0]}
        path = f"{prefix}{name}"
        rows.append(
            {
                "path": path,
                "type": _type(node, defs),
                "required": name in required,
                "description": _describe(node, defs),
            }
        )
        if node.get("type") == "array" and "properties" in node.get("items", {}):
            rows += schema_fields(node["items"], defs=defs, prefix=f"{path}[].")
        elif "properties" in node:
            rows += schema_fields(node, defs=defs, prefix=f"{path}.")
    return rows


def _component(name: str, components: dict[str, Any]) -> list[dict[str, Any]]:
    return schema_fields(components.get(name, {}), defs=components)


def _parameter(p: dict[str, Any]) -> dict[str, Any]:
    schema = p.get("schema", {})
    kinds = [n.get("type") for n in schema.get("anyOf", [schema]) if n.get("type") != "null"]
    return {
        "name": p["name"],
        "in": p.get("in", ""),
        "required": bool(p.get("required")),
        "type": " or ".join(str(k) for k in kinds if k) or "string",
        "description": _describe(schema, {}),
    }


def docs_context(openapi: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Build the ``/docs`` template's context from the app's OpenAPI description.

    Args:
        openapi: ``app.openapi()``.
        base_url: the address the page was requested on (examples use it), no trailing /.
    """
    components = openapi.get("components", {}).get("schemas", {})
    operations = []
    for path, methods in openapi.get("paths", {}).items():
        for method, op in methods.items():
            body_ref = (
                op.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
            )
            refs = [body_ref, *body_ref.get("anyOf", ()), *body_ref.get("oneOf", ())]
            body = next((r["$ref"].rsplit("/", 1)[-1] for r in refs if "$ref" in r), None)
            if body is None:
                body = next(
                    (
                        r["items"]["$ref"].rsplit("/", 1)[-1]
                        for r in refs
                        if "$ref" in r.get("items", {})
                    ),
                    None,
                )
            ok = op.get("responses", {}).get("200", {})
            out_ref = ok.get("content", {}).get("application/json", {}).get("schema", {})
            operations.append(
                {
                    "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": inline_code(op.get("description", "")),
                    "parameters": [_parameter(p) for p in op.get("parameters", [])],
                    "body": body,
                    "returns": out_ref.get("$ref", "").rsplit("/", 1)[-1] or None,
                    "responses": {
                        code: inline_code(r.get("description", ""))
                        for code, r in op.get("responses", {}).items()
                    },
                }
            )
    from ..briefs import SCHEMA

    brief = brief_schema()
    return {
        "brief_version": SCHEMA,
        "info": openapi["info"],
        "base": base_url,
        "operations": operations,
        "schemas": {name: _component(name, components) for name in sorted(components)},
        "brief_fields": schema_fields(brief),
        "brief_schema": brief,
    }
