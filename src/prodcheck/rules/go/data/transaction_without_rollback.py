"""
## What it does
Flags a transaction opened in a function that can leave it open:
`tx, err := db.Begin()` / `BeginTx(ctx, opts)` (database/sql), `Beginx`/`BeginTxx`/`MustBegin`
(sqlx), `pool.Begin(ctx)` (pgx) or `tx := db.Begin()` (GORM), when the function has no deferred
rollback (`defer tx.Rollback()`, or a deferred `func` literal that rolls back) and
- returns, between `Begin` and the last `Commit`, through a path that neither rolls back nor
  commits first (the `return` is named in the message), or
- neither commits nor rolls back the transaction at all.

A function that reaches its `Commit` on every path (no `return` in between) is not reported: a
failed `Commit` releases the connection too.

The `if err != nil { return err }` right after `Begin` (no transaction was opened) is not a leak.
A transaction that is returned, stored, or handed to a function from a `defer` or to a function
named like a finisher (`finishTx(tx, err)`, `commitOrRollback(tx)`) is the callee's
responsibility. Callback-style transactions (`db.Transaction(func(tx *gorm.DB) error {...})`,
`pgx.BeginFunc`) roll back by themselves and are not concerned.

## Why it matters
A transaction that is neither committed nor rolled back keeps its connection checked out of the
pool and, on PostgreSQL, leaves an `idle in transaction` session holding its row locks and
blocking vacuum. Each error path that forgets the rollback leaks one connection: after a burst
of failed requests the pool is empty, other requests wait on the locks, and the service stalls.

## Example
    package accounts

    import (
    	"context"
    	"database/sql"
    )

    func Transfer(ctx context.Context, db *sql.DB, from, to, cents int64) error {
    	tx, err := db.BeginTx(ctx, nil)
    	if err != nil {
    		return err
    	}
    	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance - $1 WHERE id = $2", cents, from); err != nil {
    		return err
    	}
    	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance + $1 WHERE id = $2", cents, to); err != nil {
    		return err
    	}
    	return tx.Commit()
    }

## Use instead
    package accounts

    import (
    	"context"
    	"database/sql"
    )

    func Transfer(ctx context.Context, db *sql.DB, from, to, cents int64) error {
    	tx, err := db.BeginTx(ctx, nil)
    	if err != nil {
    		return err
    	}
    	defer tx.Rollback()
    	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance - $1 WHERE id = $2", cents, from); err != nil {
    		return err
    	}
    	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance + $1 WHERE id = $2", cents, to); err != nil {
    		return err
    	}
    	return tx.Commit()
    }

## Known limitations
Panics between `Begin` and `Commit` are only covered by a deferred rollback; explicit rollbacks
on every error path are accepted although a panic would still leak the transaction. A rollback
in an enclosing block of the `return` (rather than just before it) is not followed.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import (
    arguments_of, body_of, call_parts, statements_of, unparen, walk_local, words,
)
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.data_helpers import BEGIN_METHODS, DISCARDED, assigned_target, fate, handle_kind, in_defer
from prodcheck.rules.go.helpers import generated_or_tool, view

ROLLBACK = frozenset({"Rollback"})
FINISHER_WORDS = frozenset({"rollback", "finish", "finalize", "end", "close", "cleanup", "done", "complete",
                            "commit", "abort"})


def check(call, ctx):
    file_view = view(ctx)
    if generated_or_tool(ctx):
        return
    operand, name = file_view.call_parts(call)
    if operand is None or name not in BEGIN_METHODS or len(file_view.arguments(call)) > 2:
        return
    if handle_kind(operand, call, ctx) != "db":
        return
    target = assigned_target(call)
    func = file_view.enclosing_function(call)
    if target is None or target == DISCARDED or func is None:
        return
    tx = file_view.text(target)
    ending = fate(tx, func, call.end_byte, ROLLBACK)
    if ending.deferred or ending.returned or ending.stored:
        return
    if any(in_defer(c, func) or set(words(file_view.call_parts(c)[1])) & FINISHER_WORDS or _kept(c) for c in ending.passed):
        return
    label = f"{' '.join(file_view.text(operand).split())}.{name}"
    commits = _commits(tx, call, func)
    if not commits:
        if not ending.closed:
            yield ctx.finding(RULE, call, f"transaction `{tx}` from `{label}` is neither committed nor rolled "
                                          f"back in this function: it stays open with its connection and locks")
        return
    leak = _unrolled_return(tx, call, func, max(c.start_byte for c in commits))
    if leak is None:
        return                                         # every path reaches the commit
    if not ending.closed:
        yield ctx.finding(RULE, call, f"transaction `{tx}` from `{label}` is never rolled back: the `return` "
                                      f"on line {leak.start_point[0] + 1} leaves it open with its connection "
                                      f"and locks", related=(leak,))
        return
    yield ctx.finding(RULE, call, f"transaction `{tx}` from `{label}` has no deferred rollback and the "
                                  f"`return` on line {leak.start_point[0] + 1} leaves it open",
                      related=(leak,), confidence=Confidence.MEDIUM)


def _commits(tx: str, begin, func) -> list:
    return [n for n in walk_local(body_of(func)) if n.type == "call_expression" and n.start_byte > begin.end_byte
            and call_parts(n)[1] == "Commit" and text_of(unparen(call_parts(n)[0])) == tx]


def _kept(call) -> bool:
    """The transaction goes through a conversion or constructor whose result is returned or stored
    in a field (`c.db = interface{}(tx).(SQLCommon)`, `return &Store{tx: tx}`)."""
    node = call
    while node.parent is not None and node.parent.type in ("type_assertion_expression", "parenthesized_expression",
                                                            "unary_expression", "keyed_element", "literal_element",
                                                            "literal_value", "composite_literal"):
        node = node.parent
    parent = node.parent
    if parent is None or parent.type != "expression_list" or parent.parent is None:
        return False
    holder = parent.parent
    if holder.type == "return_statement":
        return True
    if holder.type == "assignment_statement":
        left = holder.child_by_field_name("left")
        return left is not None and any(c.type == "selector_expression" for c in left.named_children)
    return False


def _unrolled_return(tx: str, begin, func, end: int):
    """The first `return` between `Begin` and the last `Commit` that neither rolls back nor
    commits nor hands the transaction on, outside the error check of `Begin` itself."""
    statement = _statement_of(begin)
    guard = _begin_guard(statement)
    for node in walk_local(body_of(func), into_literals=False):
        if node.type != "return_statement" or not begin.end_byte < node.start_byte <= end:
            continue
        if guard is not None and guard.start_byte <= node.start_byte < guard.end_byte:
            continue
        if _finishes(node, tx) or _rolled_back_before(node, tx):
            continue
        return node
    return None


def _statement_of(node):
    current = node
    while current.parent is not None and current.parent.type not in ("block", "statement_list"):
        current = current.parent
    return current


def _begin_guard(statement):
    """The `if` that checks the error of `Begin`: the statement itself (`if tx, err := ...;`) or
    the one right after it."""
    if statement.type == "if_statement":
        return statement.child_by_field_name("consequence")
    parent = statement.parent
    if parent is None:
        return None
    siblings = statements_of(parent) if parent.type == "block" else [
        c for c in parent.named_children if c.type != "comment"]
    ids = [s.id for s in siblings]
    if statement.id not in ids:
        return None
    index = ids.index(statement.id)
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    if following is not None and following.type == "if_statement":
        return following.child_by_field_name("consequence")
    return None


def _finishes(node, tx: str) -> bool:
    """Does this statement roll back, commit or hand on the transaction?"""
    for inner in walk_local(node, into_literals=False):
        if inner.type != "call_expression":
            continue
        operand, name = call_parts(inner)
        if name in ("Rollback", "Commit") and text_of(unparen(operand)) == tx:
            return True
        if set(words(name)) & {"rollback", "abort"}:
            return True
        if any(text_of(a) == tx for a in arguments_of(inner)):
            return True
    return False


def _rolled_back_before(ret, tx: str) -> bool:
    """A rollback among the statements before the `return` in its block, or in the blocks that
    enclose it up to the `if` or `case` that leads there."""
    current = ret
    for _ in range(8):
        parent = current.parent
        if parent is None or parent.type in ("function_declaration", "method_declaration", "func_literal"):
            return False
        if parent.type in ("block", "statement_list", "expression_case", "default_case", "type_case",
                           "communication_case"):
            for sibling in parent.named_children:
                if sibling.start_byte >= current.start_byte:
                    break
                if _finishes(sibling, tx):
                    return True
        if parent.type in ("if_statement", "expression_switch_statement", "select_statement"):
            header = [parent.child_by_field_name(f) for f in ("initializer", "condition", "value")]
            return any(h is not None and h.id != current.id and _finishes(h, tx) for h in header)
        current = parent
    return False


RULE = NodeRule(
    id="GO-DATA-008", slug="transaction-without-rollback", area=Area.DATA,
    title="Transaction without a rollback on every path",
    fix="Right after a successful `Begin`, add `defer tx.Rollback()` (a no-op once `Commit` "
        "succeeded), or use a callback transaction such as GORM `db.Transaction(func(tx *gorm.DB) error {...})`.",
    rows=("DATA-07",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-772",),
    example_path="main.go", visits=("call_expression",), check=check,
    coverage="partial", coverage_note="database/sql, sqlx, pgx and GORM; per function",
)
