"""SARIF 2.1.0 (OASIS), shaped the way GitHub code scanning reads it.

One run; every rule that ran is in `tool.driver.rules` with its markdown help, CWE tags
(`external/cwe/cwe-89`) and `security-severity`; results carry regions, related locations for
taint paths, `partialFingerprints`, and inline or baseline suppressions as SARIF suppressions.
Scan diagnostics become tool execution notifications.
"""
from __future__ import annotations

import json
from urllib.parse import quote

from prodcheck import __version__
from prodcheck.model import Area, Finding, Location, Report, Severity
from prodcheck.rules.catalog import load_catalog

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0"}
PRECISION = {"HIGH": "high", "MEDIUM": "medium", "LOW": "low"}
FINGERPRINT_KEY = "prodcheck/v1"
TOOL_FAILURES = frozenset({"rule-error", "extractor-error", "worker-crash", "analysis-error"})   # our bugs
_URI_SAFE = "/!$&'()*+,;=@"     # RFC 3986 pchar besides unreserved; not ':' (read as a scheme)


def _uri(path: str) -> str:
    """A relative path as a URI reference: `#`, `?`, `%`, spaces, non-ASCII... percent-encoded."""
    return quote(path, safe=_URI_SAFE)


def _physical(loc: Location) -> dict:
    region = {"startLine": loc.start.line, "startColumn": loc.start.column,
              "endLine": max(loc.end.line, loc.start.line)}
    if loc.end.line > loc.start.line or loc.end.column > loc.start.column:
        region["endColumn"] = loc.end.column
    if loc.snippet:
        region["snippet"] = {"text": loc.snippet}
    return {"artifactLocation": {"uri": _uri(loc.path), "uriBaseId": "%SRCROOT%"}, "region": region}


def _rule_descriptor(rule) -> dict:
    tags = [rule.area.title, f"area/{rule.area.value.lower()}"]
    if rule.area is Area.SEC:
        tags.append("security")
    tags.extend(f"external/cwe/{cwe.lower()}" for cwe in rule.cwe)
    properties = {"tags": tags, "precision": PRECISION[rule.confidence.value],
                  "problem.severity": LEVEL[rule.default_severity] if rule.default_severity is not Severity.LOW
                  else "recommendation", "checklist": list(rule.rows)}
    if rule.area is Area.SEC:
        properties["security-severity"] = SECURITY_SEVERITY[rule.default_severity]
    help_md = (rule.doc or "").strip() + f"\n\n**Fix:** {rule.fix}\n"
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.slug.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.doc_section("What it does") or rule.title},
        "help": {"text": f"{rule.title}. {rule.fix}", "markdown": help_md},
        "defaultConfiguration": {"level": LEVEL[rule.default_severity]},
        "properties": properties,
    }


def _result(finding: Finding, index: dict[str, int], suppression: dict | None = None) -> dict:
    result = {
        "ruleId": finding.rule_id,
        "ruleIndex": index[finding.rule_id],
        "level": LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": _physical(finding.location)}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"severity": finding.severity.value, "confidence": finding.confidence.value,
                       "area": finding.area.value},
    }
    if finding.severity in (Severity.CRITICAL, Severity.HIGH) and finding.area is Area.SEC:
        result["properties"]["security-severity"] = SECURITY_SEVERITY[finding.severity]
    if finding.related:
        result["relatedLocations"] = [
            {"id": number, "physicalLocation": _physical(loc), "message": {"text": loc.label or "related"}}
            for number, loc in enumerate(finding.related, start=1)]
        result["codeFlows"] = [{"threadFlows": [{"locations": [
            {"location": {"physicalLocation": _physical(loc), "message": {"text": loc.label or "step"}}}
            for loc in (*finding.related, finding.location)]}]}]
    if finding.fix and finding.fix.text:
        result["properties"]["fix"] = finding.fix.text
    if suppression:
        result["suppressions"] = [suppression]
    return result


def to_sarif(report: Report) -> dict:
    catalog = load_catalog()
    rule_ids = sorted(set(report.rules_run) | {f.rule_id for f in report.findings}
                      | {s.finding.rule_id for s in report.suppressed})
    rules = [catalog.get(rid) for rid in rule_ids if catalog.get(rid) is not None]
    index = {rule.id: number for number, rule in enumerate(rules)}
    results = [_result(f, index) for f in report.findings]
    for silenced in report.suppressed:
        kind = "inSource" if silenced.kind == "inline" else "external"
        results.append(_result(silenced.finding, index,
                               {"kind": kind, "status": "accepted", "justification": silenced.reason or silenced.kind}))
    notifications = [{
        "level": "error" if d.kind in TOOL_FAILURES else "warning",
        "message": {"text": f"{d.kind}: {d.message}"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(d.path), "uriBaseId": "%SRCROOT%"},
                                            **({"region": {"startLine": d.line}} if d.line else {})}}],
        "descriptor": {"id": d.kind},
    } for d in report.diagnostics]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "prodcheck", "version": __version__, "semanticVersion": __version__,
                                "informationUri": "https://github.com/prodcheck/prodcheck",
                                "rules": [_rule_descriptor(rule) for rule in rules]}},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            "results": results,
            "columnKind": "unicodeCodePoints",
            "properties": {"verdict": report.verdict.value, "reviewVerdict": report.verdict.review_word,
                           "overallScore": report.scores.overall},
        }],
    }


def render(report: Report, options) -> str:
    return json.dumps(to_sarif(report), indent=2, ensure_ascii=False) + "\n"
