"""The shared declaration of the JavaScript/TypeScript taint rules: the sink kind's number, slug,
CWE, checklist row and STRIDE categories come from `prodcheck.taint.sinks`; the flows from the taint
engine over the summaries `prodcheck.taint.javascript_lowering` produces (sinks, sanitizers and
propagators: `taint/specs/javascript.toml`). Not a rule itself."""
from __future__ import annotations

from prodcheck.model import Area, Confidence, Severity
from prodcheck.rules.base import TaintRule
from prodcheck.taint.sinks import SINK_KINDS


def javascript_taint_rule(kind: str, *, doc: str, fix: str, confidence: Confidence,
                          severity: Severity | None = None, severity_note: str = "",
                          coverage: str = "done", coverage_note: str = "",
                          example_path: str = "app.js") -> TaintRule:
    """The JS taint rule (JavaScript and TypeScript) for one sink kind of `SINK_KINDS`."""
    sink = SINK_KINDS[kind]
    return TaintRule(
        id=f"JS-{sink.number}", slug=sink.slug, area=Area.SEC, title=sink.title, fix=fix,
        rows=(sink.row,), doc=doc, confidence=confidence, severity=severity,
        severity_note=severity_note, cwe=sink.cwe, stride=sink.stride, example_path=example_path,
        coverage=coverage, coverage_note=coverage_note, sink_kinds=(kind,),
    )
