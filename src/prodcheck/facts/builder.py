"""Accumulates the facts of one file while extractors run, then freezes them into `FileFacts`."""
from __future__ import annotations

from dataclasses import dataclass, field, fields

from prodcheck.facts.model import FileFacts


@dataclass(slots=True)
class FactsBuilder:
    path: str
    language: str
    kind: str
    lines: int = 0
    code_lines: int = 0
    imports: list = field(default_factory=list)
    dependencies: list = field(default_factory=list)
    entrypoints: list = field(default_factory=list)
    routes: list = field(default_factory=list)
    mounts: list = field(default_factory=list)
    models: list = field(default_factory=list)
    migrations: list = field(default_factory=list)
    external_calls: list = field(default_factory=list)
    probes: list = field(default_factory=list)
    signals: list = field(default_factory=list)
    functions: list = field(default_factory=list)
    suppressions: list = field(default_factory=list)
    env_reads: list = field(default_factory=list)
    tags: set = field(default_factory=set)

    def freeze(self) -> FileFacts:
        values = {}
        for f in fields(FileFacts):
            value = getattr(self, f.name)
            if isinstance(value, list):
                value = tuple(value)
            elif isinstance(value, set):
                value = frozenset(value)
            values[f.name] = value
        return FileFacts(**values)
