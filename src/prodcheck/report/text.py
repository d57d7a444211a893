"""Plain text for logs: one line per finding, then the verdict. No colour, no layout."""
from __future__ import annotations

from prodcheck.model import Report
from prodcheck.report.common import fmt_score, review_line, severity_counts


def render(report: Report, options) -> str:
    out = []
    for f in report.findings:
        loc = f.location
        out.append(f"{loc.path}:{loc.start.line}:{loc.start.column}: {f.severity.value} {f.rule_id} "
                   f"{f.message} [confidence {f.confidence.value.lower()}]")
    for d in report.diagnostics:
        where = f"{d.path}:{d.line}" if d.line else d.path
        out.append(f"{where}: diagnostic {d.kind}: {d.message}")
    counts = severity_counts(report.findings)
    out.append("")
    out.append("Scores: " + ", ".join(f"{a.area.value} {fmt_score(a.score)}" for a in report.scores.areas)
               + f"; overall {fmt_score(report.scores.overall)}")
    out.append(f"{len(report.findings)} findings (" + ", ".join(f"{n} {s.lower()}" for s, n in counts.items())
               + f"), {len(report.suppressed)} suppressed, {len(report.diagnostics)} diagnostics; "
               f"{report.files_scanned} files, {report.lines_scanned} lines")
    out.append(f"Production readiness: {report.verdict.value}   Review: {review_line(report)}")
    return "\n".join(out) + "\n"
