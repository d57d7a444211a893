"""`prodcheck fix --rule`: mechanical fixes applied only on request, exactly, or skipped with a reason."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from prodcheck.config import Config
from prodcheck.fixes import apply_fixes, parse_hunks
from prodcheck.model import Fix
from prodcheck.pipeline import scan

CLIENT = ("import requests\nimport yaml\n\n\ndef a(u):\n    return requests.get(u)\n\n\n"
          "def b(u):\n    return requests.post(u, json={})\n\n\ndef c(s):\n    return yaml.load(s)\n")
MIGRATION = "-- users by email\nCREATE INDEX users_email_idx ON users (email);\n"


def run_fix(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "prodcheck", "fix", *args, str(root)],
                          capture_output=True, text=True)


def test_dry_run_prints_the_diffs_and_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "client.py").write_text(CLIENT, encoding="utf-8")
    done = run_fix(tmp_path, "--rule", "PY-REL-001", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "+    return requests.get(u, timeout=10)" in done.stdout
    assert "would apply 2 fixes in 1 file" in done.stderr
    assert (tmp_path / "client.py").read_text(encoding="utf-8") == CLIENT


def test_fixes_of_the_named_rules_only_are_applied_and_a_rescan_is_clean(tmp_path: Path) -> None:
    (tmp_path / "client.py").write_text(CLIENT, encoding="utf-8")
    done = run_fix(tmp_path, "--rule", "http-call-without-timeout")
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "client.py").read_text(encoding="utf-8")
    assert "requests.get(u, timeout=10)" in text and "requests.post(u, json={}, timeout=10)" in text
    assert "yaml.load(s)" in text                                    # PY-SEC-034 was not asked for
    report = scan(tmp_path, Config(only=("PY-REL-001",), use_baseline=False, jobs=1))
    assert report.findings == ()


def test_crlf_files_keep_their_line_endings(tmp_path: Path) -> None:
    (tmp_path / "client.py").write_bytes(CLIENT.replace("\n", "\r\n").encode())
    assert run_fix(tmp_path, "--rule", "PY-REL-001").returncode == 0
    data = (tmp_path / "client.py").read_bytes()
    assert b"timeout=10)\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")


def test_a_multi_line_sql_fix_is_applied(tmp_path: Path) -> None:
    target = tmp_path / "migrations" / "V2__users_email.sql"
    target.parent.mkdir()
    (tmp_path / "migrations" / "V1__users.sql").write_text("CREATE TABLE users (id bigint, email text);\n")
    target.write_text(MIGRATION, encoding="utf-8")
    report = scan(tmp_path, Config(only=("MIG-DATA-201",), use_baseline=False, jobs=1))
    assert [f.rule_id for f in report.findings] == ["MIG-DATA-201"]
    [outcome] = apply_fixes(tmp_path, list(report.findings))
    assert outcome.applied, outcome.reason
    assert "CREATE INDEX CONCURRENTLY users_email_idx" in target.read_text(encoding="utf-8")
    assert target.read_text(encoding="utf-8").startswith("-- users by email\n")


def test_stale_overlapping_and_masked_fixes_are_skipped_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "client.py").write_text(CLIENT, encoding="utf-8")
    report = scan(tmp_path, Config(only=("PY-REL-001",), use_baseline=False, jobs=1))
    first, second = report.findings
    duplicate = first                                                # the same lines changed twice
    masked = second.__class__(**{**{s: getattr(second, s) for s in second.__slots__},
                                 "fix": Fix("x", second.fix.diff.replace("json={}", "key='sk_l****'"))})
    outcomes = apply_fixes(tmp_path, [first, duplicate, masked], dry_run=True)
    assert [(o.applied, o.reason.split(":")[0].split(" (")[0]) for o in outcomes] == [
        (True, ""), (False, "another fix changes the same lines"), (False, "the line holds a secret, masked in the diff")]
    (tmp_path / "client.py").write_text(CLIENT.replace("requests.get(u)", "requests.get(u, stream=True)"))
    [stale, _ok] = apply_fixes(tmp_path, [first, second])
    assert not stale.applied and "no longer matches" in stale.reason


def test_hunks_with_sql_comment_lines_parse() -> None:
    diff = "--- a/m.sql\n+++ b/m.sql\n@@ -1,2 +1,2 @@\n--- note\n-CREATE INDEX i ON t (c);\n+-- note\n+CREATE INDEX CONCURRENTLY i ON t (c);\n"
    [hunk] = parse_hunks(diff)
    assert hunk.old == ("-- note", "CREATE INDEX i ON t (c);")
    assert hunk.new == ("-- note", "CREATE INDEX CONCURRENTLY i ON t (c);")


def test_a_rule_name_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    done = run_fix(tmp_path, "--rule", "NO-SUCH-RULE")
    assert done.returncode == 2 and "NO-SUCH-RULE" in done.stderr
