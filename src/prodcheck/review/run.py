"""Review mode, top to bottom: locate the repository, resolve the refs, list what changed, export the
base (and a head ref) into a temporary directory, scan both sides with the same configuration, then
compare: new/existing/fixed findings, scope, API contract delta, risk, TODOs and the smoke plan.

Nothing is written into the user's repository: trees are exported with `git archive` into a
temporary directory outside it, and a work-tree head is scanned in place (read only).
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from prodcheck import __version__
from prodcheck.config import Config, load_config
from prodcheck.model import Report
from prodcheck.review.changes import build_changes, under
from prodcheck.review.checks import review_findings
from prodcheck.contracts.openapi import SPEC_SUFFIXES
from prodcheck.review.contract import (
    SCHEMA_SUFFIXES, contract_delta, document_changes, schema_document_changes, schema_files,
)
from prodcheck.review.delta import compute_delta
from prodcheck.review.git import (
    GitError, Repo, changed_files, changed_lines, export_tree, locate, read_file_at, resolve_commit, submodules,
    with_private_index,
)
from prodcheck.review.model import WORKING_TREE, ChangeSet, Review, ReviewedFinding
from prodcheck.review.owners import CODEOWNERS_PATHS, OwnerRule, parse_codeowners
from prodcheck.review.plan import assess_risk, smoke_plan, todos
from prodcheck.review.scope import compute_scope
from prodcheck.score import verdict

Scanner = Callable[[Path, Config], Report]


def default_scanner(root: Path, config: Config) -> Report:
    from prodcheck import api
    return api.scan(root, config)


def codeowners(repo: Repo, head_commit: str) -> tuple[OwnerRule, ...]:
    """The CODEOWNERS rules at head (the work tree's file when the head is the work tree)."""
    for path in CODEOWNERS_PATHS:
        if head_commit:
            text = read_file_at(repo.root, head_commit, path)
        else:
            target = repo.root / path
            text = target.read_text(encoding="utf-8", errors="replace") if target.is_file() else None
        if text is not None:
            return parse_codeowners(text)
    return ()


def scratch_dir(repo: Repo) -> tempfile.TemporaryDirectory:
    scratch = tempfile.TemporaryDirectory(prefix="prodcheck-review-")
    if repo.root == Path(scratch.name).resolve() or repo.root in Path(scratch.name).resolve().parents:
        scratch.cleanup()
        raise GitError(f"the temporary directory {scratch.name} is inside the repository; point TMPDIR elsewhere")
    return scratch


def without_submodules(config: Config, repo: Repo, commits: tuple[str, ...]) -> Config:
    """The configuration with submodules excluded: `git archive` leaves them out of exported trees,
    so both sides are scanned without them."""
    paths = {under(path, repo.prefix) for commit in commits for path in submodules(repo, commit)}
    patterns = tuple(f"/{path}/" for path in sorted(p for p in paths if p))
    return replace(config, exclude=config.exclude + patterns) if patterns else config


def api_document_changes(base_dir: Path, head_dir: Path, changes: ChangeSet, config: Config):
    """Field-level contract changes from the OpenAPI/Swagger documents, when the change touches a
    YAML or JSON file (a document or a file its `$ref`s reach), and from the GraphQL schema and the
    .proto files, when it touches one of those."""
    def touched(suffixes: tuple[str, ...]) -> bool:
        return any(f.path.lower().endswith(suffixes) or f.old_path.lower().endswith(suffixes) for f in changes.files)
    found, diagnostics = [], []
    if touched(SPEC_SUFFIXES):
        from prodcheck.discovery import discover
        listed = {}
        for side, directory in (("base", base_dir), ("head", head_dir)):
            files, _ = discover(directory, config)
            listed[side] = [f.path for f in files if f.path.lower().endswith(SPEC_SUFFIXES)]
        found, diagnostics = document_changes(base_dir, head_dir, listed["base"], listed["head"])
    if touched(SCHEMA_SUFFIXES):
        more, problems = schema_document_changes(base_dir, head_dir, schema_files(base_dir, config),
                                                 schema_files(head_dir, config))
        found, diagnostics = found + more, diagnostics + problems
    return found, diagnostics


def changed_diagnostics(head: Report, changes: ChangeSet):
    paths = {f.path for f in changes.files if f.exists_at_head}
    return tuple(d for d in head.diagnostics if d.path in paths)


def review(path: str | Path, base: str, head: str | None = None, config: Config | None = None,
           scanner: Scanner = default_scanner) -> Review:
    """Review the change from `base` to `head` (default: the work tree) of the directory `path`.

    Raises GitError for problems the user can fix (not a repository, unknown ref, shallow clone)."""
    path = Path(path)
    repo = locate(path)
    config = config if config is not None else load_config(path)
    base_commit = resolve_commit(repo.root, base, "base")
    head_commit = resolve_commit(repo.root, head, "head") if head else ""
    with scratch_dir(repo) as tmp:
        repo = repo if head_commit else with_private_index(repo, Path(tmp) / "index")
        config = without_submodules(config, repo, (base_commit, head_commit))
        changes = build_changes(changed_files(repo, base_commit, head_commit or None),
                                changed_lines(repo, base_commit, head_commit or None), repo.prefix)
        base_dir = export_tree(repo, base_commit, Path(tmp) / "base")
        head_dir = export_tree(repo, head_commit, Path(tmp) / "head") if head_commit else path.resolve()
        base_report = scanner(base_dir, config)
        head_report = scanner(head_dir, config)
        scope = compute_scope(base_report, head_report, changes, base_dir, head_dir)
        documents, document_diagnostics = api_document_changes(base_dir, head_dir, changes, config)
    contract = contract_delta(base_report.inventory.endpoints, head_report.inventory.endpoints, scope)
    contract = tuple(sorted(contract + tuple(documents), key=lambda c: (not c.breaking, c.path, c.method, c.kind)))
    delta = compute_delta(base_report, head_report, changes)
    extra = tuple(ReviewedFinding(f, True) for f in review_findings(scope, contract, changes))
    delta = replace(delta, new=delta.new + extra)
    return Review(
        repository=repo.root.name, path=repo.prefix, base_ref=base, base_commit=base_commit,
        head_ref=head or WORKING_TREE, head_commit=head_commit, tool_version=__version__,
        changes=changes, delta=delta, scope=scope, contract=contract,
        risk=assess_risk(scope, contract, delta, base_commit),
        todos=todos(delta, codeowners(repo, head_commit), repo.prefix),
        smoke=smoke_plan(scope, contract, head_report.inventory.endpoints),
        verdict=verdict(delta.new_findings),
        diagnostics=changed_diagnostics(head_report, changes) + tuple(document_diagnostics),
        files_scanned=head_report.files_scanned,
    )
