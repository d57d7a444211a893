"""Reporters: the Markdown audit report (seed 002 layout) and the JSON report against its schema."""
from __future__ import annotations

import copy
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from prodcheck import api
from prodcheck.config import Config
from prodcheck.model import (
    Area, Component, Confidence, DataModel, Diagnostic, Endpoint, ExternalCall, Facet, Finding, Fix, Inventory,
    Location, Migration, ModelField, NotVerified, Report, Service, Severity, Stack, Suppressed,
)
from prodcheck.pipeline import PARALLEL_MIN_FILES
from prodcheck.report import RenderOptions, available_formats, render
from prodcheck.report.json_report import SCHEMA_ID, SCHEMA_VERSION, load_schema, to_dict
from prodcheck.score import score, verdict

PROJECTS = Path(__file__).parent / "fixtures" / "projects"
AREA_HEADINGS = [
    "## 1. Architecture Design", "## 2. Code Quality", "## 3. API Standards",
    "## 4. Error Handling & Reliability", "## 5. Security", "## 6. Database Integrity & Migrations",
    "## 7. Performance", "## 8. Logging & Monitoring", "## 9. Operations & Config", "## 10. Testing",
]
TAIL_HEADINGS = [
    "## Critical Issues (Must Fix)", "## Recommended Actions", "## Production Readiness Decision",
    "## Endpoint Inventory", "## Migrations and Rollback Plan", "## Suppressed Findings", "## Scan Diagnostics", "## Not Verified by This Scan",
    "## Project Standards",
]


# ---------------------------------------------------------------- builders

ONLY_ROOT_RULE = ("GEN-OPS-101",)   # other rules come and go; counts below are about this one


def scan_project(name: str, rules: tuple[str, ...] = ONLY_ROOT_RULE) -> Report:
    return api.scan(PROJECTS / name, Config(use_baseline=False, jobs=1, only=rules))


def finding(rule_id: str = "GEN-OPS-101", path: str = "Dockerfile", line: int = 1,
            severity: Severity = Severity.HIGH, confidence: Confidence = Confidence.HIGH,
            message: str = "the final image runs as root", fix: Fix | None = None, area: Area | None = None) -> Finding:
    area = area or Area(rule_id.split("-")[1])
    return Finding(rule_id, area, severity, confidence, message, Location.at(path, line, snippet="FROM python"),
                   fix=fix, fingerprint=f"{rule_id}:{path}:{line}")


def make_report(findings=(), *, inventory: Inventory = Inventory(), stack: Stack = Stack(), suppressed=(),
                diagnostics=(), not_verified=(), timings=None) -> Report:
    findings = tuple(sorted(findings, key=lambda f: f.sort_key))
    return Report(
        root="sample", tool_version="0.0.test", stack=stack, inventory=inventory, findings=findings,
        suppressed=tuple(suppressed), diagnostics=tuple(diagnostics),
        scores=score(findings, {Area.OPS, Area.SEC}, 2000), verdict=verdict(findings),
        not_verified=tuple(not_verified), files_scanned=3, lines_scanned=120, timings=timings or {},
    )


