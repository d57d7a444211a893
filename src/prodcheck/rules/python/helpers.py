"""Helpers shared by the Python rules. Per-file results are memoised in `ctx.data` (one walk of
the tree each), so rules stay pure functions of (node, ctx).

- `qualified(ctx, node)`: "requests.get" for `requests.get`, read through the file's imports;
- `bound_constructor(ctx, receiver)`: what a name or `self.x` attribute was bound to in the scope
  where it is used (`s = requests.Session()` -> "requests.Session"); "" when unknown;
- `parent_of(ctx, node)`, `enclosing_function(ctx, node)`;
- `line_edit_diff(ctx, line, new_text)`: a one-line unified diff for `Fix.diff`.
"""
from __future__ import annotations

import ast
from collections.abc import Mapping

from prodcheck.facts.extractors.python_common import (
    dotted, may_pass_keyword, module_parents, module_preorder, qualified_name,
)
from prodcheck.facts.extractors.python_handlers import module_view

__all__ = [
    "bindings", "bound_constructor", "enclosing_function", "imports", "insert_keyword_diff", "line_edit_diff",
    "may_pass_keyword", "parent_of", "qualified", "replace_span_diff", "text_of_span",
]


def imports(ctx) -> Mapping[str, str]:
    """The file's import map, shared with the extractors through the parsed file's memo."""
    return module_view(ctx.file).imports if ctx.file.tree is not None else {}


def qualified(ctx, node: ast.AST | None) -> str:
    """`qualified_name` through the file's imports, memoised per node: most rules visit calls and
    ask for the same callee's name. The node is kept with its name, so its id cannot be reused."""
    memo = ctx.data.get("python.qualified")
    if memo is None:
        memo = ctx.data["python.qualified"] = {}
    known = memo.get(id(node))
    if known is not None and known[0] is node:
        return known[1]
    name = qualified_name(node, imports(ctx))
    memo[id(node)] = (node, name)
    return name


def _parents(ctx) -> dict[int, ast.AST]:
    return module_parents(ctx.file) if ctx.file.tree is not None else {}


def parent_of(ctx, node: ast.AST) -> ast.AST | None:
    return _parents(ctx).get(id(node))


def enclosing_function(ctx, node: ast.AST) -> ast.AST:
    """The innermost function around `node`, or the module."""
    current = parent_of(ctx, node)
    while current is not None:
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return current
        current = parent_of(ctx, current)
    return ctx.file.tree


