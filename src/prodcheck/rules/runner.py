"""Run the per-file rules on one parsed file: one walk of its tree for all node rules of its
language (dispatch by node type), then the file rules. A rule that raises becomes a diagnostic."""
from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, replace
from types import SimpleNamespace

from prodcheck.facts.extractors.python_common import module_parents, module_preorder
from prodcheck.model import Diagnostic, Finding
from prodcheck.rules.base import FileRule, NodeRule, Rule
from prodcheck.rules.context import FileContext

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def run_file_rules(parsed, rules: RuleSelection | Iterable[Rule],
                   postgres_version: int = 0) -> tuple[list[Finding], list[Diagnostic], set[str]]:
    """Findings, rule errors, and the ids of the rules that had something to look at here."""
    selection = rules if isinstance(rules, RuleSelection) else RuleSelection(rules)
    ctx = FileContext(parsed, postgres_version)
    findings: list[Finding] = []
    failures: Failures = {}
    applied: set[str] = set()
    plan = selection.plan(parsed.language, parsed.kind)
    if plan.node_rules and parsed.tree is not None:
        applied.update(plan.node_rule_ids)
        walker = WALKERS.get(parsed.language)
        if walker is not None:
            walker(parsed.tree, plan.dispatch, ctx, findings, failures)
    for rule in plan.file_rules:
        applied.add(rule.id)
        _guarded(rule, parsed, ctx, findings, failures)
    return findings, [_reported(first, count) for first, count in failures.values()], applied


@dataclass(frozen=True, slots=True)
class _Plan:
    """The rules that apply to one language and kind of file: node rules indexed by the node
    types they visit, and file rules."""
    node_rules: tuple[NodeRule, ...]
    node_rule_ids: frozenset[str]
    dispatch: dict
    file_rules: tuple[FileRule, ...]


class RuleSelection:
    """The rules of one scan, with their per-language-and-kind plans worked out once instead of
    once per file (the pipeline keeps one selection per worker)."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        self._plans: dict[tuple[str, str], _Plan] = {}

    def plan(self, language: str, kind: str) -> _Plan:
        found = self._plans.get((language, kind))
        if found is None:
            node_rules = tuple(r for r in self.rules if isinstance(r, NodeRule) and language in r.languages
                               and (kind != "test" or r.in_tests))
            found = self._plans[(language, kind)] = _Plan(
                node_rules, frozenset(r.id for r in node_rules), _dispatch_index(list(node_rules)),
                tuple(r for r in self.rules if isinstance(r, FileRule) and r.applies_to(language, kind)))
        return found


# rule id -> (its first failure in the file, how many times it failed). A rule that fails on one
# node usually fails on every node of that shape: it is reported once, with the count.
Failures = dict[str, list]


def _reported(first: Diagnostic, count: int) -> Diagnostic:
    return replace(first, message=f"{first.message} ({count} times in this file)") if count > 1 else first


def _dispatch_index(rules: list[NodeRule]) -> dict:
    """Node type -> the (rule, its check) pairs that visit it."""
    index: dict = {}
    for rule in rules:
        for node_type in rule.visits:
            index.setdefault(node_type, []).append((rule, rule.check))
    return index


def _guarded(rule: Rule, subject: object, ctx: FileContext, findings: list[Finding],
             failures: Failures, line: int = 0) -> None:
    """`rule.check(subject, ctx)`, its failure becoming a diagnostic instead of ending the scan."""
    try:
        findings.extend(rule.check(subject, ctx) or ())
    except RecursionError:
        _failed(failures, rule, Diagnostic(ctx.path, "rule-error", f"{rule.id}: nesting too deep", line))
    except Exception as exc:  # a broken rule must not stop the scan or lose other findings
        _failed(failures, rule, Diagnostic(ctx.path, "rule-error",
                                           f"{rule.id} failed: {type(exc).__name__}: {exc}", line))


def _failed(failures: Failures, rule: Rule, diagnostic: Diagnostic) -> None:
    entry = failures.setdefault(rule.id, [diagnostic, 0])
    entry[1] += 1


def walk_python(tree: ast.AST, checks: dict, ctx: FileContext, findings: list[Finding],
                failures: Failures) -> None:
    """Every node depth first (the order of a recursive visit), over the file's memoized node
    list instead of a walk of its own; the enclosing symbol of a visited node is worked out from
    the parent map only when a rule reads it (most visits report nothing)."""
    parsed = ctx.file if ctx.file.tree is tree else SimpleNamespace(tree=tree, memo={})
    parents = module_parents(parsed)

    def symbols_of(node: ast.AST) -> list[str]:
        names = []
        current = parents.get(id(node))
        while current is not None:
            if isinstance(current, _SCOPES):
                names.append(current.name)
            current = parents.get(id(current))
        names.reverse()
        return names

    for node in module_preorder(parsed):
        node_checks = checks.get(type(node))
        if node_checks is None:
            continue
        ctx.defer_symbols(node, symbols_of)
        _run_checks(node, node_checks, ctx, findings, failures, _python_line)


def _run_checks(node, node_checks: list, ctx: FileContext, findings: list[Finding], failures: Failures,
                line_of) -> None:
    """`_guarded` for every rule visiting `node`, inlined: the walks call this once per dispatched
    node, and the loop runs once per (node, rule) pair."""
    for rule, check in node_checks:
        try:
            found = check(node, ctx)
            if found:
                findings.extend(found)
        except RecursionError:
            _failed(failures, rule, Diagnostic(ctx.path, "rule-error", f"{rule.id}: nesting too deep",
                                               line_of(node)))
        except Exception as exc:  # a broken rule must not stop the scan or lose other findings
            _failed(failures, rule, Diagnostic(ctx.path, "rule-error",
                                               f"{rule.id} failed: {type(exc).__name__}: {exc}", line_of(node)))


def _python_line(node) -> int:
    return getattr(node, "lineno", 0)


def _treesitter_line(node) -> int:
    return node.start_point[0] + 1


_TS_SCOPES = frozenset({
    "function_declaration", "generator_function_declaration", "method_definition", "class_declaration",
    "abstract_class_declaration", "method_declaration", "type_declaration",
})


def walk_treesitter(tree, checks: dict, ctx: FileContext, findings: list[Finding],
                    failures: Failures) -> None:
    """The same single walk for tree-sitter trees (JS/TS/Go), dispatching on `node.type`, over the
    file's memoised node list (`treesitter.preorder`: the extractors read the same list). The
    enclosing symbol of a visited node is worked out from its ancestors only when a rule reads it
    (most visits report nothing)."""
    from prodcheck.parsing.treesitter import preorder, preorder_of

    def symbols_of(node) -> list[str]:
        names = []
        current = node.parent
        while current is not None:
            if current.type in _TS_SCOPES:
                name = current.child_by_field_name("name")
                if name is not None:
                    text = name.text
                    if text:
                        names.append(text.decode("utf-8", errors="replace"))
            current = current.parent
        names.reverse()
        return names

    listed = preorder(ctx.file) if ctx.file.tree is tree else preorder_of(tree.root_node)
    nodes, types = listed.nodes, listed.types
    for position in [i for i, kind in enumerate(types) if kind in checks]:
        node = nodes[position]
        ctx.defer_symbols(node, symbols_of)
        _run_checks(node, checks[types[position]], ctx, findings, failures, _treesitter_line)


WALKERS = {"python": walk_python, "javascript": walk_treesitter, "typescript": walk_treesitter,
           "go": walk_treesitter}
