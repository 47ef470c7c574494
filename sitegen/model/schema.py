"""The JSON Schema of the content files as an editor writes them (``sitegen schema``).

The loader reads every YAML scalar as its text (``no: 1`` is the text "1"), so a text field
accepts what YAML 1.2 — and so a YAML language server — reads as a number.
"""
from __future__ import annotations

from pydantic.json_schema import GenerateJsonSchema


class EditorSchema(GenerateJsonSchema):
    """Pydantic's schema, with plain text fields also accepting numbers."""

    def str_schema(self, schema):
        result = super().str_schema(schema)
        if result.get("type") == "string" and "pattern" not in result:
            result["type"] = ["string", "number"]
        return result


def json_schema(model) -> dict:
    """The editor's schema of ``model`` (a pydantic model class or ``TypeAdapter``)."""
    if hasattr(model, "model_json_schema"):
        return model.model_json_schema(schema_generator=EditorSchema)
    return model.json_schema(schema_generator=EditorSchema)
