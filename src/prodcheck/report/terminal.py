"""The rich terminal summary: verdict, scores per area, findings grouped by severity."""
from __future__ import annotations

import io
import shutil

from rich.console import Console
from rich.table import Table
from rich.text import Text

from prodcheck.model import Report, Severity, Verdict
from prodcheck.report.common import by_severity, fmt_score, review_line, severity_counts

STYLE = {Severity.CRITICAL: "bold white on red", Severity.HIGH: "bold red", Severity.MEDIUM: "yellow",
         Severity.LOW: "cyan"}
VERDICT_STYLE = {Verdict.PASS: "bold green", Verdict.NEEDS_FIX: "bold yellow", Verdict.BLOCKED: "bold red"}
MAX_PER_SEVERITY = 25


def render(report: Report, options) -> str:
    buffer = io.StringIO()
    width = options.width or (shutil.get_terminal_size((120, 24)).columns if options.color else 120)
    console = Console(file=buffer, force_terminal=options.color, no_color=not options.color,
                      width=width, highlight=False, soft_wrap=False)
    services = ", ".join(f"{s.name} ({s.language}{': ' + ', '.join(s.uses('framework')) if s.uses('framework') else ''})"
                         for s in report.stack.services) or "none detected"
    console.print(Text(f"prodcheck {report.tool_version} - {report.root}", style="bold"))
    console.print(f"{report.files_scanned} files, {report.lines_scanned} lines; services: {services}")
    console.print(f"{len(report.inventory.endpoints)} endpoints, {len(report.inventory.models)} models, "
                  f"{len(report.inventory.migrations)} migrations, {len(report.inventory.external_calls)} external calls")
    console.print()
    grouped = by_severity(report.findings)
    for severity, findings in grouped.items():
        if not findings:
            continue
        console.print(Text(f"{severity.value} ({len(findings)})", style=STYLE[severity]))
        for f in sorted(findings, key=lambda x: (x.area.value, x.sort_key))[:MAX_PER_SEVERITY]:
            line = Text("  ")
            line.append(f"{f.location.path}:{f.location.start.line}", style="bold")
            line.append(f"  {f.rule_id} [{f.area.value}] ")
            line.append(f.message)
            if f.confidence.value != "HIGH":
                line.append(f"  (confidence {f.confidence.value.lower()})", style="dim")
            console.print(line, soft_wrap=True)
        if len(findings) > MAX_PER_SEVERITY:
            console.print(f"  ... and {len(findings) - MAX_PER_SEVERITY} more (use -f md or -f json for all)")
        console.print()
    table = Table(title="Scores", show_header=True, header_style="bold")
    table.add_column("area")
    table.add_column("score", justify="right")
    table.add_column("findings", justify="right")
    for area in report.scores.areas:
        table.add_row(f"{area.area.value}  {area.area.title}", fmt_score(area.score), str(area.findings))
    table.add_row("overall", fmt_score(report.scores.overall), str(len(report.findings)), style="bold")
    console.print(table)
    counts = severity_counts(report.findings)
    console.print(f"{counts['CRITICAL']} critical, {counts['HIGH']} high, {counts['MEDIUM']} medium, "
                  f"{counts['LOW']} low; {len(report.suppressed)} suppressed; "
                  f"{len(report.diagnostics)} diagnostics")
    verdict = Text("Production readiness: ")
    verdict.append(report.verdict.value, style=VERDICT_STYLE[report.verdict])
    verdict.append(f"    Review: {review_line(report)}")
    console.print(verdict)
    if report.findings:
        console.print(Text(f"Run `prodcheck explain {report.findings[0].rule_id}` for what a rule checks and how to fix it.",
                           style="dim"))
    return buffer.getvalue()
