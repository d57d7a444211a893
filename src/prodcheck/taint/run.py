"""Feed the taint engine's flows to the taint rules (project phase)."""
from __future__ import annotations


def run_taint_rules(rules, project, ctx):
    from prodcheck.taint.engine import find_flows
    from prodcheck.taint.specs import load_spec
    functions = [fn for facts in project.files for fn in facts.functions]
    if not functions:
        return [], [], set()
    findings, diagnostics, applied = [], [], set()
    languages = {facts.language for facts in project.files if facts.functions}
    for language in sorted(languages):
        spec = load_spec(language)
        flows = find_flows([fn for facts in project.files if facts.language == language
                            for fn in facts.functions], spec)
        for rule in rules:
            if language not in rule.languages:
                continue
            applied.add(rule.id)
            for flow in flows:
                if flow.sink_kind in rule.sink_kinds:
                    findings.append(ctx.finding(rule, flow.sink, flow.message, related=flow.steps))
    return findings, diagnostics, applied
