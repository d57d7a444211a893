"""
## What it does
Flags outbound calls that cannot be cancelled, made where a context is available: inside a
request handler (net/http, gin, echo, fiber signature) or a function with a named
`context.Context` parameter (and the `func` literals they contain):
- `http.NewRequest(...)` (use `http.NewRequestWithContext(ctx, ...)`) unless the request is
  given a context afterwards (`req = req.WithContext(ctx)`) or handed to a function together
  with the context (`ctxhttp.Do(ctx, client, req)`), and `http.Get/Post/PostForm/Head`;
- database/sql and sqlx calls without their `...Context` variant: `Query`, `QueryRow`, `Exec`,
  `Prepare`, `Queryx`, `QueryRowx`, `NamedExec`, `NamedQuery`, `MustExec`, `Preparex`, sqlx
  `Get`/`Select` with a SQL argument, and `Begin`/`Beginx`/`Ping` on a handle typed `*sql.DB` /
  `*sqlx.DB` in this file.

pgx (whose methods take the context first) and GORM (`db.WithContext(ctx)`) are not concerned;
neither is code in a goroutine started by the handler, where the request's context would be
cancelled too early.

## Why it matters
A call made without the caller's context ignores its cancellation and deadline: when the client
goes away or the handler's timeout fires, the query or upstream request keeps running and holds
its connection. Under load the abandoned work piles up in the pool, so timeouts configured on the
request path protect nothing downstream.

## Example
    package orders

    import (
    	"context"
    	"database/sql"
    )

    type Repo struct {
    	db *sql.DB
    }

    func (r *Repo) Total(ctx context.Context, customer int64) (int64, error) {
    	var total int64
    	err := r.db.QueryRow("SELECT coalesce(sum(total), 0) FROM orders WHERE customer_id = $1",
    		customer).Scan(&total)
    	return total, err
    }

## Use instead
    package orders

    import (
    	"context"
    	"database/sql"
    )

    type Repo struct {
    	db *sql.DB
    }

    func (r *Repo) Total(ctx context.Context, customer int64) (int64, error) {
    	var total int64
    	err := r.db.QueryRowContext(ctx, "SELECT coalesce(sum(total), 0) FROM orders WHERE customer_id = $1",
    		customer).Scan(&total)
    	return total, err
    }

## Known limitations
Receivers whose type is declared in another file are recognised by name (`db`, `s.db`, `tx`) and
a SQL argument; in files that import GORM such calls are skipped for `Exec`. Functions that have
no context to pass (no handler signature, no `context.Context` parameter) are not reported: the
missing parameter is the finding there, and it is not made.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import (
    arguments_of, body_of, call_parts, enclosing_function, unparen, walk_local,
)
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.data_helpers import (
    DB_TYPES, GORM_PATHS, assigned_target, chain_root, expr_type, handle_kind, is_sql_text, looks_like_context,
    own_context,
)
from prodcheck.rules.go.helpers import generated_or_tool, view

SQL_FIRST = frozenset({"Query", "QueryRow", "Exec", "Prepare", "Queryx", "QueryRowx", "NamedExec", "NamedQuery",
                       "MustExec", "Preparex", "PrepareNamed"})
DEST_FIRST = frozenset({"Get", "Select"})
TYPED_ONLY = frozenset({"Begin", "Beginx", "MustBegin", "Ping"})
WITH_CONTEXT = {"Begin": "BeginTx", "Beginx": "BeginTxx", "MustBegin": "MustBeginTx"}
HTTP_HELPERS = frozenset({"Get", "Post", "PostForm", "Head"})
SQL_PACKAGES = frozenset({"database/sql", "github.com/jmoiron/sqlx"})


def check(call, ctx):
    if generated_or_tool(ctx):
        return
    operand, name = view(ctx).call_parts(call)
    operand = unparen(operand)
    if operand is None:
        return
    label = _uncancellable(call, operand, name, ctx)
    if not label:
        return
    source = _available_context(call, ctx)
    if not source:
        return
    if label == "http.NewRequest":
        suggestion = f"`http.NewRequestWithContext({source}, ...)`"
    elif label.startswith("http."):
        suggestion = f"`http.NewRequestWithContext({source}, ...)` and `client.Do`"
    elif name in WITH_CONTEXT:
        suggestion = f"`{WITH_CONTEXT[name]}({source}, nil)`"
    else:
        suggestion = f"`{name}Context({source}, ...)`"
    yield ctx.finding(RULE, call, f"`{label}` ignores the context `{source}` available here: use {suggestion}")


def _uncancellable(call, operand, name: str, ctx) -> str:
    file_view = view(ctx)
    args = file_view.arguments(call)
    if operand.type == "identifier" and file_view.package_path(operand):
        if file_view.package_path(operand) != "net/http":
            return ""
        if name == "NewRequest":
            return "" if _given_context(call) else "http.NewRequest"
        return f"http.{name}" if name in HTTP_HELPERS else ""
    if name not in SQL_FIRST and name not in DEST_FIRST and name not in TYPED_ONLY:
        return ""
    kind = handle_kind(operand, call, ctx)
    if not kind:
        return ""
    root = chain_root(operand)
    typed = expr_type(root, call, ctx) if root is not None else ("", "")
    if typed[0] and typed[0] not in SQL_PACKAGES:
        return ""                                    # pgx, GORM: contexts are passed otherwise
    if not typed[0] and (file_view.imports_any(*GORM_PATHS) or operand.type == "call_expression"):
        return ""
    label = f"{' '.join(file_view.text(operand).split())}.{name}"
    if name in TYPED_ONLY:
        return label if DB_TYPES.get(typed) in ("db", "tx") and not args else ""
    if name in DEST_FIRST:
        return label if len(args) >= 2 and _pointer(args[0]) and is_sql_text(args[1], call, ctx) else ""
    if not args or looks_like_context(args[0]):
        return ""
    return label if is_sql_text(args[0], call, ctx) else ""


def _pointer(node) -> bool:
    node = unparen(node)
    return node is not None and node.type == "unary_expression" and text_of(node).startswith("&")


def _given_context(call) -> bool:
    """`req, _ := http.NewRequest(...)` followed by `req.WithContext(ctx)` in the function."""
    target = assigned_target(call)
    func = enclosing_function(call)
    if target is None or target == "discarded" or func is None:
        return False
    name = text_of(target)
    for node in walk_local(body_of(func)):
        if node.type != "call_expression":
            continue
        if call_parts(node)[1] in ("WithContext", "Clone") and text_of(unparen(call_parts(node)[0])) == name:
            return True
        args = arguments_of(node)
        if any(text_of(unparen(a)) == name for a in args) and any(looks_like_context(a) for a in args):
            return True                                # `do(ctx, req)`: the callee attaches the context
    return False


def _available_context(call, ctx) -> str:
    """The context in scope (a handler's request context or a `ctx` parameter); "" when none, or
    when the call runs in a goroutine that may outlive it."""
    file_view = view(ctx)
    func = file_view.enclosing_function(call)
    node = call
    while func is not None:
        if _goroutine_between(node, func):
            return ""
        source = own_context(func, ctx)
        if source:
            return source
        if func.type == "func_literal":
            parent = func.parent
            if parent is not None and parent.type == "call_expression" and parent.parent is not None \
                    and parent.parent.type == "go_statement":
                return ""
        node, func = func, file_view.enclosing_function(func)
    return ""


def _goroutine_between(node, func) -> bool:
    current = node.parent
    while current is not None and current.id != func.id:
        if current.type == "go_statement":
            return True
        current = current.parent
    return False


RULE = NodeRule(
    id="GO-REL-013", slug="outbound-call-without-context", area=Area.REL,
    title="Outbound call ignores the available context",
    fix="Use the context-aware variant with the caller's context: `QueryContext(ctx, ...)`, "
        "`ExecContext`, `http.NewRequestWithContext(ctx, ...)` + `client.Do(req)`.",
    rows=("REL-02",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="main.go", visits=("call_expression",), check=check,
    coverage="partial", coverage_note="net/http, database/sql and sqlx; gRPC and other clients are not checked",
)
