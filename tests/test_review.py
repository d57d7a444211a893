"""Review mode (`prodcheck review --base REF [--head REF] [PATH]`) on real throwaway git repositories.

Every test builds its own repository under tmp_path with `git init` and commits; nothing outside
tmp_path is touched. Scans run with one rule selected where a test is about that rule, so other
rules coming and going do not change the outcome.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import tarfile
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from prodcheck import api
from prodcheck.cli import main
from prodcheck.config import Config
from prodcheck.model import Area, Confidence, Finding, Location, Severity
from prodcheck.report.review_markdown import render_review
from prodcheck.review import GitError, review
from prodcheck.review.changes import build_changes
from prodcheck.review.delta import compute_delta
from prodcheck.review.git import RawChange, parse_hunks, parse_raw, safe_extract, unquote_c
from prodcheck.review.output import to_dict
from prodcheck.review.owners import owner_of, parse_codeowners

ROOT_RULE = Config().with_only("GEN-OPS-101")      # "the final image runs as root"
ROOT_DOCKERFILE = "FROM python:3.12-slim\nCOPY . /app\nCMD [\"python\", \"/app/main.py\"]\n"
SAFE_DOCKERFILE = ("FROM python:3.12-slim\nRUN useradd -r app\nCOPY . /app\nUSER app\n"
                   "CMD [\"python\", \"/app/main.py\"]\n")
FASTAPI_APP = '''from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def list_items():
    return []


@app.delete("/items/{item_id}")
def delete_item(item_id: int):
    return {"deleted": item_id}
'''
SEED_SECTIONS = ("## Executive Summary", "## Review Table", "## API Contract Delta", "## Inline Diffs",
                 "## Risk & Rollback", "## Final Verdict")


# ---------------------------------------------------------------- helpers

def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_OPTIONAL_LOCKS": "0",
                "GIT_AUTHOR_DATE": "2024-01-01T00:00:00", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00"})
    return env


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=git_env(),
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def write(repo: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def make_repo(tmp_path: Path, files: dict[str, str | bytes], name: str = "repo") -> Path:
    repo = tmp_path / name
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "commit.gpgsign", "false")
    write(repo, files)
    commit(repo, "base")
    return repo


def run_review(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["review", *args])
    return result.exit_code, result.stdout, result.stderr


def new_rules(result) -> list[tuple[str, str, bool]]:
    return sorted((item.finding.rule_id, item.finding.location.path, item.on_changed_lines)
                  for item in result.delta.new)


def snapshot(repo: Path) -> tuple[str, dict[str, tuple[int, int]]]:
    """`git status` and the size and mtime of every file, .git included."""
    status = git(repo, "status", "--porcelain=v1", "--untracked-files=all", "--ignored")
    files = {}
    for directory, _dirs, names in os.walk(repo):
        for name in names:
            path = Path(directory) / name
            info = path.lstat()
            files[str(path.relative_to(repo))] = (info.st_size, info.st_mtime_ns)
    return status, files


# ---------------------------------------------------------------- new, existing, fixed

def test_root_dockerfile_added_at_head_is_new_and_on_changed_lines(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"main.py": "print('hello')\n"})
    write(repo, {"Dockerfile": ROOT_DOCKERFILE})             # untracked in the work tree
    result = review(repo, "main", config=ROOT_RULE)
    assert new_rules(result) == [("GEN-OPS-101", "Dockerfile", True)]
    assert result.review_word == "BLOCK"
    commit(repo, "add a Dockerfile")                          # the same, committed, with --head
    result = review(repo, "main~1", "main", config=ROOT_RULE)
    assert new_rules(result) == [("GEN-OPS-101", "Dockerfile", True)]
    assert [f.status for f in result.changes.files] == ["A"]


def test_existing_finding_in_an_untouched_file_is_not_new(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"legacy/Dockerfile": ROOT_DOCKERFILE, "main.py": "x = 1\n"})
    write(repo, {"main.py": "x = 2\n", "api/Dockerfile": SAFE_DOCKERFILE})
    result = review(repo, "main", config=ROOT_RULE)
    assert result.delta.new == ()
    assert [f.location.path for f in result.delta.existing] == ["legacy/Dockerfile"]
    assert result.review_word == "LGTM"


def test_a_renamed_and_edited_file_keeps_its_findings(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"services/old/Dockerfile": ROOT_DOCKERFILE})
    git(repo, "mv", "services/old", "services/new")
    write(repo, {"services/new/Dockerfile": ROOT_DOCKERFILE.replace("/app/main.py", "/app/server.py")})
    commit(repo, "rename the service")
    result = review(repo, "main~1", "main", config=ROOT_RULE)
    assert result.changes.renames == {"services/old/Dockerfile": "services/new/Dockerfile"}
    assert result.delta.new == ()
    assert [f.location.path for f in result.delta.existing] == ["services/new/Dockerfile"]
    assert result.delta.fixed == ()


def test_a_plain_mv_in_the_work_tree_is_a_rename(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a/Dockerfile": ROOT_DOCKERFILE})
    (repo / "b").mkdir()
    (repo / "a" / "Dockerfile").rename(repo / "b" / "Dockerfile")      # no git mv: untracked + deleted
    result = review(repo, "main", config=ROOT_RULE)
    assert result.changes.renames == {"a/Dockerfile": "b/Dockerfile"}
    assert result.delta.new == () and result.delta.fixed == ()


def test_fixing_a_finding_lists_it_as_fixed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"Dockerfile": ROOT_DOCKERFILE})
    write(repo, {"Dockerfile": SAFE_DOCKERFILE})
    result = review(repo, "main", config=ROOT_RULE)
    assert result.delta.new == ()
    assert [(f.rule_id, f.location.path) for f in result.delta.fixed] == [("GEN-OPS-101", "Dockerfile")]


def finding(path: str, line: int, rule: str = "PY-OBS-001", snippet: str = "print('x')") -> Finding:
    return Finding(rule, Area.OBS, Severity.LOW, Confidence.HIGH, "print", Location.at(path, line, snippet=snippet))


def fake_report(findings: list[Finding], tmp_path: Path):
    from prodcheck.fingerprint import with_fingerprints
    base = api.scan(tmp_path, ROOT_RULE)                       # an empty scan to copy
    from dataclasses import replace
    return replace(base, findings=tuple(with_fingerprints(findings)), suppressed=())


def test_identical_findings_count_as_a_multiset(tmp_path: Path) -> None:
    base = fake_report([finding("app.py", 1), finding("app.py", 5)], tmp_path)
    head = fake_report([finding("app.py", 1), finding("app.py", 5), finding("app.py", 9)], tmp_path)
    changes = build_changes((RawChange("M", "app.py", "app.py"),), {"app.py": ((9, 9),)}, "")
    delta = compute_delta(base, head, changes)
    assert [(item.finding.location.line, item.on_changed_lines) for item in delta.new] == [(9, True)]
    assert len(delta.existing) == 2 and delta.fixed == ()


def test_fingerprints_follow_renames_in_the_delta(tmp_path: Path) -> None:
    base = fake_report([finding("old.py", 3)], tmp_path)
    head = fake_report([finding("new.py", 4)], tmp_path)
    renamed = build_changes((RawChange("R", "new.py", "old.py", similarity=90),), {"new.py": ((1, 1),)}, "")
    delta = compute_delta(base, head, renamed)
    assert delta.new == () and delta.fixed == () and len(delta.existing) == 1
    unrelated = build_changes((RawChange("A", "new.py", "new.py"),), {}, "")
    delta = compute_delta(base, head, unrelated)
    assert len(delta.new) == 1 and len(delta.fixed) == 1


# ---------------------------------------------------------------- scope and contract

def test_deleting_an_endpoint_route_is_a_breaking_change(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"app/main.py": FASTAPI_APP, "requirements.txt": "fastapi==0.110.0\n"})
    write(repo, {"app/main.py": FASTAPI_APP.split("\n\n@app.delete")[0] + "\n"})
    result = review(repo, "main", config=ROOT_RULE)
    breaking = [(c.kind, c.method, c.path) for c in result.contract if c.breaking]
    assert breaking == [("endpoint-removed", "DELETE", "/items/{item_id}")]
    assert result.contract[0].migration_note
    assert [c.endpoint.path for c in result.scope.endpoints_removed] == ["/items/{item_id}"]
    assert ("REVIEW-API-12", "app/main.py", True) in new_rules(result)     # no changelog touched
    markdown = render_review(result)
    assert "| endpoint removed | `DELETE /items/{item_id}`" in markdown
    assert "**breaking**" in markdown


def test_auth_and_pagination_added_are_breaking_and_a_new_route_is_not(tmp_path: Path) -> None:
    before = ('from fastapi import FastAPI\nfrom sqlalchemy.orm import Session\n\napp = FastAPI()\n\n\n'
              '@app.get("/orders")\ndef list_orders(db: Session):\n    return db.query(Order).all()\n')
    after = ('from fastapi import Depends, FastAPI\nfrom sqlalchemy.orm import Session\n\napp = FastAPI()\n\n\n'
             'def get_current_user():\n    return None\n\n\n'
             '@app.get("/orders")\ndef list_orders(db: Session, limit: int = 50, offset: int = 0, '
             'user=Depends(get_current_user)):\n    return db.query(Order).offset(offset).limit(limit).all()\n\n\n'
             '@app.get("/status")\ndef status():\n    return {"ok": True}\n')
    repo = make_repo(tmp_path, {"main.py": before, "requirements.txt": "fastapi==0.110.0\n"})
    write(repo, {"main.py": after, "CHANGELOG.md": "- /orders needs a token and pages\n"})
    result = review(repo, "main", config=ROOT_RULE)
    kinds = {(c.kind, c.breaking) for c in result.contract}
    assert kinds == {("auth-added", True), ("pagination-added", True), ("endpoint-added", False)}
    assert all(c.migration_note for c in result.contract)
    assert "REVIEW-API-12" not in {rule for rule, _, _ in new_rules(result)}   # the changelog is touched
    assert [c.endpoint.path for c in result.scope.endpoints_changed] == ["/orders"]


def test_editing_a_migration_that_exists_at_base_is_flagged(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"migrations/0001_init.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n"})
    write(repo, {"migrations/0001_init.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
                 "migrations/0002_orders.sql": "CREATE TABLE orders (id bigint PRIMARY KEY);\n"})
    result = review(repo, "main", config=ROOT_RULE)
    flagged = [item.finding for item in result.delta.new if item.finding.rule_id == "REVIEW-MIG-12"]
    assert [(f.location.path, f.severity) for f in flagged] == [("migrations/0001_init.sql", Severity.HIGH)]
    assert "immutable" in flagged[0].message
    assert [m.path for m in result.scope.migrations_added] == ["migrations/0002_orders.sql"]
    assert result.review_word == "BLOCK"
    assert result.risk.level == "high"


def test_deleting_an_applied_migration_is_flagged_too(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"migrations/0001_init.sql": "CREATE TABLE t (id bigint);\n",
                                "migrations/0002_more.sql": "CREATE TABLE u (id bigint);\n"})
    (repo / "migrations" / "0002_more.sql").unlink()
    result = review(repo, "main", config=ROOT_RULE)
    assert [f.old_path for f in result.scope.edited_migrations] == ["migrations/0002_more.sql"]
    assert "deleted" in result.delta.new[0].finding.message


def test_new_dependencies_and_services_are_in_the_scope(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"requirements.txt": "fastapi==0.110.0\n", "main.py": FASTAPI_APP})
    write(repo, {"requirements.txt": "fastapi==0.110.0\nredis==5.0.0\n"})
    result = review(repo, "main", config=ROOT_RULE)
    assert [d.name for d in result.scope.dependencies_added] == ["redis"]
    assert result.scope.services == (("app", ("requirements.txt",)),)
    assert result.risk.level == "medium"


# ---------------------------------------------------------------- git edge cases

def test_a_missing_ref_exits_2_with_a_message(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"main.py": "x = 1\n"})
    code, _out, err = run_review("--base", "no-such-branch", str(repo))
    assert code == 2
    assert "unknown base ref 'no-such-branch'" in err
    code, _out, err = run_review("--base", "main", "--head", "nope", str(repo))
    assert code == 2 and "unknown head ref 'nope'" in err


def test_not_a_git_repository_exits_2(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    code, _out, err = run_review("--base", "main", str(tmp_path / "plain"))
    assert code == 2
    assert "not inside a git repository" in err


def test_a_shallow_clone_without_the_base_says_how_to_fetch_it(tmp_path: Path) -> None:
    origin = make_repo(tmp_path, {"main.py": "x = 1\n"}, name="origin")
    first = git(origin, "rev-parse", "HEAD").strip()
    write(origin, {"main.py": "x = 2\n"})
    commit(origin, "second")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(clone)], check=True,
                   capture_output=True, env=git_env(), timeout=60)
    code, _out, err = run_review("--base", first, str(clone))
    assert code == 2
    assert "shallow clone" in err
    assert "git fetch --unshallow" in err and f"git fetch origin {first}" in err


def test_binary_files_and_merge_commits_do_not_break_it(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    repo = make_repo(tmp_path, {"main.py": "x = 1\n", "logo.png": png})
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, {"Dockerfile": ROOT_DOCKERFILE, "logo.png": png[::-1], "icon.bin": b"\x00\x01\x02" * 50})
    commit(repo, "feature")
    git(repo, "checkout", "-q", "main")
    write(repo, {"other.py": "y = 2\n"})
    commit(repo, "main moves on")
    git(repo, "merge", "-q", "--no-ff", "--no-edit", "feature")
    result = review(repo, base, "HEAD", config=ROOT_RULE)
    statuses = {f.path: f.status for f in result.changes.files}
    assert statuses == {"Dockerfile": "A", "icon.bin": "A", "logo.png": "M", "other.py": "A"}
    assert new_rules(result) == [("GEN-OPS-101", "Dockerfile", True)]
    write(repo, {"logo.png": png + b"\x00more"})             # a binary edit in the work tree
    assert review(repo, "HEAD", config=ROOT_RULE).delta.new == ()


def test_submodules_are_left_out_on_both_sides(tmp_path: Path) -> None:
    library = make_repo(tmp_path, {"Dockerfile": ROOT_DOCKERFILE}, name="library")
    repo = make_repo(tmp_path, {"main.py": "x = 1\n"})
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", f"file://{library}", "vendored/lib")
    commit(repo, "add a submodule")
    write(repo, {"main.py": "x = 2\n"})
    result = review(repo, "main", config=ROOT_RULE)          # the work tree holds the submodule's files
    assert result.delta.new == () and result.delta.existing == ()


def test_export_ignore_attributes_do_not_hide_base_files(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {".gitattributes": "legacy export-ignore\n", "legacy/Dockerfile": ROOT_DOCKERFILE,
                                "main.py": "x = 1\n"})
    write(repo, {"main.py": "x = 2\n"})
    result = review(repo, "main", config=ROOT_RULE)
    assert result.delta.new == ()
    assert [f.location.path for f in result.delta.existing] == ["legacy/Dockerfile"]


def test_the_user_repository_is_untouched(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"Dockerfile": SAFE_DOCKERFILE, "migrations/0001.sql": "CREATE TABLE t (id int);\n",
                                "main.py": FASTAPI_APP, ".gitignore": "*.log\n"})
    write(repo, {"Dockerfile": ROOT_DOCKERFILE, "new.py": "print(1)\n", "debug.log": "ignored\n",
                 "migrations/0001.sql": "CREATE TABLE t (id bigint);\n"})
    git(repo, "add", "new.py")                               # something staged, too
    stamp = (repo / "main.py").stat().st_mtime_ns + 5_000_000_000
    os.utime(repo / "main.py", ns=(stamp, stamp))            # stale index stat: `git diff` would rewrite it
    before = snapshot(repo)
    for args in (("--base", "main"), ("--base", "main", "--head", "main"), ("--base", "main", "-f", "md")):
        code, _out, err = run_review(*args, str(repo))
        assert code in (0, 1), err
    assert snapshot(repo) == before


def test_a_subdirectory_is_reviewed_on_its_own(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"services/api/main.py": "x = 1\n", "services/web/main.py": "y = 1\n"})
    write(repo, {"services/api/Dockerfile": ROOT_DOCKERFILE, "services/web/Dockerfile": ROOT_DOCKERFILE})
    result = review(repo / "services" / "api", "main", config=ROOT_RULE)
    assert result.path == "services/api"
    assert [f.path for f in result.changes.files] == ["Dockerfile"]
    assert new_rules(result) == [("GEN-OPS-101", "Dockerfile", True)]


# ---------------------------------------------------------------- outputs and the CLI

def test_markdown_follows_seed_000_and_names_owners(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"main.py": "x = 1\n", ".github/CODEOWNERS": "* @everyone\n/Dockerfile @ops-team\n"})
    write(repo, {"Dockerfile": ROOT_DOCKERFILE})
    code, out, err = run_review("--base", "main", "-f", "md", str(repo))
    assert code == 1, err
    positions = [out.index(heading) for heading in SEED_SECTIONS]
    assert positions == sorted(positions)
    summary = out.split("## Executive Summary")[1].split("## Review Table")[0]
    assert 2 <= sum(1 for line in summary.splitlines() if line.startswith("- ")) <= 5
    assert "| Severity | File:Line | Issue | Recommended Fix |\n| :-- | :-- | :-- | :-- |" in out
    assert "`Dockerfile:1` (changed)" in out
    assert "**BLOCK** (0 critical, 1 high)" in out
    assert "Owner: @ops-team" in out and "Due: YYYY-MM-DD" in out
    assert "### Post-merge smoke plan" in out
    assert "OpenAPI" in out                                  # the delta says what it compares


def test_github_comment_folds_long_sections_and_fits_the_size_limit(tmp_path: Path) -> None:
    from prodcheck.report.review_markdown import GITHUB_COMMENT_LIMIT, render_github_comment
    many = {f"svc{i}/app.py": "import requests\n" + "".join(
        f"\n\ndef f{j}(u):\n    return requests.get(u)\n" for j in range(60)) for i in range(12)}
    repo = make_repo(tmp_path, {"main.py": "x = 1\n"})
    write(repo, many)
    result = review(repo, "main")
    assert len(result.delta.new) >= 700
    full = render_review(result)
    assert len(render_github_comment(result)) <= GITHUB_COMMENT_LIMIT
    comment = render_github_comment(result, limit=12_000)
    assert len(full) > 12_000 >= len(comment)
    assert "<details><summary>Review Table</summary>" in comment
    assert comment.count("<details>") == comment.count("</details>")
    assert comment.count("```") % 2 == 0
    assert "more lines not shown" in comment
    assert "## Final Verdict" in comment and "**BLOCK**" in comment
    small = render_github_comment(result, limit=3_000)
    assert len(small) <= 3_000 and "## Final Verdict" in small
    code, out, err = run_review("--base", "main", "-f", "github-comment", str(repo))
    assert code == 1 and out == render_github_comment(result), err


def test_json_output_and_fail_on(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"main.py": "x = 1\n"})
    write(repo, {"Dockerfile": ROOT_DOCKERFILE})
    code, out, err = run_review("--base", "main", "-f", "json", str(repo))
    assert code == 1, err
    data = json.loads(out)
    assert data["schema"] == "prodcheck-review/1"
    assert data["verdict"] == "BLOCK"
    assert data["counts"]["new"] >= 1 and data["head"]["commit"] is None
    assert any(f["rule_id"] == "GEN-OPS-101" and f["on_changed_lines"] for f in data["new"])
    assert {"scope", "delta", "risk", "todos", "smoke_plan"} <= set(data)
    code, _out, _err = run_review("--base", "main", "--fail-on", "critical", "-q", str(repo))
    assert code == 0                                         # the root container is HIGH, not CRITICAL
    target = tmp_path / "review.md"
    code, out, _err = run_review("--base", "main", "-o", str(target), "-q", str(repo))
    assert code == 1 and out == "" and target.read_text(encoding="utf-8").startswith("# Code Review")


def test_a_clean_change_is_lgtm_and_exits_0(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"main.py": "x = 1\n"})
    write(repo, {"main.py": "x = 2\n"})
    code, out, err = run_review("--base", "main", str(repo))
    assert code == 0, err
    assert "Verdict: LGTM" in out
    assert to_dict(review(repo, "main", config=ROOT_RULE))["verdict"] == "LGTM"


def test_internal_errors_exit_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path, {"main.py": "x = 1\n"})

    def broken(*args, **kwargs):
        raise RuntimeError("the pipeline fell over")

    monkeypatch.setattr(api, "scan", broken)
    code, _out, err = run_review("--base", "main", str(repo))
    assert code == 3 and "internal error: RuntimeError: the pipeline fell over" in err


# ---------------------------------------------------------------- pure helpers

def test_hunks_give_head_side_ranges_and_handle_quoted_names() -> None:
    patch = ('diff --git a/a b.txt b/a b.txt\n--- a/a b.txt\t\n+++ b/a b.txt\t\n@@ -2 +2 @@ x\n@@ -6,0 +7,3 @@ f\n'
             '@@ -9,2 +11,0 @@ g\n'
             'diff --git "a/q\\"u\\303\\251.py" "b/q\\"u\\303\\251.py"\n+++ "b/q\\"u\\303\\251.py"\n@@ -1,0 +2 @@\n'
             'diff --git a/gone.py b/gone.py\n+++ /dev/null\n@@ -1,3 +0,0 @@\n')
    assert parse_hunks(patch) == {"a b.txt": ((2, 2), (7, 9)), 'q"ué.py': ((2, 2),)}
    assert unquote_c('"tab\\there"') == "tab\there"


def test_raw_diff_records_with_renames() -> None:
    data = (b":100644 100644 aaa bbb M\0a.py\0:100644 100644 ccc ddd R087\0old.py\0new.py\0"
            b":100644 000000 eee fff D\0gone.py\0")
    assert [(c.status, c.old_path, c.path, c.similarity) for c in parse_raw(data)] == [
        ("M", "a.py", "a.py", 100), ("R", "old.py", "new.py", 87), ("D", "gone.py", "gone.py", 100)]


def tar_with(*members: tuple[tarfile.TarInfo, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for info, data in members:
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data) if data else None)
    return buffer.getvalue()


def member(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    return info


def test_safe_extraction_refuses_escapes(tmp_path: Path) -> None:
    data = tar_with((member("ok/file.txt"), b"fine"), (member("/abs.txt"), b"x"), (member("../up.txt"), b"x"),
                    (member("ok/link", tarfile.SYMTYPE, "../../outside"), b""),
                    (member("ok/inside", tarfile.SYMTYPE, "file.txt"), b""),
                    (member("ok/hard", tarfile.LNKTYPE, "/etc/passwd"), b""))
    dest = tmp_path / "out"
    dest.mkdir()
    skipped = safe_extract(data, dest)
    assert set(skipped) == {"/abs.txt", "../up.txt", "ok/link", "ok/hard"}
    assert (dest / "ok" / "file.txt").read_text() == "fine"
    assert (dest / "ok" / "inside").is_symlink()
    assert not (tmp_path / "up.txt").exists() and not (tmp_path / "outside").exists()


def test_codeowners_last_matching_pattern_wins() -> None:
    rules = parse_codeowners("# owners\n* @all\n*.py @python\ndocs/* @docs\n/deploy/ @ops @sre\ndeploy/tmp/\n")
    assert owner_of("README.md", rules) == "@all"
    assert owner_of("src/app.py", rules) == "@python"
    assert owner_of("docs/a.md", rules) == "@docs"
    assert owner_of("docs/deep/b.md", rules) == "@all"          # docs/* owns direct children only
    assert owner_of("deploy/k8s.yaml", rules) == "@ops @sre"
    assert owner_of("deploy/tmp/x.yaml", rules) == "unassigned"  # a pattern without owners
    assert owner_of("x", ()) == "unassigned"


def test_git_errors_are_raised_as_git_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"main.py": "x = 1\n"})
    with pytest.raises(GitError, match="unknown base ref"):
        review(repo, "v9.9.9", config=ROOT_RULE)
    counts = Counter(f.status for f in review(repo, "main", config=ROOT_RULE).changes.files)
    assert counts == Counter()
