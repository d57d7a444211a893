"""
## What it does
Flags Node `fs` calls that make a file or directory writable by every user of the machine (the
"other" write bit, `0o002`, as in `0o777`, `0o666`, `'777'`):
- `fs.chmod`, `fs.chmodSync`, `fs.promises.chmod`, `fchmod`, `lchmod` (and the same functions
  imported from `fs`, `fs/promises`, `fs-extra`, `graceful-fs`) with such a mode;
- files and directories created with such a mode: `writeFile`/`writeFileSync`/`appendFile`,
  `mkdir`/`mkdirSync`, `open`/`openSync` and `createWriteStream` with `{ mode: 0o777 }` or a mode
  argument.

The mode must be a literal (a number, an octal string, or a local constant holding one).

## Why it matters
A world-writable file can be replaced or appended to by any local account or any other process in
the container or on the host: a config file, a script the service later runs, an upload directory
or a socket becomes a way to change the service's behaviour or to plant code (CWE-732).

## Example
    import fs from 'node:fs';

    export function saveKey(path, key) {
      fs.writeFileSync(path, key);
      fs.chmodSync(path, 0o777);
    }

## Use instead
    import fs from 'node:fs';

    export function saveKey(path, key) {
      fs.writeFileSync(path, key, { mode: 0o600 });
    }

## Known limitations
A creation mode (`mkdir`, `writeFile`, `open`) is reduced by the process umask (commonly `022`), so
those findings have MEDIUM confidence; `chmod` is not. Modes computed at run time, or set through
a shell command (`exec('chmod 777 ...')`), are not reported.
"""
from __future__ import annotations

import re

from prodcheck.facts.extractors.js_common import (
    number_of, object_pairs, resolve_object, unwrap,
)
from prodcheck.model import Area, Confidence, Stride
from prodcheck.parsing.treesitter import string_value, text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import view
from prodcheck.rules.javascript.security_helpers import fs_call

CHMOD = {"chmod": 1, "chmodSync": 1, "fchmod": 1, "fchmodSync": 1, "lchmod": 1, "lchmodSync": 1}
CREATE_OPTIONS = {"writeFile": 2, "writeFileSync": 2, "appendFile": 2, "appendFileSync": 2,
                  "mkdir": 1, "mkdirSync": 1, "mkdirp": 1, "mkdirpSync": 1, "ensureDir": 1, "ensureDirSync": 1,
                  "mkdirs": 1, "mkdirsSync": 1, "createWriteStream": 1, "outputFile": 2, "outputFileSync": 2}
OPEN = {"open": 2, "openSync": 2}
OCTAL = re.compile(r"^0?o?([0-7]{3,4})$")


def check(call, ctx):
    _, method = view(ctx).call_parts(call)
    if method not in CHMOD and method not in OPEN and method not in CREATE_OPTIONS:
        return
    function = fs_call(call, ctx)
    if not function:
        return
    args = view(ctx).arguments(call)
    mode_node = None
    if function in CHMOD:
        index = CHMOD[function]
        mode_node = args[index] if len(args) > index else None
    elif function in OPEN:
        index = OPEN[function]
        mode_node = args[index] if len(args) > index else None
    elif function in CREATE_OPTIONS:
        index = CREATE_OPTIONS[function]
        option = args[index] if len(args) > index else None
        if option is not None and function.startswith(("mkdir", "ensureDir")) and _mode(option, ctx) is not None:
            mode_node = option                       # `mkdir(path, 0o777)`
        else:
            pairs = object_pairs(resolve_object(option, view(ctx))) if option is not None else {}
            mode_node = pairs.get("mode")
    mode = _mode(mode_node, ctx) if mode_node is not None else None
    if mode is None or not mode & 0o002:
        return
    creation = function not in CHMOD
    what = "creates it world-writable" if creation else "makes it world-writable"
    yield ctx.finding(RULE, call, f"`{function}(..., {oct(mode)})` {what}",
                      confidence=Confidence.MEDIUM if creation else Confidence.HIGH)


def _mode(node, ctx, depth: int = 0) -> int | None:
    node = unwrap(node)
    if node is None or depth > 2:
        return None
    if node.type == "identifier":
        value = view(ctx).value_of(text_of(node), node)
        return _mode(value, ctx, depth + 1) if value is not None and value is not node else None
    if node.type == "string":
        match = OCTAL.match((string_value(node) or "").strip())
        return int(match.group(1), 8) if match else None
    number = number_of(node)
    if number is None or number != int(number) or not 0 <= number <= 0o7777:
        return None
    return int(number)


RULE = NodeRule(
    id="JS-SEC-038", slug="permissive-file-permissions", area=Area.SEC,
    title="File or directory made world-writable",
    fix="Give files the narrowest mode they need (`0o600` for secrets, `0o644` for readable files, "
        "`0o755`/`0o750` for directories); never set the world-write bit.",
    rows=("SEC-16",), doc=__doc__, confidence=Confidence.HIGH,
    cwe=("CWE-732",), stride=(Stride.TAMPERING, Stride.ELEVATION_OF_PRIVILEGE),
    example_path="keys.js", visits=("call_expression",), check=check,
)
