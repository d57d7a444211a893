"""Robustness: one scan (every rule) of a tree holding every kind of nasty input.

The scan must finish, turn each bad file into a diagnostic that names the file and the reason,
report none of the diagnostics that mean a bug of ours (`rule-error`, `extractor-error`,
`worker-crash`), and still report the real findings planted in good files next to the bad ones
(and inside odd-but-valid files: UTF-16, CRLF, a megabytes-long line, odd names).

Known gaps are strict xfails at the end of the module: they pass the day the product is fixed.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

import prodcheck.parsing
from prodcheck.config import Config
from prodcheck.discovery import discover
from prodcheck.pipeline import PARALLEL_MIN_FILES, analyse_file, scan
from prodcheck.rules.base import ProjectRule, TaintRule
from prodcheck.rules.catalog import load_catalog

OUR_BUGS = frozenset({"rule-error", "extractor-error", "analysis-error", "worker-crash"})
MAX_FILE_SIZE = 8 * 1024 * 1024          # the long line (3 MB) is under it, huge.py (9 MB) over it
SCAN_SECONDS = 240                       # a hang is a failure, not a stuck CI job

GET = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"        # PY-REL-001, line 5
AXIOS = ("import axios from 'axios';\n\nexport async function rates(base: string) {\n"
         "  const response = await axios.get('https://api.example.com/rates', { params: { base } });\n"
         "  return response.data;\n}\n")                                                 # JS-REL-001, line 4
GO_GET = ('package billing\n\nimport "net/http"\n\nfunc Fetch() (*http.Response, error) {\n'
          '\treturn http.Get("https://api.example.com/rates")\n}\n')                     # GO-REL-001, line 6
ROOT_IMAGE = 'FROM python:3.12-slim\nCMD ["python", "app.py"]\n'                          # GEN-OPS-101, line 1
SQL_INJECTION = (
    "import sqlite3\n\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
    '@app.get("/users")\ndef find_users():\n    name = request.args.get("name", "")\n'
    '    db = sqlite3.connect("app.db")\n'
    "    return {\"users\": db.execute(f\"SELECT id FROM users WHERE name = '{name}'\").fetchall()}\n")
PRIVILEGED = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n"
              "    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.8.2\n"
              "          securityContext:\n            privileged: true\n")
ODD_NAMES = ("with space.py", "ünïcödé.py", "new\nline.py", "-leading-dash.py", "tab\tand#hash?.py",
             "<b>html</b>.py", "50%.py")


def stripe_key() -> str:
    """Built at run time: no scanner flags this test module for carrying a key."""
    return "sk_" + "live_" + "51PrOdChEcKfIxTuRe7Q2w9ZmLpXv4TnRb8Ks"


def write(root: Path, rel: str | bytes, content: str | bytes) -> Path:
    path = Path(os.fsdecode(root / os.fsdecode(rel)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def bomb_yaml() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


# (path, content, diagnostic kinds accepted for it)
BAD_FILES: list[tuple[str, str | bytes, frozenset[str]]] = [
    ("bad/syntax.py", "def f(:\n    pass\n", frozenset({"syntax-error"})),
    ("bad/syntax.ts", "function (((  {\n  const x: = ;\n", frozenset({"syntax-error"})),
    ("bad/syntax.js", "var = = ;\n}}}\n", frozenset({"syntax-error"})),
    ("bad/syntax.go", "package main\nfunc main( {\n", frozenset({"syntax-error"})),
    ("bad/config.yaml", "a: [1, 2\nb: c\n", frozenset({"syntax-error"})),
    ("bad/npm-broken/package.json", '{"dependencies": {"express": ', frozenset({"syntax-error"})),
    ("bad/npm-array/package.json", "[1, 2, 3]\n", frozenset({"syntax-error"})),
    ("bad/npm-string/package.json", '"just a string"\n', frozenset({"syntax-error"})),
    ("bad/npm-deep/package.json", "[" * 100_000 + "]" * 100_000, frozenset({"syntax-error"})),
    ("bad/settings.toml", "a = = 1\n[[\n", frozenset({"syntax-error"})),
    ("bad/deep.toml", "a = " + "[" * 3000 + "]" * 3000 + "\n", frozenset({"syntax-error"})),
    ("bad/pyproj/pyproject.toml", "[project\nname = \n", frozenset({"syntax-error"})),
    ("bad/truncated.py", "def handler(request):\n    return {'a': [1, 2,", frozenset({"syntax-error"})),
    ("bad/truncated.ts", "export function f(a: number) {\n  return [a, ", frozenset({"syntax-error"})),
    ("bad/truncated.yaml", "spec:\n  containers:\n    - name: [api", frozenset({"syntax-error"})),
    ("bad/latin1.py", "name = 'caf\xe9'\n".encode("latin-1"), frozenset({"encoding"})),
    ("bad/nul.py", b"x = 1\n\x00\x00\ny = 2\n", frozenset({"binary-file"})),
    ("bad/deep_parens.py", "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n", frozenset({"syntax-error", "too-deep"})),
    ("bad/deep_binop.py", "x = 1" + " + 1" * 5000 + "\n", frozenset({"too-deep"})),         # RecursionError
    ("bad/deep_indent.py", "".join(" " * i + "if x:\n" for i in range(1000)) + " " * 1000 + "pass\n",
     frozenset({"syntax-error", "too-deep"})),
    ("bad/deep.yaml", "a: " + "[" * 3000 + "]" * 3000 + "\n", frozenset({"too-complex"})),
    ("bad/bomb.yaml", bomb_yaml(), frozenset({"too-complex"})),
    ("bad/huge.py", "x = 1\n" * (MAX_FILE_SIZE // 6 + 100_000), frozenset({"file-too-large"})),
    ("bad/migrations/0002_broken.sql", "CREATE TABLE (;\nSELEC 1;\n", frozenset()),   # reported per directory
]
# bad files that parse (or are not parsed): they must not crash anything; no diagnostic is required
SURVIVED_FILES: list[tuple[str, str | bytes]] = [
    ("bad/deep.js", "const x = " + "[" * 5000 + "]" * 5000 + ";\n"),
    ("bad/deep.ts", "let y = " + "(" * 5000 + "1" + ")" * 5000 + ";\n"),
    ("bad/deep_functions.js", "function f(){" * 3000 + "}" * 3000 + "\n"),
    ("bad/deep_blocks.go", "package main\nfunc main() " + "{ " * 3000 + "}" * 3000 + "\n"),
    ("bad/deep_config.json", "[" * 100_000 + "]" * 100_000),             # config JSON may be JSONC: silent
    ("bad/migrations/0003_deep.sql", "SELECT " + "(" * 3000 + "1" + ")" * 3000 + ";\n"),
    ("bad/Dockerfile", "FROM\nRUN \\\n"),
    ("bad/comments/Dockerfile", "# only a comment\n# and another one\n"),
    ("bad/gomod/go.mod", "modul ??? \x7f garbage\nrequire (\n  foo\n"),
    ("bad/empty.py", ""),
    ("bad/empty.json", ""),
    ("bad/only_bom.py", b"\xef\xbb\xbf"),
    ("bad/minified.js", "var a=0;" * 125_000 + "\n"),
    ("bad/k8s/only-comments.yaml", "# nothing here\n---\n---\n"),
]
# (rule id, path, line) that must be reported whatever sits next to them
PLANTED: list[tuple[str, str, int]] = [
    ("PY-REL-001", "good/app.py", 5),
    ("JS-REL-001", "good/rates.ts", 4),
    ("GO-REL-001", "good/billing.go", 6),
    ("GEN-OPS-101", "good/Dockerfile", 1),
    ("GEN-OPS-110", "good/k8s/deploy.yaml", 12),
    ("GEN-SEC-101", "good/billing_settings.py", 3),
    ("PY-SEC-001", "good/views.py", 12),                                  # taint: project phase
    ("MIG-DATA-201", "bad/migrations/0001_index.sql", 1),
    ("PY-REL-001", "bad/utf16.py", 5),
    ("PY-REL-001", "bad/utf16be.py", 5),
    ("PY-REL-001", "bad/crlf.py", 5),
    ("PY-REL-001", "bad/longline.py", 6),
    ("JS-REL-001", "bad/syntax_then_finding.ts", 5),
    *(("PY-REL-001", "weird/" + name.replace("\n", "\\n").replace("\t", "\\t"), 5) for name in ODD_NAMES),
]


def build_tree(root: Path) -> list[Path]:
    """The nasty tree; returns the FIFOs made in it (a hung reader can be released)."""
    for rel, content, _ in BAD_FILES:
        write(root, rel, content)
    for rel, content in SURVIVED_FILES:
        write(root, rel, content)
    write(root, "good/app.py", GET)
    write(root, "good/rates.ts", AXIOS)
    write(root, "good/billing.go", GO_GET)
    write(root, "good/Dockerfile", ROOT_IMAGE)
    write(root, "good/k8s/deploy.yaml", PRIVILEGED)
    write(root, "good/billing_settings.py", f'import stripe\n\nstripe.api_key = "{stripe_key()}"\n')
    write(root, "good/views.py", SQL_INJECTION)
    write(root, "bad/migrations/0001_index.sql", "CREATE INDEX idx_orders_customer ON orders (customer_id);\n")
    write(root, "bad/utf16.py", GET.encode("utf-16"))                    # BOM + little endian
    write(root, "bad/utf16be.py", b"\xfe\xff" + GET.encode("utf-16-be"))
    write(root, "bad/crlf.py", GET.replace("\n", "\r\n"))
    write(root, "bad/longline.py", "import requests\nBLOB = '" + "A1b2C3d4" * 375_000 + "'\n" + GET[16:])
    write(root, "bad/syntax_then_finding.ts", "const = ;\n" + AXIOS)
    for name in ODD_NAMES:
        write(root, f"weird/{name}", GET)
    write(root, b"weird/undecodable-\xff\xfe.py", GET)
    for index in range(PARALLEL_MIN_FILES):                               # enough files for the worker pool
        write(root, f"filler/mod{index:02d}.py", f"VALUE_{index} = {index}\n")
    os.symlink(root / "weird", root / "weird" / "loop")
    fifo = root / "bad" / "fifo.py"
    os.mkfifo(fifo)
    return [fifo]


def bounded(call: Callable[[], object], fifos: list[Path], seconds: float = SCAN_SECONDS):
    """Run `call` in a thread; a call stuck past `seconds` (reading a FIFO?) fails the test."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        for fifo in fifos:                # release a reader blocked on a FIFO, then fail
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        pytest.fail(f"the scan did not finish within {seconds} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.fixture(scope="module")
def nasty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    if not hasattr(os, "mkfifo") or not hasattr(os, "symlink"):
        pytest.skip("needs POSIX FIFOs and symlinks")
    root = tmp_path_factory.mktemp("nasty") / "repo"
    return root, build_tree(root)


CONFIG = Config(max_file_size=MAX_FILE_SIZE, use_baseline=False)


@pytest.fixture(scope="module")
def reports(nasty):
    root, fifos = nasty
    return {jobs: bounded(lambda j=jobs: scan(root, replace(CONFIG, jobs=j)), fifos) for jobs in (1, 2)}


def kinds_by_path(report) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for d in report.diagnostics:
        found.setdefault(d.path, set()).add(d.kind)
    return found


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_bad_file_is_a_diagnostic_naming_it(reports, jobs: int) -> None:
    found = kinds_by_path(reports[jobs])
    for rel, _, accepted in BAD_FILES:
        if accepted:
            assert found.get(rel, set()) & accepted, (rel, found.get(rel))
    assert "sql-parse-error" in found.get("bad/migrations", set())
    assert "symlink-loop" in found.get("weird/loop", set())
    for d in reports[jobs].diagnostics:
        assert d.message.strip(), d


@pytest.mark.parametrize("jobs", [1, 2])
def test_no_diagnostic_is_a_bug_of_ours(reports, jobs: int) -> None:
    bugs = [d for d in reports[jobs].diagnostics if d.kind in OUR_BUGS]
    assert not bugs


@pytest.mark.parametrize("jobs", [1, 2])
def test_planted_findings_survive_their_bad_neighbours(reports, jobs: int) -> None:
    got = {(f.rule_id, f.location.path, f.location.start.line) for f in reports[jobs].findings}
    missing = [p for p in PLANTED if p not in got]
    assert not missing
    assert any(f.location.path == "weird/undecodable-\\xff\\xfe.py" for f in reports[jobs].findings)


def test_sequential_and_parallel_scans_agree(reports) -> None:
    assert reports[1].findings == reports[2].findings
    assert reports[1].diagnostics == reports[2].diagnostics
    assert reports[1].files_scanned == reports[2].files_scanned


def test_special_files_are_neither_read_nor_scanned(reports) -> None:
    report = reports[1]
    scanned = {f.location.path for f in report.findings} | {d.path for d in report.diagnostics}
    assert "bad/fifo.py" not in scanned
    assert not [f for f in report.findings if f.location.path in ("bad/huge.py", "bad/comments/Dockerfile")]
    assert not [p for p in scanned if p.startswith("weird/loop/")]


def test_a_fifo_is_skipped_by_discovery_without_blocking(nasty) -> None:
    root, fifos = nasty
    files, _ = bounded(lambda: discover(root, Config()), fifos, seconds=30)
    assert "bad/fifo.py" not in {f.path for f in files}


def test_the_cli_scans_the_nasty_tree_into_every_format(nasty, tmp_path: Path) -> None:
    root, fifos = nasty
    config = tmp_path / "prodcheck.toml"
    config.write_text(f"max-file-size = {MAX_FILE_SIZE}\n", encoding="utf-8")
    outputs = {fmt: tmp_path / f"report.{fmt}" for fmt in ("json", "sarif", "md", "html", "text")}
    args = [sys.executable, "-m", "prodcheck", "scan", str(root), "--config", str(config), "--jobs", "2"]
    for fmt, out in outputs.items():
        args += ["-f", fmt, "-o", str(out)]
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=SCAN_SECONDS, env=env, check=False)
    except subprocess.TimeoutExpired:
        for fifo in fifos:
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        pytest.fail("the CLI scan hung")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    data = json.loads(outputs["json"].read_text(encoding="utf-8"))
    got = {(f["rule_id"], f["location"]["path"], f["location"]["line"]) for f in data["findings"]}
    assert not [p for p in PLANTED if p not in got]
    assert not [d for d in data["diagnostics"] if d["kind"] in OUR_BUGS]
    sarif = json.loads(outputs["sarif"].read_text(encoding="utf-8"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert "weird/with%20space.py" in uris and "weird/50%25.py" in uris
    assert not [u for u in uris if any(c in u for c in " #?\n\t<>\\")]
    html = outputs["html"].read_text(encoding="utf-8")
    assert "<b>html</b>" not in html                                      # escaped, not markup
    text = outputs["text"].read_text(encoding="utf-8")
    assert "weird/new\\nline.py:5:" in text                               # one finding, one line


def test_a_file_that_cannot_be_read_is_a_diagnostic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "locked.py", GET)
    write(tmp_path, "app.py", GET)
    locked = str(tmp_path / "locked.py")
    os.chmod(locked, 0)
    real_open = open

    def deny(file, *args, **kwargs):      # root reads a 000 file anyway: refuse it here too
        if os.fspath(file) == locked:
            raise PermissionError(13, "Permission denied", file)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(prodcheck.parsing, "open", deny, raising=False)
    try:
        report = scan(tmp_path, replace(CONFIG, jobs=1))
    finally:
        os.chmod(locked, 0o644)
    assert [(d.path, d.kind) for d in report.diagnostics] == [("locked.py", "unreadable")]
    assert "Permission denied" in report.diagnostics[0].message
    flagged = {(f.rule_id, f.location.path) for f in report.findings}
    assert ("PY-REL-001", "app.py") in flagged and not {p for _, p in flagged} - {"app.py", "."}


def test_an_empty_repository_scans_clean(tmp_path: Path) -> None:
    report = scan(tmp_path, CONFIG)
    assert report.files_scanned == 0 and not report.findings and not report.diagnostics
    result = subprocess.run([sys.executable, "-m", "prodcheck", "scan", str(tmp_path), "-f", "json"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["files"] == 0


@pytest.mark.parametrize("content", [
    b"exclude = [\n",
    b"fail-on = \"caf\xe9\"\n",                        # not UTF-8
    b"tool = 1\n",
    b"[tool]\nprodcheck = \"everything\"\n",
    b"severity = [\"GEN-OPS-101\"]\n",
], ids=["toml-syntax", "not-utf8", "tool-not-a-table", "section-not-a-table", "table-expected"])
def test_invalid_prodcheck_toml_exits_2_without_a_traceback(content: bytes, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(root, "Dockerfile", ROOT_IMAGE)
    write(root, ".prodcheck.toml", content)
    before = sorted(p.name for p in root.iterdir())
    result = subprocess.run([sys.executable, "-m", "prodcheck", "scan", str(root), "-f", "json"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert ".prodcheck.toml" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in root.iterdir()) == before


@pytest.mark.parametrize("content", [
    b"[project\nname = \n",
    b"tool = 1\n",
    b"[tool]\nprodcheck = 1\n",
    b"[project]\nname = \"caf\xe9\"\n",
    b"\xff\xfe\x00[\x00",
], ids=["toml-syntax", "tool-not-a-table", "section-not-a-table", "not-utf8", "utf16-garbage"])
def test_the_scanned_projects_broken_pyproject_does_not_stop_the_scan(content: bytes, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(root, "Dockerfile", ROOT_IMAGE)
    write(root, "pyproject.toml", content)
    result = subprocess.run([sys.executable, "-m", "prodcheck", "scan", str(root), "-f", "json"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert ("GEN-OPS-101", "Dockerfile") in {(f["rule_id"], f["location"]["path"]) for f in data["findings"]}
    assert not [d for d in data["diagnostics"] if d["kind"] in OUR_BUGS]


def test_a_file_over_its_time_budget_is_stopped_and_the_scan_goes_on(tmp_path: Path, monkeypatch) -> None:
    import time

    import prodcheck.pipeline as pipeline
    write(tmp_path, "slow.py", "x = 1\n")
    write(tmp_path, "fast.py", "import requests\nrequests.get('https://example.com')\n")
    real_parse = pipeline.parse

    def parse(source):
        if source.path == "slow.py":
            time.sleep(30)          # a pathological file meeting a slow path of ours
        return real_parse(source)

    monkeypatch.setattr(pipeline, "parse", parse)
    files, _ = discover(tmp_path, Config())
    started = time.monotonic()
    results = {r.facts.path: r for r in pipeline.analyse_files(files, ("PY-REL-001",), 1, time_budget=0.5)}
    assert time.monotonic() - started < 10
    assert [(d.kind, "time budget" in d.message) for d in results["slow.py"].diagnostics] == [("timeout", True)]
    assert [f.rule_id for f in results["fast.py"].findings] == ["PY-REL-001"]
    assert signal_is_default()


def signal_is_default() -> bool:
    import signal
    return signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None) and signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_the_file_time_budget_is_configurable() -> None:
    from prodcheck.config import ConfigError, parse_config
    assert parse_config({"file-time-budget": 5}).file_time_budget == 5.0
    assert parse_config({"file-time-budget": 0}).file_time_budget == 0.0
    with pytest.raises(ConfigError, match="file-time-budget"):
        parse_config({"file-time-budget": "soon"})


# ---------------------------------------------------------------- known gaps (reported, strict xfail)

def _analyse(tmp_path: Path, rel: str, content: str):
    write(tmp_path, rel, content)
    files, _ = discover(tmp_path / rel, Config())
    rule_ids = tuple(r.id for r in load_catalog().select(Config())
                     if not isinstance(r, (ProjectRule, TaintRule)))
    return analyse_file(files[0], rule_ids)


@pytest.mark.parametrize(("rel", "content"), [
    ("calls.py", "x = f" + "(1)" * 1900 + "\n"),
    ("concat.ts", "const x = 'a'" + " + 'a'" * 20_000 + ";\n"),
    ("chain.go", "package main\nvar x = a" + ".b" * 20_000 + "\n"),
], ids=["python-call-chain", "ts-string-concatenation", "go-selector-chain"])
def test_deep_but_parseable_code_is_analysed_without_errors(tmp_path: Path, rel: str, content: str) -> None:
    result = _analyse(tmp_path, rel, content)
    assert not [d for d in result.diagnostics if d.kind in OUR_BUGS or d.message.startswith("extractor")]


def test_a_dockerfile_syntax_error_is_a_diagnostic(tmp_path: Path) -> None:
    result = _analyse(tmp_path, "Dockerfile", "FORM python:3.12\nRUN echo hi\n")
    assert [d.kind for d in result.diagnostics] == ["syntax-error"]


def test_dockerfile_heredocs_are_read_as_bodies_not_instructions(tmp_path: Path) -> None:
    from prodcheck.parsing.dockerfile import parse_dockerfile
    text = ("FROM python:3.12-slim\nRUN <<EOF\napt-get update\npip install flask\nEOF\n"
            "COPY <<-CONF /etc/app.conf\n\tworkers=2\n\tCONF\nUSER app\n")
    errors: list = []
    instructions = parse_dockerfile(text, errors)
    assert errors == []
    assert [(i.keyword, i.line) for i in instructions] == [("FROM", 1), ("RUN", 2), ("COPY", 6), ("USER", 9)]
    assert "pip install flask" in instructions[1].value
    result = _analyse(tmp_path, "Dockerfile", text)
    assert [d.kind for d in result.diagnostics] == []


def test_a_garbage_go_mod_is_a_diagnostic(tmp_path: Path) -> None:
    result = _analyse(tmp_path, "go.mod", "modul ??? garbage\nrequire (\n  foo\n")
    assert [d.kind for d in result.diagnostics] == ["syntax-error"]


def test_a_fifo_next_to_a_migration_does_not_hang_the_scan(tmp_path: Path) -> None:
    write(tmp_path, "migrations/000001_init.up.sql", "CREATE TABLE t (id int);\n")
    fifo = tmp_path / "migrations" / "000001_init.down.sql"
    os.mkfifo(fifo)
    files, _ = discover(tmp_path, Config())
    rule_ids = tuple(r.id for r in load_catalog().select(Config()) if not isinstance(r, (ProjectRule, TaintRule)))
    bounded(lambda: [analyse_file(f, rule_ids) for f in files], [fifo], seconds=5)


def test_a_snippet_of_a_minified_line_is_bounded():
    from prodcheck.model import Location
    from prodcheck.rules.context import MAX_SNIPPET_LINE_CHARS, _with_snippet
    lines = ["var a=1;" * 50_000, "short line"]
    loc = _with_snippet(Location.at("dist/app.js", 1, 1, 2), lines)
    first, second = loc.snippet.split("\n")
    assert len(first) <= MAX_SNIPPET_LINE_CHARS + 2 and first.endswith(" …")
    assert second == "short line"


def test_a_minified_bundle_is_not_reviewed_as_code_but_still_scanned_for_secrets(tmp_path: Path) -> None:
    bundle = ("(()=>{var e={};function t(n){return fetch(n).then(r=>r.json())}"
              + "".join(f"e.f{i}=function(a,b){{return a+b+{i}}};" for i in range(400))
              + 'const k="sk_live_ProdcheckFixtureNPRVdD53X83RZJzz";eval(location.hash);})();\n')
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "core.js").write_text(bundle, encoding="utf-8")
    (tmp_path / "app.js").write_text("const express = require('express');\nconst app = express();\n"
                                     "app.get('/', (req, res) => res.send(eval(req.query.x)));\n", encoding="utf-8")
    report = scan(tmp_path, Config(use_baseline=False, jobs=1))
    assert [(d.path, d.kind) for d in report.diagnostics if d.kind == "minified"] == [("static/core.js", "minified")]
    in_bundle = {f.rule_id for f in report.findings if f.location.path == "static/core.js"}
    assert in_bundle == {"GEN-SEC-101"}                       # the secret, not the bundle's eval
    assert "JS-SEC-009" in {f.rule_id for f in report.findings if f.location.path == "app.js"}
