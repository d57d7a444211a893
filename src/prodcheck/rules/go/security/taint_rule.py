"""The shared declaration of the Go taint rules: the sink kind's number, slug, CWE, checklist row
and STRIDE categories come from `prodcheck.taint.sinks`; the flows from the taint engine over the
summaries `prodcheck.taint.go_lowering` produces. Not a rule itself."""
from __future__ import annotations

from prodcheck.model import Area, Confidence, Severity
from prodcheck.rules.base import TaintRule
from prodcheck.taint.sinks import SINK_KINDS


def go_taint_rule(kind: str, *, doc: str, fix: str, confidence: Confidence,
                  severity: Severity | None = None, severity_note: str = "",
                  coverage: str = "done", coverage_note: str = "") -> TaintRule:
    """The GO taint rule for one sink kind of `SINK_KINDS`."""
    sink = SINK_KINDS[kind]
    return TaintRule(
        id=f"GO-{sink.number}", slug=sink.slug, area=Area.SEC, title=sink.title, fix=fix,
        rows=(sink.row,), doc=doc, confidence=confidence, severity=severity,
        severity_note=severity_note, cwe=sink.cwe, stride=sink.stride, example_path="main.go",
        coverage=coverage, coverage_note=coverage_note, sink_kinds=(kind,),
    )
