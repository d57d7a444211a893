"""The review's JSON and terminal renderings (the Markdown one is `prodcheck.report.review_markdown`).

JSON (`prodcheck review -f json`), schema "prodcheck-review/1", deterministic:

    {
      "schema": "prodcheck-review/1",
      "tool": {"name": "prodcheck", "version": str},
      "repository": str, "path": str,                    # reviewed directory relative to the repository
      "base": {"ref": str, "commit": str},
      "head": {"ref": str, "commit": str | null},        # ref "working tree", commit null: the work tree
      "verdict": "LGTM" | "BLOCK", "readiness": "PASS" | "NEEDS FIX" | "BLOCKED",   # of NEW findings only
      "counts": {"new": int, "fixed": int, "existing": int, "new_on_changed_lines": int,
                 "new_by_severity": {"CRITICAL": int, "HIGH": int, "MEDIUM": int, "LOW": int},
                 "breaking_changes": int},
      "new": [finding + {"on_changed_lines": bool}],    # findings as in the scan's JSON report
      "fixed": [finding],                                 # as found at base
      "scope": {"files": [{"status", "path", "old_path", "service", "module"}],
                "endpoints": {"added": [endpoint], "changed": [endpoint], "removed": [endpoint]},
                "models": {"added": [...], "changed": [...], "removed": [...]},
                "migrations": {"added": [...], "changed": [...], "removed": [...], "edited_applied": [path]},
                "dependencies": {"added": [...], "removed": [...]}, "integrations_added": [...],
                "config_files": [path], "docs_files": [path]},
      "delta": [{"change", "method", "path", "breaking", "detail", "migration_note", "location"}],
      "risk": {"level": "low" | "medium" | "high", "reasons": [str], "rollback": [str]},
      "todos": [{"rule_id", "severity", "location", "message", "owner", "due"}],
      "smoke_plan": [{"topic", "text"}],
      "diagnostics": [{"path", "line", "kind", "message"}]
    }

`endpoint` is {"method", "path", "handler", "location", "reasons"}.
"""
from __future__ import annotations

import io
import json

from rich.console import Console
from rich.text import Text

from prodcheck.model import Migration
from prodcheck.report.common import priority_key, severity_counts
from prodcheck.report.json_report import finding as finding_dict
from prodcheck.report.json_report import location
from prodcheck.review.model import EndpointChange, ModelChange, Review
from prodcheck.review.scope import module_of

SCHEMA = "prodcheck-review/1"
MAX_TERMINAL = 25
SEVERITY_STYLE = {"CRITICAL": "bold white on red", "HIGH": "bold red", "MEDIUM": "yellow", "LOW": "cyan"}


def endpoint_dict(change: EndpointChange) -> dict:
    e = change.endpoint
    return {"method": e.method, "path": e.path, "handler": e.handler, "location": location(e.location),
            "reasons": list(change.reasons)}


def model_dict(change: ModelChange) -> dict:
    m = change.model
    return {"name": m.name, "kind": m.kind, "location": location(m.location), "reasons": list(change.reasons)}


def migration_dict(m: Migration) -> dict:
    return {"id": m.id, "path": m.path, "style": m.style, "operations": list(m.operations),
            "reversible": m.reversible, "rollback": m.rollback}


def scope_dict(review: Review) -> dict:
    scope = review.scope
    service_of = {path: name for name, paths in scope.services for path in paths}
    return {
        "files": [{"status": f.word, "path": f.path, "old_path": f.old_path, "service": service_of.get(f.path, ""),
                   "module": module_of(f.path)} for f in scope.files],
        "endpoints": {"added": [endpoint_dict(c) for c in scope.endpoints_added],
                      "changed": [endpoint_dict(c) for c in scope.endpoints_changed],
                      "removed": [endpoint_dict(c) for c in scope.endpoints_removed]},
        "models": {"added": [model_dict(c) for c in scope.models_added],
                   "changed": [model_dict(c) for c in scope.models_changed],
                   "removed": [model_dict(c) for c in scope.models_removed]},
        "migrations": {"added": [migration_dict(m) for m in scope.migrations_added],
                       "changed": [migration_dict(m) for m in scope.migrations_changed],
                       "removed": [migration_dict(m) for m in scope.migrations_removed],
                       "edited_applied": [f.old_path for f in scope.edited_migrations]},
        "dependencies": {"added": [dependency_dict(d) for d in scope.dependencies_added],
                         "removed": [dependency_dict(d) for d in scope.dependencies_removed]},
        "integrations_added": [{"service": i.service, "category": i.category, "name": i.name}
                               for i in scope.integrations_added],
        "config_files": list(scope.config_files),
        "docs_files": list(scope.docs_files),
    }


