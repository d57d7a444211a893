"""Shared pieces of the Python migration readers (Django, Alembic): SQL embedded in strings, read
by pglast, and a few literal readers."""
from __future__ import annotations

import ast
from dataclasses import replace

from prodcheck.facts.extractors.migration_model import Op
from prodcheck.facts.extractors.migration_sql import script_ops, volatile_calls
from prodcheck.facts.extractors.python_common import const_str, last_name
from prodcheck.parsing.sql import parse_script

TRIPLE_QUOTES = ('"""', "'''")


def embedded_sql_ops(parsed, node: ast.AST | None, call: ast.Call, origin: str) -> list[Op]:
    """Ops of the SQL in a string argument (a literal, `sa.text("...")`, a list of literals).

    Statements of a triple-quoted literal keep their own lines; other strings put every statement
    on the string's line. SQL that is not a literal, or that pglast cannot read, gives one
    `unparsed-sql` op so the inventory still shows it."""
    unparsed = Op("unparsed-sql", call.lineno, call.end_lineno or call.lineno, origin=origin,
                  statement="SQL the scan cannot read statically")
    if node is None or (isinstance(node, ast.Attribute) and node.attr == "noop"):
        return []
    if isinstance(node, (ast.List, ast.Tuple)):
        found = []
        for element in node.elts:
            if isinstance(element, (ast.List, ast.Tuple)) and element.elts:   # (sql, params)
                element = element.elts[0]
            found.extend(embedded_sql_ops(parsed, element, call, origin))
        return found
    if isinstance(node, ast.Call) and last_name(node.func) == "text" and node.args:
        node = node.args[0]
    text = const_str(node)
    if text is None:
        return [unparsed]
    if _is_triple_quoted(parsed, node):
        script = parse_script(text, first_line=node.lineno)
        ops = script_ops(script, origin)
        last = node.end_lineno or node.lineno
        ops = [replace(op, line=min(max(op.line, node.lineno), last), end_line=min(op.end_line, last), start=-1)
               for op in ops]
    else:
        script = parse_script(text)
        ops = script_ops(script, origin, at_line=node.lineno)
    if script.errors and not script.statements:
        return [unparsed]
    return ops


def _is_triple_quoted(parsed, node: ast.AST) -> bool:
    if not isinstance(node, ast.Constant):
        return False
    line = parsed.line(node.lineno).encode("utf-8")[node.col_offset:].decode("utf-8", errors="replace")
    return line.lstrip("rRuUbB").startswith(TRIPLE_QUOTES)


def is_true(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def is_false(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def sql_expression_volatile(text: str) -> tuple[str, ...]:
    """Volatile functions called by a SQL expression given as text (a server default)."""
    script = parse_script(f"SELECT {text}")
    return tuple(name for statement in script.statements for name in volatile_calls(statement.node))


def body_is_empty(function: ast.FunctionDef) -> str:
    """Why a function does nothing ("empty", "raises NotImplementedError"), or "" when it acts."""
    statements = [s for s in function.body
                  if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if not statements or all(isinstance(s, ast.Pass) for s in statements):
        return "empty"
    first = statements[0]
    if isinstance(first, ast.Raise):
        raised = first.exc.func if isinstance(first.exc, ast.Call) else first.exc
        return f"raises {last_name(raised) or 'an exception'}"
    return ""
