"""The closed vocabularies of the model: areas, severities, confidences, verdicts."""
from __future__ import annotations

from enum import Enum


class Area(str, Enum):
    ARCH = "ARCH"
    QUAL = "QUAL"
    API = "API"
    REL = "REL"
    SEC = "SEC"
    DATA = "DATA"
    PERF = "PERF"
    OBS = "OBS"
    OPS = "OPS"
    TEST = "TEST"

    @property
    def title(self) -> str:
        return AREA_TITLES[self]


AREA_TITLES = {
    Area.ARCH: "Architecture Design",
    Area.QUAL: "Code Quality",
    Area.API: "API Standards",
    Area.REL: "Error Handling & Reliability",
    Area.SEC: "Security",
    Area.DATA: "Database Integrity & Migrations",
    Area.PERF: "Performance",
    Area.OBS: "Logging & Monitoring",
    Area.OPS: "Operations & Config",
    Area.TEST: "Testing",
}


class Severity(str, Enum):
    CRITICAL = "CRITICAL"
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().upper())
        except ValueError:
            raise ValueError(f"unknown severity {text!r}; expected one of "
                             + ", ".join(s.value.lower() for s in cls)) from None


_SEVERITY_RANK = {Severity.CRITICAL: 4, Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}


class Confidence(str, Enum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"

    @property
    def weight(self) -> float:
        return {Confidence.HIGH: 1.0, Confidence.MEDIUM: 0.7, Confidence.LOW: 0.35}[self]


class Verdict(str, Enum):
    PASS = "PASS"
    NEEDS_FIX = "NEEDS FIX"
    BLOCKED = "BLOCKED"

    @property
    def review_word(self) -> str:
        """Seed 000's vocabulary: anything short of PASS blocks the merge."""
        return "LGTM" if self is Verdict.PASS else "BLOCK"


class Stride(str, Enum):
    SPOOFING = "Spoofing"
    TAMPERING = "Tampering"
    REPUDIATION = "Repudiation"
    INFORMATION_DISCLOSURE = "Information disclosure"
    DENIAL_OF_SERVICE = "Denial of service"
    ELEVATION_OF_PRIVILEGE = "Elevation of privilege"
