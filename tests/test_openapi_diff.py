"""OpenAPI/Swagger contract delta: labeled pairs of documents (one change each, breaking or not),
the three document versions, YAML and JSON, `$ref`s across files, and the places it is used
(`prodcheck api-diff`, the review's API Contract Delta)."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from prodcheck.contracts.openapi import DirectorySource, load_spec, operations
from prodcheck.contracts.openapi_diff import diff_specs

ORDER = {"type": "object", "required": ["id", "total"],
         "properties": {"id": {"type": "integer"}, "total": {"type": "number"}, "note": {"type": "string"},
                        "status": {"type": "string", "enum": ["open", "paid"]}}}
NEW_ORDER = {"type": "object", "required": ["items"],
             "properties": {"items": {"type": "array", "items": {"type": "string"}},
                            "coupon": {"type": "string", "maxLength": 32}}}


def base_document() -> dict:
    return {
        "openapi": "3.0.3", "info": {"title": "Shop", "version": "1"},
        "paths": {
            "/orders": {
                "get": {"parameters": [{"name": "status", "in": "query",
                                        "schema": {"type": "string", "enum": ["open", "paid", "shipped"]}}],
                        "responses": {"200": {"description": "ok", "content": {"application/json": {
                            "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Order"}}}}}}},
                "post": {"requestBody": {"content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/NewOrder"}}}},
                         "responses": {"201": {"description": "created"}, "422": {"description": "invalid"}}},
            },
            "/orders/{orderId}": {
                "get": {"parameters": [{"name": "orderId", "in": "path", "required": True,
                                        "schema": {"type": "integer"}}],
                        "responses": {"200": {"description": "ok", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Order"}}}}}},
                "delete": {"responses": {"204": {"description": "gone"}}},
            },
        },
        "components": {"schemas": {"Order": copy.deepcopy(ORDER), "NewOrder": copy.deepcopy(NEW_ORDER)}},
    }


def write_doc(directory: Path, document: dict, name: str = "openapi.yaml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=2) if name.endswith(".json") else yaml.safe_dump(document, sort_keys=False)
    (directory / name).write_text(text, encoding="utf-8")
    return directory / name


def changes_between(tmp_path: Path, old: dict, new: dict, name: str = "openapi.yaml"):
    write_doc(tmp_path / "old", old, name)
    write_doc(tmp_path / "new", new, name)
    before = load_spec(DirectorySource(tmp_path / "old"), name)
    after = load_spec(DirectorySource(tmp_path / "new"), name)
    return diff_specs(before, after)


def schemas(document: dict) -> dict:
    return document["components"]["schemas"]


def op(document: dict, path: str, method: str) -> dict:
    return document["paths"][path][method]


# Each case edits a copy of the base document; (kind, breaking) is what must be reported.
CASES = {
    "endpoint removed": (lambda d: d["paths"].pop("/orders/{orderId}"), ("endpoint-removed", True)),
    "method removed": (lambda d: d["paths"]["/orders/{orderId}"].pop("delete"), ("method-removed", True)),
    "endpoint added": (lambda d: d["paths"].__setitem__("/health", {"get": {"responses": {"200": {"description": "ok"}}}}),
                       ("endpoint-added", False)),
    "path parameter renamed": (lambda d: (d["paths"].__setitem__("/orders/{id}", d["paths"].pop("/orders/{orderId}")),
                                          op(d, "/orders/{id}", "get")["parameters"][0].__setitem__("name", "id")),
                               ("path-parameter-renamed", True)),
    "new required query parameter": (lambda d: op(d, "/orders", "get")["parameters"].append(
        {"name": "tenant", "in": "query", "required": True, "schema": {"type": "string"}}), ("new-required-parameter", True)),
    "new optional query parameter": (lambda d: op(d, "/orders", "get")["parameters"].append(
        {"name": "page", "in": "query", "schema": {"type": "integer"}}), ("new-optional-parameter", False)),
    "parameter became required": (lambda d: op(d, "/orders", "get")["parameters"][0].__setitem__("required", True),
                                  ("parameter-became-required", True)),
    "request enum value removed": (lambda d: op(d, "/orders", "get")["parameters"][0]["schema"].__setitem__(
        "enum", ["open", "paid"]), ("request-enum-value-removed", True)),
    "request enum value added": (lambda d: op(d, "/orders", "get")["parameters"][0]["schema"]["enum"].append("void"),
                                 ("request-enum-value-added", False)),
    "parameter type changed": (lambda d: op(d, "/orders/{orderId}", "get")["parameters"][0].__setitem__(
        "schema", {"type": "string"}), ("type-changed", True)),
    "new required request property": (lambda d: (schemas(d)["NewOrder"]["properties"].__setitem__("currency", {"type": "string"}),
                                                  schemas(d)["NewOrder"]["required"].append("currency")),
                                       ("new-required-request-property", True)),
    "new optional request property": (lambda d: schemas(d)["NewOrder"]["properties"].__setitem__("gift", {"type": "boolean"}),
                                      ("request-property-added", False)),
    "request property became required": (lambda d: schemas(d)["NewOrder"]["required"].append("coupon"),
                                          ("request-property-became-required", True)),
    "request limit narrowed": (lambda d: schemas(d)["NewOrder"]["properties"]["coupon"].__setitem__("maxLength", 8),
                               ("request-constraint-narrowed", True)),
    "request limit widened": (lambda d: schemas(d)["NewOrder"]["properties"]["coupon"].__setitem__("maxLength", 64),
                              None),
    "request body became required": (lambda d: op(d, "/orders", "post")["requestBody"].__setitem__("required", True),
                                     ("request-body-became-required", True)),
    "request media type removed": (lambda d: op(d, "/orders", "post")["requestBody"].__setitem__(
        "content", {"application/xml": {"schema": {"$ref": "#/components/schemas/NewOrder"}}}),
        ("request-media-type-removed", True)),
    "response property removed": (lambda d: schemas(d)["Order"]["properties"].pop("note"), ("response-property-removed", True)),
    "response property renamed": (lambda d: schemas(d)["Order"]["properties"].__setitem__(
        "comment", schemas(d)["Order"]["properties"].pop("note")), ("response-property-renamed", True)),
    "response property added": (lambda d: schemas(d)["Order"]["properties"].__setitem__("currency", {"type": "string"}),
                                ("response-property-added", False)),
    "response property became optional": (lambda d: schemas(d)["Order"]["required"].remove("total"),
                                          ("response-property-became-optional", True)),
    "response property became nullable": (lambda d: schemas(d)["Order"]["properties"]["total"].__setitem__("nullable", True),
                                           ("response-property-became-nullable", True)),
    "response type narrowed number to integer": (lambda d: schemas(d)["Order"]["properties"]["total"].__setitem__(
        "type", "integer"), None),
    "response type widened integer to number": (lambda d: schemas(d)["Order"]["properties"]["id"].__setitem__(
        "type", "number"), ("type-changed", True)),
    "response enum value added": (lambda d: schemas(d)["Order"]["properties"]["status"]["enum"].append("refunded"),
                                  ("response-enum-value-added", False)),
    "success status removed": (lambda d: op(d, "/orders", "post")["responses"].pop("201"),
                               ("response-success-status-removed", True)),
    "error status removed": (lambda d: op(d, "/orders", "post")["responses"].pop("422"), ("response-status-removed", False)),
    "auth added": (lambda d: op(d, "/orders", "get").__setitem__("security", [{"bearer": []}]), ("auth-added", True)),
    "optional auth is no auth": (lambda d: op(d, "/orders", "get").__setitem__("security", [{}, {"bearer": []}]), None),
    "description only": (lambda d: schemas(d)["Order"]["properties"]["note"].__setitem__("description", "free text"), None),
    "deprecated": (lambda d: op(d, "/orders/{orderId}", "delete").__setitem__("deprecated", True),
                   ("endpoint-deprecated", False)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_labeled_change_is_classified(tmp_path: Path, name: str) -> None:
    edit, expected = CASES[name]
    new = base_document()
    edit(new)
    found = {(c.kind, c.breaking) for c in changes_between(tmp_path, base_document(), new)}
    if expected is None:
        assert found == set()
    else:
        assert expected in found, found
        assert {breaking for _, breaking in found} == {expected[1]}, found


def test_identical_documents_have_no_changes_in_yaml_or_json(tmp_path: Path) -> None:
    assert changes_between(tmp_path / "y", base_document(), base_document()) == []
    assert changes_between(tmp_path / "j", base_document(), base_document(), "openapi.json") == []


def test_json_documents_and_their_line_numbers(tmp_path: Path) -> None:
    new = base_document()
    schemas(new)["Order"]["properties"].pop("note")
    changes = changes_between(tmp_path, base_document(), new, "openapi.json")
    assert {(c.kind, c.file, c.method) for c in changes} == {("response-property-removed", "openapi.json", "GET")}
    change = changes[0]
    lines = (tmp_path / "new/openapi.json").read_text().split("\n")
    assert '"Order"' in lines[change.line - 1] or '"properties"' in lines[change.line - 1]


def test_swagger_2_body_form_and_base_path(tmp_path: Path) -> None:
    def swagger(required_fields: list[str], form_required: bool) -> dict:
        return {"swagger": "2.0", "info": {"title": "x", "version": "1"}, "basePath": "/api",
                "paths": {"/users": {"post": {
                    "parameters": [{"name": "body", "in": "body", "required": True, "schema": {
                        "type": "object", "required": required_fields,
                        "properties": {"email": {"type": "string"}, "name": {"type": "string"}}}}],
                    "responses": {"201": {"description": "created", "schema": {"$ref": "#/definitions/User"}}}}},
                    "/avatar": {"put": {"consumes": ["multipart/form-data"], "parameters": [
                        {"name": "file", "in": "formData", "type": "file", "required": form_required}],
                        "responses": {"204": {"description": "ok"}}}}},
                "definitions": {"User": {"type": "object", "properties": {"id": {"type": "integer"}}}}}
    changes = changes_between(tmp_path, swagger(["email"], False), swagger(["email", "name"], True))
    assert {(c.kind, c.method, c.path) for c in changes} == {
        ("request-property-became-required", "POST", "/api/users"),
        ("request-body-became-required", "PUT", "/api/avatar"),
        ("request-property-became-required", "PUT", "/api/avatar"),
    }


def test_openapi_3_1_null_in_a_type_list(tmp_path: Path) -> None:
    old = base_document()
    old["openapi"] = "3.1.0"
    new = copy.deepcopy(old)
    schemas(new)["Order"]["properties"]["total"]["type"] = ["number", "null"]
    changes = changes_between(tmp_path, old, new)
    assert {(c.kind, c.breaking) for c in changes} == {("response-property-became-nullable", True)}


def test_refs_across_files_resolve_in_their_own_revision(tmp_path: Path) -> None:
    for side, required in (("old", ["items"]), ("new", ["items", "currency"])):
        document = base_document()
        op(document, "/orders", "post")["requestBody"]["content"]["application/json"]["schema"] = {
            "$ref": "./schemas/orders.yaml#/NewOrder"}
        write_doc(tmp_path / side, document)
        new_order = copy.deepcopy(NEW_ORDER)
        new_order["properties"]["currency"] = {"type": "string"}
        new_order["required"] = required
        write_doc(tmp_path / side / "schemas", {"NewOrder": new_order}, "orders.yaml")
    before = load_spec(DirectorySource(tmp_path / "old"), "openapi.yaml")
    after = load_spec(DirectorySource(tmp_path / "new"), "openapi.yaml")
    [change] = diff_specs(before, after)
    assert (change.kind, change.file) == ("request-property-became-required", "schemas/orders.yaml")
    assert before.problems == after.problems == []


def test_remote_and_escaping_refs_are_problems_never_fetched(tmp_path: Path) -> None:
    document = base_document()
    schemas(document)["Order"] = {"$ref": "https://example.com/schemas/order.json"}
    schemas(document)["NewOrder"] = {"$ref": "../../outside.yaml#/NewOrder"}
    write_doc(tmp_path, document)
    spec = load_spec(DirectorySource(tmp_path), "openapi.yaml")
    operations(spec)
    diff_specs(spec, spec)
    messages = " ".join(message for _, _, message in spec.problems)
    assert "remote $ref" in messages and "outside the repository" in messages


def test_recursive_schemas_terminate(tmp_path: Path) -> None:
    old = base_document()
    schemas(old)["Order"]["properties"]["children"] = {"type": "array", "items": {"$ref": "#/components/schemas/Order"}}
    new = copy.deepcopy(old)
    schemas(new)["Order"]["properties"].pop("note")
    kinds = {c.kind for c in changes_between(tmp_path, old, new)}
    assert kinds == {"response-property-removed"}


def test_api_diff_command_exit_codes_and_git_revisions(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write_doc(repo, base_document())
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "v1"], check=True)
    new = base_document()
    new["paths"].pop("/orders/{orderId}")
    write_doc(repo, new)
    command = [sys.executable, "-m", "prodcheck", "api-diff"]
    same = subprocess.run([*command, "git:HEAD:openapi.yaml", "git:HEAD:openapi.yaml"], cwd=repo,
                          capture_output=True, text=True)
    assert same.returncode == 0, same.stderr
    broken = subprocess.run([*command, "git:HEAD:openapi.yaml", "openapi.yaml", "-f", "json"], cwd=repo,
                            capture_output=True, text=True)
    assert broken.returncode == 1, broken.stderr
    data = json.loads(broken.stdout)
    assert data["breaking"] == 2 and {c["change"] for c in data["changes"]} == {"endpoint-removed"}
    bad = subprocess.run([*command, "openapi.yaml", "missing.yaml"], cwd=repo, capture_output=True, text=True)
    assert bad.returncode == 2 and "no such file" in bad.stderr


def test_review_reports_document_changes_in_the_contract_delta(tmp_path: Path) -> None:
    from prodcheck.config import Config
    from prodcheck.review import review
    repo = tmp_path / "repo"
    write_doc(repo / "docs", base_document())
    (repo / "app.py").write_text("print('hi')\n", encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "v1"], check=True)
    new = base_document()
    schemas(new)["Order"]["properties"].pop("note")
    write_doc(repo / "docs", new)
    result = review(repo, "main", config=Config(use_baseline=False, jobs=1))
    documented = [c for c in result.contract if c.source == "docs/openapi.yaml"]
    assert [(c.kind, c.breaking, c.location.path) for c in documented] == [
        ("response-property-removed", True, "docs/openapi.yaml"), ("response-property-removed", True, "docs/openapi.yaml")]
    assert result.risk.level in ("medium", "high")