def dependency_dict(d) -> dict:
    return {"name": d.name, "spec": d.spec, "ecosystem": d.ecosystem, "dev": d.dev, "location": location(d.location)}


def to_dict(review: Review) -> dict:
    delta = review.delta
    return {
        "schema": SCHEMA,
        "tool": {"name": "prodcheck", "version": review.tool_version},
        "repository": review.repository,
        "path": review.path,
        "base": {"ref": review.base_ref, "commit": review.base_commit},
        "head": {"ref": review.head_ref, "commit": review.head_commit or None},
        "verdict": review.review_word,
        "readiness": review.verdict.value,
        "counts": {"new": len(delta.new), "fixed": len(delta.fixed), "existing": len(delta.existing),
                   "new_on_changed_lines": sum(1 for item in delta.new if item.on_changed_lines),
                   "new_by_severity": severity_counts(delta.new_findings),
                   "breaking_changes": len(review.breaking)},
        "new": [{**finding_dict(item.finding), "on_changed_lines": item.on_changed_lines}
                for item in sorted(delta.new, key=lambda item: priority_key(item.finding))],
        "fixed": [finding_dict(f) for f in delta.fixed],
        "scope": scope_dict(review),
        "delta": [{"change": c.kind, "method": c.method, "path": c.path, "breaking": c.breaking, "detail": c.detail,
                   "migration_note": c.migration_note, "location": location(c.location), "source": c.source}
                  for c in review.contract],
        "risk": {"level": review.risk.level, "reasons": list(review.risk.reasons),
                 "rollback": list(review.risk.levers)},
        "todos": [{"rule_id": t.finding.rule_id, "severity": t.finding.severity.value,
                   "location": location(t.finding.location), "message": t.finding.message, "owner": t.owner,
                   "due": t.due} for t in review.todos],
        "smoke_plan": [{"topic": s.topic, "text": s.text} for s in review.smoke],
        "diagnostics": [{"path": d.path, "line": d.line, "kind": d.kind, "message": d.message}
                        for d in review.diagnostics],
    }


def render_json(review: Review) -> str:
    return json.dumps(to_dict(review), indent=2, ensure_ascii=False) + "\n"


def render_terminal(review: Review, color: bool = False, width: int = 120) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False,
                      soft_wrap=False)
    head = review.head_ref if not review.head_commit else f"{review.head_ref} ({review.head_commit[:12]})"
    console.print(Text(f"prodcheck review {review.repository}: {review.base_ref} ({review.base_commit[:12]}) -> "
                       f"{head}", style="bold"))
    delta = review.delta
    console.print(f"{len(review.changes.files)} files changed; {len(delta.new)} new findings, "
                  f"{len(delta.fixed)} fixed, {len(delta.existing)} existing")
    for item in sorted(delta.new, key=lambda item: priority_key(item.finding))[:MAX_TERMINAL]:
        f = item.finding
        line = Text("  ")
        line.append(f"{f.severity.value:<8}", style=SEVERITY_STYLE[f.severity.value])
        where = f"{f.location.path}:{f.location.start.line}" if f.location.start.line > 0 else f.location.path
        line.append(f" {where}", style="bold")
        line.append(f"  {f.rule_id} {f.message}")
        if item.on_changed_lines:
            line.append("  [changed line]", style="dim")
        console.print(line, soft_wrap=True)
    if len(delta.new) > MAX_TERMINAL:
        console.print(f"  ... and {len(delta.new) - MAX_TERMINAL} more (use -f md or -f json for all)")
    breaking = review.breaking
    console.print(f"API contract: {len(breaking)} breaking, {len(review.contract) - len(breaking)} non-breaking")
    for change in breaking[:MAX_TERMINAL]:
        console.print(f"  BREAKING {change.detail}", soft_wrap=True)
    scope = review.scope
    console.print(f"Migrations: {len(scope.migrations_added)} added, {len(scope.migrations_changed)} changed, "
                  f"{len(scope.edited_migrations)} applied migrations edited or deleted")
    console.print(f"Risk: {review.risk.level} ({'; '.join(review.risk.reasons)})", soft_wrap=True)
    counts = severity_counts(delta.new_findings)
    style = "bold green" if review.review_word == "LGTM" else "bold red"
    console.print(Text(f"Verdict: {review.review_word} ({counts['CRITICAL']} critical, {counts['HIGH']} high)",
                       style=style))
    return buffer.getvalue()