def enclosing_def(ctx, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The innermost `def` around `node`; None at module level or when a lambda or a class body
    comes first (code there does not run when the function runs)."""
    current = parent_of(ctx, node)
    while current is not None:
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return current
        if isinstance(current, (ast.Lambda, ast.ClassDef)):
            return None
        current = parent_of(ctx, current)
    return None


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def is_local_name(ctx, node: ast.AST, name: str) -> bool:
    """Is `name` a parameter of, or assigned in, the function around `node` (shadowing any
    import of the same name)? Imports inside the function do not count as local bindings."""
    scope = enclosing_function(ctx, node)
    if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        return False
    params = scope.args
    every = [*params.posonlyargs, *params.args, *params.kwonlyargs, params.vararg, params.kwarg]
    if any(arg is not None and arg.arg == name for arg in every):
        return True
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
               for n in ast.walk(scope))


_BINDING_STATEMENTS = frozenset({ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.With, ast.AsyncWith})


def bindings(ctx) -> dict[tuple[int, str], str]:
    """(scope id, name) -> the qualified constructor bound to it, for `x = C(...)` and
    `with C(...) as x`; `self.x` attributes are scoped to their class, other names to their
    function (or the module). A name bound to two different things in a scope is left out."""
    found = ctx.data.get("python.bindings")
    if found is not None:
        return found
    seen: dict[tuple[int, str], set[str]] = {}
    tree = ctx.file.tree
    parents = _parents(ctx)
    for node in module_preorder(ctx.file) if tree is not None else ():
        if type(node) not in _BINDING_STATEMENTS:
            continue
        assigned = _assigned(node)
        if not assigned:
            continue
        function, cls = _binding_scopes(node, parents, tree)
        for target, value in assigned:
            name = dotted(target)
            if not name:
                continue
            scope = cls if name.startswith(("self.", "cls.")) else function
            if scope is None:
                continue
            made = qualified(ctx, value.func) if isinstance(value, ast.Call) else ""
            seen.setdefault((id(scope), name), set()).add(made)
    found = {key: next(iter(values)) for key, values in seen.items() if len(values) == 1 and "" not in values}
    ctx.data["python.bindings"] = found
    return found


def _binding_scopes(node: ast.AST, parents: dict[int, ast.AST], tree: ast.AST) -> tuple[ast.AST, ast.AST | None]:
    """The innermost function, lambda or class around `node` (else the module), and the innermost
    class around it at any depth (or None)."""
    function = cls = None
    current = parents.get(id(node))
    while current is not None:
        if function is None and isinstance(current, _SCOPES):
            function = current
        if isinstance(current, ast.ClassDef):
            cls = current
            break
        current = parents.get(id(current))
    return (tree if function is None else function), cls


def _assigned(node: ast.AST) -> list[tuple[ast.AST, ast.AST]]:
    if isinstance(node, ast.Assign):
        return [(t, node.value) for t in node.targets]
    if isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
        return [(node.target, node.value)]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return [(i.optional_vars, i.context_expr) for i in node.items if i.optional_vars is not None]
    return []


def bound_constructor(ctx, receiver: ast.AST) -> str:
    """The qualified constructor that the receiver (`s`, `self.http`) was bound to in the
    scope where it is used, or "" (unknown, a parameter, or ambiguous)."""
    name = dotted(receiver)
    if not name:
        return ""
    table = bindings(ctx)
    if name.startswith(("self.", "cls.")):
        current = parent_of(ctx, receiver)
        while current is not None and not isinstance(current, ast.ClassDef):
            current = parent_of(ctx, current)
        return table.get((id(current), name), "") if current is not None else ""
    head = name.split(".")[0]
    current = parent_of(ctx, receiver)
    while current is not None:
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            if (id(current), name) in table:
                return table[(id(current), name)]
            args = current.args
            if head in {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs,
                                        *(x for x in (args.vararg, args.kwarg) if x)]}:
                return ""
        elif isinstance(current, ast.Module):
            return table.get((id(current), name), "")
        current = parent_of(ctx, current)
    return ""


def text_of_span(line: str, start_col: int, end_col: int) -> str:
    """`ast` columns are UTF-8 byte offsets; slice the line by bytes."""
    data = line.encode("utf-8")
    return data[start_col:end_col].decode("utf-8", errors="replace")


def line_edit_diff(ctx, line_no: int, new_text: str) -> str:
    old = ctx.file.line(line_no)
    if not old or old == new_text:
        return ""
    return (f"--- a/{ctx.path}\n+++ b/{ctx.path}\n@@ -{line_no} +{line_no} @@\n"
            f"-{old}\n+{new_text}\n")


def replace_span_diff(ctx, node: ast.AST, replacement: str) -> str:
    """Replace a node that sits on one line."""
    if getattr(node, "end_lineno", None) != node.lineno:
        return ""
    raw = ctx.file.line(node.lineno).encode("utf-8")
    new = raw[: node.col_offset] + replacement.encode("utf-8") + raw[node.end_col_offset:]
    return line_edit_diff(ctx, node.lineno, new.decode("utf-8", errors="replace"))


def insert_keyword_diff(ctx, call: ast.Call, keyword_text: str) -> str:
    """Add `keyword_text` as the last argument of a call written on one line."""
    if getattr(call, "end_lineno", None) != call.lineno or call.end_col_offset is None:
        return ""
    raw = ctx.file.line(call.lineno).encode("utf-8")
    close = call.end_col_offset - 1
    if close < 0 or close >= len(raw) or raw[close:close + 1] != b")":
        return ""
    before = raw[:close].decode("utf-8", errors="replace")
    stripped = before.rstrip()
    if stripped.endswith("("):
        addition = keyword_text
    elif stripped.endswith(","):
        addition = " " + keyword_text if before == stripped else keyword_text
    else:
        addition = ", " + keyword_text
    new = before + addition + raw[close:].decode("utf-8", errors="replace")
    return line_edit_diff(ctx, call.lineno, new)