def rich_report() -> Report:
    """Every kind of object the JSON report can hold, to exercise the whole schema."""
    loc = Location.at("svc/api/app.py", 10, 5, 12, 9, snippet="@app.get('/users')", label="handler")
    endpoints = (
        Endpoint("GET", "/users", "list_users", loc, framework="fastapi", service="api",
                 auth=Facet.present("Depends(current_user)", Location.at("svc/api/app.py", 11)),
                 validation=Facet.absent(), pagination=Facet.absent(loc)),
        Endpoint("GET", "/health|live", "health", Location.at("svc/api/app.py", 30), service="api",
                 auth=Facet.absent(), public_by_nature=True),
    )
    inventory = Inventory(
        endpoints=endpoints,
        models=(DataModel("User", "sqlalchemy", Location.at("svc/api/models.py", 3), table="users",
                          fields=(ModelField("id", "Integer", 4, ("primary_key",)),), service="api"),),
        migrations=(Migration("0001", "svc/api/migrations/0001_init.py", "alembic", 1, ("create_table users",),
                              None, "", "api"),),
        external_calls=(ExternalCall("http", "requests.get", Location.at("svc/api/client.py", 8), "api"),),
    )
    stack = Stack(
        services=(Service("api", "svc/api", "python", Location.at("svc/api/app.py", 1), ("svc/api/pyproject.toml",),
                          (Component("framework", "fastapi", (Location.at("svc/api/pyproject.toml", 5),)),)),),
        languages=("python",),
        unsupported=(Component("language", "Rust", (Location.at("tools/Cargo.toml", 1),)),),
        standards_files=("CLAUDE.md",),
    )
    diff = "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,2 +1,3 @@\n FROM python\n+USER app\n"
    findings = [
        finding(fix=Fix("Add a USER instruction.", diff)),
        replace(finding("PY-SEC-999", "svc/api/app.py", 20, Severity.CRITICAL, message="SQL built from input"),
                cwe=("CWE-89",), owasp=("A03:2021",), related=(loc,)),
    ]
    suppressed = (Suppressed(finding(path="worker/Dockerfile"), "inline", "runs under gVisor"),)
    diagnostics = (Diagnostic("svc/api/broken.py", "syntax-error", "invalid syntax", 3),
                   Diagnostic("blob.py", "binary-file", "binary content"))
    return make_report(findings, inventory=inventory, stack=stack, suppressed=suppressed, diagnostics=diagnostics,
                       not_verified=(NotVerified("p95 latency", "needs a load test"),),
                       timings={"discover": 0.01, "per_file": 0.2, "project": 0.03, "total": 0.25})


def md(report: Report) -> str:
    return render(report, "md")


def section(text: str, heading: str) -> str:
    """The body of the `## heading...` section up to the next `## `."""
    start = text.index("\n" + heading)
    end = text.find("\n## ", start + 1)
    return text[start: end if end != -1 else len(text)]


def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_schema())


# ---------------------------------------------------------------- Markdown

def test_markdown_is_a_registered_format() -> None:
    assert {"md", "markdown", "json"} <= set(available_formats())


def test_markdown_follows_the_seed_002_layout() -> None:
    text = md(scan_project("root_container"))
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[0] == "# Backend Architecture Audit Report"
    assert headings[1] == "## Executive Summary"
    assert [h.split(" (Score")[0] for h in headings[2:12]] == AREA_HEADINGS
    assert all("(Score: " in h for h in headings[2:12])
    assert headings[12:] == TAIL_HEADINGS


def test_markdown_executive_summary_and_finding_details() -> None:
    text = md(scan_project("root_container"))
    summary = section(text, "## Executive Summary")
    for line in ("- Architecture Score: 5.0/10 (the overall score", "- Production Readiness: NEEDS FIX",
                 "- Critical Issues: 0", "- High Priority Issues: 1", "- Review: BLOCK (0 critical, 1 high)",
                 "- Stack: python", "- Inventory: 0 endpoints, 0 models, 0 migrations, 0 external calls"):
        assert line in summary
    ops = section(text, "## 9. Operations & Config (Score: 5.0/10)")
    assert "- **HIGH** `Dockerfile:1` GEN-OPS-101: the final image runs as root" in ops
    assert "  - Why: Container image runs as root (CWE-250)" in ops
    assert "  - Fix: Create an unprivileged user" in ops
    assert "n/a: no rule of this area had anything to inspect" in section(text, "## 1. Architecture Design")
    decision = section(text, "## Production Readiness Decision")
    assert "**NEEDS FIX** - " in decision


def test_markdown_blocked_decision_and_critical_list() -> None:
    findings = [finding("PY-SEC-999", "app.py", 7, Severity.CRITICAL, message="SQL built from input"),
                finding("PY-SEC-999", "app.py", 3, Severity.CRITICAL, Confidence.LOW, message="maybe SQL"),
                finding()]
    text = md(make_report(findings))
    assert "- Production Readiness: BLOCKED" in text
    critical = section(text, "## Critical Issues (Must Fix)")
    assert "1. `app.py:7` PY-SEC-999: SQL built from input (confidence high)" in critical
    assert "2. `app.py:3` PY-SEC-999: maybe SQL (confidence low)" in critical
    decision = section(text, "## Production Readiness Decision")
    assert "BLOCKED - Not production ready" in decision
    assert "1 critical finding of medium or high confidence" in decision


