"""Area scores, the verdict, and severity profiles.

Score formula (per area, 0-10, one decimal):

    penalty = sum over the area's findings of  severity_weight * confidence_weight
    size    = max(1, sqrt(code_lines / 1000))          # so a big healthy repository is not punished
    score   = 10 / (1 + penalty / (2 * size))

with severity weights CRITICAL 4, HIGH 2, MEDIUM 0.75, LOW 0.25 and confidence weights HIGH 1.0,
MEDIUM 0.7, LOW 0.35. In a small service one high-confidence CRITICAL gives 3.3, one HIGH 5.0, one
MEDIUM 7.3, one LOW 8.9. An area none of whose rules had anything to inspect is `n/a` and is left
out of the overall score, which is the mean of the other areas.

The verdict does not look at scores:
    BLOCKED   any CRITICAL finding of medium or high confidence;
    NEEDS FIX any HIGH finding of medium or high confidence, or any low-confidence CRITICAL;
    PASS      otherwise.

Profiles (seed 002: "consider the project's scale"), applied to findings before the verdict:
    startup     ARCH, QUAL, OBS, TEST and PERF findings one level lower (never below LOW);
    enterprise  MEDIUM findings of OBS, OPS, TEST, REL and DATA raised to HIGH.
    SEC findings are never shifted.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace

from prodcheck.model import Area, AreaScore, Confidence, Finding, Scores, Severity, Verdict

SEVERITY_WEIGHT = {Severity.CRITICAL: 4.0, Severity.HIGH: 2.0, Severity.MEDIUM: 0.75, Severity.LOW: 0.25}
_LOWER = {Severity.CRITICAL: Severity.HIGH, Severity.HIGH: Severity.MEDIUM,
          Severity.MEDIUM: Severity.LOW, Severity.LOW: Severity.LOW}
_STARTUP_AREAS = frozenset({Area.ARCH, Area.QUAL, Area.OBS, Area.TEST, Area.PERF})
_ENTERPRISE_AREAS = frozenset({Area.OBS, Area.OPS, Area.TEST, Area.REL, Area.DATA})


def apply_profile(findings: Iterable[Finding], profile: str) -> list[Finding]:
    result = []
    for finding in findings:
        severity = finding.severity
        if profile == "startup" and finding.area in _STARTUP_AREAS:
            severity = _LOWER[severity]
        elif profile == "enterprise" and finding.area in _ENTERPRISE_AREAS and severity is Severity.MEDIUM:
            severity = Severity.HIGH
        result.append(finding if severity is finding.severity else replace(finding, severity=severity))
    return result


def score(findings: Iterable[Finding], applied_areas: Iterable[Area], code_lines: int) -> Scores:
    findings = list(findings)
    applied = set(applied_areas) | {f.area for f in findings}
    size = max(1.0, math.sqrt(code_lines / 1000))
    areas = []
    for area in Area:
        in_area = [f for f in findings if f.area is area]
        if area not in applied:
            areas.append(AreaScore(area, None, 0))
            continue
        penalty = sum(SEVERITY_WEIGHT[f.severity] * f.confidence.weight for f in in_area)
        areas.append(AreaScore(area, round(10 / (1 + penalty / (2 * size)), 1), len(in_area)))
    present = [a.score for a in areas if a.score is not None]
    overall = round(sum(present) / len(present), 1) if present else None
    return Scores(tuple(areas), overall)


def verdict(findings: Iterable[Finding]) -> Verdict:
    result = Verdict.PASS
    for finding in findings:
        confident = finding.confidence is not Confidence.LOW
        if finding.severity is Severity.CRITICAL and confident:
            return Verdict.BLOCKED
        if finding.severity is Severity.HIGH and confident or finding.severity is Severity.CRITICAL:
            result = Verdict.NEEDS_FIX
    return result


def fails(findings: Iterable[Finding], threshold: Severity) -> bool:
    """Exit code 1 decision. With the default threshold (high) it agrees with `verdict`: low-
    confidence HIGH findings do not fail a build, just as they do not change the verdict."""
    if threshold is Severity.HIGH:
        return verdict(findings) is not Verdict.PASS
    return any(f.severity.rank >= threshold.rank for f in findings)
