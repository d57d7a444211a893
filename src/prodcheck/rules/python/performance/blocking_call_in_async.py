"""
## What it does
Flags blocking calls made directly in an `async def` (FastAPI/Starlette endpoints, Django async
views, aiohttp handlers, consumers):
- `time.sleep(...)`;
- synchronous HTTP: `requests.get/post/...` (also on `requests.Session` objects),
  `urllib.request.urlopen(...)`;
- processes: `subprocess.run/call/check_call/check_output/getoutput`, `os.system(...)`;
- synchronous database and mail connections: `psycopg2.connect`, `pymysql.connect`,
  `MySQLdb.connect`, `mysql.connector.connect`, `sqlite3.connect`, `smtplib.SMTP(...)`.

Calls inside a nested `def` or `lambda` (for example the function given to
`loop.run_in_executor` or `asyncio.to_thread`) are not in the coroutine and are not reported.

## Why it matters
An event loop runs one thing at a time: while a coroutine blocks in `requests.get` for 800 ms, every
other request on that worker waits too. A single slow upstream turns into latency for all clients,
and throughput collapses to one request at a time per process.

## Example
    import requests
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/weather/{city}")
    async def weather(city: str):
        response = requests.get(f"https://api.weather.example/{city}", timeout=5)
        return response.json()

## Use instead
    import httpx
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/weather/{city}")
    async def weather(city: str):
        async with httpx.AsyncClient(timeout=5) as client:
            response = await client.get(f"https://api.weather.example/{city}")
        return response.json()

## Known limitations
File I/O with `open()` and CPU-heavy work are not reported, nor are blocking calls hidden in a
synchronous helper that the coroutine calls, or cursors of connections created elsewhere. Only
`requests` sessions bound in the same function or class are recognised.
"""
from __future__ import annotations

import ast
from types import MappingProxyType

from prodcheck.facts.extractors.python_common import dotted
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import innermost_function
from prodcheck.rules.python.helpers import bound_constructor, imports, parent_of, qualified, replace_span_diff

HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
REQUESTS_SESSIONS = frozenset({"requests.Session", "requests.session", "requests.sessions.Session"})
BLOCKING = MappingProxyType({
    "time.sleep": "use `await asyncio.sleep()`",
    "urllib.request.urlopen": "use an async HTTP client (httpx.AsyncClient, aiohttp)",
    "urllib2.urlopen": "use an async HTTP client (httpx.AsyncClient, aiohttp)",
    "subprocess.run": "use `asyncio.create_subprocess_exec()`",
    "subprocess.call": "use `asyncio.create_subprocess_exec()`",
    "subprocess.check_call": "use `asyncio.create_subprocess_exec()`",
    "subprocess.check_output": "use `asyncio.create_subprocess_exec()`",
    "subprocess.getoutput": "use `asyncio.create_subprocess_shell()`",
    "subprocess.getstatusoutput": "use `asyncio.create_subprocess_shell()`",
    "os.system": "use `asyncio.create_subprocess_shell()`",
    "psycopg2.connect": "use an async driver (asyncpg, psycopg 3 `AsyncConnection`) or a pool",
    "pymysql.connect": "use an async driver (aiomysql, asyncmy)",
    "MySQLdb.connect": "use an async driver (aiomysql, asyncmy)",
    "mysql.connector.connect": "use an async driver (aiomysql, asyncmy)",
    "sqlite3.connect": "use `aiosqlite` or run it with `asyncio.to_thread()`",
    "smtplib.SMTP": "use `aiosmtplib` or run it with `asyncio.to_thread()`",
    "smtplib.SMTP_SSL": "use `aiosmtplib` or run it with `asyncio.to_thread()`",
})
HTTP_ADVICE = "use an async HTTP client (httpx.AsyncClient, aiohttp)"
LAST_NAMES = frozenset({*HTTP_VERBS, *(name.rsplit(".", 1)[1] for name in BLOCKING)})


def check(call: ast.Call, ctx):
    func = call.func
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if last not in LAST_NAMES:
        return
    name = qualified(ctx, func)
    advice = BLOCKING.get(name) or (HTTP_ADVICE if _sync_http(call, name, ctx) else "")
    if not advice:
        return
    function = innermost_function(ctx, call)
    if not isinstance(function, ast.AsyncFunctionDef):
        return
    label = name.replace("()", "(...)") if name in BLOCKING or name.startswith("requests.") else dotted(func)
    yield ctx.finding(RULE, call, f"`{label}()` blocks the event loop inside `async def {function.name}`; "
                                  f"{advice}", diff=_sleep_diff(call, name, ctx))


def _sync_http(call: ast.Call, name: str, ctx) -> bool:
    module, _, verb = name.rpartition(".")
    if verb not in HTTP_VERBS:
        return False
    if module in ("requests", "requests.api") or module.removesuffix("()") in REQUESTS_SESSIONS:
        return True
    return isinstance(call.func, ast.Attribute) and bound_constructor(ctx, call.func.value) in REQUESTS_SESSIONS


def _sleep_diff(call: ast.Call, name: str, ctx) -> str:
    if name != "time.sleep" or "asyncio" not in imports(ctx) or not isinstance(parent_of(ctx, call), ast.Expr) \
            or len(call.args) != 1 or call.keywords or dotted(call.func) != "time.sleep":
        return ""
    raw = ctx.file.line(call.lineno).encode("utf-8")
    arg = call.args[0]
    if arg.lineno != call.lineno or arg.end_lineno != call.lineno:
        return ""
    text = raw[arg.col_offset:arg.end_col_offset].decode("utf-8", errors="replace")
    return replace_span_diff(ctx, call, f"await asyncio.sleep({text})")


RULE = NodeRule(
    id="PY-PERF-001", slug="blocking-call-in-async", area=Area.PERF,
    title="Blocking call inside an async function",
    fix="Use the async equivalent (`await asyncio.sleep()`, httpx.AsyncClient/aiohttp, "
        "`asyncio.create_subprocess_exec()`, an async database driver) or move the call off the loop with "
        "`await asyncio.to_thread(...)`.",
    rows=("PERF-01",), doc=__doc__, confidence=Confidence.HIGH, example_path="app.py",
    coverage="partial",
    coverage_note="file I/O with open(), CPU-heavy work and blocking helpers called from coroutines are "
                  "not checked",
    visits=(ast.Call,), check=check,
)
