"""GitHub Actions workflow commands: one annotation per finding, then a summary notice.

    ::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=RULE-ID TITLE::MESSAGE

`error` for CRITICAL and HIGH, `warning` for MEDIUM, `notice` for LOW. Values are escaped as the
runner expects (`%` -> `%25`, CR -> `%0D`, LF -> `%0A` in messages; `:` and `,` as well in property
values), so every annotation stays on one line and text from the scanned code cannot start a
command of its own. `col`/`endColumn` are given only for single-line locations (GitHub ignores
columns on multi-line annotations). GitHub shows a limited number of annotations per step, so they
come most severe first; the last line is a `::notice::` with the verdict and the counts. Paths are
relative to the scan root: scan the repository root for annotations to land on its files.
Suppressed findings are not annotated (they are counted in the summary).
"""
from __future__ import annotations

from prodcheck.model import Finding, Report, Severity
from prodcheck.report.common import fmt_score, priority_key, severity_counts
from prodcheck.report.markdown import fix_text, rule_title
from prodcheck.rules.catalog import Catalog, load_catalog

COMMAND = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "notice"}


def escape_data(text: str) -> str:
    """The message part of a workflow command."""
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A `key=value` property of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: list[tuple[str, str | int]], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def location_properties(finding: Finding) -> list[tuple[str, str | int]]:
    loc = finding.location
    if not loc.path or loc.path == ".":
        return []
    props: list[tuple[str, str | int]] = [("file", loc.path)]
    if loc.start.line <= 0:
        return props
    end_line = max(loc.end.line, loc.start.line)
    props.append(("line", loc.start.line))
    if end_line == loc.start.line and loc.start.column > 0:
        props.append(("col", loc.start.column))
    props.append(("endLine", end_line))
    if end_line == loc.start.line and loc.end.column > loc.start.column:
        props.append(("endColumn", loc.end.column))
    return props


def annotation(finding: Finding, catalog: Catalog) -> str:
    title = f"{finding.rule_id} {rule_title(finding, catalog)}".strip()
    message = f"{finding.message} ({finding.severity.value}, confidence {finding.confidence.value.lower()})"
    fix = fix_text(finding, catalog)
    if fix:
        message += f"\n\nFix: {fix}"
    return command(COMMAND[finding.severity], [*location_properties(finding), ("title", title)], message)


def summary(report: Report) -> str:
    counts = severity_counts(report.findings)
    by_severity = ", ".join(f"{count} {name.lower()}" for name, count in counts.items())
    return command("notice", [], (
        f"prodcheck verdict: {report.verdict.value} ({report.verdict.review_word}); "
        f"{len(report.findings)} findings ({by_severity}), {len(report.suppressed)} suppressed, "
        f"{len(report.diagnostics)} diagnostics; overall score {fmt_score(report.scores.overall)}"))


def render(report: Report, options) -> str:
    catalog = load_catalog()
    lines = [annotation(finding, catalog) for finding in sorted(report.findings, key=priority_key)]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
