"""Small helpers shared by the reporters."""
from __future__ import annotations

from collections import Counter

from prodcheck.model import Finding, Report, Severity

SEVERITY_ORDER = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)


def by_severity(findings) -> dict[Severity, list[Finding]]:
    grouped: dict[Severity, list[Finding]] = {s: [] for s in SEVERITY_ORDER}
    for finding in findings:
        grouped[finding.severity].append(finding)
    return grouped


def severity_counts(findings) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {s.value: counts.get(s, 0) for s in SEVERITY_ORDER}


def priority_key(finding: Finding) -> tuple:
    """Most impactful first: severity, then confidence, then location."""
    return (-finding.severity.rank, -finding.confidence.weight, finding.sort_key)


def fmt_score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}/10"


def review_line(report: Report) -> str:
    counts = severity_counts(report.findings)
    return f"{report.verdict.review_word} ({counts['CRITICAL']} critical, {counts['HIGH']} high)"
