"""Inline suppressions (`prodcheck: ignore[ID] reason`) and the baseline of accepted findings.

A suppressed finding is kept in the report (as `Suppressed`), never dropped. An ignore comment
with no rule named, or one that silenced nothing, becomes a diagnostic.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from prodcheck.facts.model import FileFacts, Suppression
from prodcheck.model import Diagnostic, Finding, Suppressed

_COMMENT = re.compile(r"(?:#|//|--)\s*prodcheck:\s*(ignore-next|ignore)\b(\[[^\]]*\])?(.*)$")
BASELINE_VERSION = 1
DEFAULT_BASELINE = ".prodcheck-baseline.json"


def parse_suppressions(path: str, text: str) -> tuple[list[Suppression], list[Diagnostic]]:
    suppressions, diagnostics = [], []
    if "prodcheck:" not in text:
        return suppressions, diagnostics
    for number, line in enumerate(text.split("\n"), start=1):
        if "prodcheck:" not in line:
            continue
        match = _COMMENT.search(line)
        if not match:
            continue
        verb, bracket, reason = match.groups()
        selectors = tuple(s.strip() for s in (bracket or "")[1:-1].split(",") if s.strip())
        if not selectors:
            diagnostics.append(Diagnostic(path, "bad-suppression",
                                          "a `prodcheck: ignore` must name the rule: ignore[RULE-ID] reason",
                                          number))
            continue
        target = number + 1 if verb == "ignore-next" else number
        suppressions.append(Suppression(target, selectors, reason.strip(), number))
    return suppressions, diagnostics


def apply_suppressions(findings: Iterable[Finding], files: dict[str, FileFacts], rules_by_id: dict,
                       baseline: Counter) -> tuple[list[Finding], list[Suppressed], list[Diagnostic]]:
    kept: list[Finding] = []
    silenced: list[Suppressed] = []
    used: set[tuple[str, int]] = set()
    remaining = Counter(baseline)
    for finding in findings:
        facts = files.get(finding.location.path)
        rule = rules_by_id.get(finding.rule_id)
        hit = None
        if facts is not None and rule is not None:
            for suppression in facts.suppressions:
                if suppression.line == finding.location.start.line and \
                        any(rule.matches(sel) for sel in suppression.selectors):
                    hit = suppression
                    break
        if hit is not None:
            used.add((finding.location.path, hit.comment_line))
            silenced.append(Suppressed(finding, "inline", hit.reason))
        elif remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
            silenced.append(Suppressed(finding, "baseline", "accepted in the baseline"))
        else:
            kept.append(finding)
    diagnostics = [
        Diagnostic(path, "unused-suppression",
                   f"`prodcheck: ignore[{', '.join(s.selectors)}]` silences nothing", s.comment_line)
        for path, facts in sorted(files.items()) for s in facts.suppressions
        if (path, s.comment_line) not in used and _names_selected_rule(s, rules_by_id)
    ]
    return kept, silenced, diagnostics


def _names_selected_rule(suppression: Suppression, rules_by_id: dict) -> bool:
    """Only report an unused ignore when its rule actually ran (a disabled rule silences nothing)."""
    return any(rule.matches(sel) for rule in rules_by_id.values() for sel in suppression.selectors)


def load_baseline(path: Path) -> Counter:
    """Fingerprints accepted earlier, counted (two identical findings need two entries)."""
    if not path.is_file():
        return Counter()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Counter({entry["fingerprint"]: int(entry.get("count", 1)) for entry in data["findings"]})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        from prodcheck.config import ConfigError
        raise ConfigError(f"baseline {path}: unreadable or malformed ({exc})") from None


def render_baseline(findings: Iterable[Finding]) -> str:
    counts = Counter((f.fingerprint, f.rule_id, f.location.path) for f in findings)
    entries = [{"fingerprint": fp, "rule_id": rid, "path": path, "count": n}
               for (fp, rid, path), n in sorted(counts.items(), key=lambda kv: (kv[0][2], kv[0][1], kv[0][0]))]
    return json.dumps({"version": BASELINE_VERSION, "findings": entries}, indent=2) + "\n"
