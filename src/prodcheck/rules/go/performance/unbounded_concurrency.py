"""
## What it does
Flags goroutines whose number grows with the input instead of being bounded:

- a `go` statement inside a `range` loop of a request handler (net/http, gin, echo, fiber
  signature), over anything but an integer, a constant-size literal, a package-level list, a list
  from the configuration (`s.config.Backends`) or a channel: one goroutine per item of a request-
  or database-provided list;
- a `go` statement inside a `range` loop over a channel made or received in the function
  (`for msg := range msgs { go handle(msg) }`): one goroutine per message, as fast as they
  arrive;
- a `go` statement in a request handler that the handler never waits for (no `Wait()`, channel
  receive or `select` after it, no use of a channel it shares with the goroutine): one detached
  goroutine per request.

A bound in the same function silences the finding: a semaphore (a channel send before or at the
start of the goroutine, `sem.Acquire`), `errgroup`'s `SetLimit`, or a pool (`pool.Submit`,
`pond`, `ants`) instead of a raw `go`. Test files are not scanned.

## Why it matters
Each goroutine is cheap, but what it does is not: a database connection, an outbound HTTP call,
a buffer. A request with 10,000 items, a burst of queue messages or a traffic spike starts that
many at once, exhausting the connection pool, file descriptors, the downstream service's
capacity or memory, and the process falls over exactly when load is highest. Detached goroutines
also outlive their request: nothing waits for them on shutdown and their errors are lost.

## Example
    package api

    import (
    	"encoding/json"
    	"net/http"
    	"sync"
    )

    type Notifier interface{ Send(to string) error }

    func Broadcast(n Notifier) http.HandlerFunc {
    	return func(w http.ResponseWriter, r *http.Request) {
    		var recipients []string
    		if err := json.NewDecoder(r.Body).Decode(&recipients); err != nil {
    			w.WriteHeader(http.StatusBadRequest)
    			return
    		}
    		var wg sync.WaitGroup
    		for _, to := range recipients {
    			wg.Add(1)
    			go func(to string) {
    				defer wg.Done()
    				_ = n.Send(to)
    			}(to)
    		}
    		wg.Wait()
    		w.WriteHeader(http.StatusAccepted)
    	}
    }

## Use instead
    package api

    import (
    	"encoding/json"
    	"net/http"

    	"golang.org/x/sync/errgroup"
    )

    type Notifier interface{ Send(to string) error }

    func Broadcast(n Notifier) http.HandlerFunc {
    	return func(w http.ResponseWriter, r *http.Request) {
    		var recipients []string
    		if err := json.NewDecoder(r.Body).Decode(&recipients); err != nil {
    			w.WriteHeader(http.StatusBadRequest)
    			return
    		}
    		g, ctx := errgroup.WithContext(r.Context())
    		g.SetLimit(8)
    		for _, to := range recipients {
    			g.Go(func() error {
    				if ctx.Err() != nil {
    					return ctx.Err()
    				}
    				return n.Send(to)
    			})
    		}
    		_ = g.Wait()
    		w.WriteHeader(http.StatusAccepted)
    	}
    }

## Known limitations
Whether a list is small by construction (a fixed set of shards, three backends) is not known when
it comes from a variable: such loops in handlers are reported at MEDIUM confidence. Loops outside
handlers over slices are not reported, nor are `errgroup.Go` calls without `SetLimit`. A bound
implemented in a helper the goroutine calls is not seen.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import (
    body_of, call_parts, declared_type, declared_value, enclosing_function, local_declaration, selector_names, statements_of, unparen,
    walk_local, words,
)
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.helpers import generated_or_tool, view
from prodcheck.rules.go.security_helpers import enclosing_handler

BOUND_CALLS = frozenset({"SetLimit", "Acquire", "TryAcquire", "Submit", "SubmitErr", "Invoke"})
WAIT_CALLS = frozenset({"Wait", "WaitGroup"})


def check(stmt, ctx):
    file_view = view(ctx)
    if generated_or_tool(ctx):
        return
    func = enclosing_function(stmt)
    if func is None or _bounded(func, stmt):
        return
    loop = _range_loop(stmt, func)
    handler, _ = enclosing_handler(stmt, ctx)
    if loop is not None:
        ranged = unparen(loop.child_by_field_name("right"))
        if _channel(ranged, loop, ctx):
            yield ctx.finding(RULE, stmt, f"one goroutine per value received from `{file_view.text(ranged)}`, with no "
                                          f"bound: a burst starts them all at once")
            return
        if handler is None or _fixed_size(ranged, loop, ctx):
            return
        yield ctx.finding(RULE, stmt, f"one goroutine per item of `{file_view.text(ranged)}` in a request handler, with "
                                      f"no bound (semaphore, `errgroup.SetLimit`, worker pool)",
                          confidence=Confidence.MEDIUM)
        return
    if handler is not None and handler.id == func.id and _inside_loop(stmt, func) is None \
            and not _waits_after(func, stmt, ctx):
        yield ctx.finding(RULE, stmt, "detached goroutine started on every request: nothing bounds or waits for "
                                      "them under load", confidence=Confidence.MEDIUM)


def _range_loop(stmt, func):
    loop = _inside_loop(stmt, func)
    if loop is None:
        return None
    return next((c for c in loop.named_children if c.type == "range_clause"), None)


def _inside_loop(stmt, func):
    current = stmt.parent
    while current is not None and current.id != func.id:
        if current.type == "for_statement":
            return current
        current = current.parent
    return None


def _bounded(func, stmt) -> bool:
    """A semaphore send, an `Acquire`, `SetLimit` or a pool submission in the function, or a send
    at the start of the goroutine's own body."""
    for node in walk_local(body_of(func), into_literals=False):
        if node.type == "call_expression":
            _, name = call_parts(node)
            if name in BOUND_CALLS:
                return True
        elif node.type == "send_statement" and _loop_body_holds(stmt, node):
            return True
    started = unparen(stmt.named_children[0]) if stmt.named_children else None
    if started is not None and started.type == "call_expression":
        literal = unparen(started.child_by_field_name("function"))
        if literal is not None and literal.type == "func_literal":
            flat = statements_of(body_of(literal))
            if flat and flat[0].type == "send_statement":
                return True
    return False


