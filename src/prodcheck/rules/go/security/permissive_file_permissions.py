"""
## What it does
Flags files and directories given a world-writable mode where the mode is what ends up on disk:

- `os.Chmod(path, mode)` and `f.Chmod(mode)` on a file opened in the same function: `chmod` is not
  filtered by the process umask;
- `os.WriteFile`, `ioutil.WriteFile`, `os.OpenFile`, `os.Mkdir` and `os.MkdirAll` in a file that
  clears the umask (`syscall.Umask(0)`, `unix.Umask(0)`), so the requested mode is applied as is;
- `os.WriteFile`/`ioutil.WriteFile`/`os.OpenFile` creating a file `0777` (world-writable and
  executable): a script or binary anyone may replace.

A mode is world-writable when its `0o002` bit is set: `0777`, `0666`, `0o776`, `os.ModePerm`, a
`|` of literals or an `os.FileMode(...)` conversion. Modes read from configuration or variables
are not reported; test files and test-helper packages are not scanned.

## Why it matters
A world-writable file lets every local user and every other process in the container or on the
host replace its content: a config file, a script that is run later, an upload directory served
back to users, a socket. On shared hosts and in containers with mounted volumes this turns into
code execution or data tampering (CWE-732).

## Example
    package storage

    import "os"

    func ShareUploads(dir string) error {
    	if err := os.MkdirAll(dir, 0o750); err != nil {
    		return err
    	}
    	return os.Chmod(dir, 0o777)
    }

## Use instead
    package storage

    import "os"

    func ShareUploads(dir string) error {
    	if err := os.MkdirAll(dir, 0o750); err != nil {
    		return err
    	}
    	return os.Chmod(dir, 0o770)
    }

## Known limitations
Creating files `0666` and directories `0777` is Go's convention (`os.Create` itself uses `0666`):
the umask, normally `022`, turns them into `0644`/`0755`, so those calls are only reported when
the same file clears the umask; a umask cleared elsewhere (another package, the container's entry
script) is not seen. Only the "others may write" bit is checked: group-writable or world-readable
modes (a secret written `0o644`) are not reported. Modes held in named constants or variables
are not resolved.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import local_value, unparen
from prodcheck.model import Area, Confidence, Stride
from prodcheck.parsing.treesitter import walk
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.helpers import call_target, generated_or_tool, view
from prodcheck.rules.go.security_helpers import int_value, test_support

WORLD_WRITE = 0o002
CREATE_FILE = frozenset({("os", "WriteFile"), ("io/ioutil", "WriteFile"), ("os", "OpenFile")})
UMASK = frozenset({("syscall", "Umask"), ("golang.org/x/sys/unix", "Umask")})
MODE_ARG = {
    ("os", "WriteFile"): 2, ("io/ioutil", "WriteFile"): 2, ("os", "OpenFile"): 2,
    ("os", "Mkdir"): 1, ("os", "MkdirAll"): 1, ("os", "Chmod"): 1,
}
FILE_MAKERS = frozenset({("os", "Create"), ("os", "OpenFile"), ("os", "Open"), ("os", "CreateTemp")})


def check(call, ctx):
    file_view = view(ctx)
    if generated_or_tool(ctx) or test_support(ctx):
        return
    path, name = call_target(call, ctx)
    args = file_view.arguments(call)
    index = MODE_ARG.get((path, name))
    if index is None:
        index = _file_chmod(call, name, args, ctx)
        if index is None:
            return
        label = "File.Chmod"
    else:
        label = f"{file_view.text(unparen(file_view.call_parts(call)[0]))}.{name}"
    if len(args) <= index:
        return
    mode = int_value(args[index], ctx)
    if mode is None or not mode & WORLD_WRITE:
        return
    what = "directory" if name.startswith("Mkdir") else "file"
    shown = f"0o{mode & 0o7777:o}"
    if name == "Chmod":
        yield ctx.finding(RULE, call, f"`{label}` with mode {shown}: the {what} is world-writable",
                          confidence=Confidence.HIGH)
    elif _umask_cleared(ctx):
        yield ctx.finding(RULE, call, f"`{label}` with mode {shown} while this file clears the umask: the {what} "
                                      f"is created world-writable", confidence=Confidence.HIGH)
    elif (path, name) in CREATE_FILE and mode & 0o777 == 0o777:
        yield ctx.finding(RULE, call, f"`{label}` creates an executable file with mode {shown}: world-writable "
                                      f"unless the umask removes the bit", confidence=Confidence.MEDIUM)


def _umask_cleared(ctx) -> bool:
    file_view = view(ctx)
    key = "go.umask-cleared"
    if key not in ctx.data:
        ctx.data[key] = any(call_target(node, ctx) in UMASK and file_view.arguments(node)
                            and int_value(file_view.arguments(node)[0], ctx) == 0
                            for node in walk(file_view.root) if node.type == "call_expression")
    return ctx.data[key]


def _file_chmod(call, name: str, args: list, ctx) -> int | None:
    """`f.Chmod(mode)` on a file this function opened with `os.Create`/`os.OpenFile`."""
    file_view = view(ctx)
    if name != "Chmod" or len(args) != 1:
        return None
    operand = unparen(file_view.call_parts(call)[0])
    if operand is None or operand.type != "identifier":
        return None
    value = unparen(local_value(file_view.text(operand), call, file_view))
    if value is None or value.type != "call_expression":
        return None
    return 0 if call_target(value, ctx) in FILE_MAKERS else None


RULE = NodeRule(
    id="GO-SEC-038", slug="permissive-file-permissions", area=Area.SEC,
    title="File or directory created world-writable",
    fix="Use the narrowest mode that works: `0o600`/`0o640` for files, `0o700`/`0o750` for "
        "directories; never grant write to others.",
    rows=("SEC-16",), doc=__doc__, confidence=Confidence.MEDIUM, cwe=("CWE-732",),
    stride=(Stride.TAMPERING, Stride.ELEVATION_OF_PRIVILEGE),
    example_path="storage.go", visits=("call_expression",), check=check,
)
