"""Markdown audit report in the layout of seed 002's "Backend Architecture Audit Report".

Sections: executive summary, one scored section per area (in `Area` order; the seed's eight first,
then operations and testing), critical issues, prioritised actions, the readiness decision, then
the endpoint inventory, suppressed findings, scan diagnostics, what the scan did not verify and the
project's standards files. Deterministic (no timestamps); long listings are capped, the JSON
report has everything.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from prodcheck.model import (
    Area, Confidence, Endpoint, Facet, FacetState, Finding, Location, Report, Service, Severity, Stride,
    Verdict,
)
from prodcheck.report.common import fmt_score, priority_key, review_line, severity_counts
from prodcheck.rules.catalog import Catalog, load_catalog

MAX_PER_AREA = 50
MAX_CRITICAL = 50
MAX_ACTIONS = 30
MAX_REFS = 5
MAX_STRIDE_REFS = 10
MAX_ENDPOINTS = 200
MAX_SUPPRESSED = 50
MAX_DIAGNOSTICS = 100
MAX_SNIPPET = 160
JSON_HINT = "the JSON report (`-f json`) lists every item"


# ---------------------------------------------------------------- small text helpers

def one_line(text: str) -> str:
    """Collapse whitespace (newlines included) so a value fits on one Markdown line."""
    return " ".join(str(text).split())


def code(text: str) -> str:
    """An inline code span that survives backticks inside the text."""
    flat = one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or longest else ""
    return f"{ticks}{pad}{flat}{pad}{ticks}"


def cell(text: str) -> str:
    """A table cell: one line, `|` escaped."""
    return one_line(text).replace("|", "\\|")


def fenced(body: str, language: str = "", indent: str = "") -> list[str]:
    """A fenced block longer than any backtick run inside `body`."""
    longest = max((len(run) for run in re.findall(r"`{3,}", body)), default=0)
    fence = "`" * max(3, longest + 1)
    lines = [f"{fence}{language}", *body.rstrip("\n").split("\n"), fence]
    return [f"{indent}{line}" if line else line for line in lines]


def sentence(text: str) -> str:
    """One line ending in a full stop (not doubled)."""
    flat = one_line(text)
    return flat if flat.endswith((".", "!", "?")) else flat + "."


def plural(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else word + 's'}"


def ref(location: Location) -> str:
    """`path:line` (just the path when the location has no line)."""
    return f"{location.path}:{location.start.line}" if location.start.line > 0 else location.path


def more_line(hidden: int) -> list[str]:
    return [f"- ... and {hidden} more ({JSON_HINT})"] if hidden > 0 else []


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


# ---------------------------------------------------------------- finding helpers

def rule_title(finding: Finding, catalog: Catalog) -> str:
    rule = catalog.get(finding.rule_id)
    return rule.title if rule is not None else finding.rule_id


def fix_text(finding: Finding, catalog: Catalog) -> str:
    if finding.fix is not None and finding.fix.text:
        return finding.fix.text
    rule = catalog.get(finding.rule_id)
    return rule.fix if rule is not None else ""


def strides_of(finding: Finding, catalog: Catalog) -> tuple[Stride, ...]:
    rule = catalog.get(finding.rule_id)
    return rule.stride if rule is not None else ()


def confidence_word(confidence: Confidence) -> str:
    return f"confidence {confidence.value.lower()}"


def finding_item(finding: Finding, catalog: Catalog) -> list[str]:
    """One finding: severity, file:line, rule, message; then why, fix and the diff."""
    lines = [f"- **{finding.severity.value}** {code(ref(finding.location))} {finding.rule_id}: "
             f"{one_line(finding.message)} ({confidence_word(finding.confidence)})"]
    snippet = finding.location.snippet.strip().split("\n")[0].strip() if finding.location.snippet else ""
    if snippet:
        shown = snippet if len(snippet) <= MAX_SNIPPET else snippet[:MAX_SNIPPET] + "..."
        lines.append(f"  - Code: {code(shown)}")
    why = rule_title(finding, catalog)
    if finding.cwe:
        why += f" ({', '.join(finding.cwe)})"
    lines.append(f"  - Why: {one_line(why)}")
    fix = fix_text(finding, catalog)
    if fix:
        lines.append(f"  - Fix: {one_line(fix)}")
    if finding.fix is not None and finding.fix.diff.strip():
        lines.extend(fenced(finding.fix.diff, "diff", indent="  "))
    return lines


def findings_list(findings: Sequence[Finding], catalog: Catalog, limit: int) -> list[str]:
    ordered = sorted(findings, key=priority_key)
    lines: list[str] = []
    for finding in ordered[:limit]:
        lines.extend(finding_item(finding, catalog))
    lines.extend(more_line(len(ordered) - limit))
    return lines


# ---------------------------------------------------------------- sections

def title_section(report: Report) -> list[str]:
    return ["# Backend Architecture Audit Report", "",
            f"Repository: {code(report.root)} · prodcheck {report.tool_version} · profile: {report.profile}"]


def service_line(service: Service) -> str:
    details = [service.language]
    for category in ("framework", "database", "orm", "queue", "cache", "third-party"):
        names = service.uses(category)
        if names:
            details.append(f"{category}: {', '.join(names)}")
    where = f" at {code(service.root)}"
    entry = f", entrypoint {code(ref(service.entrypoint))}" if service.entrypoint is not None else ""
    return f"  - {code(service.name)}{where} ({'; '.join(details)}){entry}"


def stack_lines(report: Report) -> list[str]:
    stack = report.stack
    languages = ", ".join(stack.languages) or "none detected"
    lines = [f"- Stack: {languages}; {plural(len(stack.services), 'service')} found"]
    lines.extend(service_line(service) for service in stack.services)
    if stack.unsupported:
        names = ", ".join(f"{c.name} ({c.category})" for c in stack.unsupported)
        lines.append(f"- Detected but not analysed: {names}")
    return lines


def overall_line(report: Report) -> str:
    scored = sum(1 for area in report.scores.areas if area.score is not None)
    if report.scores.overall is None:
        return "- Architecture Score: n/a (overall score; no area had anything to inspect)"
    return (f"- Architecture Score: {fmt_score(report.scores.overall)} (the overall score: mean of the "
            f"{plural(scored, 'scored area')}; each area scores 10 / (1 + penalty / (2 x size)))")


def executive_summary(report: Report) -> list[str]:
    counts = severity_counts(report.findings)
    inventory = report.inventory
    return [
        "## Executive Summary", "",
        overall_line(report),
        f"- Production Readiness: {report.verdict.value}",
        f"- Critical Issues: {counts['CRITICAL']}",
        f"- High Priority Issues: {counts['HIGH']}",
        f"- Review: {review_line(report)}",
        *stack_lines(report),
        f"- Inventory: {plural(len(inventory.endpoints), 'endpoint')}, {plural(len(inventory.models), 'model')}, "
        f"{plural(len(inventory.migrations), 'migration')}, "
        f"{plural(len(inventory.external_calls), 'external call')}",
        scanned_line(report),
    ]


def scanned_line(report: Report) -> str:
    counts = ", ".join(f"{count} {name.lower()}" for name, count in severity_counts(report.findings).items())
    return (f"- Scanned: {plural(report.files_scanned, 'file')}, {plural(report.lines_scanned, 'line')}; "
            f"{plural(len(report.findings), 'finding')} ({counts}), {len(report.suppressed)} suppressed, "
            f"{plural(len(report.diagnostics), 'diagnostic')}")


def severity_banner(findings: Sequence[Finding]) -> str:
    counts = severity_counts(findings)
    return "⚠️ " + " | ".join(f"{name}: {count}" for name, count in counts.items())


def stride_summary(findings: Sequence[Finding], catalog: Catalog) -> list[str]:
    """One line per STRIDE category with the findings whose rule declares it (any area)."""
    lines = ["STRIDE summary (findings of any area whose rule maps to the category):", ""]
    for category in Stride:
        hits = sorted((f for f in findings if category in strides_of(f, catalog)), key=priority_key)
        if not hits:
            lines.append(f"- {category.value}: none found")
            continue
        refs = ", ".join(f"{code(ref(f.location))} {f.rule_id}" for f in hits[:MAX_STRIDE_REFS])
        hidden = len(hits) - MAX_STRIDE_REFS
        tail = f" and {hidden} more" if hidden > 0 else ""
        lines.append(f"- {category.value}: {plural(len(hits), 'finding')}: {refs}{tail}")
    return lines


def area_section(number: int, area: Area, report: Report, catalog: Catalog) -> list[str]:
    area_score = report.scores.of(area)
    in_area = [f for f in report.findings if f.area is area]
    lines = [f"## {number}. {area.title} (Score: {fmt_score(area_score.score)})", ""]
    if area is Area.SEC:
        lines.extend([severity_banner(in_area), "", *stride_summary(report.findings, catalog), ""])
    if area_score.score is None and not in_area:
        lines.append("n/a: no rule of this area had anything to inspect in this repository.")
    elif not in_area:
        lines.append("No findings.")
    else:
        lines.extend(findings_list(in_area, catalog, MAX_PER_AREA))
    return lines


def critical_issues(report: Report) -> list[str]:
    critical = sorted((f for f in report.findings if f.severity is Severity.CRITICAL), key=priority_key)
    lines = ["## Critical Issues (Must Fix)", ""]
    if not critical:
        return [*lines, "None found."]
    for index, finding in enumerate(critical[:MAX_CRITICAL], start=1):
        lines.append(f"{index}. {code(ref(finding.location))} {finding.rule_id}: {one_line(finding.message)} "
                     f"({confidence_word(finding.confidence)})")
    lines.extend(more_line(len(critical) - MAX_CRITICAL))
    return lines


def group_by_rule(findings: Iterable[Finding]) -> list[list[Finding]]:
    """Findings of one rule, groups ordered most impactful first (severity, confidence, size)."""
    groups: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=priority_key):
        groups.setdefault(finding.rule_id, []).append(finding)
    return sorted(groups.values(), key=lambda g: (priority_key(g[0])[:2], -len(g), g[0].rule_id))


def action_item(index: int, group: list[Finding], catalog: Catalog) -> str:
    first = group[0]
    head = f"{index}. **{first.severity.value}** ({confidence_word(first.confidence)})"
    fix = fix_text(first, catalog)
    fix_part = f" Fix: {sentence(fix)}" if fix else ""
    if len(group) == 1:
        return f"{head} {code(ref(first.location))} {first.rule_id}: {sentence(first.message)}{fix_part}"
    refs = ", ".join(code(ref(f.location)) for f in group[:MAX_REFS])
    hidden = len(group) - MAX_REFS
    tail = f" and {hidden} more" if hidden > 0 else ""
    return (f"{head} Fix {len(group)} occurrences of {first.rule_id} ({one_line(rule_title(first, catalog))}): "
            f"{refs}{tail}.{fix_part}")


def recommended_actions(report: Report, catalog: Catalog) -> list[str]:
    lines = ["## Recommended Actions", ""]
    groups = group_by_rule(report.findings)
    if not groups:
        return [*lines, "No action required by this scan; review the items under "
                        "\"Not Verified by This Scan\" before release."]
    lines.extend(action_item(index, group, catalog) for index, group in enumerate(groups[:MAX_ACTIONS], start=1))
    hidden = len(groups) - MAX_ACTIONS
    if hidden > 0:
        lines.extend(["", f"... and {plural(hidden, 'lower-priority action')} (see the area sections above)."])
    return lines


def confident(finding: Finding) -> bool:
    return finding.confidence is not Confidence.LOW


def decision_text(report: Report) -> str:
    findings = report.findings
    critical = [f for f in findings if f.severity is Severity.CRITICAL]
    high = [f for f in findings if f.severity is Severity.HIGH]
    sure_critical = [f for f in critical if confident(f)]
    sure_high = [f for f in high if confident(f)]
    if report.verdict is Verdict.BLOCKED:
        first = sorted(sure_critical, key=priority_key)[0] if sure_critical else None
        where = f" (first: {code(ref(first.location))} {first.rule_id})" if first else ""
        also = f"; {plural(len(high), 'high-priority issue')} to fix as well" if high else ""
        return (f"**BLOCKED - Not production ready.** {plural(len(sure_critical), 'critical finding')} of "
                f"medium or high confidence must be fixed before deploying{where}{also}.")
    if report.verdict is Verdict.NEEDS_FIX:
        parts = []
        if sure_high:
            parts.append(f"{plural(len(sure_high), 'high-priority finding')} of medium or high confidence")
        if critical:
            parts.append(f"{plural(len(critical), 'low-confidence critical finding')} to confirm")
        return (f"**NEEDS FIX** - no confirmed critical issue, but {' and '.join(parts)} must be "
                "resolved before production.")
    unsure = f"; {plural(len(high), 'low-confidence high finding')} to review" if high else ""
    counts = severity_counts(findings)
    return (f"**PASS** - no critical or high-priority finding of medium or high confidence{unsure}; "
            f"{counts['MEDIUM']} medium and {counts['LOW']} low remain. This is a static review: see "
            "\"Not Verified by This Scan\" for what it could not check.")


def decision(report: Report) -> list[str]:
    return ["## Production Readiness Decision", "", decision_text(report)]


def facet_cell(facet: Facet, public: bool = False) -> str:
    if facet.state is FacetState.PRESENT:
        return cell(f"yes ({facet.mechanism})" if facet.mechanism else "yes")
    if facet.state is FacetState.ABSENT:
        return "public" if public else "**MISSING**"
    return "unknown"


def endpoint_row(endpoint: Endpoint) -> list[str]:
    handler = " ".join(part for part in (cell(endpoint.handler), code(cell(ref(endpoint.location)))) if part)
    return [cell(endpoint.method), code(cell(endpoint.path)) if endpoint.path else "", handler,
            facet_cell(endpoint.auth, endpoint.public_by_nature), facet_cell(endpoint.validation),
            facet_cell(endpoint.pagination), facet_cell(endpoint.rate_limit)]


def endpoint_inventory(report: Report) -> list[str]:
    endpoints = sorted(report.inventory.endpoints, key=lambda e: (e.location.path, e.location.start, e.method, e.path))
    lines = ["## Endpoint Inventory", ""]
    if not endpoints:
        return [*lines, "No endpoints found."]
    lines.append("**MISSING** marks a gap the scan found; unknown means it could not tell (never counted as a gap).")
    lines.append("")
    header = ("Method", "Path", "Handler", "Auth", "Validation", "Pagination", "Rate limit")
    lines.extend(table(header, (endpoint_row(e) for e in endpoints[:MAX_ENDPOINTS])))
    hidden = len(endpoints) - MAX_ENDPOINTS
    if hidden > 0:
        lines.extend(["", f"... and {hidden} more ({JSON_HINT})."])
    return lines


def migrations_section(report: Report) -> list[str]:
    """One rollback line per migration (seed 000: a rollback plan; forward-only when irreversible)."""
    migrations = report.inventory.migrations
    lines = ["## Migrations and Rollback Plan", ""]
    if not migrations:
        return [*lines, "No migrations found."]
    rows = []
    for m in migrations[:MAX_ENDPOINTS]:
        reversible = {True: "yes", False: "**NO**", None: "unknown"}[m.reversible]
        rows.append([code(cell(m.path)), cell(m.style), cell(", ".join(m.operations[:6])
                                                             + (" ..." if len(m.operations) > 6 else "")),
                     reversible, cell(m.rollback)])
    lines.extend(table(("Migration", "Style", "Operations", "Reversible", "Rollback plan"), rows))
    lines.extend(more_line(len(migrations) - MAX_ENDPOINTS))
    return lines


def suppressed_section(report: Report) -> list[str]:
    lines = ["## Suppressed Findings", ""]
    if not report.suppressed:
        return [*lines, "None."]
    for item in report.suppressed[:MAX_SUPPRESSED]:
        f = item.finding
        reason = f": {one_line(item.reason)}" if item.reason else ""
        lines.append(f"- {code(ref(f.location))} {f.rule_id} ({f.severity.value}) {one_line(f.message)} "
                     f"- {item.kind}{reason}")
    lines.extend(more_line(len(report.suppressed) - MAX_SUPPRESSED))
    return lines


def diagnostics_section(report: Report) -> list[str]:
    lines = ["## Scan Diagnostics", ""]
    if not report.diagnostics:
        return [*lines, "None: every discovered file was read and parsed."]
    for diag in report.diagnostics[:MAX_DIAGNOSTICS]:
        where = f"{diag.path}:{diag.line}" if diag.line else diag.path
        lines.append(f"- {code(where)} {diag.kind}: {one_line(diag.message)}")
    lines.extend(more_line(len(report.diagnostics) - MAX_DIAGNOSTICS))
    return lines


def not_verified_section(report: Report) -> list[str]:
    lines = ["## Not Verified by This Scan", ""]
    if not report.not_verified:
        return [*lines, "Nothing listed."]
    lines.extend(f"- {one_line(item.topic)}: {one_line(item.reason)}" for item in report.not_verified)
    return lines


def standards_section(report: Report) -> list[str]:
    lines = ["## Project Standards", ""]
    files = report.stack.standards_files
    if not files:
        return [*lines, "No project standards files (CLAUDE.md, constitution.md, CONTRIBUTING.md, linter "
                        "configurations) found."]
    lines.append("Review the findings against these project standards files:")
    lines.append("")
    lines.extend(f"- {code(path)}" for path in files)
    return lines


def render(report: Report, options) -> str:
    catalog = load_catalog()
    sections = [title_section(report), executive_summary(report)]
    sections.extend(area_section(number, area, report, catalog) for number, area in enumerate(Area, start=1))
    sections.extend([critical_issues(report), recommended_actions(report, catalog), decision(report),
                     endpoint_inventory(report), migrations_section(report), suppressed_section(report), diagnostics_section(report),
                     not_verified_section(report), standards_section(report)])
    return "\n\n".join("\n".join(section) for section in sections) + "\n"
