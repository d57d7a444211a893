"""
## What it does
Flags permission changes that make a file or directory writable by every user of the host:
- `os.chmod(path, mode)`, `os.fchmod(fd, mode)`, `os.lchmod(path, mode)` and pathlib's
  `Path.chmod(mode)`, when the mode sets the others-write bit (`0o777`, `0o666`, `0o776`,
  `stat.S_IWOTH`, `stat.S_IRWXO`, or `os.stat(p).st_mode | stat.S_IWOTH`);
- `os.umask(mask)` as a statement with a mask that does not remove the others-write bit
  (`os.umask(0)`), which makes every file and directory the process creates afterwards
  world-writable (`old = os.umask(0); os.umask(old)`, the idiom that reads the mask, is not).

Directories with the sticky bit (`0o1777`, the shared-`/tmp` idiom) are not reported.

## Why it matters
`chmod` is not filtered by the umask: the bits asked for are the bits the file gets. A
world-writable script, configuration file, upload directory or socket lets any other local
account, or a compromised process running as another user, replace code the service runs or data
it trusts (privilege escalation, CWE-732).

## Example
    import os


    def publish_report(path):
        with open(path, "w") as fh:
            fh.write("ok")
        os.chmod(path, 0o777)

## Use instead
    import os


    def publish_report(path):
        with open(path, "w") as fh:
            fh.write("ok")
        os.chmod(path, 0o644)

## Known limitations
`os.mkdir`/`os.makedirs`/`os.open` with `0o777` are not reported: that is their default, and the
process umask (022 unless changed) removes the group and others write bits. Modes computed at run
time (from configuration) are not evaluated; world-readable modes (`0o644`) are not reported
because whether a file is secret is not known here. Test files are not scanned.
"""
from __future__ import annotations

import ast
import stat

from prodcheck.facts.extractors.python_common import argument
from prodcheck.model import Area, Confidence, Severity, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.helpers import parent_of, qualified, replace_span_diff
from prodcheck.rules.python.security_helpers import mode_bits

CHMODS = {"os.chmod": 1, "os.lchmod": 1, "os.fchmod": 1}
PATH_TYPES = ("pathlib.Path", "pathlib.PosixPath", "pathlib.PurePath")


def check(call: ast.Call, ctx):
    func = call.func
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if last == "umask":
        yield from _umask(call, ctx)
        return
    if last not in ("chmod", "lchmod", "fchmod"):
        return
    name = qualified(ctx, func)
    if name in CHMODS:
        mode = argument(call, CHMODS[name], "mode")
    elif last == "chmod" and isinstance(func, ast.Attribute) and _is_path_method(call, ctx):
        mode = argument(call, 0, "mode")
    else:
        return
    bits = mode_bits(ctx, mode)
    if bits is None or not bits & stat.S_IWOTH or bits & stat.S_ISVTX:
        return
    diff = ""
    if isinstance(mode, ast.Constant):
        safer = bits & ~(stat.S_IWOTH | stat.S_IWGRP)
        diff = replace_span_diff(ctx, mode, oct(safer))
    yield ctx.finding(RULE, call, f"`{last}()` with mode {_shown(mode, bits)} makes the file writable by every "
                                  "user of the host", diff=diff)


def _is_path_method(call: ast.Call, ctx) -> bool:
    """`Path(p).chmod(mode)` / `some_path.chmod(0o777)`: one argument, a mode, not a path."""
    if len(call.args) + len(call.keywords) != 1:
        return False
    receiver = call.func.value
    if isinstance(receiver, ast.Call) and qualified(ctx, receiver.func) in PATH_TYPES:
        return True
    return bool(call.args) and isinstance(call.args[0], (ast.Constant, ast.BinOp, ast.Attribute)) \
        and mode_bits(ctx, call.args[0]) is not None and not (
            isinstance(call.args[0], ast.Constant) and call.args[0].value < 0o10)


def _umask(call: ast.Call, ctx):
    if qualified(ctx, call.func) != "os.umask" or not isinstance(parent_of(ctx, call), ast.Expr):
        return                      # `old = os.umask(0); os.umask(old)` only reads the mask
    mask = argument(call, 0, "mask")
    if not (isinstance(mask, ast.Constant) and type(mask.value) is int):
        return
    if not mask.value & stat.S_IWOTH:
        yield ctx.finding(RULE, call, f"`os.umask({oct(mask.value)})` lets every file the process creates "
                                      "afterwards be world-writable",
                          fix="Keep a umask that removes the others-write bit (`os.umask(0o022)` or "
                              "`0o027`).")


def _shown(mode: ast.AST, bits: int) -> str:
    return oct(bits) if isinstance(mode, ast.Constant) else f"`{ast.unparse(mode)}`"


RULE = NodeRule(
    id="PY-SEC-038", slug="permissive-file-permissions", area=Area.SEC,
    title="File made writable by every user",
    fix="Grant only what the service needs (`0o600`/`0o640` for files, `0o750`/`0o700` for "
        "directories) and share with a group rather than with everyone.",
    rows=("SEC-16",), doc=__doc__, confidence=Confidence.HIGH, severity=Severity.MEDIUM,
    severity_note="local privilege escalation on the host; not an in-transit encryption failure (the "
                  "row's HIGH)",
    cwe=("CWE-732",), stride=(Stride.TAMPERING, Stride.ELEVATION_OF_PRIVILEGE),
    example_path="reports.py", coverage="partial",
    coverage_note="world-writable chmod and umask only",
    visits=(ast.Call,), check=check,
)
