"""Markdown review in the layout of seed 000 (checklist part B.1), section by section:

1. Executive Summary (2-5 bullets: scope, new findings by severity, breaking changes, migrations, verdict)
2. Review Table of NEW findings: `Severity | File:Line | Issue | Recommended Fix`
3. API Contract Delta (breaking or not, with the consumer migration note)
4. Inline Diffs (```diff blocks of the new findings whose fix carries one)
5. Risk & Rollback (one paragraph: level, reasons, rollback lever)
6. Final Verdict: `LGTM` or `BLOCK (#critical, #high)`; when blocking, a TODO per blocking finding
   with its owner (CODEOWNERS) and a due date to fill in; then the post-merge smoke plan.

A "Scope Details" appendix follows (changed files by service, endpoints, models, migrations,
dependencies). Deterministic; long listings are capped (the JSON review has everything).
"""
from __future__ import annotations

from collections.abc import Sequence

from prodcheck.model import Finding
from prodcheck.report.common import priority_key, severity_counts
from prodcheck.report.markdown import (
    cell, code, confidence_word, fenced, fix_text, one_line, plural, ref, sentence, table,
)
from prodcheck.review.contract import SOURCE_NOTE
from prodcheck.review.model import WORKING_TREE, ContractChange, Review, ReviewedFinding
from prodcheck.rules.catalog import Catalog, load_catalog

MAX_ROWS = 100
MAX_FIXED = 20
MAX_DIFFS = 10
MAX_FILES = 200
MAX_LISTED = 50
HINT = "`-f json` lists every item"
KIND_WORDS = {"endpoint-removed": "endpoint removed", "method-removed": "method removed",
              "endpoint-added": "endpoint added", "auth-added": "authentication added",
              "auth-removed": "authentication removed", "pagination-added": "pagination added"}


# ---------------------------------------------------------------------------- helpers

def kind_words(change: ContractChange) -> str:
    words = KIND_WORDS.get(change.kind, change.kind.replace("-", " "))
    return words if change.source == "code" else f"{words}: {cell(change.detail)}"


def side(ref_name: str, commit: str) -> str:
    return f"{code(ref_name)} ({commit[:12]})" if commit else ref_name


def counts_text(findings: Sequence[Finding]) -> str:
    return ", ".join(f"{count} {name.lower()}" for name, count in severity_counts(findings).items())


def verdict_line(review: Review) -> str:
    counts = severity_counts(review.delta.new_findings)
    return f"**{review.review_word}** ({counts['CRITICAL']} critical, {counts['HIGH']} high)"


def location_text(location) -> str:
    label = f" ({location.label})" if location.label else ""
    return f"{code(ref(location))}{label}"


def left_table(header: Sequence[str], rows: list[list[str]]) -> list[str]:
    """A table with left-aligned columns (`:--`), as seed 000 writes its Review Table."""
    return ["| " + " | ".join(header) + " |", "| " + " | ".join(":--" for _ in header) + " |",
            *("| " + " | ".join(row) + " |" for row in rows)]


def hidden_line(hidden: int) -> list[str]:
    return ["", f"... and {hidden} more ({HINT})."] if hidden > 0 else []


# ---------------------------------------------------------------------------- title and summary

def title(review: Review) -> list[str]:
    where = f"{review.repository}/{review.path}" if review.path else review.repository
    head = side(review.head_ref, review.head_commit) if review.head_commit else f"the {WORKING_TREE}"
    return [f"# Code Review: {code(where)}", "",
            f"Base {side(review.base_ref, review.base_commit)} → head {head} · prodcheck {review.tool_version} · "
            f"{plural(len(review.changes.files), 'file')} changed, {plural(review.files_scanned, 'file')} "
            "scanned at head"]


def scope_bullet(review: Review) -> str:
    scope = review.scope
    services = [name for name, _ in scope.services if name]
    where = f" in {plural(len(services), 'service')} ({', '.join(code(s) for s in services)})" if services else ""
    modules = ", ".join(code(name) for name, _ in scope.modules[:8])
    more = " ..." if len(scope.modules) > 8 else ""
    endpoints = (f"endpoints {len(scope.endpoints_added)} added, {len(scope.endpoints_changed)} changed, "
                 f"{len(scope.endpoints_removed)} removed")
    models = (f"models {len(scope.models_added)} added, {len(scope.models_changed)} changed, "
              f"{len(scope.models_removed)} removed")
    return (f"- Scope: {plural(len(scope.files), 'file')} changed{where}; modules {modules or 'none'}{more}; "
            f"{endpoints}; {models}.")


