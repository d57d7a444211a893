"""The incremental cache: a warm scan gives exactly the report of a cold one, re-analyses only the
files that changed, keeps cross-file results (mounted routes, taint across modules) current, and
never reads or writes inside the scanned tree."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import prodcheck.pipeline as pipeline
from prodcheck.config import Config
from prodcheck.pipeline import scan
from prodcheck.report import render

APP = {
    "app/__init__.py": "",
    "app/main.py": (
        "from flask import Flask, request\n\nfrom app.db import run_query\nfrom app.users import users\n\n"
        "app = Flask(__name__)\napp.register_blueprint(users, url_prefix='/api/users')\n\n\n"
        "@app.get('/search')\ndef search():\n    return {'rows': run_query(request.args['q'])}\n"),
    "app/users.py": (
        "from flask import Blueprint\n\nusers = Blueprint('users', __name__)\n\n\n"
        "@users.get('/')\ndef list_users():\n    return {'users': []}\n"),
    "app/db.py": (
        "import sqlite3\n\n\ndef run_query(term):\n"
        "    return sqlite3.connect('app.db').execute('SELECT * FROM t WHERE name = ?', (term,)).fetchall()\n"),
    "app/client.py": "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n",
    "Dockerfile": "FROM python:3.12-slim\nCMD [\"python\", \"-m\", \"app.main\"]\n",
    "requirements.txt": "flask==3.0.3\nrequests==2.32.3\n",
}


def write_app(root: Path, files: dict[str, str] = APP) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def config(cache: Path | None) -> Config:
    return Config(use_baseline=False, jobs=1, cache_dir=str(cache) if cache else "")


def json_of(report) -> str:
    return render(report, "json")


@pytest.fixture
def analysed(monkeypatch) -> list[str]:
    """The paths the per-file phase really analyses (in-process scans: jobs=1)."""
    seen: list[str] = []
    real = pipeline.analyse_file

    def counting(source, *settings):
        seen.append(source.path)
        return real(source, *settings)

    monkeypatch.setattr(pipeline, "analyse_file", counting)
    return seen


def test_a_warm_scan_reports_exactly_what_a_cold_scan_reports(tmp_path: Path, analysed: list[str]) -> None:
    root = write_app(tmp_path / "repo")
    cache = tmp_path / "cache"
    cold = json_of(scan(root, config(cache)))
    assert len(analysed) == len(APP)
    analysed.clear()
    warm = json_of(scan(root, config(cache)))
    assert analysed == []
    assert warm == cold == json_of(scan(root, config(None)))


def test_after_a_one_file_change_only_that_file_is_analysed_again(tmp_path: Path, analysed: list[str]) -> None:
    root = write_app(tmp_path / "repo")
    cache = tmp_path / "cache"
    scan(root, config(cache))
    analysed.clear()
    (root / "app/client.py").write_text("import requests\n\n\ndef fetch(url):\n    return requests.get(url, timeout=5)\n",
                                        encoding="utf-8")
    warm = scan(root, config(cache))
    assert analysed == ["app/client.py"]
    assert json_of(warm) == json_of(scan(root, config(None)))
    assert "PY-REL-001" not in {f.rule_id for f in warm.findings}


def test_cross_file_results_follow_a_change_in_another_file(tmp_path: Path, analysed: list[str]) -> None:
    root = write_app(tmp_path / "repo")
    cache = tmp_path / "cache"
    before = scan(root, config(cache))
    assert "/api/users/" in {e.path for e in before.inventory.endpoints}
    assert "PY-SEC-001" not in {f.rule_id for f in before.findings}
    analysed.clear()
    # the mount prefix lives in main.py, the routes in users.py; the SQL sink in db.py, the source in main.py
    main = (root / "app/main.py").read_text(encoding="utf-8").replace("/api/users", "/v2/users")
    (root / "app/main.py").write_text(main, encoding="utf-8")
    (root / "app/db.py").write_text(
        "import sqlite3\n\n\ndef run_query(term):\n"
        "    return sqlite3.connect('app.db').execute(f\"SELECT * FROM t WHERE name = '{term}'\").fetchall()\n",
        encoding="utf-8")
    after = scan(root, config(cache))
    assert sorted(analysed) == ["app/db.py", "app/main.py"]
    assert "/v2/users/" in {e.path for e in after.inventory.endpoints}
    assert "PY-SEC-001" in {f.rule_id for f in after.findings}
    assert json_of(after) == json_of(scan(root, config(None)))


def test_adding_a_file_or_editing_configuration_starts_a_new_bucket(tmp_path: Path, analysed: list[str]) -> None:
    root = write_app(tmp_path / "repo")
    cache = tmp_path / "cache"
    scan(root, config(cache))
    analysed.clear()
    (root / "requirements.txt").write_text("flask==3.0.3\nrequests==2.32.3\ngunicorn==22.0.0\n", encoding="utf-8")
    report = scan(root, config(cache))
    assert len(analysed) == len(APP)              # context changed: nothing reused
    assert json_of(report) == json_of(scan(root, config(None)))


def test_a_corrupt_entry_is_a_diagnostic_and_the_file_is_analysed_again(tmp_path: Path, analysed: list[str]) -> None:
    root = write_app(tmp_path / "repo")
    cache = tmp_path / "cache"
    cold = scan(root, config(cache))
    packs = sorted((cache / "v2").rglob("results.pack"))
    assert len(packs) == 1
    packs[0].write_bytes(b"not a pickle")
    analysed.clear()
    warm = scan(root, config(cache))
    assert sorted(analysed) == sorted(APP)
    assert warm.findings == cold.findings
    assert {d.kind for d in warm.diagnostics} == {"cache"}


def test_a_cache_inside_the_scanned_tree_is_never_used(tmp_path: Path, analysed: list[str]) -> None:
    root = write_app(tmp_path / "repo")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    for _ in range(2):
        report = scan(root, config(root / ".prodcheck-cache"))
    assert len(analysed) == 2 * len(APP)
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    assert [d.kind for d in report.diagnostics] == ["cache"]


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to hand the cache to another user")
def test_a_cache_owned_by_another_user_is_not_read(tmp_path: Path, analysed: list[str]) -> None:
    root = write_app(tmp_path / "repo")
    cache = tmp_path / "cache"
    scan(root, config(cache))
    for bucket in (cache / "v2").iterdir():
        if bucket.name != "hashes":
            os.chown(bucket, 65534, 65534)
    analysed.clear()
    report = scan(root, config(cache))
    assert len(analysed) == len(APP)
    assert "another user" in " ".join(d.message for d in report.diagnostics if d.kind == "cache")


def test_the_cli_caches_by_default_and_no_cache_bypasses_it(tmp_path: Path) -> None:
    root = write_app(tmp_path / "repo")
    cache = tmp_path / "cli-cache"
    env = {**os.environ, "PRODCHECK_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "prodcheck", "scan", str(root), "-f", "json", "-q"]
    first = subprocess.run([*command, "--no-cache"], capture_output=True, text=True, env=env)
    assert not cache.exists()
    second = subprocess.run(command, capture_output=True, text=True, env=env)
    assert list((cache / "v2").rglob("results.pack"))
    third = subprocess.run(command, capture_output=True, text=True, env=env)
    assert first.returncode == second.returncode == third.returncode == 1
    assert first.stdout == second.stdout == third.stdout


def test_review_base_and_head_scans_share_the_cache(tmp_path: Path, analysed: list[str]) -> None:
    from prodcheck.review import review
    root = write_app(tmp_path / "repo")
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], check=True)
    (root / "app/client.py").write_text("import requests\n\n\ndef fetch(url):\n    return requests.get(url, timeout=5)\n",
                                        encoding="utf-8")
    result = review(root, "main", config=config(tmp_path / "cache"))
    assert sorted(analysed) == sorted([*APP, "app/client.py"])    # base: every file; head: the edit
    assert [f.finding.rule_id for f in result.delta.new] == []


def _age(root: Path, seconds: int = 120) -> None:
    """Files last modified a while ago: the cache may trust their size and mtime."""
    past = os.stat(root).st_mtime - seconds
    for path in root.rglob("*"):
        os.utime(path, (past, past))


def test_files_whose_size_and_mtime_are_unchanged_are_not_read_again(tmp_path: Path, monkeypatch) -> None:
    import prodcheck.cache as cache_module
    root = write_app(tmp_path / "repo")
    _age(root)
    cache = tmp_path / "cache"
    cold = json_of(scan(root, config(cache)))
    hashed: list[str] = []
    real = cache_module._content_hash
    monkeypatch.setattr(cache_module, "_content_hash", lambda source: hashed.append(source.path) or real(source))
    assert json_of(scan(root, config(cache))) == cold
    assert hashed == []
    (root / "app/client.py").write_text(APP["app/client.py"].replace("url)", "url, timeout=5)"), encoding="utf-8")
    warm = scan(root, config(cache))
    assert hashed == ["app/client.py"]
    assert json_of(warm) == json_of(scan(root, config(None)))


def test_an_edit_in_the_same_second_as_the_scan_is_not_missed(tmp_path: Path, analysed: list[str]) -> None:
    root = write_app(tmp_path / "repo")
    cache = tmp_path / "cache"
    scan(root, config(cache))
    client = root / "app/client.py"
    status = client.stat()
    client.write_text(APP["app/client.py"].replace("url)", "uri)"), encoding="utf-8")     # same size
    os.utime(client, ns=(status.st_atime_ns, status.st_mtime_ns))                           # same mtime
    analysed.clear()
    scan(root, config(cache))
    assert analysed == ["app/client.py"]


def test_the_taint_phase_is_reused_while_what_it_reads_is_unchanged(tmp_path: Path, monkeypatch) -> None:
    root = write_app(tmp_path / "repo")
    cache = tmp_path / "cache"
    runs: list[int] = []
    real = pipeline.run_taint
    monkeypatch.setattr(pipeline, "run_taint", lambda *args: runs.append(1) or real(*args))
    scan(root, config(cache))
    assert len(runs) == 1
    # client.py holds no request data and nothing that does calls it: outside the taint slice
    (root / "app/client.py").write_text("import requests\n\n\n\ndef fetch(url):\n    return requests.get(url)\n",
                                        encoding="utf-8")
    reused = scan(root, config(cache))
    assert len(runs) == 1
    assert json_of(reused) == json_of(scan(root, config(None)))
    runs.clear()
    # db.py's run_query is called with request data: in the slice, so the phase runs again
    (root / "app/db.py").write_text("import sqlite3\n\n\ndef run_query(term):\n"
                                    "    return sqlite3.connect('app.db').execute(term).fetchall()\n", encoding="utf-8")
    again = scan(root, config(cache))
    assert len(runs) == 1
    assert "PY-SEC-001" in {f.rule_id for f in again.findings}
    assert json_of(again) == json_of(scan(root, config(None)))


def test_remembered_hashes_are_kept_for_the_latest_roots_only(tmp_path: Path, monkeypatch) -> None:
    import prodcheck.cache as cache_module
    monkeypatch.setattr(cache_module, "MAX_HASH_FILES", 2)
    cache = tmp_path / "cache"
    for n in range(4):
        root = write_app(tmp_path / f"checkout-{n}", {"app/main.py": "x = 1\n"})
        _age(root)
        scan(root, config(cache))
    assert len(list((cache / "v2" / "hashes").glob("*.pickle"))) == 2
