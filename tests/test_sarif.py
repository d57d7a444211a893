"""SARIF output validates against the official OASIS SARIF 2.1.0 schema (errata 01)."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from prodcheck.config import Config
from prodcheck.pipeline import scan
from prodcheck.report import RenderOptions, render

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "shared" / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def schema() -> dict:
    if not SCHEMA_PATH.is_file():
        pytest.fail(f"the SARIF schema is expected at {SCHEMA_PATH} (shared/data beside the checkout)")
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _sarif(tmp_path: Path) -> dict:
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\nCMD [\"app\"]\n", encoding="utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "Dockerfile").write_text(
        "FROM python:3.12  # prodcheck: ignore[GEN-OPS-101] base image sets USER\n", encoding="utf-8")
    (tmp_path / "bad.py").write_text("def f(:\n", encoding="utf-8")
    report = scan(tmp_path, Config(only=("GEN-OPS-101",), use_baseline=False, jobs=1))
    return json.loads(render(report, "sarif", RenderOptions()))


def test_sarif_validates_against_the_official_schema(tmp_path: Path, schema: dict) -> None:
    document = _sarif(tmp_path)
    jsonschema.Draft4Validator(schema).validate(document)


def test_sarif_content(tmp_path: Path) -> None:
    run = _sarif(tmp_path)["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "GEN-OPS-101" in rule_ids
    kept = [r for r in run["results"] if "suppressions" not in r]
    silenced = [r for r in run["results"] if "suppressions" in r]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in kept] == ["Dockerfile"]
    assert silenced[0]["suppressions"][0]["kind"] == "inSource"
    assert all(r["partialFingerprints"]["prodcheck/v1"] for r in run["results"])
    assert rule_ids[kept[0]["ruleIndex"]] == kept[0]["ruleId"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("syntax-error" in n["message"]["text"] for n in notes)


def test_a_broken_document_fails_validation(tmp_path: Path, schema: dict) -> None:
    document = _sarif(tmp_path)
    document["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(document)
