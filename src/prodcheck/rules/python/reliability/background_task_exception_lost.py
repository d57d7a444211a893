"""
## What it does
Flags background work started as a bare statement, its handle thrown away:
- `asyncio.create_task(coro)`, `asyncio.ensure_future(coro)` and `loop.create_task(coro)` /
  `loop.run_in_executor(...)` on an event loop (`asyncio.get_running_loop()`, `get_event_loop()`,
  `new_event_loop()`, or a variable named `loop`) whose result is neither stored, awaited, added to
  a set nor given a done callback;
- `executor.submit(fn, ...)` on a `concurrent.futures` thread or process pool (or a variable named
  `executor`) whose future is dropped.

## Why it matters
The event loop keeps only a weak reference to a task: a task nobody holds can be
garbage-collected before it finishes, so the work silently stops half-way. And an exception raised
inside a dropped task or future is stored in it and never raised anywhere: at best asyncio logs
"Task exception was never retrieved" at garbage collection, a pool future logs nothing. Failed
emails, webhooks and cache refreshes then go unnoticed.

## Example
    import asyncio


    async def notify(user_id):
        ...


    async def place_order(order):
        asyncio.create_task(notify(order.user_id))
        return {"status": "accepted"}

## Use instead
    import asyncio
    import logging

    background_tasks = set()


    def _finished(task):
        background_tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logging.error("notification failed", exc_info=task.exception())


    async def notify(user_id):
        ...


    async def place_order(order):
        task = asyncio.create_task(notify(order.user_id))
        background_tasks.add(task)
        task.add_done_callback(_finished)
        return {"status": "accepted"}

## Known limitations
A handle stored in a variable and then never used again is not reported. `TaskGroup.create_task`
(asyncio or anyio task groups, which hold their tasks and re-raise their errors) and framework
background tasks (FastAPI `BackgroundTasks`, Celery `.delay()`) are not reported. A receiver whose
type is not known and whose name is not `loop`/`executor` is not reported.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import dotted
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.helpers import bound_constructor, parent_of, qualified

TASK_FUNCTIONS = frozenset({"asyncio.create_task", "asyncio.ensure_future", "asyncio.tasks.create_task",
                            "asyncio.tasks.ensure_future"})
LOOP_FACTORIES = frozenset({"asyncio.get_event_loop", "asyncio.get_running_loop", "asyncio.new_event_loop",
                            "asyncio.events.get_event_loop", "asyncio.events.get_running_loop"})
LOOP_METHODS = frozenset({"create_task", "run_in_executor"})
LOOP_NAMES = frozenset({"loop", "event_loop", "ioloop", "_loop", "main_loop"})
EXECUTORS = frozenset({"concurrent.futures.ThreadPoolExecutor", "concurrent.futures.ProcessPoolExecutor",
                       "concurrent.futures.thread.ThreadPoolExecutor",
                       "concurrent.futures.process.ProcessPoolExecutor"})
EXECUTOR_NAMES = frozenset({"executor", "_executor", "thread_pool", "process_pool", "pool_executor",
                            "thread_executor", "process_executor"})


def check(call: ast.Call, ctx):
    func = call.func
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if last not in ("create_task", "ensure_future", "run_in_executor", "submit"):
        return
    if not isinstance(parent_of(ctx, call), ast.Expr):
        return                              # stored, awaited, returned or passed on
    name = qualified(ctx, func)
    if name in TASK_FUNCTIONS:
        yield ctx.finding(RULE, call, f"the task from `{name.rsplit('.', 1)[-1]}()` is dropped: it can be "
                                      "garbage-collected mid-flight and its exception is never seen")
    elif last in LOOP_METHODS and isinstance(func, ast.Attribute) and _is_loop(func.value, ctx):
        yield ctx.finding(RULE, call, f"the result of `{dotted(func) or last}()` is dropped: failures of the "
                                      "background work are never seen")
    elif last == "submit" and isinstance(func, ast.Attribute) and _is_executor(func.value, ctx):
        yield ctx.finding(RULE, call, f"the future from `{dotted(func) or 'submit'}()` is dropped: an exception "
                                      "in the submitted function is never raised or logged",
                          fix="Keep the futures and check them (`for f in as_completed(futures): f.result()`), "
                              "or add a done callback that logs `future.exception()`.")


def _is_loop(receiver: ast.AST, ctx) -> bool:
    if isinstance(receiver, ast.Call):
        return qualified(ctx, receiver.func) in LOOP_FACTORIES
    made = bound_constructor(ctx, receiver)
    if made:
        return made in LOOP_FACTORIES
    name = dotted(receiver)
    return bool(name) and name.rsplit(".", 1)[-1] in LOOP_NAMES


def _is_executor(receiver: ast.AST, ctx) -> bool:
    if isinstance(receiver, ast.Call):
        return qualified(ctx, receiver.func) in EXECUTORS
    made = bound_constructor(ctx, receiver)
    if made:
        return made in EXECUTORS
    name = dotted(receiver)
    return bool(name) and name.rsplit(".", 1)[-1].lower() in EXECUTOR_NAMES


RULE = NodeRule(
    id="PY-REL-010", slug="background-task-exception-lost", area=Area.REL,
    title="Background task started and forgotten",
    fix="Keep a reference to the task (a module-level set), remove it in a done callback that logs "
        "`task.exception()`, or await it; prefer `asyncio.TaskGroup` for work tied to a request.",
    rows=("REL-13",), doc=__doc__, confidence=Confidence.HIGH, example_path="orders.py",
    coverage="partial", coverage_note="asyncio tasks and executor futures; process-level handlers are REL-005",
    visits=(ast.Call,), check=check,
)
