"""JSON report; its JSON Schema ships in `report/schema/report.schema.json` (SCHEMA_VERSION).

Deterministic: sorted, relative POSIX paths, no timestamps; timings only when asked for.
"""
from __future__ import annotations

import json
from importlib import resources

from prodcheck.model import Facet, Finding, Location, Report
from prodcheck.report.common import severity_counts
from prodcheck.rules.catalog import load_catalog

SCHEMA_VERSION = "1.0"
SCHEMA_ID = f"urn:prodcheck:report-schema:{SCHEMA_VERSION}"


def load_schema() -> dict:
    """The JSON Schema (draft 2020-12) of this report, shipped as package data."""
    text = resources.files("prodcheck.report").joinpath("schema", "report.schema.json").read_text("utf-8")
    return json.loads(text)


def location(loc: Location | None) -> dict | None:
    if loc is None:
        return None
    data = {"path": loc.path, "line": loc.start.line, "column": loc.start.column,
            "end_line": loc.end.line, "end_column": loc.end.column}
    if loc.snippet:
        data["snippet"] = loc.snippet
    if loc.label:
        data["label"] = loc.label
    return data


def facet(value: Facet) -> dict:
    return {"state": value.state.value, "mechanism": value.mechanism, "evidence": location(value.evidence)}


def finding(f: Finding) -> dict:
    return {
        "rule_id": f.rule_id, "area": f.area.value, "severity": f.severity.value,
        "confidence": f.confidence.value, "message": f.message, "location": location(f.location),
        "related": [location(r) for r in f.related], "cwe": list(f.cwe), "owasp": list(f.owasp),
        "fix": {"text": f.fix.text, "diff": f.fix.diff} if f.fix else None,
        "fingerprint": f.fingerprint, "symbol": f.symbol,
    }


def to_dict(report: Report, timings: bool = False) -> dict:
    catalog = load_catalog()
    used = sorted({f.rule_id for f in report.findings} | {s.finding.rule_id for s in report.suppressed})
    rules = []
    for rule_id in used:
        rule = catalog.get(rule_id)
        if rule is None:
            continue
        rules.append({"id": rule.id, "slug": rule.slug, "area": rule.area.value,
                      "severity": rule.default_severity.value, "title": rule.title,
                      "cwe": list(rule.cwe), "stride": [s.value for s in rule.stride],
                      "checklist": list(rule.rows)})
    inv = report.inventory
    data = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "prodcheck", "version": report.tool_version},
        "root": report.root,
        "profile": report.profile,
        "verdict": report.verdict.value,
        "review_verdict": report.verdict.review_word,
        "summary": {"files": report.files_scanned, "lines": report.lines_scanned,
                    "findings": len(report.findings), "suppressed": len(report.suppressed),
                    "by_severity": severity_counts(report.findings)},
        "scores": {"overall": report.scores.overall,
                   "areas": [{"area": a.area.value, "title": a.area.title, "score": a.score,
                              "findings": a.findings} for a in report.scores.areas]},
        "stack": {
            "languages": list(report.stack.languages),
            "services": [{
                "name": s.name, "root": s.root, "language": s.language,
                "entrypoint": location(s.entrypoint), "manifests": list(s.manifests),
                "components": [{"category": c.category, "name": c.name,
                                "evidence": [location(e) for e in c.evidence]} for c in s.components],
            } for s in report.stack.services],
            "unsupported": [{"category": c.category, "name": c.name,
                             "evidence": [location(e) for e in c.evidence]} for c in report.stack.unsupported],
            "standards_files": list(report.stack.standards_files),
        },
        "inventory": {
            "endpoints": [{
                "method": e.method, "path": e.path, "handler": e.handler, "location": location(e.location),
                "framework": e.framework, "service": e.service, "public_by_nature": e.public_by_nature,
                "auth": facet(e.auth), "validation": facet(e.validation),
                "pagination": facet(e.pagination), "rate_limit": facet(e.rate_limit),
            } for e in inv.endpoints],
            "models": [{"name": m.name, "kind": m.kind, "table": m.table, "location": location(m.location),
                        "service": m.service,
                        "fields": [{"name": fl.name, "type": fl.type, "line": fl.line,
                                    "attributes": list(fl.attributes)} for fl in m.fields]}
                       for m in inv.models],
            "migrations": [{"id": m.id, "path": m.path, "style": m.style, "order": m.order,
                            "operations": list(m.operations), "reversible": m.reversible,
                            "rollback": m.rollback, "service": m.service} for m in inv.migrations],
            "external_calls": [{"kind": c.kind, "target": c.target, "location": location(c.location),
                                "service": c.service} for c in inv.external_calls],
        },
        "rules": rules,
        "findings": [finding(f) for f in report.findings],
        "suppressed": [{"kind": s.kind, "reason": s.reason, "finding": finding(s.finding)}
                       for s in report.suppressed],
        "diagnostics": [{"path": d.path, "line": d.line, "kind": d.kind, "message": d.message}
                        for d in report.diagnostics],
        "not_verified": [{"topic": n.topic, "reason": n.reason} for n in report.not_verified],
    }
    if timings:
        data["timings"] = {k: round(v, 4) for k, v in sorted(report.timings.items())}
    return data


def render(report: Report, options) -> str:
    return json.dumps(to_dict(report, options.timings), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
