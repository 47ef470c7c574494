"""``sitegen schema``: every field documented for editors, and the real content valid against the
schema files a YAML language server reads (YAML 1.2 core schema, as the language server parses)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml
from click.testing import CliRunner

from sitegen.cli import main
from sitegen.model import documents
from sitegen.model.tables import StandardTable

from .conftest import CONTENT


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML with YAML 1.2's booleans (true/false only: ``no:`` stays a key, as editors read it)."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


def test_schema_files_validate_every_content_file(tmp_path):
    result = CliRunner().invoke(main, ["schema", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "budget.schema.json", "final-accounts.schema.json", "self-evaluation.schema.json", "site.schema.json", "unit.schema.json"]
    files = sorted(CONTENT.glob("units/*/*/*.yaml")) + sorted(CONTENT.glob("units/*/unit.yaml")) + [CONTENT / "site.yaml"]
    assert len(files) > 10
    for file in files:
        schema = json.loads((tmp_path / f"{file.stem}.schema.json").read_text(encoding="utf-8"))
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=Yaml12Loader)
        errors = [f"{list(e.path)}: {e.message}" for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
        assert errors == [], file


def test_schema_rejects_what_the_loader_rejects(tmp_path):
    CliRunner().invoke(main, ["schema", "--output", str(tmp_path)])
    schema = json.loads((tmp_path / "final-accounts.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    good = {"kind": "final_accounts", "year": 2023, "title": "t", "source": "s", "figures": [{"label": "收入合计", "growth": "2.38%"}]}
    assert list(validator.iter_errors(good)) == []
    assert list(validator.iter_errors({**good, "figurse": []}))                      # a misspelt key
    assert list(validator.iter_errors({**good, "figures": [{"label": "x", "growth": "2.38"}]}))  # a percentage without %
    assert list(validator.iter_errors({**good, "money_unit": "亿元"}))


def test_every_field_has_a_title_or_description():
    """What an editor sees on hover: no field of the content model goes undocumented."""
    models = [m for m in vars(documents).values() if isinstance(m, type) and issubclass(m, documents.Model)
              and m is not documents.Model] + [StandardTable]
    undocumented = [f"{m.__name__}.{name}" for m in models for name, info in m.model_fields.items()
                    if m is not StandardTable and not (info.title or info.description)]
    assert undocumented == []
    printed = json.loads(CliRunner().invoke(main, ["schema"]).output)
    assert printed["document"]["$defs"]["Figure"]["properties"]["initial"]["title"] == "年初预算数"
    assert printed["site"]["properties"]["plugins"]["title"] == "插件"
