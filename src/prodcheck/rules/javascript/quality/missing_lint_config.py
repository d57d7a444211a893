"""
## What it does
Flags a Node package (a package.json whose directory holds JavaScript or TypeScript sources) that
has no linter set up, neither in its own directory nor in a parent directory of the repository
(a monorepo root): no ESLint configuration (`eslint.config.*`, `.eslintrc*`, an `eslintConfig`
section), no `biome.json`, no `tslint.json`/`.oxlintrc.json`/`.xo-config*`, no lint tool among the
dependencies (`eslint`, `@biomejs/biome`, `xo`, `standard`, `ts-standard`, `gts`, `oxlint`)
and no script that runs one. The message also says when no formatter (Prettier, Biome, dprint)
is configured either.

## Why it matters
A linter catches the bugs reviews miss on a Friday afternoon: a floating promise whose rejection
crashes the process, `==` on user input, an unused variable hiding a typo, a `catch` that swallows
errors, a shadowed `err`. Without one, every contributor's style and every one of these mistakes
reaches production, and the team argues about formatting in code review instead of design.

## Example
    ==> package.json <==
    {
      "name": "orders-api",
      "scripts": {"start": "node src/server.js", "test": "node --test"},
      "dependencies": {"express": "^4.19.2"}
    }
    ==> src/server.js <==
    const express = require('express');

    const app = express();
    app.get('/health', (req, res) => res.send('ok'));
    app.listen(3000);

## Use instead
    ==> package.json <==
    {
      "name": "orders-api",
      "scripts": {"start": "node src/server.js", "test": "node --test", "lint": "eslint ."},
      "dependencies": {"express": "^4.19.2"},
      "devDependencies": {"eslint": "^9.9.0", "@eslint/js": "^9.9.0", "prettier": "^3.3.0"}
    }
    ==> eslint.config.js <==
    const js = require('@eslint/js');

    module.exports = [js.configs.recommended];
    ==> src/server.js <==
    const express = require('express');

    const app = express();
    app.get('/health', (req, res) => res.send('ok'));
    app.listen(3000);

## Known limitations
A lint tool in the dependencies counts even when its configuration cannot be found (it may be
passed on the command line or live outside the scanned directory), and the configuration's
content (which rules are on) is not judged. Packages under examples, fixtures, scripts and similar
tooling directories are not checked, nor are published build outputs (a package.json declaring
`types` over JavaScript-only files), which are linted, if at all, in their source repository.
"""
from __future__ import annotations

from pathlib import PurePosixPath

from prodcheck.facts.stack import ancestor_dirs, owner
from prodcheck.model import Area, Confidence, Location
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.javascript.helpers import JS_LANGUAGES, is_tooling_path

LINT_FILES = frozenset({
    "eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts", "eslint.config.mts",
    "eslint.config.cts", ".eslintrc", ".eslintrc.js", ".eslintrc.cjs", ".eslintrc.json", ".eslintrc.yml",
    ".eslintrc.yaml", "biome.json", "biome.jsonc", "tslint.json", ".oxlintrc.json", ".xo-config",
    ".xo-config.json", ".xo-config.js", ".xo-config.cjs", "xo.config.js", "xo.config.cjs", "xo.config.mjs",
})
FORMAT_FILES = frozenset({
    ".prettierrc", ".prettierrc.json", ".prettierrc.yml", ".prettierrc.yaml", ".prettierrc.json5",
    ".prettierrc.js", ".prettierrc.cjs", ".prettierrc.mjs", ".prettierrc.toml", "prettier.config.js",
    "prettier.config.cjs", "prettier.config.mjs", "prettier.config.ts", "biome.json", "biome.jsonc",
    "dprint.json", ".dprint.json", ".editorconfig",
})
LINT_PACKAGES = frozenset({"eslint", "@biomejs/biome", "xo", "standard", "ts-standard", "gts", "oxlint", "tslint",
                           "@antfu/eslint-config", "semistandard", "rome"})
FORMAT_PACKAGES = frozenset({"prettier", "@biomejs/biome", "dprint", "gts", "standard", "ts-standard",
                             "semistandard", "xo", "rome"})


def check(project, ctx):
    manifests = {str(PurePosixPath(f.path).parent): f for f in project.files
                 if PurePosixPath(f.path).name == "package.json"}
    if not manifests:
        return
    lint_dirs: set[str] = set()
    format_dirs: set[str] = set()
    for facts in project.files:
        name = PurePosixPath(facts.path).name.lower()
        directory = str(PurePosixPath(facts.path).parent)
        if name in LINT_FILES:
            lint_dirs.add(directory)
        if name in FORMAT_FILES:
            format_dirs.add(directory)
    for directory, facts in manifests.items():
        if any(s.name == "js-lint-config" for s in facts.signals) \
                or any(d.name in LINT_PACKAGES or d.name.startswith("@typescript-eslint/")
                       or d.name.startswith("eslint-config-") for d in facts.dependencies):
            lint_dirs.add(directory)
        if any(s.name == "js-format-config" for s in facts.signals) \
                or any(d.name in FORMAT_PACKAGES for d in facts.dependencies):
            format_dirs.add(directory)
    owned: dict[str, int] = {}
    typescript: set[str] = set()
    roots = frozenset(manifests)
    for facts in project.files:
        if facts.language not in JS_LANGUAGES or facts.kind != "source" or is_tooling_path(facts.path):
            continue
        root = owner(facts.path, roots)
        if root is not None:
            owned[root] = owned.get(root, 0) + 1
            if facts.language == "typescript":
                typescript.add(root)
    for directory in sorted(owned):
        if is_tooling_path(f"{directory}/package.json") or _build_output(manifests[directory], directory in typescript):
            continue
        chain = ancestor_dirs(directory)
        if any(d in lint_dirs for d in chain):
            continue
        facts = manifests[directory]
        name = next((s for s in facts.signals if s.name == "package-name"), None)
        where = name.location if name is not None else Location.at(facts.path, 1)
        label = f"`{name.detail}`" if name is not None and name.detail else f"`{facts.path}`"
        formatter = "" if any(d in format_dirs for d in chain) else "; no formatter (Prettier, Biome) either"
        yield ctx.finding(
            RULE, where,
            f"Node package {label} ({owned[directory]} source file{'s' if owned[directory] != 1 else ''}) has no "
            f"lint configuration (ESLint, Biome, XO){formatter}")


def _build_output(manifest, has_typescript: bool) -> bool:
    """A package that declares its `types` but holds only JavaScript: compiled, published code."""
    return not has_typescript and any(sig.name == "js-package-types" for sig in manifest.signals)


RULE = ProjectRule(
    id="JS-QUAL-002", slug="missing-lint-config", area=Area.QUAL,
    title="Node package without a linter",
    fix="Add ESLint with a flat config (`npm init @eslint/config@latest`, or `eslint.config.js` with "
        "`@eslint/js` and `typescript-eslint`) or Biome (`biome.json`), a `lint` script run in CI, and "
        "Prettier (or Biome's formatter) for formatting.",
    rows=("ARCH-07",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="package.json", needs_languages=("javascript", "typescript"), check=check,
)
