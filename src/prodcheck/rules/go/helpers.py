"""Helpers shared by the Go rules. Per-file results are memoised in `ctx.data` (one index of the
tree per file), so rules stay pure functions of (node, ctx).

- `view(ctx)`: the file's `GoFile` (imports, functions, structs, constants);
- `generated_or_tool(ctx)`: generated files and `//go:build ignore` programs (code generators);
- `package_of(node, ctx)`: the import path an identifier operand names (`http` -> "net/http");
- `go_groups(project)`: the Go source files of a project grouped by service (files outside every
  service by directory), for the per-service project rules;
- `local_constructor(name, at, ctx)`: the call a local variable was initialised with.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from prodcheck.facts.extractors.go_common import GoFile, go_file, local_value, qualified_call, unparen
from prodcheck.facts.stack import service_of


def view(ctx) -> GoFile:
    found = ctx.data.get("go.view")     # `go_file`'s memo (ctx.data is the parsed file's memo)
    return found if found is not None else go_file(ctx.file)


_BUILD_IGNORE = re.compile(r"^//\s*(go:build\s+ignore|\+build\s+ignore)\s*$", re.M)
_GENERATED = re.compile(r"^// Code generated .* DO NOT EDIT\.$", re.M)


def generated_or_tool(ctx) -> bool:
    """A generated file, or a program excluded from builds (`//go:build ignore`, the convention for
    code generators run by `go generate`): not production code."""
    key = "go.generated-or-tool"
    if key not in ctx.data:
        head = "\n".join(ctx.file.lines[:40])
        ctx.data[key] = bool(_BUILD_IGNORE.search(head) or _GENERATED.search(head))
    return ctx.data[key]


def package_of(node, ctx) -> str:
    node = unparen(node)
    if node is None or node.type != "identifier":
        return ""
    return view(ctx).package_path(node)


def call_target(call, ctx) -> tuple[str, str]:
    """(import path, name) of `pkg.Name(...)`; ("", name) otherwise."""
    return qualified_call(call, view(ctx))


def local_constructor(name: str, at, ctx) -> tuple[str, str]:
    """(import path, function) of the call that initialised a local variable: `r := gin.New()`
    gives ("github.com/gin-gonic/gin", "New"); ("", "") when not a package call."""
    value = unparen(local_value(name, at, view(ctx)))
    if value is None and name in view(ctx).package_vars:
        value = unparen(view(ctx).package_vars[name])
    if value is None or value.type != "call_expression":
        return "", ""
    return qualified_call(value, view(ctx))


HTTP_SERVER_KINDS = frozenset({"listen", "listen-and-serve"})
HTTP_FRAMEWORKS = frozenset({"net/http", "gin", "echo", "fiber", "fasthttp"})


def http_server_starts(files) -> list:
    """The entry points of these files that start an HTTP server (`ListenAndServe`, `r.Run()`)."""
    return [e for f in files for e in f.entrypoints if e.kind in HTTP_SERVER_KINDS and e.framework in HTTP_FRAMEWORKS]


def go_groups(project) -> dict[str, list]:
    """Service name (or "dir:<path>") -> the Go source facts of that service."""
    groups: dict[str, list] = {}
    for facts in project.files:
        if facts.language != "go" or facts.kind != "source":
            continue
        key = service_of(facts.path, project.stack) or f"dir:{PurePosixPath(facts.path).parent}"
        groups.setdefault(key, []).append(facts)
    return groups


__all__ = ["call_target", "generated_or_tool", "go_groups", "local_constructor", "package_of", "view"]