def test_markdown_security_section_has_banner_and_stride_summary() -> None:
    findings = [finding("PY-SEC-999", "app.py", 7, Severity.CRITICAL), finding("PY-SEC-998", "app.py", 9,
                Severity.MEDIUM), finding()]
    security = section(md(make_report(findings)), "## 5. Security")
    assert "⚠️ CRITICAL: 1 | HIGH: 0 | MEDIUM: 1 | LOW: 0" in security
    stride_lines = [line for line in security.splitlines() if line.startswith("- ") and ": " in line][:6]
    assert [line.split(":")[0] for line in stride_lines] == [
        "- Spoofing", "- Tampering", "- Repudiation", "- Information disclosure", "- Denial of service",
        "- Elevation of privilege"]
    assert "- Elevation of privilege: 1 finding: `Dockerfile:1` GEN-OPS-101" in security
    assert "- Spoofing: none found" in security


def test_markdown_prints_the_fix_diff_in_a_diff_block() -> None:
    diff = "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1 +1,2 @@\n FROM python\n+USER app\n"
    text = md(make_report([finding(fix=Fix("Add a USER.", diff))]))
    ops = section(text, "## 9. Operations & Config")
    block = "\n".join(f"  {line}" for line in ["```diff", *diff.rstrip().split("\n"), "```"])
    assert block in ops
    assert "  - Fix: Add a USER." in ops


def test_markdown_fences_survive_backticks_in_diffs_and_paths() -> None:
    diff = "--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-```\n+````\n"
    text = md(make_report([finding(path="we`ird.py", fix=Fix("x", diff))]))
    assert "  `````diff" in text
    assert "`` we`ird.py:1 ``" in text


def test_markdown_groups_repeated_rule_findings_into_one_action() -> None:
    findings = [finding(path=f"svc{i}/Dockerfile") for i in range(7)]
    findings.append(finding("PY-SEC-999", "app.py", 7, Severity.CRITICAL, message="SQL built from input"))
    actions = section(md(make_report(findings)), "## Recommended Actions")
    lines = [line for line in actions.splitlines() if re.match(r"\d+\. ", line)]
    assert len(lines) == 2
    assert lines[0].startswith("1. **CRITICAL** (confidence high) `app.py:7` PY-SEC-999")
    assert lines[1].startswith("2. **HIGH** (confidence high) Fix 7 occurrences of GEN-OPS-101 "
                               "(Container image runs as root): `svc0/Dockerfile:1`")
    assert "and 2 more" in lines[1]


def test_markdown_stays_readable_with_no_findings() -> None:
    text = md(make_report())
    assert "- Production Readiness: PASS" in text
    assert "- Review: LGTM (0 critical, 0 high)" in text
    assert "None found." in section(text, "## Critical Issues (Must Fix)")
    assert "No action required" in section(text, "## Recommended Actions")
    assert "**PASS** - " in section(text, "## Production Readiness Decision")
    assert "No findings." in section(text, "## 9. Operations & Config (Score: 10.0/10)")
    assert "No endpoints found." in text


def test_markdown_caps_long_listings() -> None:
    findings = [finding(path=f"d{i:03}/Dockerfile") for i in range(500)]
    text = md(make_report(findings))
    ops = section(text, "## 9. Operations & Config")
    assert ops.count("\n- **HIGH** ") == 50
    assert "- ... and 450 more (the JSON report (`-f json`) lists every item)" in ops
    assert "Fix 500 occurrences of GEN-OPS-101" in text
    assert len(text.splitlines()) < 1000