def findings_bullet(review: Review) -> str:
    delta = review.delta
    on_lines = sum(1 for item in delta.new if item.on_changed_lines)
    return (f"- New findings: {len(delta.new)} ({counts_text(delta.new_findings)}), {on_lines} on changed lines; "
            f"{len(delta.fixed)} fixed; {plural(len(delta.existing), 'existing finding')} left out of the verdict.")


def contract_bullet(review: Review) -> str:
    breaking = review.breaking
    if not review.contract:
        return "- API contract: no endpoint added, removed or changed in authentication or pagination."
    listed = ", ".join(f"{code(f'{c.method} {c.path}')} ({kind_words(c)})" for c in breaking[:3])
    listed += " ..." if len(breaking) > 3 else ""
    tail = f": {listed}" if breaking else ""
    return (f"- API contract: {plural(len(breaking), 'breaking change')}{tail}; "
            f"{len(review.contract) - len(breaking)} non-breaking.")


def migrations_bullet(review: Review) -> str:
    scope = review.scope
    touched = (*scope.migrations_added, *scope.migrations_changed)
    if not touched and not scope.migrations_removed and not scope.edited_migrations:
        return "- Migrations: none added, changed or removed."
    irreversible = sum(1 for m in touched if m.reversible is False)
    parts = [f"{len(scope.migrations_added)} added", f"{len(scope.migrations_changed)} changed",
             f"{len(scope.migrations_removed)} removed"]
    if irreversible:
        parts.append(f"{irreversible} irreversible")
    if scope.edited_migrations:
        parts.append(f"{plural(len(scope.edited_migrations), 'applied migration')} edited or deleted (forward-only "
                     "rule broken)")
    return f"- Migrations: {', '.join(parts)}."


def executive_summary(review: Review) -> list[str]:
    return ["## Executive Summary", "", scope_bullet(review), findings_bullet(review), contract_bullet(review),
            migrations_bullet(review), f"- Verdict: {verdict_line(review)}; risk {review.risk.level}."]


# ---------------------------------------------------------------------------- review table

def review_row(item: ReviewedFinding, catalog: Catalog) -> list[str]:
    finding = item.finding
    where = code(cell(ref(finding.location))) + (" (changed)" if item.on_changed_lines else "")
    issue = f"{finding.rule_id}: {finding.message} ({confidence_word(finding.confidence)})"
    return [f"**{finding.severity.value}**", where, cell(issue), cell(fix_text(finding, catalog))]


def fixed_lines(review: Review) -> list[str]:
    fixed = sorted(review.delta.fixed, key=priority_key)
    if not fixed:
        return []
    lines = ["", f"Fixed by this change ({len(fixed)}, as found at base):", ""]
    lines.extend(f"- {f.severity.value} {code(ref(f.location))} {f.rule_id}: {one_line(f.message)}"
                 for f in fixed[:MAX_FIXED])
    return lines + hidden_line(len(fixed) - MAX_FIXED)


def diagnostic_lines(review: Review) -> list[str]:
    if not review.diagnostics:
        return []
    lines = ["", "Changed files the scan could not fully read (their findings may be incomplete):", ""]
    lines.extend(f"- {code(d.path + (':' + str(d.line) if d.line else ''))} {d.kind}: {one_line(d.message)}"
                 for d in review.diagnostics[:MAX_LISTED])
    return lines


def review_table(review: Review, catalog: Catalog) -> list[str]:
    items = sorted(review.delta.new, key=lambda item: priority_key(item.finding))
    lines = ["## Review Table", ""]
    if items:
        lines += ["New findings only: at head and not at base (renamed files keep their findings). "
                  "(changed) marks a finding on a line this change adds or modifies.", ""]
        lines += left_table(("Severity", "File:Line", "Issue", "Recommended Fix"),
                            [review_row(item, catalog) for item in items[:MAX_ROWS]])
        lines += hidden_line(len(items) - MAX_ROWS)
    else:
        lines.append("No new findings: the change adds nothing the scan flags.")
    return lines + fixed_lines(review) + diagnostic_lines(review)


