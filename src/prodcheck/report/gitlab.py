"""GitLab Code Quality report: the subset of the Code Climate issue format that GitLab reads.

A JSON array with one issue per finding: `description`, `check_name` (the rule id), `fingerprint`
(the finding's fingerprint, which ignores line numbers; made unique within the report when two
issues would share one, since GitLab shows only the first issue of a fingerprint), `severity`
(LOW minor, MEDIUM major, HIGH critical, CRITICAL blocker), `location.path` and
`location.lines.begin`/`end`, plus the Code Climate `type`, `categories` and `content` (the fix).
Suppressed findings are left out. Use it as `artifacts: reports: codequality` in `.gitlab-ci.yml`.
"""
from __future__ import annotations

import hashlib
import json

from prodcheck.model import Area, Finding, Report, Severity
from prodcheck.report.markdown import fix_text, rule_title
from prodcheck.rules.catalog import Catalog, load_catalog

SEVERITY = {Severity.LOW: "minor", Severity.MEDIUM: "major", Severity.HIGH: "critical",
            Severity.CRITICAL: "blocker"}
CATEGORY = {   # Code Climate categories
    Area.ARCH: "Complexity", Area.QUAL: "Clarity", Area.API: "Compatibility", Area.REL: "Bug Risk",
    Area.SEC: "Security", Area.DATA: "Bug Risk", Area.PERF: "Performance", Area.OBS: "Clarity",
    Area.OPS: "Bug Risk", Area.TEST: "Bug Risk",
}


def unique_fingerprint(finding: Finding, taken: set[str]) -> str:
    """The finding's fingerprint, or a stable derived one when it is empty or already used."""
    candidate = finding.fingerprint
    salt = 0
    while not candidate or candidate in taken:
        key = "\x1f".join((finding.fingerprint, finding.rule_id, finding.location.path,
                           str(finding.location.start.line), finding.message, str(salt)))
        candidate = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        salt += 1
    taken.add(candidate)
    return candidate


def issue(finding: Finding, catalog: Catalog, fingerprint: str) -> dict:
    loc = finding.location
    begin = max(loc.start.line, 1)
    lines = {"begin": begin}
    if loc.end.line > begin:
        lines["end"] = loc.end.line
    data = {
        "type": "issue",
        "check_name": finding.rule_id,
        "description": f"{finding.message} ({rule_title(finding, catalog)})",
        "categories": [CATEGORY[finding.area]],
        "severity": SEVERITY[finding.severity],
        "fingerprint": fingerprint,
        "location": {"path": loc.path or ".", "lines": lines},
    }
    fix = fix_text(finding, catalog)
    if fix:
        data["content"] = {"body": f"**Fix:** {fix}"}
    return data


def to_issues(report: Report) -> list[dict]:
    catalog = load_catalog()
    taken: set[str] = set()
    return [issue(f, catalog, unique_fingerprint(f, taken)) for f in report.findings]


def render(report: Report, options) -> str:
    return json.dumps(to_issues(report), indent=2, ensure_ascii=False) + "\n"