def test_markdown_endpoint_inventory_marks_gaps_and_escapes_pipes() -> None:
    text = md(rich_report())
    inventory = section(text, "## Endpoint Inventory")
    rows = [line for line in inventory.splitlines() if line.startswith("| GET")]
    assert rows[0] == ("| GET | `/users` | list_users `svc/api/app.py:10` | yes (Depends(current_user)) | "
                       "**MISSING** | **MISSING** | unknown |")
    assert rows[1] == "| GET | `/health\\|live` | health `svc/api/app.py:30` | public | unknown | unknown | unknown |"
    assert "| Method | Path | Handler | Auth | Validation | Pagination | Rate limit |" in inventory


def test_markdown_tail_sections_list_their_items() -> None:
    text = md(rich_report())
    assert "- `worker/Dockerfile:1` GEN-OPS-101 (HIGH) the final image runs as root - inline: runs under gVisor" \
        in section(text, "## Suppressed Findings")
    diagnostics = section(text, "## Scan Diagnostics")
    assert "- `svc/api/broken.py:3` syntax-error: invalid syntax" in diagnostics
    assert "- `blob.py` binary-file: binary content" in diagnostics
    assert "- p95 latency: needs a load test" in section(text, "## Not Verified by This Scan")
    assert "- `CLAUDE.md`" in section(text, "## Project Standards")
    summary = section(text, "## Executive Summary")
    assert "  - `api` at `svc/api` (python; framework: fastapi), entrypoint `svc/api/app.py:1`" in summary
    assert "- Detected but not analysed: Rust (language)" in summary


def test_markdown_lists_scan_diagnostics_and_not_verified_of_a_real_scan() -> None:
    report = scan_project("broken_files")
    text = md(report)
    diagnostics = section(text, "## Scan Diagnostics")
    assert "`bad_syntax.py:1` syntax-error" in diagnostics
    assert "`binary.py` binary-file" in diagnostics
    assert len(report.not_verified) > 0
    not_verified = section(text, "## Not Verified by This Scan")
    assert not_verified.count("\n- ") == len(report.not_verified)


def test_markdown_is_deterministic_and_has_no_timestamps() -> None:
    first, second = md(scan_project("root_container")), md(scan_project("root_container"))
    assert first == second
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}", first)
    assert str(PROJECTS) not in first


# ---------------------------------------------------------------- JSON schema

def schema_objects(node):
    """Every sub-schema describing an object."""
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield node
        for value in node.values():
            yield from schema_objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from schema_objects(value)


def test_schema_is_valid_strict_and_versioned() -> None:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID and SCHEMA_VERSION in schema["$id"]
    assert schema["properties"]["schema_version"] == {"const": SCHEMA_VERSION}
    objects = list(schema_objects(schema))
    assert len(objects) > 15
    for node in objects:
        assert node.get("additionalProperties") is False, node
        assert set(node.get("required", ())) <= set(node["properties"])
    assert schema["$defs"]["area"]["enum"] == [a.value for a in Area]
    assert schema["$defs"]["severity"]["enum"] == [s.value for s in Severity]
    assert schema["$defs"]["confidence"]["enum"] == [c.value for c in Confidence]
    assert "timings" not in schema["required"]


@pytest.mark.parametrize("project", ["root_container", "broken_files", "suppressed", "non_root"])
def test_json_report_of_a_sample_project_validates(project: str) -> None:
    data = json.loads(render(scan_project(project, rules=()), "json"))     # every rule of the catalog
    validator().validate(data)


def test_json_report_with_every_kind_of_object_validates() -> None:
    data = to_dict(rich_report(), timings=True)
    validator().validate(data)
    assert data["timings"]["total"] == 0.25
    assert data["inventory"]["endpoints"][0]["auth"]["evidence"]["line"] == 11
    assert data["findings"][0]["location"]["snippet"] == "FROM python"


def set_path(data: dict, path: tuple, value) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def delete_path(data: dict, path: tuple) -> None:
    for key in path[:-1]:
        data = data[key]
    del data[path[-1]]


