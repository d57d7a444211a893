"""The pipeline end to end: suppressions, baseline, fingerprints, parallel determinism, rule errors."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from prodcheck.config import Config
from prodcheck.discovery import discover
from prodcheck.model import Area
from prodcheck.parsing import parse
from prodcheck.pipeline import scan
from prodcheck.rules.base import FileRule
from prodcheck.rules.runner import run_file_rules
from prodcheck.suppress import render_baseline

ROOT_IMAGE = "FROM python:3.12-slim\nCMD [\"python\", \"app.py\"]\n"
ONLY = Config(only=("GEN-OPS-101",), use_baseline=False, jobs=1)


def _dockerfile(root: Path, rel: str, text: str = ROOT_IMAGE) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_inline_suppression_keeps_the_finding_as_suppressed(tmp_path: Path) -> None:
    _dockerfile(tmp_path, "Dockerfile", "FROM python:3.12  # prodcheck: ignore[GEN-OPS-101] base sets USER\n")
    _dockerfile(tmp_path, "b/Dockerfile", "# prodcheck: ignore-next[dockerfile-runs-as-root] fine\nFROM x:1\n")
    _dockerfile(tmp_path, "c/Dockerfile", "# prodcheck: ignore-next[OPS] area-wide\nFROM x:1\n")
    report = scan(tmp_path, ONLY)
    assert not report.findings
    assert [(s.kind, s.reason) for s in report.suppressed] == [
        ("inline", "base sets USER"), ("inline", "fine"), ("inline", "area-wide")]


def test_bare_and_unused_suppressions_are_diagnostics(tmp_path: Path) -> None:
    _dockerfile(tmp_path, "Dockerfile", "FROM x:1  # prodcheck: ignore\n")
    _dockerfile(tmp_path, "ok/Dockerfile", "FROM x:1\nUSER app  # prodcheck: ignore[GEN-OPS-101]\n")
    report = scan(tmp_path, ONLY)
    assert len(report.findings) == 1
    kinds = sorted((d.path, d.kind) for d in report.diagnostics)
    assert kinds == [("Dockerfile", "bad-suppression"), ("ok/Dockerfile", "unused-suppression")]


def test_baseline_silences_accepted_findings_and_not_new_ones(tmp_path: Path) -> None:
    _dockerfile(tmp_path, "a/Dockerfile")
    first = scan(tmp_path, ONLY)
    (tmp_path / ".prodcheck-baseline.json").write_text(render_baseline(first.findings), encoding="utf-8")
    _dockerfile(tmp_path, "b/Dockerfile")
    second = scan(tmp_path, replace(ONLY, use_baseline=True))
    assert [f.location.path for f in second.findings] == ["b/Dockerfile"]
    assert [(s.kind, s.finding.location.path) for s in second.suppressed] == [("baseline", "a/Dockerfile")]


def test_fingerprint_survives_moving_lines_but_not_other_files(tmp_path: Path) -> None:
    _dockerfile(tmp_path, "Dockerfile")
    before = scan(tmp_path, ONLY).findings[0].fingerprint
    _dockerfile(tmp_path, "Dockerfile", "# a comment\n\n" + ROOT_IMAGE)
    moved = scan(tmp_path, ONLY).findings[0]
    assert moved.location.start.line == 3 and moved.fingerprint == before
    _dockerfile(tmp_path, "svc/Dockerfile")
    prints = {f.location.path: f.fingerprint for f in scan(tmp_path, ONLY).findings}
    assert prints["Dockerfile"] == before and prints["svc/Dockerfile"] != before


def test_identical_findings_get_distinct_fingerprints() -> None:
    from prodcheck.fingerprint import with_fingerprints
    from prodcheck.model import Confidence, Finding, Location, Severity

    def finding(line: int) -> Finding:
        return Finding("GEN-OPS-101", Area.OPS, Severity.HIGH, Confidence.HIGH, "m",
                       Location.at("Dockerfile", line, snippet="USER root"))

    first, second = with_fingerprints([finding(2), finding(4)])
    assert first.fingerprint != second.fingerprint
    moved = with_fingerprints([finding(12), finding(14)])
    assert [f.fingerprint for f in moved] == [first.fingerprint, second.fingerprint]


def test_parallel_and_sequential_scans_are_identical(tmp_path: Path) -> None:
    for index in range(70):
        _dockerfile(tmp_path, f"svc{index:02d}/Dockerfile", ROOT_IMAGE if index % 3 else "FROM a:1\nUSER app\n")
        (tmp_path / f"svc{index:02d}" / "main.py").write_text("def f(:\n" if index == 7 else "x = 1\n")
    sequential = scan(tmp_path, ONLY)
    parallel = scan(tmp_path, replace(ONLY, jobs=2))
    assert sequential.findings == parallel.findings
    assert sequential.diagnostics == parallel.diagnostics
    assert len(sequential.findings) == 46
    assert [d.kind for d in sequential.diagnostics] == ["syntax-error"]


def test_a_failing_rule_becomes_a_diagnostic(tmp_path: Path) -> None:
    _dockerfile(tmp_path, "Dockerfile")

    def explode(file, ctx):
        raise ValueError("boom")
        yield

    broken = FileRule(id="GEN-OPS-199", slug="always-breaks", area=Area.OPS, title="t", fix="f.",
                      rows=("OPS-06",), doc="", file_languages=("dockerfile",), check=explode)
    files, _ = discover(tmp_path, Config())
    findings, diags, applied = run_file_rules(parse(files[0]), [broken])
    assert not findings and applied == {"GEN-OPS-199"}
    assert [(d.kind, "boom" in d.message) for d in diags] == [("rule-error", True)]


def test_a_rule_failing_on_every_node_is_reported_once_with_a_count(tmp_path: Path) -> None:
    import ast

    from prodcheck.rules.base import NodeRule
    (tmp_path / "calls.py").write_text("f(1)\ng(2)\nh(3)\n")

    def explode(node, ctx):
        raise KeyError(node.lineno)
        yield

    broken = NodeRule(id="PY-REL-099", slug="breaks-per-call", area=Area.REL, title="t", fix="f.",
                      rows=("REL-01",), doc="", visits=(ast.Call,), check=explode)
    files, _ = discover(tmp_path, Config())
    _, diags, _ = run_file_rules(parse(files[0]), [broken])
    assert [(d.kind, d.line, d.message.endswith("(3 times in this file)")) for d in diags] == [("rule-error", 1, True)]


def test_report_lists_what_was_not_verified(tmp_path: Path) -> None:
    _dockerfile(tmp_path, "Dockerfile")
    report = scan(tmp_path, ONLY)
    topics = " ".join(n.topic for n in report.not_verified)
    assert "p95 <= 200 ms" in topics and "PERF-14" in topics


def test_treesitter_walk_dispatches_by_node_type_and_tracks_symbols(tmp_path: Path) -> None:
    (tmp_path / "a.ts").write_text("class A { m() { eval(x) } }\nfunction f() { eval(y) }\nconst z = 1\n")

    def flag_eval(node, ctx):
        callee = node.child_by_field_name("function")
        if callee is not None and callee.text == b"eval":
            yield ctx.finding(rule, node, "eval")

    from prodcheck.rules.base import NodeRule
    rule = NodeRule(id="JS-SEC-099", slug="test-eval", area=Area.SEC, title="t", fix="f.", rows=("SEC-08",),
                    doc="", visits=("call_expression",), check=flag_eval)
    files, _ = discover(tmp_path, Config())
    findings, diags, _ = run_file_rules(parse(files[0]), [rule])
    assert [(f.location.start.line, f.symbol) for f in findings] == [(1, "A.m"), (2, "f")]
    assert not diags
