"""
## What it does
Flags slow external work done while a database transaction is open:
- an outbound HTTP request through net/http (`http.Get/Post/PostForm/Head`,
  `http.DefaultClient.Do`, `client.Do/Get/Post` on an `*http.Client`);
- publishing a message (`Publish`, `PublishWithContext`, `PublishMsg`, `SendMessage`,
  `WriteMessages`, `Produce` on a receiver named like a broker client: `nc`, `js`, `ch`,
  `producer`, `writer`, `publisher`, `kafka`, `nats`, `amqp`, `bus`, ...);
- `time.Sleep`;

between `tx, err := db.Begin/BeginTx/Beginx(...)` (database/sql, sqlx, pgx, GORM `db.Begin()`)
and that transaction's last `Commit` in the same function, or inside a transaction callback
(`db.Transaction(func(tx *gorm.DB) error {...})`, `pgx.BeginFunc`, `crdb.ExecuteTx`).
Work in a goroutine started there is not reported.

## Why it matters
A transaction holds a pooled connection and every row lock it has taken until it ends. An HTTP
call or a broker publish inside it stretches the transaction to the latency of a remote system:
one slow upstream keeps locks held for seconds, blocks concurrent writers of the same rows, drains
the connection pool and turns into lock timeouts and deadlocks. It is also a dual write: the
message is sent (or the payment charged) even when the transaction then rolls back.

## Example
    package orders

    import (
    	"bytes"
    	"context"
    	"database/sql"
    	"net/http"
    	"time"
    )

    var client = &http.Client{Timeout: 5 * time.Second}

    func Place(ctx context.Context, db *sql.DB, id int64, payload []byte) error {
    	tx, err := db.BeginTx(ctx, nil)
    	if err != nil {
    		return err
    	}
    	defer tx.Rollback()
    	if _, err := tx.ExecContext(ctx, "UPDATE orders SET state = 'placed' WHERE id = $1", id); err != nil {
    		return err
    	}
    	resp, err := client.Post("https://payments.example.com/charge", "application/json", bytes.NewReader(payload))
    	if err != nil {
    		return err
    	}
    	resp.Body.Close()
    	return tx.Commit()
    }

## Use instead
    package orders

    import (
    	"bytes"
    	"context"
    	"database/sql"
    	"net/http"
    	"time"
    )

    var client = &http.Client{Timeout: 5 * time.Second}

    func Place(ctx context.Context, db *sql.DB, id int64, payload []byte) error {
    	resp, err := client.Post("https://payments.example.com/charge", "application/json", bytes.NewReader(payload))
    	if err != nil {
    		return err
    	}
    	resp.Body.Close()
    	tx, err := db.BeginTx(ctx, nil)
    	if err != nil {
    		return err
    	}
    	defer tx.Rollback()
    	if _, err := tx.ExecContext(ctx, "UPDATE orders SET state = 'placed' WHERE id = $1", id); err != nil {
    		return err
    	}
    	return tx.Commit()
    }

## Known limitations
External calls hidden behind a method of the project (`s.payments.Charge(ctx, ...)`) or made in a
function called from the transaction are not followed; gRPC calls are not recognised. Use an
outbox table written in the transaction and published after the commit for messages.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import body_of, selector_names, unparen, words
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.data_helpers import (
    BEGIN_METHODS, assigned_target, handle_kind, http_call, transaction_callback,
)
from prodcheck.rules.go.helpers import generated_or_tool, view

PUBLISH = frozenset({"Publish", "PublishWithContext", "PublishMsg", "PublishAsync", "SendMessage", "SendMessages",
                     "WriteMessages", "Produce", "PublishMessage"})
BROKER_WORDS = frozenset({"nc", "js", "ch", "channel", "amqp", "rabbit", "rabbitmq", "kafka", "producer", "writer",
                          "publisher", "topic", "pubsub", "sns", "sqs", "broker", "bus", "queue", "mq", "nats",
                          "stan", "jet", "jetstream", "emitter", "events", "stream", "sarama"})


def check(call, ctx):
    if generated_or_tool(ctx):
        return
    label = _external(call, ctx)
    if not label:
        return
    found = _transaction(call, ctx)
    if found is None:
        return
    what, at = found
    yield ctx.finding(RULE, call, f"`{label}` runs inside {what}: the transaction keeps its connection and "
                                  f"locks for the whole remote call", related=(at,))


def _external(call, ctx) -> str:
    file_view = view(ctx)
    label = http_call(call, ctx)
    if label:
        return label
    operand, name = file_view.call_parts(call)
    operand = unparen(operand)
    if operand is None:
        return ""
    if operand.type == "identifier" and file_view.package_path(operand):
        return "time.Sleep" if file_view.package_path(operand) == "time" and name == "Sleep" else ""
    if name in PUBLISH and file_view.arguments(call):
        names = selector_names(operand)
        if names and set(words(names[-1])) & BROKER_WORDS:
            return f"{' '.join(file_view.text(operand).split())}.{name}"
    return ""


def _transaction(call, ctx):
    """(description, node) of the transaction `call` runs in, or None."""
    file_view = view(ctx)
    current = call.parent
    func = file_view.enclosing_function(call)
    while current is not None and func is not None and current.id != func.id:
        if current.type == "go_statement":
            return None
        current = current.parent
    while func is not None:
        if func.type == "func_literal" and transaction_callback(func):
            return "a transaction callback", func.parent.parent
        for begin, end, tx in _regions(func, ctx):
            if begin.end_byte < call.start_byte < end:
                return f"transaction `{tx}` begun on line {begin.start_point[0] + 1}", begin
        if func.type != "func_literal" or _goroutine(func):
            return None
        func = file_view.enclosing_function(func)
    return None


def _goroutine(literal) -> bool:
    parent = literal.parent
    return parent is not None and parent.type == "call_expression" and parent.parent is not None \
        and parent.parent.type == "go_statement"


def _regions(func, ctx) -> list:
    """(Begin call, end offset, tx name) of each transaction begun in `func`'s own body."""
    file_view = view(ctx)
    key = ("go.data.tx-regions", func.id)
    found = ctx.data.get(key)
    if found is not None:
        return found
    found = []
    calls = [n for n in file_view.walk_local(body_of(func), into_literals=False) if n.type == "call_expression"]
    for begin in calls:
        operand, name = file_view.call_parts(begin)
        if name not in BEGIN_METHODS or operand is None or handle_kind(operand, begin, ctx) != "db":
            continue
        target = assigned_target(begin)
        if target is None or target == "discarded":
            continue
        tx = file_view.text(target)
        commits = [c.start_byte for c in file_view.walk_local(body_of(func)) if c.type == "call_expression"
                   and file_view.call_parts(c)[1] == "Commit" and file_view.text(unparen(file_view.call_parts(c)[0])) == tx
                   and c.start_byte > begin.end_byte]
        found.append((begin, max(commits) if commits else func.end_byte, tx))
    ctx.data[key] = found
    return found


RULE = NodeRule(
    id="GO-DATA-011", slug="external-call-in-transaction", area=Area.DATA,
    title="External call inside a database transaction",
    fix="Make the HTTP call or publish before `Begin` or after `Commit` (for messages, write an outbox "
        "row in the transaction and publish it after the commit).",
    rows=("DATA-10",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="main.go", visits=("call_expression",), check=check,
    coverage="partial", coverage_note="net/http, broker publishes and sleeps written in the transaction's function",
)
