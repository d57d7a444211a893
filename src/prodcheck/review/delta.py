"""New, existing and fixed findings between the base and the head scans.

Fingerprints (see `prodcheck.fingerprint`) hash the rule, the path, the enclosing symbol, the flagged
text and the occurrence number, never the line. Base findings are moved to their head paths through
the renames of the change and fingerprinted again with `with_fingerprints`, so a renamed file keeps
its findings. Matching counts fingerprints as a multiset: two identical findings at base and three at
head leave one new. Suppressed findings (inline or baseline) still exist: a head finding that is
suppressed is not new, and a base finding that became suppressed is not fixed.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace

from prodcheck.fingerprint import with_fingerprints
from prodcheck.model import Finding, Report
from prodcheck.review.model import ChangeSet, Delta, ReviewedFinding


def all_findings(report: Report) -> tuple[Finding, ...]:
    """Kept and suppressed findings: everything the scan found."""
    return (*report.findings, *(s.finding for s in report.suppressed))


def moved(finding: Finding, renames: Mapping[str, str]) -> Finding:
    """The finding as if its file had its head path (unchanged when the file was not renamed)."""
    path = renames.get(finding.location.path)
    if path is None:
        return finding
    return replace(finding, location=replace(finding.location, path=path))


def at_head_paths(findings: Iterable[Finding], renames: Mapping[str, str]) -> list[tuple[Finding, Finding]]:
    """(original, moved and fingerprinted again) pairs, in fingerprint order."""
    pairs = sorted(((f, moved(f, renames)) for f in findings), key=lambda pair: pair[1].sort_key)
    # with_fingerprints sorts stably by the same key, so its output keeps this order
    printed = with_fingerprints([pair[1] for pair in pairs])
    return [(original, again) for (original, _), again in zip(pairs, printed, strict=True)]


def compute_delta(base: Report, head: Report, changes: ChangeSet) -> Delta:
    base_pairs = at_head_paths(all_findings(base), changes.renames)
    base_counts = Counter(again.fingerprint for _, again in base_pairs)
    new, existing = [], []
    for finding in sorted(head.findings, key=lambda f: f.sort_key):
        if base_counts[finding.fingerprint] > 0:
            base_counts[finding.fingerprint] -= 1
            existing.append(finding)
        else:
            loc = finding.location
            new.append(ReviewedFinding(finding, changes.touches(loc.path, loc.start.line, loc.end.line)))
    head_counts = Counter(f.fingerprint for f in all_findings(head))
    kept_at_base = Counter(f.fingerprint for f in base.findings)
    fixed = []
    for original, again in base_pairs:
        if kept_at_base[original.fingerprint] <= 0:
            continue                      # suppressed at base: neither reported nor fixed
        kept_at_base[original.fingerprint] -= 1
        if head_counts[again.fingerprint] > 0:
            head_counts[again.fingerprint] -= 1
        else:
            fixed.append(original)
    return Delta(tuple(new), tuple(existing), tuple(sorted(fixed, key=lambda f: f.sort_key)))
