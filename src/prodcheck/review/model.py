"""The review's data: frozen dataclasses only. Paths are POSIX, relative to the reviewed directory."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from prodcheck.facts.model import Dependency
from prodcheck.model import DataModel, Diagnostic, Endpoint, Finding, Location, Migration, Verdict

STATUS_WORDS = MappingProxyType({"A": "added", "M": "modified", "D": "deleted", "R": "renamed", "C": "copied",
                                 "T": "type changed", "U": "unmerged", "?": "untracked"})
WORKING_TREE = "working tree"


@dataclass(frozen=True, slots=True)
class FileChange:
    status: str          # A, M, D, R, C, T, U, or ? (untracked: new in the working tree)
    path: str            # the path at head; for D, the deleted path
    old_path: str        # the path at base (== path unless renamed or copied)
    similarity: int = 100

    @property
    def word(self) -> str:
        return STATUS_WORDS.get(self.status, self.status)

    @property
    def exists_at_head(self) -> bool:
        return self.status != "D"

    @property
    def existed_at_base(self) -> bool:
        return self.status not in ("A", "?")


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """The changed files and, per head path, the line ranges the change adds or modifies."""
    files: tuple[FileChange, ...] = ()
    lines: Mapping[str, tuple[tuple[int, int], ...]] = field(default_factory=lambda: MappingProxyType({}),
                                                             compare=False)
    whole: frozenset[str] = frozenset()      # new files counted as changed throughout (untracked, binary)

    @property
    def renames(self) -> dict[str, str]:
        """Base path -> head path of every renamed file."""
        return {f.old_path: f.path for f in self.files if f.status == "R"}

    def touches(self, path: str, start: int, end: int = 0) -> bool:
        """True when a line from `start` to `end` (inclusive) of `path` at head is added or modified."""
        if path in self.whole:
            return True
        last = max(start, end)
        return start > 0 and any(first <= last and start <= stop for first, stop in self.lines.get(path, ()))

    def first_changed_line(self, path: str) -> int:
        spans = self.lines.get(path, ())
        return spans[0][0] if spans else 1


@dataclass(frozen=True, slots=True)
class ReviewedFinding:
    finding: Finding
    on_changed_lines: bool


@dataclass(frozen=True, slots=True)
class Delta:
    new: tuple[ReviewedFinding, ...] = ()       # at head and not at base (after renames)
    existing: tuple[Finding, ...] = ()          # at head and at base
    fixed: tuple[Finding, ...] = ()             # at base and not at head, as found at base

    @property
    def new_findings(self) -> tuple[Finding, ...]:
        return tuple(item.finding for item in self.new)


@dataclass(frozen=True, slots=True)
class EndpointChange:
    endpoint: Endpoint                          # at head (at base for a removed endpoint)
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ModelChange:
    model: DataModel
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Integration:
    service: str
    category: str        # database, orm, queue, cache, third-party, ...
    name: str


@dataclass(frozen=True, slots=True)
class Scope:
    files: tuple[FileChange, ...] = ()
    services: tuple[tuple[str, tuple[str, ...]], ...] = ()     # service name ("" = none) -> paths
    modules: tuple[tuple[str, tuple[str, ...]], ...] = ()      # top-level directory ("." = root) -> paths
    endpoints_added: tuple[EndpointChange, ...] = ()
    endpoints_changed: tuple[EndpointChange, ...] = ()
    endpoints_removed: tuple[EndpointChange, ...] = ()
    models_added: tuple[ModelChange, ...] = ()
    models_changed: tuple[ModelChange, ...] = ()
    models_removed: tuple[ModelChange, ...] = ()
    migrations_added: tuple[Migration, ...] = ()
    migrations_changed: tuple[Migration, ...] = ()
    migrations_removed: tuple[Migration, ...] = ()
    dependencies_added: tuple[Dependency, ...] = ()
    dependencies_removed: tuple[Dependency, ...] = ()
    integrations_added: tuple[Integration, ...] = ()
    config_files: tuple[str, ...] = ()          # changed configuration and deployment files
    docs_files: tuple[str, ...] = ()            # changed changelogs, migration notes, docs, API specs
    edited_migrations: tuple[FileChange, ...] = ()   # migrations that exist at base, edited or deleted


@dataclass(frozen=True, slots=True)
class ContractChange:
    kind: str            # endpoint-removed, method-removed, endpoint-added, auth-added, auth-removed,
    method: str          # pagination-added; from API documents also the kinds of contracts/openapi_diff.py
    path: str
    breaking: bool
    detail: str
    migration_note: str
    location: Location
    source: str = "code"     # "code" (the endpoint inventories) or the API document's path


@dataclass(frozen=True, slots=True)
class Risk:
    level: str                   # low, medium, high
    reasons: tuple[str, ...]
    levers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Todo:
    finding: Finding
    owner: str                   # from CODEOWNERS (last matching pattern), or "unassigned"
    due: str = "YYYY-MM-DD"


@dataclass(frozen=True, slots=True)
class SmokeStep:
    topic: str                   # endpoint, health, migration, integration, service
    text: str


@dataclass(frozen=True, slots=True)
class Review:
    repository: str              # the repository directory's name
    path: str                    # the reviewed directory relative to the repository root ("" = root)
    base_ref: str
    base_commit: str
    head_ref: str                # WORKING_TREE when the head is the work tree
    head_commit: str             # "" for the work tree
    tool_version: str
    changes: ChangeSet
    delta: Delta
    scope: Scope
    contract: tuple[ContractChange, ...]
    risk: Risk
    todos: tuple[Todo, ...]
    smoke: tuple[SmokeStep, ...]
    verdict: Verdict
    diagnostics: tuple[Diagnostic, ...] = ()     # head problems (syntax errors ...) in changed files
    files_scanned: int = 0

    @property
    def review_word(self) -> str:
        return self.verdict.review_word

    @property
    def breaking(self) -> tuple[ContractChange, ...]:
        return tuple(c for c in self.contract if c.breaking)
