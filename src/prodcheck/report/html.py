"""Self-contained HTML report: one file, inline CSS and a little vanilla JavaScript.

Layout: a header with the verdict badge, the review line, the overall score and one bar per area;
the findings table (filter by severity, area, rule and file; sort by clicking a column header;
expand a row for the code snippet with the flagged lines highlighted, the taint path, why it
matters, the fix and its diff); then the stack, the endpoint inventory (ABSENT facets marked as
gaps, unknown shown neutrally), data models and external calls, migrations, suppressed findings,
scan diagnostics and what the scan did not verify.

The page loads nothing: a Content-Security-Policy with `default-src 'none'` forbids every fetch.
Every text taken from the scanned code goes through Jinja2 autoescaping (or `markupsafe.escape`
in `inline`). Deterministic: no timestamps, element ids from positions in sorted lists. Long
listings are capped like the Markdown report's; the JSON report has everything.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from prodcheck.model import (
    Area, Endpoint, Facet, FacetState, Finding, Location, Migration, Report, Service,
)
from prodcheck.report.common import SEVERITY_ORDER, fmt_score, priority_key, review_line, severity_counts
from prodcheck.report.markdown import decision_text, fix_text, plural, ref, rule_title, strides_of
from prodcheck.rules.catalog import Catalog, load_catalog

TEMPLATE = "report.html.j2"
MAX_FINDINGS = 2000
MAX_ENDPOINTS = 2000
MAX_ROWS = 1000          # models, external calls, migrations, suppressed findings, diagnostics
MAX_EVIDENCE = 5
JSON_HINT = "the JSON report (-f json) lists every item"

# `code`, ``code with ` inside``, **bold**: the inline markup of messages, fixes and decisions.
_INLINE = re.compile(r"(`+)(.+?)\1|\*\*(.+?)\*\*", re.S)


def inline(text: str) -> Markup:
    """Escape `text`, turning backtick spans into <code> and **...** into <strong>."""
    parts: list[Markup] = []
    pos = 0
    for match in _INLINE.finditer(text):
        parts.append(escape(text[pos:match.start()]))
        if match.group(1):
            parts.append(Markup("<code>%s</code>") % match.group(2).strip())
        else:
            parts.append(Markup("<strong>%s</strong>") % inline(match.group(3)))
        pos = match.end()
    parts.append(escape(text[pos:]))
    return Markup("").join(parts)


def paragraphs(text: str) -> list[Markup]:
    """Prose (a rule's "Why it matters") as paragraphs of inline markup."""
    return [inline(" ".join(block.split())) for block in re.split(r"\n\s*\n", text) if block.strip()]


def breakable(path: str) -> Markup:
    """Escape a path, letting the browser wrap it after each `/` (not inside a name or number)."""
    return Markup("/<wbr>").join(escape(part) for part in path.split("/"))


def score_class(value: float | None) -> str:
    if value is None:
        return "na"
    return "good" if value >= 8 else "fair" if value >= 5 else "poor"


def capped(items: Iterable, limit: int) -> tuple[list, int]:
    items = list(items)
    return items[:limit], max(0, len(items) - limit)


# ---------------------------------------------------------------- findings

def snippet_lines(location: Location) -> list[dict]:
    """The snippet starts at the location's first line; the lines start..end are the flagged ones."""
    if not location.snippet:
        return []
    first = location.start.line
    last = max(location.end.line, first)
    return [{"number": first + offset, "text": text, "flagged": first <= first + offset <= last}
            for offset, text in enumerate(location.snippet.split("\n"))]


def diff_lines(diff: str) -> list[dict]:
    lines = []
    for text in diff.rstrip("\n").split("\n") if diff.strip() else ():
        if text.startswith(("+++", "---")):
            kind = "file"
        elif text.startswith("@@"):
            kind = "hunk"
        elif text.startswith("+"):
            kind = "add"
        elif text.startswith("-"):
            kind = "del"
        else:
            kind = "ctx"
        lines.append({"kind": kind, "text": text})
    return lines


def finding_view(index: int, finding: Finding, catalog: Catalog, status: str = "new") -> dict:
    rule = catalog.get(finding.rule_id)
    loc = finding.location
    cwe = finding.cwe or (rule.cwe if rule is not None else ())
    return {
        "index": index,
        "status": status,
        "id": f"finding-{index}",
        "severity": finding.severity.value,
        "severity_rank": finding.severity.rank,
        "area": finding.area.value,
        "area_title": finding.area.title,
        "rule_id": finding.rule_id,
        "rule_title": rule_title(finding, catalog),
        "path": loc.path,
        "line": loc.start.line,
        "ref": ref(loc),
        "message": inline(finding.message),
        "message_key": " ".join(finding.message.split()).lower(),
        "confidence": finding.confidence.value,
        "confidence_rank": round(finding.confidence.weight * 100),
        "snippet": snippet_lines(loc),
        "related": [{"ref": ref(r), "label": inline(r.label) if r.label else ""} for r in finding.related],
        "why": paragraphs(rule.doc_section("Why it matters")) if rule is not None else [],
        "cwe": list(cwe),
        "owasp": list(finding.owasp or (rule.owasp if rule is not None else ())),
        "stride": [s.value for s in strides_of(finding, catalog)],
        "fix": inline(fix_text(finding, catalog)),
        "diff": diff_lines(finding.fix.diff) if finding.fix is not None else [],
        "symbol": finding.symbol,
        "fingerprint": finding.fingerprint,
    }


def findings_view(report: Report, catalog: Catalog) -> dict:
    """The findings table: the current findings ("new": counted in the scores and the verdict) and,
    below them, those the baseline accepted ("existing"), which a status filter shows on request."""
    ordered = sorted(report.findings, key=priority_key)
    accepted = sorted((s.finding for s in report.suppressed if s.kind == "baseline"), key=priority_key)
    shown, hidden = capped([*((f, "new") for f in ordered), *((f, "existing") for f in accepted)], MAX_FINDINGS)
    rows = [finding_view(index, f, catalog, status) for index, (f, status) in enumerate(shown)]
    findings = [f for f, _ in shown]
    counts = severity_counts(findings)
    areas = sorted({f.area for f in findings}, key=list(Area).index)
    rules = sorted({f.rule_id for f in findings})
    return {
        "rows": rows, "hidden": hidden, "total": len(ordered),
        "new": sum(1 for row in rows if row["status"] == "new"),
        "existing": sum(1 for row in rows if row["status"] == "existing"),
        "severities": [{"name": s.value, "count": counts[s.value]} for s in SEVERITY_ORDER],
        "areas": [{"code": a.value, "title": a.title,
                   "count": sum(1 for f in findings if f.area is a)} for a in areas],
        "rules": [{"id": r, "count": sum(1 for f in findings if f.rule_id == r)} for r in rules],
    }


# ---------------------------------------------------------------- header

def header_view(report: Report) -> dict:
    counts = severity_counts(report.findings)
    overall = report.scores.overall
    areas = [{"code": a.area.value, "title": a.area.title, "score": a.score, "label": fmt_score(a.score),
              "value": "n/a" if a.score is None else f"{a.score:.1f}",
              "width": 0 if a.score is None else round(a.score * 10, 1),
              "class": score_class(a.score), "findings": a.findings}
             for a in report.scores.areas]
    return {
        "root": report.root,
        "version": report.tool_version,
        "profile": report.profile,
        "verdict": report.verdict.value,
        "verdict_class": report.verdict.name.lower().replace("_", "-"),
        "review": review_line(report),
        "decision": inline(decision_text(report)),
        "overall": "n/a" if overall is None else f"{overall:.1f}",
        "overall_class": score_class(overall),
        "overall_arc": 0 if overall is None else round(overall * 10, 1),
        "counts": [{"name": name, "count": count} for name, count in counts.items()],
        "areas": areas,
        "scored": sum(1 for a in areas if a["score"] is not None),
        "files": report.files_scanned,
        "lines": report.lines_scanned,
        "summary": (f"{plural(report.files_scanned, 'file')}, {plural(report.lines_scanned, 'line')} scanned; "
                    f"{plural(len(report.findings), 'finding')}, {len(report.suppressed)} suppressed, "
                    f"{plural(len(report.diagnostics), 'diagnostic')}"),
    }


# ---------------------------------------------------------------- stack and inventory

def evidence(locations: Iterable[Location]) -> dict:
    shown, hidden = capped(locations, MAX_EVIDENCE)
    return {"refs": [ref(loc) for loc in shown], "hidden": hidden}


def service_view(service: Service) -> dict:
    return {
        "name": service.name, "root": service.root, "language": service.language,
        "entrypoint": ref(service.entrypoint) if service.entrypoint is not None else "",
        "manifests": list(service.manifests),
        "components": [{"category": c.category, "name": c.name, "evidence": evidence(c.evidence)}
                       for c in sorted(service.components, key=lambda c: (c.category, c.name.lower()))],
    }


def stack_view(report: Report) -> dict:
    stack = report.stack
    return {
        "languages": list(stack.languages),
        "services": [service_view(s) for s in stack.services],
        "unsupported": [{"category": c.category, "name": c.name, "evidence": evidence(c.evidence)}
                        for c in stack.unsupported],
        "standards": list(stack.standards_files),
    }


def facet_view(facet: Facet, public: bool = False) -> dict:
    where = f" ({ref(facet.evidence)})" if facet.evidence is not None else ""
    if facet.state is FacetState.PRESENT:
        return {"class": "present", "text": facet.mechanism or "yes", "title": f"present{where}"}
    if facet.state is FacetState.ABSENT:
        if public:
            return {"class": "public", "text": "public", "title": f"absent, public by nature{where}"}
        return {"class": "absent", "text": "missing", "title": f"absent: a gap{where}"}
    return {"class": "unknown", "text": "unknown", "title": "the scan could not tell; not counted as a gap"}


def endpoint_view(endpoint: Endpoint) -> dict:
    facets = [facet_view(endpoint.auth, endpoint.public_by_nature), facet_view(endpoint.validation),
              facet_view(endpoint.pagination), facet_view(endpoint.rate_limit)]
    return {"method": endpoint.method, "path": endpoint.path, "handler": endpoint.handler,
            "ref": ref(endpoint.location), "framework": endpoint.framework, "service": endpoint.service,
            "facets": facets, "gaps": sum(1 for f in facets if f["class"] == "absent")}


def migration_view(migration: Migration) -> dict:
    reversible = {True: ("yes", "present"), False: ("no", "absent"), None: ("unknown", "unknown")}
    text, cls = reversible[migration.reversible]
    return {"id": migration.id, "path": migration.path, "style": migration.style, "order": migration.order,
            "operations": list(migration.operations), "reversible": text, "reversible_class": cls,
            "rollback": migration.rollback, "service": migration.service}


def inventory_view(report: Report) -> dict:
    inv = report.inventory
    endpoints = sorted(inv.endpoints, key=lambda e: (e.location.path, e.location.start, e.method, e.path))
    endpoints, endpoints_hidden = capped(endpoints, MAX_ENDPOINTS)
    rows = [endpoint_view(e) for e in endpoints]
    models, models_hidden = capped(inv.models, MAX_ROWS)
    calls, calls_hidden = capped(inv.external_calls, MAX_ROWS)
    migrations, migrations_hidden = capped(sorted(inv.migrations, key=lambda m: (m.path, m.order, m.id)), MAX_ROWS)
    return {
        "endpoints": rows, "endpoints_hidden": endpoints_hidden,
        "gaps": sum(row["gaps"] for row in rows),
        "models": [{"name": m.name, "kind": m.kind, "table": m.table, "ref": ref(m.location),
                    "service": m.service, "fields": [f.name for f in m.fields]} for m in models],
        "models_hidden": models_hidden,
        "calls": [{"kind": c.kind, "target": c.target, "ref": ref(c.location), "service": c.service}
                  for c in calls],
        "calls_hidden": calls_hidden,
        "migrations": [migration_view(m) for m in migrations], "migrations_hidden": migrations_hidden,
    }


# ---------------------------------------------------------------- the rest

def suppressed_view(report: Report, catalog: Catalog) -> dict:
    items, hidden = capped(sorted(report.suppressed, key=lambda s: priority_key(s.finding)), MAX_ROWS)
    return {"rows": [{"rule_id": s.finding.rule_id, "rule_title": rule_title(s.finding, catalog),
                      "severity": s.finding.severity.value, "ref": ref(s.finding.location),
                      "message": inline(s.finding.message), "kind": s.kind, "reason": s.reason}
                     for s in items],
            "hidden": hidden}


def diagnostics_view(report: Report) -> dict:
    items, hidden = capped(sorted(report.diagnostics), MAX_ROWS)
    return {"rows": [{"ref": f"{d.path}:{d.line}" if d.line else d.path, "kind": d.kind, "message": d.message}
                     for d in items],
            "hidden": hidden}


def context(report: Report) -> dict:
    catalog = load_catalog()
    return {
        "head": header_view(report),
        "findings": findings_view(report, catalog),
        "stack": stack_view(report),
        "inventory": inventory_view(report),
        "suppressed": suppressed_view(report, catalog),
        "diagnostics": diagnostics_view(report),
        "not_verified": [{"topic": n.topic, "reason": n.reason} for n in report.not_verified],
        "json_hint": JSON_HINT,
    }


def environment() -> Environment:
    env = Environment(loader=PackageLoader("prodcheck.report", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["plural"] = plural
    env.filters["breakable"] = breakable
    return env


def render(report: Report, options) -> str:
    return environment().get_template(TEMPLATE).render(context(report))
