"""The result of a scan, handed to the reporters."""
from __future__ import annotations

from dataclasses import dataclass, field

from prodcheck.model.enums import Area, Verdict
from prodcheck.model.finding import Diagnostic, Finding, Suppressed
from prodcheck.model.inventory import Inventory
from prodcheck.model.stack import Stack


@dataclass(frozen=True, slots=True)
class AreaScore:
    area: Area
    score: float | None      # None = n/a (no rule of this area applied)
    findings: int = 0


@dataclass(frozen=True, slots=True)
class Scores:
    areas: tuple[AreaScore, ...]
    overall: float | None

    def of(self, area: Area) -> AreaScore:
        return next(a for a in self.areas if a.area is area)


@dataclass(frozen=True, slots=True)
class NotVerified:
    topic: str
    reason: str


@dataclass(frozen=True, slots=True)
class Report:
    root: str
    tool_version: str
    stack: Stack
    inventory: Inventory
    findings: tuple[Finding, ...]
    suppressed: tuple[Suppressed, ...]
    diagnostics: tuple[Diagnostic, ...]
    scores: Scores
    verdict: Verdict
    rules_run: tuple[str, ...] = ()
    not_verified: tuple[NotVerified, ...] = ()
    files_scanned: int = 0
    lines_scanned: int = 0
    profile: str = "default"
    timings: dict = field(default_factory=dict, compare=False, hash=False)
