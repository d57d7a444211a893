"""CI report formats (`github`, `gitlab`, `junit`, `specialist`) and the CI integration files
(`.pre-commit-hooks.yaml`, `action.yml`)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
import yaml

from prodcheck import api
from prodcheck.cli import EXTENSIONS
from prodcheck.config import Config
from prodcheck.model import (
    Area, Component, Confidence, Endpoint, ExternalCall, Facet, Finding, Fix, Inventory, Location, Migration, Report,
    Service, Severity, Stack, Suppressed,
)
from prodcheck.report import FORMATS, RenderOptions, available_formats, render
from prodcheck.rules.catalog import load_catalog
from prodcheck.score import score, verdict

REPO = Path(__file__).parents[1]
NEW_FORMATS = ("github", "gitlab", "junit", "specialist")


# ---------------------------------------------------------------- builders

def finding(rule_id: str = "GEN-OPS-101", path: str = "Dockerfile", line: int = 1, severity: Severity | None = None,
            message: str = "the final image runs as root", confidence: Confidence = Confidence.HIGH,
            fingerprint: str | None = None, location: Location | None = None, fix: Fix | None = None) -> Finding:
    rule = load_catalog().get(rule_id)
    area = rule.area if rule is not None else Area(rule_id.split("-")[1])
    severity = severity or (rule.default_severity if rule is not None else Severity.HIGH)
    return Finding(rule_id, area, severity, confidence, message, location or Location.at(path, line, snippet="x"),
                   fix=fix, cwe=rule.cwe if rule is not None else (),
                   fingerprint=f"{rule_id}:{path}:{line}" if fingerprint is None else fingerprint)


def make_report(findings=(), *, inventory: Inventory = Inventory(), stack: Stack = Stack(), suppressed=(),
                rules_run: tuple[str, ...] | None = None) -> Report:
    findings = tuple(sorted(findings, key=lambda f: f.sort_key))
    if rules_run is None:
        rules_run = tuple(rule.id for rule in load_catalog().rules)
    areas = {f.area for f in findings} | {Area.OPS, Area.SEC}
    return Report(root="sample", tool_version="0.0.test", stack=stack, inventory=inventory, findings=findings,
                  suppressed=tuple(suppressed), diagnostics=(), scores=score(findings, areas, 2000),
                  verdict=verdict(findings), rules_run=tuple(sorted(rules_run)), files_scanned=7, lines_scanned=300)


def mixed_report() -> Report:
    """One finding of every severity, a suppressed one, a rule with both."""
    findings = [
        finding("PY-SEC-001", "app/db.py", 20, message="SQL built from `q`"),
        finding("GEN-OPS-101", "Dockerfile", 1),
        finding("GEN-OPS-101", "worker/Dockerfile", 3),
        finding("GEN-API-101", "app/api.py", 9, message="`GET /orders` returns a whole collection"),
        finding("PY-OBS-001", "app/main.py", 4, message="`print()` in service code"),
    ]
    suppressed = [Suppressed(finding("GEN-OPS-101", "tools/Dockerfile", 1), "inline", "build image only"),
                  Suppressed(finding("GEN-OPS-102", "Dockerfile", 1, message="no HEALTHCHECK"), "baseline")]
    return make_report(findings, suppressed=suppressed)


def text_of(report: Report, fmt: str) -> str:
    return render(report, fmt, RenderOptions())


def root_project(tmp_path: Path) -> Path:
    project = tmp_path / "svc"
    (project / "app").mkdir(parents=True)
    (project / "Dockerfile").write_text('FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "-m", "app"]\n')
    (project / "app" / "__main__.py").write_text("print('hello')\n")
    return project


def scan_root_project(tmp_path: Path) -> Report:
    return api.scan(root_project(tmp_path), Config(use_baseline=False, jobs=1, only=("GEN-OPS-101",)))


# ---------------------------------------------------------------- registration

def test_formats_are_registered_and_xml_means_junit() -> None:
    assert set(NEW_FORMATS) <= set(FORMATS)
    assert set(NEW_FORMATS) <= set(available_formats())
    assert EXTENSIONS[".xml"] == "junit"


@pytest.mark.parametrize("fmt", NEW_FORMATS)
def test_every_format_renders_an_empty_and_a_scanned_report(fmt: str, tmp_path: Path) -> None:
    assert text_of(make_report(), fmt).endswith("\n")
    text = text_of(scan_root_project(tmp_path), fmt)
    assert "Dockerfile" in text and "GEN-OPS-101" in text
    assert text == text_of(scan_root_project(tmp_path / "again"), fmt), "deterministic"


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("CI", "NO_COLOR", "FORCE_COLOR")}
    return subprocess.run([sys.executable, "-m", "prodcheck", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120, check=False)


def test_cli_writes_github_to_stdout_and_junit_from_the_xml_extension(tmp_path: Path) -> None:
    project = root_project(tmp_path)
    out = tmp_path / "prodcheck.xml"
    result = run_cli("scan", project, "--select", "GEN-OPS-101", "--quiet", "-f", "github", "-o", "-", "-o", out)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("::error file=Dockerfile,line=1,") and "title=GEN-OPS-101 " in lines[0]
    assert lines[-1].startswith("::notice::prodcheck verdict: NEEDS FIX")
    suite = ET.parse(out).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "1"


# ---------------------------------------------------------------- github

def unescape(value: str) -> str:
    return (value.replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


COMMAND_LINE = re.compile(r"^::(?P<name>error|warning|notice)(?: (?P<props>[^:]*))?::(?P<message>.*)$")


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    match = COMMAND_LINE.match(line)
    assert match, line
    props = {}
    for pair in (match["props"] or "").split(","):
        if pair:
            key, _, value = pair.partition("=")
            props[key] = unescape(value)
    return match["name"], props, unescape(match["message"])


def test_github_one_annotation_per_finding_most_severe_first_then_the_summary() -> None:
    report = mixed_report()
    lines = text_of(report, "github").splitlines()
    assert len(lines) == len(report.findings) + 1
    parsed = [parse_command(line) for line in lines[:-1]]
    assert [(name, props["title"].split()[0]) for name, props, _ in parsed] == [
        ("error", "PY-SEC-001"), ("error", "GEN-OPS-101"), ("error", "GEN-OPS-101"), ("warning", "GEN-API-101"),
        ("notice", "PY-OBS-001")]
    name, props, message = parsed[0]
    assert props == {"file": "app/db.py", "line": "20", "col": "1", "endLine": "20",
                     "title": "PY-SEC-001 SQL built from request data"}
    assert message.startswith("SQL built from `q` (CRITICAL, confidence high)\n\nFix: ")
    assert lines[-1] == ("::notice::prodcheck verdict: BLOCKED (BLOCK); 5 findings (1 critical, 2 high, 1 medium, "
                         "1 low), 2 suppressed, 0 diagnostics; overall score " + lines[-1].rsplit(" ", 1)[1])


def test_github_escapes_messages_and_properties() -> None:
    loc = Location.at("odd, dir/a:b%.py", 3, 5, 3, 9)
    weird = finding("GEN-OPS-101", message="100% root\r\nsecond line ::error::injected", location=loc)
    line = text_of(make_report([weird]), "github").splitlines()[0]
    assert "\r" not in line
    assert line.startswith("::error file=odd%2C dir/a%3Ab%25.py,line=3,col=5,endLine=3,endColumn=9,title=GEN-OPS-101 ")
    assert "::100%25 root%0D%0Asecond line ::error::injected (HIGH" in line
    name, props, message = parse_command(line)
    assert props["file"] == "odd, dir/a:b%.py"
    assert message.startswith("100% root\r\nsecond line ::error::injected")


def test_github_columns_only_on_single_line_locations_and_no_line_when_unknown() -> None:
    multi = finding("PY-REL-001", "app/pay.py", message="no timeout", location=Location.at("app/pay.py", 10, 5, 14, 2))
    no_line = finding("GEN-SEC-106", message="not locked", location=Location.at("requirements.txt", 0))
    lines = text_of(make_report([multi, no_line]), "github").splitlines()
    props = {parse_command(line)[1]["title"].split()[0]: parse_command(line)[1] for line in lines[:-1]}
    assert props["PY-REL-001"] == {"file": "app/pay.py", "line": "10", "endLine": "14",
                                   "title": "PY-REL-001 Outbound HTTP call without a timeout"}
    assert props["GEN-SEC-106"] == {"file": "requirements.txt", "title": "GEN-SEC-106 Dependencies are not locked"}


# ---------------------------------------------------------------- gitlab

# Written from GitLab's documentation of the Code Quality report format ("Code Quality report
# format", docs.gitlab.com/ci/testing/code_quality/): a JSON array of Code Climate issues, of which
# GitLab reads description, check_name, fingerprint, severity, location.path and
# location.lines.begin (or location.positions.begin.line); the other Code Climate fields are optional.
GITLAB_CODE_QUALITY_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "type": {"const": "issue"},
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "categories": {"type": "array", "minItems": 1, "items": {"enum": [
                "Bug Risk", "Clarity", "Compatibility", "Complexity", "Duplication", "Performance", "Security",
                "Style"]}},
            "content": {"type": "object", "required": ["body"], "properties": {"body": {"type": "string"}}},
            "location": {
                "type": "object",
                "required": ["path"],
                "properties": {
                    "path": {"type": "string", "minLength": 1, "not": {"pattern": "^(/|\\./)"}},
                    "lines": {"type": "object", "required": ["begin"], "properties": {
                        "begin": {"type": "integer", "minimum": 1}, "end": {"type": "integer", "minimum": 1}}},
                    "positions": {"type": "object", "required": ["begin"], "properties": {
                        "begin": {"type": "object", "required": ["line"],
                                  "properties": {"line": {"type": "integer", "minimum": 1}}}}},
                },
                "oneOf": [{"required": ["lines"]}, {"required": ["positions"]}],
            },
        },
    },
}


def gitlab_issues(report: Report) -> list[dict]:
    issues = json.loads(text_of(report, "gitlab"))
    jsonschema.Draft202012Validator(GITLAB_CODE_QUALITY_SCHEMA).validate(issues)
    return issues


def test_gitlab_schema_rejects_what_gitlab_would_not_read() -> None:
    validator = jsonschema.Draft202012Validator(GITLAB_CODE_QUALITY_SCHEMA)
    good = {"description": "d", "check_name": "c", "fingerprint": "f", "severity": "minor",
            "location": {"path": "a.py", "lines": {"begin": 1}}}
    assert validator.is_valid([good])
    assert not validator.is_valid([{**good, "severity": "high"}])
    assert not validator.is_valid([{**good, "location": {"path": "a.py"}}])
    assert not validator.is_valid([{key: value for key, value in good.items() if key != "fingerprint"}])


def test_gitlab_issues_map_severity_category_and_location() -> None:
    report = mixed_report()
    issues = gitlab_issues(report)
    assert len(issues) == len(report.findings), "suppressed findings are left out"
    by_rule = {(i["check_name"], i["location"]["path"]): i for i in issues}
    assert {key: i["severity"] for key, i in by_rule.items()} == {
        ("PY-SEC-001", "app/db.py"): "blocker", ("GEN-OPS-101", "Dockerfile"): "critical",
        ("GEN-OPS-101", "worker/Dockerfile"): "critical", ("GEN-API-101", "app/api.py"): "major",
        ("PY-OBS-001", "app/main.py"): "minor"}
    sql = by_rule[("PY-SEC-001", "app/db.py")]
    assert sql["categories"] == ["Security"]
    assert sql["location"]["lines"] == {"begin": 20}
    assert sql["fingerprint"] == "PY-SEC-001:app/db.py:20"
    assert sql["description"].startswith("SQL built from `q`")
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_gitlab_fingerprints_are_unique_even_when_findings_share_or_lack_one() -> None:
    twins = [finding("GEN-OPS-101", "Dockerfile", 1, fingerprint="same"),
             finding("GEN-OPS-101", "Dockerfile", 7, fingerprint="same"),
             finding("GEN-OPS-102", "Dockerfile", 2, fingerprint=""),
             finding("GEN-OPS-102", "Dockerfile", 9, fingerprint="")]
    issues = gitlab_issues(make_report(twins))
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == 4 and "same" in fingerprints and all(fingerprints)
    assert fingerprints == [i["fingerprint"] for i in gitlab_issues(make_report(twins))], "stable"


def test_gitlab_issue_of_a_real_scan(tmp_path: Path) -> None:
    issues = gitlab_issues(scan_root_project(tmp_path))
    assert [(i["check_name"], i["severity"], i["location"]["path"], i["location"]["lines"]["begin"])
            for i in issues] == [("GEN-OPS-101", "critical", "Dockerfile", 1)]
    assert re.fullmatch(r"[0-9a-f]{20}", issues[0]["fingerprint"])


# ---------------------------------------------------------------- junit

def junit_root(report: Report) -> ET.Element:
    text = text_of(report, "junit")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def check_counts(element: ET.Element, cases: list[ET.Element]) -> None:
    failed = [c for c in cases if c.find("failure") is not None]
    skipped = [c for c in cases if c.find("skipped") is not None]
    assert not set(map(id, failed)) & set(map(id, skipped)), "a test case is failed or skipped, never both"
    assert element.get("tests") == str(len(cases))
    assert element.get("failures") == str(len(failed))
    assert element.get("skipped") == str(len(skipped))
    assert element.get("errors") == "0"
    assert float(element.get("time")) >= 0


def test_junit_structure_and_counts() -> None:
    report = mixed_report()
    root = junit_root(report)
    assert root.tag == "testsuites" and root.get("name") == "prodcheck"
    suites = root.findall("testsuite")
    assert len(suites) == 1 and suites[0].get("name") == "prodcheck"
    cases = suites[0].findall("testcase")
    check_counts(root, cases)
    check_counts(suites[0], cases)
    assert len(cases) == len(report.rules_run)
    for case in cases:
        assert case.get("classname") in {a.value for a in Area}
        assert re.match(r"^[A-Z]+-[A-Z]+-\d{3} \S", case.get("name"))
        assert case.get("time") == "0"
    by_rule = {case.get("name").split()[0]: case for case in cases}
    ops = by_rule["GEN-OPS-101"]
    assert ops.get("classname") == "OPS" and ops.get("name") == "GEN-OPS-101 Container image runs as root"
    failures = ops.findall("failure")
    assert [f.get("type") for f in failures] == ["HIGH", "HIGH"]
    assert failures[0].get("message") == "the final image runs as root"
    assert failures[0].text.startswith("Dockerfile:1: HIGH GEN-OPS-101: the final image runs as root")
    assert "Fix: " in failures[0].text
    assert ops.find("skipped") is None and "tools/Dockerfile:1" in ops.find("system-out").text
    skipped = by_rule["GEN-OPS-102"].findall("skipped")
    assert len(skipped) == 1 and "suppressed (baseline)" in skipped[0].text
    assert by_rule["GEN-OPS-103"].find("*") is None, "a rule without findings passes"
    assert sum(len(c.findall("failure")) for c in cases) == len(report.findings)
    properties = {p.get("name"): p.get("value") for p in suites[0].find("properties")}
    assert properties["verdict"] == "BLOCKED" and properties["findings"] == "5" and properties["suppressed"] == "2"


def test_junit_stays_well_formed_with_control_characters_and_markup() -> None:
    nasty = finding("GEN-OPS-101", message="esc \x1b[31m <b>&amp;</b> \x00 \ud800 \"q\"")
    root = junit_root(make_report([nasty], rules_run=("GEN-OPS-101",)))
    failure = root.find("testsuite/testcase/failure")
    assert failure.get("message") == "esc \ufffd[31m <b>&amp;</b> \ufffd \ufffd \"q\""
    assert root.get("tests") == "1" and root.get("failures") == "1"


def test_junit_time_only_with_timings() -> None:
    report = replace(make_report(), timings={"total": 1.25})
    timed = ET.fromstring(render(report, "junit", RenderOptions(timings=True)))
    assert timed.get("time") == "1.250"
    assert ET.fromstring(render(report, "junit", RenderOptions())).get("time") == "0"


# ---------------------------------------------------------------- specialist (seed 003)

def section(text: str, prefix: str) -> str:
    start = text.index("\n" + prefix)
    end = text.find("\n## ", start + 1)
    return text[start: end if end != -1 else len(text)]


def test_specialist_sections_and_counts() -> None:
    text = text_of(mixed_report(), "specialist")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## 🚨 Critical Issues (1 issue found)", "## ⚠️ Important Issues (3 issues found)",
                        "## 💡 Suggestions (1 suggestion)", "## ✅ Strengths", "## STRIDE Summary"]
    empty = text_of(make_report(), "specialist")
    assert "## 🚨 Critical Issues (0 issues found)\n\nNone found." in empty
    assert "## 💡 Suggestions (0 suggestions)\n\nNone." in empty


def test_specialist_critical_item_has_the_five_fields() -> None:
    fix = Fix("Bind the parameter.", "--- a/app/db.py\n+++ b/app/db.py\n@@ -20 +20 @@\n-x\n+y\n")
    sql = replace(finding("PY-SEC-001", "app/db.py", 20, message="SQL built from `q`", fix=fix),
                  related=(Location.at("app/db.py", 18, label="request data enters here"),))
    endpoint = Endpoint("GET", "/search", "search", Location.at("app/db.py", 18), auth=Facet.present("jwt"))
    text = section(text_of(make_report([sql], inventory=Inventory(endpoints=(endpoint,))), "specialist"),
                   "## 🚨 Critical")
    rule = load_catalog().get("PY-SEC-001")
    assert "### 1. PY-SEC-001: SQL built from request data" in text
    assert "- **Issue**: SQL built from `q` (confidence high; CWE-89)" in text
    assert ("- **Location**: `app/db.py:20`; endpoint `GET /search`; request data enters here `app/db.py:18`"
            in text)
    assert f"- **Impact**: {' '.join(rule.doc_section('Why it matters').split())}" in text
    assert "- **Fix**: Bind the parameter.\n  ```diff\n  --- a/app/db.py" in text
    assert ("- **Verification**: Add a test that sends the malicious input (or calls without credentials) and "
            "expects a 4xx response or escaped output; re-run `prodcheck scan --select PY-SEC-001`: nothing is "
            "reported at `app/db.py:20`.") in text


@pytest.mark.parametrize(("rule_id", "path", "expected"), [
    ("GEN-SEC-101", "app/config.py", "Rotate the credential"),
    ("GEN-SEC-120", "app/api.py", "without credentials and expects 401"),
    ("MIG-DATA-201", "migrations/0002.sql", "production-like volume and watch pg_locks"),
    ("PY-REL-001", "app/pay.py", "chaos test with the dependency slowed down"),
])
def test_specialist_verification_depends_on_the_rule_and_area(rule_id: str, path: str, expected: str) -> None:
    critical = finding(rule_id, path, 5, severity=Severity.CRITICAL, message="problem")
    text = section(text_of(make_report([critical]), "specialist"), "## 🚨 Critical")
    verification = next(line for line in text.splitlines() if line.startswith("- **Verification**"))
    assert expected in verification and f"--select {rule_id}" in verification


def test_specialist_important_and_suggestion_fields() -> None:
    text = text_of(mixed_report(), "specialist")
    important = section(text, "## ⚠️ Important")
    assert "### 1. GEN-OPS-101: Container image runs as root (HIGH, 2 occurrences)" in important
    for field in ("Issue", "Details", "Recommendation", "Impact"):
        assert important.count(f"- **{field}**: ") == 2, field
    assert "  - `Dockerfile:1`: the final image runs as root" in important
    assert "  - `worker/Dockerfile:3`: the final image runs as root" in important
    assert "- **Details**: `app/api.py:9`: `GET /orders` returns a whole collection." in important
    suggestions = section(text, "## 💡 Suggestions")
    for field in ("Opportunity", "Rationale", "Implementation", "Trade-offs"):
        assert suggestions.count(f"- **{field}**: ") == 1, field
    assert ("- **Opportunity**: `print()` used for logging in service code. `app/main.py:4`: `print()` in service "
            "code.") in suggestions


def test_specialist_stride_summary_lists_security_findings() -> None:
    stride = section(text_of(mixed_report(), "specialist"), "## STRIDE Summary")
    lines = [line for line in stride.splitlines() if line.startswith("- ")]
    assert [line.split(":")[0] for line in lines] == [
        "- Spoofing", "- Tampering", "- Repudiation", "- Information disclosure", "- Denial of service",
        "- Elevation of privilege"]
    assert "`app/db.py:20` PY-SEC-001" in stride and "- Repudiation: none found" in stride


def healthy_inventory() -> tuple[Inventory, Stack]:
    app = "svc/app.py"
    endpoints = (
        Endpoint("GET", "/orders", "list_orders", Location.at(app, 10), service="api", auth=Facet.present("jwt"),
                 pagination=Facet.present("limit/offset", Location.at(app, 11))),
        Endpoint("POST", "/orders", "create_order", Location.at(app, 20), service="api",
                 auth=Facet.present("Depends(current_user)"), validation=Facet.present("pydantic OrderIn")),
        Endpoint("POST", "/login", "login", Location.at(app, 30), service="api", auth=Facet.absent(),
                 validation=Facet.present("pydantic Credentials"), public_by_nature=True),
        Endpoint("GET", "/healthz", "healthz", Location.at(app, 40), service="api", auth=Facet.absent(),
                 public_by_nature=True),
    )
    inventory = Inventory(
        endpoints=endpoints,
        migrations=(Migration("0001", "svc/migrations/0001_init.py", "alembic", 1, ("create_table orders",), True,
                              "alembic downgrade -1", "api"),),
        external_calls=(ExternalCall("http", "httpx.get", Location.at("svc/client.py", 8), "api"),),
    )
    stack = Stack(services=(Service("api", "svc", "python", Location.at(app, 1), ("svc/pyproject.toml",), (
        Component("framework", "fastapi", (Location.at("svc/pyproject.toml", 5),)),
        Component("observability", "structlog", (Location.at("svc/pyproject.toml", 6),)),
        Component("observability", "OpenTelemetry", (Location.at("svc/pyproject.toml", 7),)),
    )),), languages=("python",))
    return inventory, stack


def strengths_of(report: Report) -> dict[str, str]:
    body = section(text_of(report, "specialist"), "## ✅ Strengths")
    found = {}
    for line in body.splitlines():
        match = re.match(r"^- \*\*(.+?)\*\*: (.+)$", line)
        if match:
            found[match[1]] = match[2]
    return found


def test_specialist_strengths_come_with_evidence() -> None:
    inventory, stack = healthy_inventory()
    # a Dockerfile is known from a finding located in it; GEN-OPS-101 ran and found nothing
    healthcheck = finding("GEN-OPS-102", "svc/Dockerfile", 1, message="no HEALTHCHECK")
    found = strengths_of(make_report([healthcheck], inventory=inventory, stack=stack))
    assert found["Every state-changing endpoint requires authentication"] == (
        "2 POST/PUT/PATCH/DELETE endpoints, 1 authenticated (`POST /orders` at `svc/app.py:20` via "
        "`Depends(current_user)`), 1 public by nature (`POST /login`).")
    assert found["Outbound HTTP calls have timeouts"].startswith(
        "1 outbound HTTP call (`httpx.get` at `svc/client.py:8`) and no GO-REL-001, JS-REL-001, PY-REL-001 finding")
    assert found["List endpoints are paginated"].startswith(
        "1 of 2 GET endpoints take pagination parameters (`GET /orders` at `svc/app.py:10` via `limit/offset`)")
    assert found["Health endpoint present"] == "`GET /healthz` at `svc/app.py:40`."
    assert found["Containers run as non-root"] == "GEN-OPS-101 found no image running as root in `svc/Dockerfile`."
    assert found["No hard-coded secrets found"].startswith("the 5 secret rules (GEN-SEC-101, GEN-SEC-102,")
    assert found["Migrations are reversible"] == "1 migration, each with a rollback (`svc/migrations/0001_init.py`)."
    assert found["Structured logging library in use"] == "structlog in service `api` (`svc/pyproject.toml:6`)."
    assert found["Monitoring instrumentation in place"] == (
        "OpenTelemetry (tracing) in service `api` (`svc/pyproject.toml:7`).")
    assert found["Request bodies are validated"].startswith("all 2 POST/PUT/PATCH endpoints validate their input")
    assert "No security finding" in found


def test_specialist_strengths_are_never_invented() -> None:
    inventory, stack = healthy_inventory()
    unknown_auth = replace(inventory.endpoints[1], auth=Facet())
    unpaged = replace(inventory.endpoints[0], pagination=Facet.absent())
    weakened = replace(inventory, endpoints=(unpaged, unknown_auth, *inventory.endpoints[2:]),
                       migrations=(replace(inventory.migrations[0], reversible=None),))
    findings = [finding("PY-REL-001", "svc/other.py", 3, message="no timeout"),
                finding("GEN-SEC-101", "svc/settings.py", 2, message="key")]
    suppressed = [Suppressed(finding("GEN-OPS-101", "svc/Dockerfile", 1), "inline", "accepted")]
    found = strengths_of(make_report(findings, inventory=weakened, stack=Stack(), suppressed=suppressed))
    for claim in ("Every state-changing endpoint requires authentication", "Outbound HTTP calls have timeouts",
                  "List endpoints are paginated", "Containers run as non-root", "No hard-coded secrets found",
                  "Migrations are reversible", "Structured logging library in use", "No security finding"):
        assert claim not in found, claim
    assert "Health endpoint present" in found


def test_specialist_strengths_need_the_rule_to_have_run() -> None:
    inventory, stack = healthy_inventory()
    docker = finding("GEN-OPS-102", "Dockerfile", 1, message="no HEALTHCHECK")
    found = strengths_of(make_report([docker], inventory=inventory, stack=stack, rules_run=("GEN-OPS-102",)))
    for claim in ("Outbound HTTP calls have timeouts", "Containers run as non-root", "No hard-coded secrets found",
                  "No security finding"):
        assert claim not in found, claim
    text = text_of(make_report(rules_run=()), "specialist")
    assert "None this scan can prove" in section(text, "## ✅ Strengths")


# ---------------------------------------------------------------- pre-commit hook and GitHub Action

def test_pre_commit_hook_definition() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    hook = next(h for h in hooks if h["id"] == "prodcheck")
    assert hook["entry"] == "prodcheck scan --quiet -f text"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["always_run"] is True
    assert {"id", "name", "entry", "language"} <= set(hook)


def test_github_action_definition() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["name"] and action["description"]
    assert {"path", "fail-on", "sarif-file", "args"} <= set(action["inputs"])
    assert action["inputs"]["path"]["default"] == "." and action["inputs"]["fail-on"]["default"] == "high"
    runs = action["runs"]
    assert runs["using"] == "composite"
    steps = runs["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    assert all("shell" in step for step in steps if "run" in step), "composite run steps need a shell"
    install = next(step for step in steps if "pip install" in step.get("run", ""))
    assert "github.action_path" in json.dumps(install)
    scan = next(step for step in steps if "prodcheck scan" in step.get("run", ""))
    assert "-f sarif -o" in scan["run"] and "-f github" in scan["run"] and "--fail-on" in scan["run"]
    assert "${{" not in scan["run"], "inputs reach the shell through env, never spliced into the script"
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["uses"].endswith("@v3") and upload["if"] == "always()"
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"


def test_readme_documents_ci_integration() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = readme[readme.index("\n## CI integration\n"):]
    for needle in ("-f github", "-f gitlab -o gl-code-quality-report.json", "codequality:", "junit",
                   "- id: prodcheck", "upload-sarif", "security-events: write"):
        assert needle in ci, needle
