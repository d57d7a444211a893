"""Helpers shared by the JavaScript/TypeScript rules. Per-file results are memoised in `ctx.data`
(one index of the tree per file), so rules stay pure functions of (node, ctx).

- `view(ctx)`: the file's `FileView` (imports, constants, scope-aware declarations);
- `is_frontend(ctx)`/`is_frontend_file(facts)`: browser code (JSX/TSX, a React/Vue/Svelte/Angular
  import), where server rules do not apply;
- `is_tooling_path(path)`: scripts, CLIs, seeds, build and test configuration;
- `js_groups(project)`: the JS/TS files of a project grouped by service (files outside every
  service by the nearest package.json), for the per-service project rules;
- `express_major(files)`: the major version of `express` declared in the group's package.json.
"""
from __future__ import annotations

import posixpath

import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from prodcheck.facts.extractors.js_common import FileView, file_view
from prodcheck.facts.stack import owner, service_of

FRONTEND_PACKAGES = ("react", "react-dom", "vue", "svelte", "@angular/core", "preact", "solid-js",
                     "next/router", "next/navigation", "react-native", "@remix-run/react", "jquery")
TOOLING_DIRS = frozenset({"scripts", "script", "bin", "tools", "tool", "cli", "commands", "command",
                          "console", "seed", "seeds", "seeders",
                          "migrations", "migration", "examples", "example", "docs", "benchmarks",
                          "benchmark", "bench", "fixtures", "mocks", "__mocks__", "e2e", "cypress",
                          "playwright", "storybook", ".storybook", "public", "static", "client",
                          "frontend", "web", "www", "dist", "build", "coverage"})
TOOLING_FILES = re.compile(
    r"(^|[./-])(config|conf|rc|setup|seed|seeder|cli|gulpfile|gruntfile|webpack|vite|rollup|jest|vitest|"
    r"karma|babel|eslint|prettier|tailwind|postcss|knexfile|ormconfig|drizzle|playwright|cypress|migrate|"
    r"migration|seeds)"
    r"([./-]|$)", re.I)
JS_LANGUAGES = frozenset({"javascript", "typescript"})
FRONTEND_DIRS = frozenset({"frontend", "client", "web", "webapp", "ui", "public", "static", "www",
                           "components", "pages", "views", "hooks", "store", "redux", "browser"})


def view(ctx) -> FileView:
    return file_view(ctx.file)


def is_frontend(ctx) -> bool:
    key = "js.frontend"
    if key not in ctx.data:
        found = view(ctx)
        ctx.data[key] = _frontend_path(ctx.path) or any(
            p == f or p.startswith(f + "/") for p in found.packages for f in FRONTEND_PACKAGES)
    return ctx.data[key]


def _frontend_path(path: str) -> bool:
    pure = PurePosixPath(path)
    return pure.name.lower().endswith((".jsx", ".tsx", ".vue", ".svelte")) \
        or any(part.lower() in FRONTEND_DIRS for part in pure.parts[:-1])


def is_frontend_file(facts) -> bool:
    if _frontend_path(facts.path):
        return True
    return any(i.module == f or i.module.startswith(f + "/") for i in facts.imports for f in FRONTEND_PACKAGES)


def is_tooling_path(path: str) -> bool:
    pure = PurePosixPath(path)
    if any(part.lower() in TOOLING_DIRS for part in pure.parts[:-1]):
        return True
    return bool(TOOLING_FILES.search(pure.name))


def js_groups(project) -> dict[str, list]:
    """Service name (or "package:<dir>") -> its facts files (JS/TS sources and package.json).
    Built once per project (several project rules read it); callers must not modify it."""
    groups = project.memo.get("js.groups")
    if groups is None:
        groups = project.memo["js.groups"] = _js_groups(project)
    return groups


def _js_groups(project) -> dict[str, list]:
    roots = frozenset(posixpath.dirname(f.path) or "." for f in project.files
                      if posixpath.basename(f.path) == "package.json")
    groups: dict[str, list] = {}
    for facts in project.files:
        if facts.language not in JS_LANGUAGES and posixpath.basename(facts.path) != "package.json":
            continue
        key = service_of(facts.path, project.stack)
        if not key:
            root = owner(facts.path, roots)
            key = f"package:{root or '.'}"
        groups.setdefault(key, []).append(facts)
    return groups


def group_signals(files: Iterable, name: str) -> list:
    return [s for f in files for s in f.signals if s.name == name]


def express_major(files: Iterable) -> int | None:
    """The major version of `express` a group's package.json asks for (None: unknown/none)."""
    for facts in files:
        for dependency in facts.dependencies:
            if dependency.ecosystem == "npm" and dependency.name == "express":
                return _major(dependency.spec)
    return None


def _major(spec: str) -> int | None:
    text = (spec or "").strip()
    if text in ("latest", "*", "x", "next"):
        return 5
    match = re.search(r"(\d+)", text)
    return int(match.group(1)) if match else None


__all__ = ["express_major", "group_signals", "is_frontend", "is_frontend_file", "is_tooling_path",
           "js_groups", "view"]