def _loop_body_holds(stmt, send) -> bool:
    """The send precedes the `go` statement inside the same loop (the semaphore pattern)."""
    loop = stmt.parent
    while loop is not None and loop.type != "for_statement":
        loop = loop.parent
    if loop is None:
        return False
    return loop.start_byte <= send.start_byte < stmt.start_byte


def _channel(ranged, loop, ctx) -> bool:
    file_view = view(ctx)
    if ranged is None:
        return False
    if ranged.type == "unary_expression":
        return False
    if ranged.type != "identifier":
        return False
    name = file_view.text(ranged)
    decl = local_declaration(name, loop, file_view)
    if decl is None:
        return False
    kind = declared_type(decl, name)
    if kind is not None:
        return kind.type == "channel_type"
    value = unparen(declared_value(decl, name))
    if value is not None and value.type == "call_expression":
        _, made = file_view.call_parts(value)
        function = unparen(value.child_by_field_name("function"))
        if made == "make" and function is not None and function.type == "identifier":
            args = value.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children else None
            return first is not None and first.type == "channel_type"
    return False


CONFIG_WORDS = frozenset({"config", "cfg", "conf", "settings", "options", "opts", "env"})


def _fixed_size(ranged, loop, ctx) -> bool:
    """An integer (`range n`, `range 4`), an array or slice literal, a package-level list, or a
    list read from the service's configuration (`s.config.Backends`): not sized by the request."""
    file_view = view(ctx)
    if ranged is None:
        return True
    if any(set(words(name)) & CONFIG_WORDS for name in selector_names(ranged)[:-1]):
        return True
    if ranged.type in ("int_literal", "composite_literal"):
        return True
    if ranged.type == "identifier":
        name = file_view.text(ranged)
        decl = local_declaration(name, loop, file_view)
        value = unparen(declared_value(decl, name)) if decl is not None else None
        if value is not None and value.type in ("int_literal", "composite_literal", "binary_expression"):
            return True                            # `range n` with n := 4, or a literal list
        kind = declared_type(decl, name) if decl is not None else None
        if kind is not None and kind.type in ("type_identifier",) and file_view.text(kind) in ("int", "int64", "uint"):
            return True
        if decl is None and name in file_view.package_vars:
            return True
    if ranged.type == "call_expression":
        _, name = file_view.call_parts(ranged)
        if name == "len":
            return True
    return False


def _waits_after(func, stmt, ctx) -> bool:
    """The handler coordinates with the goroutine: after the `go` statement it calls `Wait()`,
    receives, `select`s, or uses a channel the goroutine sends to or shares with it (a producer
    streaming into this response, a connection's reader/writer pair); a deferred use counts."""
    file_view = view(ctx)
    channels = _sent_to(stmt) | _shared_channels(func, stmt, ctx)
    for node in file_view.walk_local(body_of(func), into_literals=False):
        if node.type == "identifier" and file_view.text(node) in channels and not _within(node, stmt) \
                and (node.start_byte > stmt.end_byte or _deferred(node)):
            return True
        if node.start_byte < stmt.end_byte:
            continue
        if node.type == "call_expression" and file_view.call_parts(node)[1] in WAIT_CALLS:
            return True
        if node.type == "select_statement":
            return True
        if node.type == "unary_expression" and file_view.text(node).startswith("<-"):
            return True
    return False


def _shared_channels(func, stmt, ctx) -> frozenset[str]:
    """Local channels (`make(chan ...)` in this function) that the goroutine refers to."""
    file_view = view(ctx)
    names = set()
    for node in file_view.walk_local(stmt):
        if node.type == "identifier" and _channel_value(file_view.text(node), node, ctx):
            names.add(file_view.text(node))
    return frozenset(names)


def _channel_value(name: str, at, ctx) -> bool:
    file_view = view(ctx)
    decl = local_declaration(name, at, file_view)
    value = unparen(declared_value(decl, name)) if decl is not None else None
    if value is None or value.type != "call_expression" or file_view.call_parts(value)[1] != "make":
        return False
    args = value.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_children else None
    return first is not None and first.type == "channel_type"


def _within(node, outer) -> bool:
    return outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte


def _deferred(node) -> bool:
    current = node.parent
    while current is not None and current.type not in ("function_declaration", "method_declaration",
                                                        "func_literal"):
        if current.type == "defer_statement":
            return True
        current = current.parent
    return False


def _sent_to(stmt) -> frozenset[str]:
    names = set()
    for node in walk_local(stmt):
        if node.type == "send_statement":
            channel = unparen(node.child_by_field_name("channel"))
            if channel is not None and channel.type == "identifier":
                names.add(text_of(channel))
    return frozenset(names)


RULE = NodeRule(
    id="GO-PERF-002", slug="unbounded-concurrency", area=Area.PERF,
    title="Goroutines started without a bound",
    fix="Bound the fan-out: `errgroup.Group` with `SetLimit(n)`, a buffered-channel semaphore, or a fixed pool of "
        "workers reading from a channel; hand per-request background work to a queue or pool.",
    rows=("PERF-13",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="api.go", visits=("go_statement",), check=check,
)
