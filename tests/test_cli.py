"""The command line, run as users run it: `python -m prodcheck ...` in a subprocess.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or configuration
error, 3 internal error (triggered in-process, with click's CliRunner).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from prodcheck import api as prodcheck_api
from prodcheck.cli import main

PROJECTS = Path(__file__).parent / "fixtures" / "projects"
ROOT_RULE = ("--select", "GEN-OPS-101")    # other rules come and go; these tests are about this one


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("CI", "NO_COLOR", "FORCE_COLOR")}
    return subprocess.run([sys.executable, "-m", "prodcheck", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120, check=False)


def scan_json(*args: str | Path, cwd: Path | None = None) -> tuple[int, dict]:
    result = run_cli("scan", *args, "-f", "json", cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def copy_project(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(PROJECTS / name, target)
    return target


# ---------------------------------------------------------------- exit codes

def test_clean_project_exits_0() -> None:
    result = run_cli("scan", PROJECTS / "non_root", *ROOT_RULE, "-f", "text")
    assert result.returncode == 0, result.stderr
    assert "Production readiness: PASS" in result.stdout


def test_high_finding_exits_1_and_fail_on_critical_lets_it_pass() -> None:
    failing = run_cli("scan", PROJECTS / "root_container", *ROOT_RULE, "-f", "text")
    assert failing.returncode == 1, failing.stderr
    assert "Dockerfile:1:1: HIGH GEN-OPS-101" in failing.stdout
    passing = run_cli("scan", PROJECTS / "root_container", *ROOT_RULE, "-f", "text", "--fail-on", "critical")
    assert passing.returncode == 0, passing.stderr
    assert "Dockerfile:1:1: HIGH GEN-OPS-101" in passing.stdout


@pytest.mark.parametrize(("args", "named"), [
    (("--no-such-option",), "--no-such-option"),
    (("--select", "NOPE-OPS-999"), "NOPE-OPS-999"),
    (("--fail-on", "sometimes"), "--fail-on"),
    (("-o", "report.weird"), "report.weird"),
    (("-f", "json", "-f", "md"), "standard output"),
], ids=["unknown-option", "unknown-rule", "bad-fail-on", "unknown-extension", "two-stdout-formats"])
def test_usage_errors_exit_2_and_name_the_problem(args: tuple[str, ...], named: str, tmp_path: Path) -> None:
    result = run_cli("scan", PROJECTS / "root_container", *args, cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert named in result.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(("toml", "named"), [
    ('fail_when = "high"\n', "fail_when"),
    ('fail-on = "sometimes"\n', "fail-on"),
    ('exclude = "legacy/"\n[severity]\nGEN-OPS-101 = "urgent"\n', "severity.GEN-OPS-101"),
], ids=["unknown-key", "bad-value", "bad-severity-override"])
def test_invalid_config_exits_2_naming_the_key(toml: str, named: str, tmp_path: Path) -> None:
    project = copy_project("root_container", tmp_path)
    (project / ".prodcheck.toml").write_text(toml, encoding="utf-8")
    result = run_cli("scan", project)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert named in result.stderr
    assert "Traceback" not in result.stderr


def test_internal_error_exits_3(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_scan(*args, **kwargs):
        raise RuntimeError("the pipeline fell over")

    monkeypatch.setattr(prodcheck_api, "scan", broken_scan)
    result = CliRunner().invoke(main, ["scan", str(PROJECTS / "non_root"), "-f", "text"])
    assert result.exit_code == 3
    assert "internal error: RuntimeError: the pipeline fell over" in result.stderr
    assert "--verbose" in result.stderr


# ---------------------------------------------------------------- outputs

def test_two_reports_in_one_run(tmp_path: Path) -> None:
    result = run_cli("scan", PROJECTS / "root_container", *ROOT_RULE,
                       "-f", "json", "-o", "a.json", "-f", "md", "-o", "b.md", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert data["findings"][0]["rule_id"] == "GEN-OPS-101"
    markdown = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Backend Architecture Audit Report\n")
    assert "`Dockerfile:1` GEN-OPS-101" in markdown
    assert "wrote json report to a.json" in result.stderr and "wrote md report to b.md" in result.stderr


def test_output_extension_infers_the_format(tmp_path: Path) -> None:
    result = run_cli("scan", PROJECTS / "root_container", *ROOT_RULE, "-o", "x.json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))["verdict"] == "NEEDS FIX"


def test_timings_only_with_the_flag() -> None:
    _, without = scan_json(PROJECTS / "non_root", *ROOT_RULE)
    _, with_timings = scan_json(PROJECTS / "non_root", *ROOT_RULE, "--timings")
    assert "timings" not in without
    assert with_timings["timings"]["total"] >= 0


def test_json_is_byte_identical_with_one_or_two_jobs(tmp_path: Path) -> None:
    project = copy_project("root_container", tmp_path)
    for index in range(60):                               # enough files for the parallel path
        (project / "app" / f"mod{index:02}.py").write_text(f"VALUE = {index}\n", encoding="utf-8")
    outputs = []
    for jobs in ("1", "2"):
        target = tmp_path / f"jobs{jobs}.json"
        result = run_cli("scan", project, "--jobs", jobs, "-o", target)
        assert result.returncode in (0, 1), result.stderr
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


def test_quiet_prints_nothing_with_the_terminal_format() -> None:
    result = run_cli("scan", PROJECTS / "root_container", *ROOT_RULE, "--quiet")
    assert result.returncode == 1
    assert result.stdout == "" and result.stderr == ""


def test_no_progress_output_when_stderr_is_not_a_terminal() -> None:
    result = run_cli("scan", PROJECTS / "root_container", *ROOT_RULE)
    assert result.returncode == 1
    assert result.stderr == ""
    assert "Production readiness: NEEDS FIX" in result.stdout
    assert "\x1b[" not in result.stdout                     # no colour codes into a pipe


# ---------------------------------------------------------------- rules and explain

def test_rules_lists_the_catalog() -> None:
    table = run_cli("rules")
    assert table.returncode == 0
    assert "GEN-OPS-101" in table.stdout and "dockerfile-runs-as-root" in table.stdout
    listing = run_cli("rules", "--json")
    assert listing.returncode == 0
    rules = {rule["id"]: rule for rule in json.loads(listing.stdout)}
    assert rules["GEN-OPS-101"]["area"] == "OPS"
    assert rules["GEN-OPS-101"]["checklist"] == ["OPS-06"]
    assert rules["GEN-OPS-101"]["cwe"] == ["CWE-250"]


@pytest.mark.parametrize("name", ["GEN-OPS-101", "dockerfile-runs-as-root"])
def test_explain_prints_what_why_example_and_fix(name: str) -> None:
    result = run_cli("explain", name)
    assert result.returncode == 0, result.stderr
    for heading in ("## What it does", "## Why it matters", "## Example", "## Use instead"):
        assert heading in result.stdout
    assert "USER app" in result.stdout
    assert "Fix: Create an unprivileged user" in result.stdout


def test_explain_unknown_rule_exits_2() -> None:
    result = run_cli("explain", "NOPE")
    assert result.returncode == 2
    assert "'NOPE'" in result.stderr


# ---------------------------------------------------------------- suppressions and baseline

def test_baseline_write_then_scan_shows_findings_as_suppressed(tmp_path: Path) -> None:
    project = copy_project("root_container", tmp_path)
    written = run_cli("baseline", "write", project)
    assert written.returncode == 0, written.stderr
    baseline = json.loads((project / ".prodcheck-baseline.json").read_text(encoding="utf-8"))
    assert any(entry["rule_id"] == "GEN-OPS-101" for entry in baseline["findings"])
    code, data = scan_json(project)
    assert code == 0
    assert data["findings"] == [] and data["verdict"] == "PASS"
    accepted = [s for s in data["suppressed"] if s["finding"]["rule_id"] == "GEN-OPS-101"]
    assert [(s["kind"], s["finding"]["location"]["path"]) for s in accepted] == [("baseline", "Dockerfile")]


def test_inline_ignore_next_suppresses_and_a_bare_ignore_is_diagnosed() -> None:
    code, data = scan_json(PROJECTS / "suppressed", *ROOT_RULE)
    assert code == 0
    assert data["findings"] == []
    [item] = data["suppressed"]
    assert item["kind"] == "inline"
    assert item["reason"] == "the platform runs this image with runAsUser 1000"
    assert item["finding"]["location"] == {"path": "Dockerfile", "line": 2, "column": 1, "end_line": 2,
                                           "end_column": 1, "snippet": "FROM python:3.12-slim"}
    bad = [d for d in data["diagnostics"] if d["kind"] == "bad-suppression"]
    assert [(d["path"], d["line"]) for d in bad] == [("main.py", 1)]


def test_inline_ignore_accepts_the_rule_slug(tmp_path: Path) -> None:
    project = tmp_path / "slug"
    project.mkdir()
    (project / "Dockerfile").write_text(
        "FROM python:3.12-slim\nUSER app\n# prodcheck: ignore-next[dockerfile-runs-as-root] debug image only\n"
        "USER root\n", encoding="utf-8")
    code, data = scan_json(project, *ROOT_RULE)
    assert code == 0
    assert [(s["finding"]["location"]["line"], s["reason"]) for s in data["suppressed"]] == [(4, "debug image only")]


# ---------------------------------------------------------------- robustness and paths

def test_broken_files_become_diagnostics_and_the_rest_is_scanned() -> None:
    code, data = scan_json(PROJECTS / "broken_files", *ROOT_RULE)
    assert code == 1
    assert [f["location"]["path"] for f in data["findings"]] == ["Dockerfile"]
    kinds = {(d["path"], d["kind"]) for d in data["diagnostics"]}
    assert ("bad_syntax.py", "syntax-error") in kinds
    assert ("binary.py", "binary-file") in kinds
    assert data["summary"]["files"] == 4


def test_scanning_a_single_file() -> None:
    code, data = scan_json(PROJECTS / "root_container" / "Dockerfile", *ROOT_RULE)
    assert code == 1
    assert data["summary"]["files"] == 1
    assert data["findings"][0]["location"]["path"] == "Dockerfile"