MUTATIONS = {
    "extra top-level key": lambda d: set_path(d, ("generated_at",), "2024-01-01"),
    "extra key in a finding": lambda d: set_path(d, ("findings", 0, "owner"), "me"),
    "extra key in a location": lambda d: set_path(d, ("findings", 0, "location", "file"), "x"),
    "wrong severity": lambda d: set_path(d, ("findings", 0, "severity"), "SEVERE"),
    "wrong area": lambda d: set_path(d, ("scores", "areas", 0, "area"), "NET"),
    "wrong confidence": lambda d: set_path(d, ("findings", 0, "confidence"), "SURE"),
    "wrong verdict": lambda d: set_path(d, ("verdict", ), "OK"),
    "wrong facet state": lambda d: set_path(d, ("inventory", "endpoints", 0, "auth", "state"), "maybe"),
    "missing summary key": lambda d: delete_path(d, ("summary", "files")),
    "missing finding location": lambda d: delete_path(d, ("findings", 0, "location")),
    "missing top-level key": lambda d: delete_path(d, ("not_verified",)),
    "absolute path": lambda d: set_path(d, ("findings", 0, "location", "path"), "/etc/passwd"),
    "windows path": lambda d: set_path(d, ("diagnostics", 0, "path"), "svc\\api\\broken.py"),
    "parent path": lambda d: set_path(d, ("diagnostics", 0, "path"), "../outside.py"),
    "zero line": lambda d: set_path(d, ("findings", 0, "location", "line"), 0),
    "score above ten": lambda d: set_path(d, ("scores", "overall"), 11),
    "unknown timing": lambda d: set_path(d, ("timings",), {"total": 1, "discover": 0, "per_file": 0,
                                                           "project": 0, "render": 0}),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutated_json_report_fails_validation(name: str) -> None:
    data = copy.deepcopy(to_dict(rich_report(), timings=True))
    validator().validate(data)
    MUTATIONS[name](data)
    with pytest.raises(jsonschema.ValidationError):
        validator().validate(data)


def many_files_project(tmp_path: Path) -> Path:
    """A project large enough for the parallel path (`--jobs 2` really uses two workers)."""
    root = tmp_path / "many"
    shutil.copytree(PROJECTS / "broken_files", root)
    for index in range(PARALLEL_MIN_FILES + 12):
        package = root / f"pkg{index % 7}"
        package.mkdir(exist_ok=True)
        (package / f"mod{index:03}.py").write_text(f"def f{index}(x):\n    return x + {index}\n", encoding="utf-8")
    for index in range(5):
        service = root / "services" / f"svc{index}"
        service.mkdir(parents=True)
        (service / "Dockerfile").write_text("FROM python:3.12-slim\nCMD [\"python\"]\n", encoding="utf-8")
    return root


def test_json_is_byte_identical_across_runs_and_job_counts(tmp_path: Path) -> None:
    root = many_files_project(tmp_path)
    outputs = [render(api.scan(root, Config(use_baseline=False, jobs=jobs)), "json") for jobs in (1, 1, 2)]
    assert outputs[0] == outputs[1] == outputs[2]
    data = json.loads(outputs[0])
    assert sum(1 for f in data["findings"] if f["rule_id"] == "GEN-OPS-101") == 6
    validator().validate(data)


def collect_paths(data: dict) -> list[str]:
    paths = [f["location"]["path"] for f in data["findings"]]
    paths += [r["path"] for f in data["findings"] for r in f["related"]]
    paths += [d["path"] for d in data["diagnostics"]]
    paths += [s["finding"]["location"]["path"] for s in data["suppressed"]]
    return paths


def test_json_paths_are_relative_posix(tmp_path: Path) -> None:
    root = many_files_project(tmp_path)
    text = render(api.scan(root, Config(use_baseline=False, jobs=2)), "json")
    data = json.loads(text)
    paths = collect_paths(data)
    assert "services/svc0/Dockerfile" in paths
    for path in paths:
        assert not path.startswith("/") and "\\" not in path and ".." not in path.split("/")
    assert data["root"] == "many"
    assert str(tmp_path) not in text


def test_timings_only_when_asked_for() -> None:
    report = scan_project("root_container")
    without = json.loads(render(report, "json"))
    with_timings = json.loads(render(report, "json", RenderOptions(timings=True)))
    assert "timings" not in without
    assert set(with_timings["timings"]) == {"discover", "per_file", "project", "total"}
    validator().validate(with_timings)
