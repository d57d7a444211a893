"""Findings (problems in the scanned code) and diagnostics (problems of the scan itself)."""
from __future__ import annotations

from dataclasses import dataclass

from prodcheck.model.enums import Area, Confidence, Severity
from prodcheck.model.location import Location


@dataclass(frozen=True, slots=True)
class Fix:
    text: str
    diff: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    area: Area
    severity: Severity
    confidence: Confidence
    message: str
    location: Location
    related: tuple[Location, ...] = ()
    fix: Fix | None = None
    cwe: tuple[str, ...] = ()
    owasp: tuple[str, ...] = ()
    fingerprint: str = ""
    symbol: str = ""

    @property
    def sort_key(self) -> tuple:
        return (self.location.path, self.location.start, self.rule_id, self.message)


@dataclass(frozen=True, slots=True)
class Suppressed:
    finding: Finding
    kind: str          # "inline" | "baseline"
    reason: str = ""


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    path: str
    kind: str          # syntax-error, binary-file, file-too-large, unreadable, encoding, symlink-loop,
    message: str       # rule-error, config, unused-suppression, bad-suppression, parse-timeout, minified ...
    line: int = 0