# ---------------------------------------------------------------------------- contract, diffs, risk

def contract_row(change: ContractChange) -> list[str]:
    return [kind_words(change), code(cell(f"{change.method} {change.path}")),
            location_text(change.location), "**breaking**" if change.breaking else "non-breaking",
            cell(change.migration_note)]


def contract_section(review: Review) -> list[str]:
    lines = ["## API Contract Delta", "", SOURCE_NOTE, ""]
    if not review.contract:
        return lines + ["No contract change: no endpoint added, removed, or changed in authentication or pagination."]
    rows = table(("Change", "Endpoint", "Where", "Compatibility", "Consumer migration"),
                 (contract_row(c) for c in review.contract[:MAX_ROWS]))
    return lines + rows + hidden_line(len(review.contract) - MAX_ROWS)


def diffs_section(review: Review) -> list[str]:
    with_diff = sorted((f for f in review.delta.new_findings if f.fix is not None and f.fix.diff.strip()),
                       key=priority_key)
    lines = ["## Inline Diffs", ""]
    if not with_diff:
        return lines + ["No new finding comes with a ready-made diff; the Review Table gives each fix."]
    for finding in with_diff[:MAX_DIFFS]:
        lines += [f"**{finding.severity.value}** {code(ref(finding.location))} {finding.rule_id}: "
                  f"{sentence(finding.message)}", "", *fenced(finding.fix.diff, "diff"), ""]
    return lines[:-1] + hidden_line(len(with_diff) - MAX_DIFFS)


def risk_section(review: Review) -> list[str]:
    risk = review.risk
    paragraph = (f"Risk level: **{risk.level}**, because of {'; '.join(risk.reasons)}. "
                 f"Rollback lever: {'; '.join(risk.levers)}.")
    return ["## Risk & Rollback", "", paragraph]


# ---------------------------------------------------------------------------- verdict

def verdict_text(review: Review) -> str:
    findings = review.delta.new_findings
    if review.review_word == "LGTM":
        counts = severity_counts(findings)
        return (f"{verdict_line(review)}: no new critical finding and no new high finding of medium or high "
                f"confidence; {counts['MEDIUM']} medium and {counts['LOW']} low new findings to consider.")
    return f"{verdict_line(review)}: fix the new blocking findings below before merging."


def todo_lines(review: Review) -> list[str]:
    if not review.todos:
        return []
    lines = ["", "### TODO before merge", ""]
    for todo in review.todos[:MAX_LISTED]:
        f = todo.finding
        lines.append(f"- [ ] **{f.severity.value}** {code(ref(f.location))} {f.rule_id}: {sentence(f.message)} "
                     f"Owner: {todo.owner}. Due: {todo.due}.")
    return lines + hidden_line(len(review.todos) - MAX_LISTED)


def smoke_lines(review: Review) -> list[str]:
    lines = ["", "### Post-merge smoke plan", ""]
    lines.extend(f"{index}. {step.text}" for index, step in enumerate(review.smoke, start=1))
    return lines


def verdict_section(review: Review) -> list[str]:
    return ["## Final Verdict", "", verdict_text(review), *todo_lines(review), *smoke_lines(review)]


# ---------------------------------------------------------------------------- appendix

