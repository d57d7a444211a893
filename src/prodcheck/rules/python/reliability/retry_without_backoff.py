"""
## What it does
Flags retries that hammer a failing dependency:
- tenacity `@retry` used bare (retries forever, immediately), `@retry(...)`/`Retrying(...)`
  without `stop=` (or with `stop_never`), and (MEDIUM confidence) with a `stop=` but no `wait=`;
  an unbounded retry that waits a fixed time (`wait_fixed`) is reported too;
- the `retrying` package's `@retry` without `stop_max_attempt_number`/`stop_max_delay`;
- `backoff.on_exception(...)`/`on_predicate(...)` without `max_tries` or `max_time`;
- urllib3 `Retry(total=3, backoff_factor=0)` (MEDIUM confidence when `backoff_factor` is left at its
  default of 0; a single retry, `total=1`, is accepted), as mounted on `requests` sessions;
- hand-written loops `while True: try: ...; break/return  except ...: time.sleep(5)`: no attempt
  limit, constant delay.

## Why it matters
When a dependency is down or overloaded, retries without a growing, jittered delay multiply its load
exactly when it can least take it, and synchronised clients keep it down (a retry storm). Without a
limit the caller itself hangs forever instead of failing and letting its own caller decide.

## Example
    from tenacity import retry


    @retry
    def fetch_rates(client):
        return client.get("/rates")

## Use instead
    from tenacity import retry, stop_after_attempt, wait_random_exponential


    @retry(stop=stop_after_attempt(5), wait=wait_random_exponential(multiplier=0.5, max=30))
    def fetch_rates(client):
        return client.get("/rates")

## Known limitations
A bounded tenacity retry with a fixed wait is accepted. Hand-written loops are reported only in the
`while True` form with a literal (or UPPER_CASE constant) sleep and no counter updated in the loop;
`for attempt in range(n)` loops are bounded and not reported. Whether the retried operation is
idempotent is not checked.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import argument, keyword, walk_local
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import literal_number
from prodcheck.rules.python.helpers import qualified

TENACITY_DECORATORS = frozenset({"tenacity.retry"})
TENACITY_CONTROLLERS = frozenset({"tenacity.Retrying", "tenacity.AsyncRetrying", "tenacity.asyncio.AsyncRetrying"})
RETRYING = frozenset({"retrying.retry"})
BACKOFF = frozenset({"backoff.on_exception", "backoff.on_predicate", "backoff._decorator.on_exception",
                     "backoff._decorator.on_predicate"})
URLLIB3_RETRY = frozenset({"urllib3.util.retry.Retry", "urllib3.Retry", "urllib3.util.Retry",
                           "requests.adapters.Retry", "requests.packages.urllib3.util.retry.Retry",
                           "requests.packages.urllib3.Retry"})
FIXED_WAITS = frozenset({"tenacity.wait_fixed", "tenacity.wait_none", "tenacity.wait.wait_fixed",
                         "tenacity.wait.wait_none"})
NEVER_STOP = frozenset({"tenacity.stop_never", "tenacity.stop.stop_never"})
SLEEPS = frozenset({"time.sleep", "asyncio.sleep", "gevent.sleep", "trio.sleep", "anyio.sleep", "eventlet.sleep"})
RETRYING_STOPS = ("stop_max_attempt_number", "stop_max_delay", "stop_func", "stop")
LAST_NAMES = frozenset({"Retrying", "AsyncRetrying", "Retry", "on_exception", "on_predicate"})


def check(node: ast.AST, ctx):
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        for decorator in node.decorator_list:
            found = _decorator(decorator, ctx)
            if found:
                message, confidence = found
                yield ctx.finding(RULE, decorator, message, confidence=confidence)
    elif isinstance(node, ast.While):
        yield from _loop(node, ctx)
    elif isinstance(node, ast.Call):
        yield from _call(node, ctx)


def _decorator(decorator: ast.AST, ctx):
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = qualified(ctx, target)
    if name in TENACITY_DECORATORS:
        if not isinstance(decorator, ast.Call):
            return "`@retry` without arguments retries forever with no delay between attempts", None
        return _tenacity(decorator, "@retry", ctx)
    if name in RETRYING:
        call = decorator if isinstance(decorator, ast.Call) else None
        if call is None or not any(keyword(call, k) is not None for k in RETRYING_STOPS) \
                and not any(kw.arg is None for kw in call.keywords):
            return "`@retry` (retrying) without `stop_max_attempt_number` retries forever", None
    return None


def _tenacity(call: ast.Call, label: str, ctx):
    if any(kw.arg is None for kw in call.keywords):
        return None
    stop, wait = keyword(call, "stop"), keyword(call, "wait")
    unbounded = stop is None or qualified(ctx, stop.func if isinstance(stop, ast.Call) else stop) in NEVER_STOP
    fixed = wait is not None and _only_fixed_waits(wait, ctx)
    if unbounded:
        how = "with no delay" if wait is None else "at a fixed interval" if fixed else "until it succeeds"
        return f"`{label}` without `stop=` retries forever {how}", None
    if wait is None:
        return f"`{label}` retries immediately: no `wait=` between attempts", Confidence.MEDIUM
    return None


def _only_fixed_waits(wait: ast.AST, ctx) -> bool:
    calls = [n for n in ast.walk(wait) if isinstance(n, ast.Call)]
    return bool(calls) and all(qualified(ctx, c.func) in FIXED_WAITS for c in calls)


def _call(call: ast.Call, ctx):
    func = call.func
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if last not in LAST_NAMES:
        return
    name = qualified(ctx, func)
    if name in TENACITY_CONTROLLERS:
        found = _tenacity(call, f"{last}(...)", ctx)
        if found:
            yield ctx.finding(RULE, call, found[0], confidence=found[1])
    elif name in BACKOFF:
        if any(kw.arg is None for kw in call.keywords):
            return
        if keyword(call, "max_tries") is None and keyword(call, "max_time") is None:
            yield ctx.finding(RULE, call, f"`backoff.{last}()` without `max_tries` or `max_time` retries forever")
    elif name in URLLIB3_RETRY:
        yield from _urllib3(call, ctx)


def _urllib3(call: ast.Call, ctx):
    if any(kw.arg is None for kw in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args):
        return
    total = argument(call, 0, "total")
    if isinstance(total, ast.Constant) and (total.value in (False, None) or literal_number(total) is not None
                                            and literal_number(total) <= 1):
        return                      # retries off, or a single retry
    factor = keyword(call, "backoff_factor")
    if factor is None:
        yield ctx.finding(RULE, call, "`Retry(...)` leaves `backoff_factor` at 0: retries go out immediately",
                          confidence=Confidence.MEDIUM)
    elif literal_number(factor) == 0:
        yield ctx.finding(RULE, call, "`Retry(..., backoff_factor=0)` retries immediately, with no backoff")


def _loop(loop: ast.While, ctx):
    if not (isinstance(loop.test, ast.Constant) and loop.test.value in (True, 1)):
        return
    if any(isinstance(n, ast.AugAssign) for n in walk_local(loop)):
        return
    for stmt in loop.body:
        if not isinstance(stmt, ast.Try) or not _exits_on_success(stmt):
            continue
        for handler in stmt.handlers:
            sleep = _constant_sleep(handler, ctx)
            if sleep is not None and not _leaves(handler):
                yield ctx.finding(RULE, sleep, f"this loop retries forever with a constant "
                                               f"`{ast.unparse(sleep.args[0])}` s delay", confidence=Confidence.HIGH)
                return


def _exits_on_success(stmt: ast.Try) -> bool:
    return any(isinstance(n, (ast.Break, ast.Return)) for part in (stmt.body, stmt.orelse) for s in part
               for n in _no_nested_loops(s))


def _no_nested_loops(stmt: ast.AST):
    stack = [stmt]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While, ast.FunctionDef, ast.AsyncFunctionDef,
                             ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _constant_sleep(handler: ast.ExceptHandler, ctx) -> ast.Call | None:
    for node in _no_nested_loops_body(handler.body):
        if isinstance(node, ast.Call) and len(node.args) == 1 and qualified(ctx, node.func) in SLEEPS:
            arg = node.args[0]
            if literal_number(arg) is not None or isinstance(arg, ast.Name) and arg.id.isupper():
                return node
    return None


def _no_nested_loops_body(body: list[ast.stmt]):
    for stmt in body:
        yield from _no_nested_loops(stmt)


def _leaves(handler: ast.ExceptHandler) -> bool:
    return any(isinstance(n, (ast.Raise, ast.Break, ast.Return)) for n in _no_nested_loops_body(handler.body))


RULE = NodeRule(
    id="PY-REL-002", slug="retry-without-backoff", area=Area.REL,
    title="Retry without exponential backoff or attempt limit",
    fix="Bound the attempts and back off exponentially with jitter (tenacity "
        "`stop=stop_after_attempt(5), wait=wait_random_exponential(max=30)`; urllib3 `Retry(total=5, "
        "backoff_factor=0.5)`).",
    rows=("REL-04",), doc=__doc__, confidence=Confidence.HIGH, example_path="app.py",
    coverage="partial",
    coverage_note="jitter, bounded `for` retry loops and idempotency of retried operations are not checked",
    visits=(ast.FunctionDef, ast.AsyncFunctionDef, ast.While, ast.Call), check=check,
)
