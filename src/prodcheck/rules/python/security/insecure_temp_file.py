"""
## What it does
Flags temporary files created in a way another local user can hijack:
- `tempfile.mktemp()` (and the old `os.tempnam()`/`os.tmpnam()`): a name is chosen, then the file
  is created later;
- (MEDIUM confidence) a fixed or guessable path in a shared temporary directory (`/tmp/`,
  `/var/tmp/`, `/dev/shm/`) opened for writing: `open("/tmp/export.csv", "w")`,
  `open(f"/tmp/{user_id}.json", "a")`, `Path("/tmp/state.json").write_text(...)`.

Scripts, command-line tools and test files are not reported.

## Why it matters
Between choosing a name and opening it, or simply because the name is predictable, another
account on the host can create that path first, for example as a symlink to a file the service
may write: the service then overwrites it, or reads data the attacker planted (CWE-377). The
`tempfile` functions that create the file atomically with a random name and private permissions
close that window.

## Example
    import json


    def export_orders(orders):
        with open("/tmp/orders.json", "w") as fh:
            json.dump(orders, fh)
        return "/tmp/orders.json"

## Use instead
    import json
    import tempfile


    def export_orders(orders):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
            json.dump(orders, fh)
        return fh.name

## Known limitations
Only literal temporary-directory paths are recognised; a path built from `tempfile.gettempdir()`
or from configuration is not. Opening with `"x"` (exclusive creation) is not reported. Inside a
container whose `/tmp` is private to the service the risk is lower, which the confidence of the
path findings reflects.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import argument, const_str
from prodcheck.model import Area, Confidence, Severity, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import is_cli_module
from prodcheck.rules.python.helpers import qualified
from prodcheck.rules.python.security_helpers import temp_path_prefix

MKTEMP = frozenset({"tempfile.mktemp", "os.tempnam", "os.tmpnam"})
OPENERS = frozenset({"open", "builtins.open", "io.open", "codecs.open", "aiofiles.open", "gzip.open",
                     "bz2.open", "lzma.open"})
PATH_WRITERS = frozenset({"write_text", "write_bytes"})
PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PosixPath", "pathlib.PurePath", "anyio.Path",
                        "aiopath.AsyncPath"})


def check(call: ast.Call, ctx):
    func = call.func
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if last in ("mktemp", "tempnam", "tmpnam"):
        name = qualified(ctx, func)
        if name in MKTEMP:
            yield ctx.finding(RULE, call, f"`{name}()` returns a name that another process can create first",
                              fix="Use `tempfile.mkstemp()`, `NamedTemporaryFile()` or `TemporaryDirectory()`, "
                                  "which create the file atomically with private permissions.")
        return
    if last == "open" or last in PATH_WRITERS:
        if is_cli_module(ctx):
            return
        found = _writes_temp_path(call, last, ctx)
        if found:
            yield ctx.finding(RULE, call, f"a predictable path in the shared `{found}` directory is opened for "
                                          "writing", confidence=Confidence.MEDIUM)


def _writes_temp_path(call: ast.Call, last: str, ctx) -> str:
    func = call.func
    if last in PATH_WRITERS or isinstance(func, ast.Attribute) and _is_path(func.value, ctx):
        if not isinstance(func, ast.Attribute) or not _is_path(func.value, ctx):
            return ""
        if last == "open" and not _writes(argument(call, 0, "mode")):
            return ""
        return temp_path_prefix(ctx, func.value)
    if qualified(ctx, func) not in OPENERS:
        return ""
    if not _writes(argument(call, 1, "mode")):
        return ""
    return temp_path_prefix(ctx, argument(call, 0, "file"))


def _is_path(node: ast.AST, ctx) -> bool:
    """`Path("/tmp/x")`, `Path("/tmp") / name`."""
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        node = node.left
    return isinstance(node, ast.Call) and qualified(ctx, node.func) in PATH_TYPES


def _writes(mode: ast.AST | None) -> bool:
    text = const_str(mode)
    return text is not None and ("w" in text or "a" in text) and "x" not in text


RULE = NodeRule(
    id="PY-SEC-039", slug="insecure-temp-file", area=Area.SEC,
    title="Temporary file created insecurely",
    fix="Create temporary files with `tempfile.NamedTemporaryFile()`, `mkstemp()` or "
        "`TemporaryDirectory()` instead of fixed names in /tmp.",
    rows=("SEC-16",), doc=__doc__, confidence=Confidence.HIGH, severity=Severity.MEDIUM,
    severity_note="a local race on the host (CWE-377); not an in-transit encryption failure (the row's HIGH)",
    cwe=("CWE-377",), stride=(Stride.TAMPERING, Stride.INFORMATION_DISCLOSURE),
    example_path="exports.py", coverage="partial",
    coverage_note="mktemp and literal /tmp paths opened for writing",
    visits=(ast.Call,), check=check,
)
