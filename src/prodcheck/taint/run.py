"""Feed the taint engine's flows to the taint rules (project phase).

Functions are analysed together per spec family (TypeScript with JavaScript), so a flow may cross
modules; a rule reports a flow when the language of the file holding the sink is one of its own.
"""
from __future__ import annotations

from prodcheck.model import Diagnostic


def run_taint_rules(rules, project, ctx):
    from prodcheck.taint.engine import find_flows
    from prodcheck.taint.specs import load_spec, spec_family
    findings, diagnostics, applied = [], [], set()
    families: dict[str, list] = {}
    for facts in project.files:
        family = spec_family(facts.language) if facts.functions else None
        if family is not None:
            families.setdefault(family, []).append(facts)
    for family in sorted(families):
        files = families[family]
        languages = {facts.language for facts in files}
        family_rules = [rule for rule in rules if languages & set(rule.languages)]
        if not family_rules:
            continue
        try:
            flows = find_flows([fn for facts in files for fn in facts.functions], load_spec(family))
        except Exception as exc:  # a broken spec or engine becomes a diagnostic; the scan goes on
            diagnostics.append(Diagnostic(".", "rule-error", f"taint analysis ({family}) failed: "
                                                             f"{type(exc).__name__}: {exc}"))
            continue
        language_of = {facts.path: facts.language for facts in files}
        for rule in family_rules:
            applied.add(rule.id)
            for flow in flows:
                if flow.sink_kind in rule.sink_kinds and language_of.get(flow.sink.path) in rule.languages:
                    findings.append(ctx.finding(rule, flow.sink, flow.message, related=flow.steps))
    return findings, diagnostics, applied
