"""
## What it does
Flags retries that hammer a failing dependency:
- a hand-written retry loop (`for`/`while`/`do` whose header or catch block names the attempts:
  `attempt`, `retries`, `tries`, `maxRetries`, ...) around a `try` with an awaited call, whose
  `catch` lets the loop go round again, with no pause between attempts, or only a fixed one
  (`await sleep(1000)`, `setTimeout(r, 500)` with a constant);
- `axios-retry` configured without `retryDelay` (its default is no delay at all).

A delay that depends on the attempt counter (`2 ** attempt * 100`, `backoff(attempt)`,
`exponentialDelay`) or a call to a backoff helper counts as backoff.

## Why it matters
When a dependency slows down or fails, immediate retries multiply the load on it exactly when it
can least take it: every client retries at once, the dependency never recovers, and a short
blip becomes an outage (a retry storm). Exponential backoff with jitter spreads the retries out
and gives the dependency room to recover.

## Example
    export async function fetchWithRetry(url, retries = 3) {
      for (let attempt = 0; attempt < retries; attempt++) {
        try {
          return await fetch(url);
        } catch (err) {
          if (attempt === retries - 1) throw err;
        }
      }
    }

## Use instead
    import { setTimeout as sleep } from 'node:timers/promises';

    export async function fetchWithRetry(url, retries = 3) {
      for (let attempt = 0; attempt < retries; attempt++) {
        try {
          return await fetch(url);
        } catch (err) {
          if (attempt === retries - 1) throw err;
          await sleep(2 ** attempt * 100 + Math.random() * 100);
        }
      }
    }

## Known limitations
Loops that do not name their attempts are not recognised as retries. A delay helper is accepted
when its argument mentions a variable (it may grow); a helper called without arguments is assumed
to back off. Retry libraries other than axios-retry (`p-retry`, `async-retry`, `got`) back off by
default and are not checked.
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import (
    arguments_of, call_parts, callee, member_names, number_of, object_pairs, resolve_object, unwrap, walk_local,
    words,
)
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import view
from prodcheck.rules.javascript.security_helpers import mentions

LOOPS = ("for_statement", "while_statement", "do_statement", "for_in_statement")
RETRY_WORDS = frozenset({"retry", "retries", "retrying", "attempt", "attempts", "tries", "try", "retried"})
DELAY_WORDS = frozenset({"sleep", "delay", "wait", "pause", "timeout", "backoff", "setTimeout", "nap"})
BACKOFF_WORDS = frozenset({"backoff", "exponential", "jitter", "exponentialdelay"})


def check(node, ctx):
    if node.type == "call_expression":
        yield from _axios_retry(node, ctx)
        return
    body = node.child_by_field_name("body")
    if body is None:
        return
    header = " ".join(text_of(c) for c in node.children if c != body)
    tries = [c for c in walk_local(body) if c.type == "try_statement"]
    if not tries:
        return
    try_node = tries[0]
    handler = try_node.child_by_field_name("handler")
    block = try_node.child_by_field_name("body")
    if handler is None or block is None or not _awaits(block):
        return
    if not (set(words(header)) & RETRY_WORDS or set(words(text_of(handler))) & RETRY_WORDS):
        return
    if _always_leaves(handler):
        return
    delay = _delay(body)
    if delay == "growing":
        return
    if delay == "fixed":
        yield ctx.finding(RULE, node, "retry loop waits a fixed delay between attempts: no exponential backoff",
                          confidence=Confidence.MEDIUM)
    else:
        yield ctx.finding(RULE, node, "retry loop retries at once after a failure: no delay, no backoff")


def _awaits(block) -> bool:
    return any(n.type == "await_expression" for n in walk_local(block))


def _always_leaves(handler) -> bool:
    """A catch block whose last statement rethrows, returns or breaks: the loop does not retry."""
    body = handler.child_by_field_name("body")
    statements = [c for c in (body.named_children if body is not None else []) if c.type != "comment"]
    return bool(statements) and statements[-1].type in ("throw_statement", "return_statement", "break_statement")


def _delay(loop_body) -> str:
    """"growing", "fixed" or "" for the pause inside the loop body."""
    verdict = ""
    for node in _calls(loop_body):
        _, method = call_parts(node)
        function = callee(node)
        names = member_names(function) if function is not None else []
        tokens = set(words(" ".join(names) if names else method)) | ({method} if method else set())
        if tokens & BACKOFF_WORDS:
            return "growing"
        if not tokens & DELAY_WORDS or node.type == "new_expression":
            continue
        args = arguments_of(node)
        if method == "setTimeout":
            amount = args[1] if len(args) >= 2 else None
            if amount is None:
                verdict = verdict or "fixed"
                continue
        elif not args:
            return "growing"                      # a helper that decides the pause itself
        else:
            amount = args[0]
        found = _amount(amount, loop_body)
        if found == "growing":
            return found
        verdict = found
    return verdict


def _amount(node, loop_body, depth: int = 0) -> str:
    node = unwrap(node)
    if node is None:
        return "fixed"
    if number_of(node) is not None:
        return "fixed"
    if node.type == "identifier":
        name = text_of(node)
        for inner in walk_local(loop_body):
            if inner.type == "variable_declarator" and text_of(inner.child_by_field_name("name")) == name:
                value = inner.child_by_field_name("value")
                return _amount(value, loop_body, depth + 1) if value is not None and depth < 3 else "growing"
        for inner in walk_local(loop_body):
            if inner.type in ("assignment_expression", "augmented_assignment_expression", "update_expression"):
                target = inner.child_by_field_name("left") or inner.child_by_field_name("argument")
                if target is not None and text_of(target) == name:
                    return "growing"
        return "fixed"
    if node.type in ("member_expression",):
        return "fixed"
    return "growing"


def _calls(loop_body):
    """Calls in the loop body, also inside the executor of `new Promise(...)` and arrow callbacks
    given to a delay (`new Promise((r) => setTimeout(r, 100))`)."""
    stack = list(walk_local(loop_body))
    seen = 0
    while stack and seen < 2000:
        node = stack.pop(0)
        seen += 1
        if node.type in ("call_expression", "new_expression"):
            yield node
            if node.type == "new_expression" and member_names(callee(node)) == ["Promise"]:
                for arg in arguments_of(node):
                    body = arg.child_by_field_name("body")
                    if body is not None:
                        stack.append(body)
                        stack.extend(walk_local(body))


def _axios_retry(call, ctx):
    if not mentions(ctx, "axios-retry"):
        return
    function = callee(call)
    if function is None:
        return
    names = view(ctx).member_names(function)
    if not names:
        return
    binding = view(ctx).binding(names[0], call)
    if binding is None or binding.spec != "axios-retry" or len(names) > 2 \
            or len(names) == 2 and names[1] != "default":
        return
    args = view(ctx).arguments(call)
    if len(args) < 2:
        yield ctx.finding(RULE, call, "`axios-retry` without options retries with no delay")
        return
    options = resolve_object(args[1], view(ctx))
    if options is None:
        return
    pairs = object_pairs(options)
    if "retryDelay" not in pairs and "..." not in pairs:
        retries = number_of(pairs.get("retries")) if "retries" in pairs else 3
        if retries == 0:
            return
        yield ctx.finding(RULE, call, "`axios-retry` without `retryDelay` retries with no delay "
                                      "(use `axiosRetry.exponentialDelay`)")


RULE = NodeRule(
    id="JS-REL-002", slug="retry-without-backoff", area=Area.REL,
    title="Retry without exponential backoff",
    fix="Wait between attempts with exponential backoff and jitter (`2 ** attempt * base + random`), "
        "bound the attempts, and retry only transient errors; with axios-retry set "
        "`retryDelay: axiosRetry.exponentialDelay`.",
    rows=("REL-04",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="client.js", visits=(*LOOPS, "call_expression"), check=check,
)