def scope_details(review: Review) -> list[str]:
    scope = review.scope
    service_of = {path: name for name, paths in scope.services for path in paths}
    lines = ["## Scope Details", "", "Changed files:", ""]
    rows = [[change.word + (f" from {code(change.old_path)}" if change.old_path != change.path else ""),
             code(cell(change.path)), code(service_of.get(change.path) or "-")] for change in scope.files[:MAX_FILES]]
    lines += table(("Status", "File", "Service"), rows) if rows else ["None."]
    lines += hidden_line(len(scope.files) - MAX_FILES)
    lines += listing("Endpoints added", [f"{code(c.endpoint.method + ' ' + c.endpoint.path)} at "
                                         f"{code(ref(c.endpoint.location))}" for c in scope.endpoints_added])
    lines += listing("Endpoints changed", [f"{code(c.endpoint.method + ' ' + c.endpoint.path)}: {'; '.join(c.reasons)}"
                                           for c in scope.endpoints_changed])
    lines += listing("Endpoints removed", [code(c.endpoint.method + " " + c.endpoint.path)
                                           for c in scope.endpoints_removed])
    models = ([f"{code(m.model.name)} ({m.model.kind}) added" for m in scope.models_added]
              + [f"{code(m.model.name)} ({m.model.kind}): {'; '.join(m.reasons)}" for m in scope.models_changed]
              + [f"{code(m.model.name)} ({m.model.kind}) removed" for m in scope.models_removed])
    lines += listing("Data models", models)
    migrations = ([f"{code(m.path)} added ({reversibility(m.reversible)})" for m in scope.migrations_added]
                  + [f"{code(m.path)} changed ({reversibility(m.reversible)})" for m in scope.migrations_changed]
                  + [f"{code(m.path)} removed" for m in scope.migrations_removed])
    lines += listing("Migrations", migrations)
    deps = ([f"{code(d.name)} {d.spec} added ({d.ecosystem}{', dev' if d.dev else ''})"
             for d in scope.dependencies_added]
            + [f"{code(d.name)} removed ({d.ecosystem})" for d in scope.dependencies_removed])
    lines += listing("Dependencies", deps)
    lines += listing("New integrations", [f"{i.category} {code(i.name)}" + (f" ({i.service})" if i.service else "")
                                          for i in scope.integrations_added])
    return lines


def reversibility(value: bool | None) -> str:
    return {True: "reversible", False: "irreversible", None: "reversibility unknown"}[value]


def listing(heading: str, items: list[str]) -> list[str]:
    if not items:
        return []
    return ["", f"{heading}:", "", *(f"- {one_line(item)}" for item in items[:MAX_LISTED]),
            *hidden_line(len(items) - MAX_LISTED)]


def render_review(review: Review) -> str:
    catalog = load_catalog()
    sections = [title(review), executive_summary(review), review_table(review, catalog), contract_section(review),
                diffs_section(review), risk_section(review), verdict_section(review), scope_details(review)]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"


GITHUB_COMMENT_LIMIT = 65_536          # characters GitHub accepts in one issue or pull-request comment
FOLD_OVER = 1_500                      # sections longer than this are folded in <details>


def render_github_comment(review: Review, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    """The review as one pull-request comment: the summary and the verdict stay open, long sections
    are folded, and the whole fits GitHub's comment size limit (long sections are cut at line
    boundaries, code fences kept balanced, with a note saying what was left out)."""
    catalog = load_catalog()
    named = [("", title(review)), ("", executive_summary(review)), ("Review Table", review_table(review, catalog)),
             ("API Contract Delta", contract_section(review)), ("Inline Diffs", diffs_section(review)),
             ("", risk_section(review)), ("", verdict_section(review)), ("Scope details", scope_details(review))]
    fixed = sum(len("\n".join(lines)) + 2 for name, lines in named if not name or len("\n".join(lines)) <= FOLD_OVER)
    folded = [(name, lines) for name, lines in named if name and len("\n".join(lines)) > FOLD_OVER]
    budget = max(0, limit - fixed - 400 * len(folded) - 64)
    share = budget // len(folded) if folded else 0
    parts = []
    for name, lines in named:
        text = "\n".join(lines)
        if not name or len(text) <= FOLD_OVER:
            parts.append(text)
            continue
        heading, body = lines[0], lines[1:]
        kept = _cut(body, share)
        parts.append("\n".join([heading, "", f"<details><summary>{name}</summary>", "", *kept, "", "</details>"]))
    rendered = "\n\n".join(parts) + "\n"
    if len(rendered) > limit:          # the open sections alone are too long: summary and verdict only
        lines = [*title(review), "", *executive_summary(review), "", *verdict_section(review)]
        rendered = "\n".join(_cut(lines, limit - 2)) + "\n"
    return rendered


def _cut(lines: list[str], budget: int) -> list[str]:
    total = sum(len(line) + 1 for line in lines)
    if total <= budget:
        return lines
    kept, used = [], 0
    for line in lines:
        if used + len(line) + 1 > budget - 200:
            break
        kept.append(line)
        used += len(line) + 1
    if sum(1 for line in kept if line.lstrip().startswith("```")) % 2:
        kept.append("```")
    left = len(lines) - len(kept)
    return [*kept, "", f"*{left} more lines not shown (GitHub comment size limit): run `prodcheck review` "
                       "locally or use `-f json` for everything.*"]
