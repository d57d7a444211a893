"""Run the per-file rules on one parsed file: one walk of its tree for all node rules of its
language (dispatch by node type), then the file rules. A rule that raises becomes a diagnostic."""
from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import replace

from prodcheck.model import Diagnostic, Finding
from prodcheck.rules.base import FileRule, NodeRule, Rule
from prodcheck.rules.context import FileContext

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def run_file_rules(parsed, rules: Iterable[Rule],
                   postgres_version: int = 0) -> tuple[list[Finding], list[Diagnostic], set[str]]:
    """Findings, rule errors, and the ids of the rules that had something to look at here."""
    ctx = FileContext(parsed, postgres_version)
    findings: list[Finding] = []
    failures: Failures = {}
    applied: set[str] = set()
    node_rules = [r for r in rules if isinstance(r, NodeRule) and parsed.language in r.languages
                  and (parsed.kind != "test" or r.in_tests)]
    if node_rules and parsed.tree is not None:
        applied.update(r.id for r in node_rules)
        walker = WALKERS.get(parsed.language)
        if walker is not None:
            walker(parsed.tree, _dispatch_index(node_rules), ctx, findings, failures)
    for rule in rules:
        if isinstance(rule, FileRule) and rule.applies_to(parsed.language, parsed.kind):
            applied.add(rule.id)
            _guarded(rule, parsed, ctx, findings, failures)
    return findings, [_reported(first, count) for first, count in failures.values()], applied


# rule id -> (its first failure in the file, how many times it failed). A rule that fails on one
# node usually fails on every node of that shape: it is reported once, with the count.
Failures = dict[str, list]


def _reported(first: Diagnostic, count: int) -> Diagnostic:
    return replace(first, message=f"{first.message} ({count} times in this file)") if count > 1 else first


def _dispatch_index(rules: list[NodeRule]) -> dict:
    index: dict = {}
    for rule in rules:
        for node_type in rule.visits:
            index.setdefault(node_type, []).append(rule)
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


def walk_python(tree: ast.AST, index: dict, ctx: FileContext, findings: list[Finding],
                failures: Failures) -> None:
    """Depth-first, iterative (deep nesting cannot overflow the stack), tracking the symbol."""
    stack: list[tuple[ast.AST, tuple[str, ...]]] = [(tree, ())]
    while stack:
        node, symbols = stack.pop()
        rules = index.get(type(node))
        if rules:
            ctx.symbols = list(symbols)
            for rule in rules:
                _guarded(rule, node, ctx, findings, failures, getattr(node, "lineno", 0))
        if isinstance(node, _SCOPES):
            symbols = (*symbols, node.name)
        stack.extend((child, symbols) for child in reversed(list(ast.iter_child_nodes(node))))


_TS_SCOPES = frozenset({
    "function_declaration", "generator_function_declaration", "method_definition", "class_declaration",
    "abstract_class_declaration", "method_declaration", "type_declaration",
})


def walk_treesitter(tree, index: dict, ctx: FileContext, findings: list[Finding],
                    failures: Failures) -> None:
    """The same single walk for tree-sitter trees (JS/TS/Go), dispatching on `node.type`."""
    stack: list[tuple[object, tuple[str, ...]]] = [(tree.root_node, ())]
    while stack:
        node, symbols = stack.pop()
        rules = index.get(node.type)
        if rules:
            ctx.symbols = list(symbols)
            for rule in rules:
                _guarded(rule, node, ctx, findings, failures, node.start_point[0] + 1)
        if node.type in _TS_SCOPES:
            name = node.child_by_field_name("name")
            if name is not None and name.text:
                symbols = (*symbols, name.text.decode("utf-8", errors="replace"))
        if node.child_count:
            for child in reversed(node.children):
                stack.append((child, symbols))


WALKERS = {"python": walk_python, "javascript": walk_treesitter, "typescript": walk_treesitter,
           "go": walk_treesitter}
