"""Fingerprints that survive unrelated edits: a hash of the rule, the file, the enclosing symbol,
the flagged text with whitespace normalised, and the occurrence number among identical ones.
Line numbers are deliberately left out, so moving code up or down keeps the fingerprint."""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import replace

from prodcheck.model import Finding


def _normalise(text: str) -> str:
    return " ".join(text.split())


def with_fingerprints(findings: list[Finding]) -> list[Finding]:
    ordered = sorted(findings, key=lambda f: f.sort_key)
    seen: Counter = Counter()
    result = []
    for finding in ordered:
        key = (finding.rule_id, finding.location.path, finding.symbol, _normalise(finding.location.snippet))
        nth = seen[key]
        seen[key] += 1
        digest = hashlib.sha256("\x1f".join((*key, str(nth))).encode("utf-8")).hexdigest()[:20]
        result.append(replace(finding, fingerprint=digest))
    return result
