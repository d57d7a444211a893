"""
## What it does
Flags YAML parsed with `js-yaml` in a mode that can build JavaScript functions and objects from
the document:
- `yaml.unsafeLoad(...)`/`unsafeLoadAll(...)`, or `load(..., { schema })` with
  `DEFAULT_FULL_SCHEMA` or a schema extended with `js-yaml-js-types`;
- a plain `yaml.load(...)`/`loadAll(...)` (no explicitly safe schema) when the service's
  `package.json` asks for js-yaml 3 or older, where `load` uses the full schema and understands
  `!!js/function`.

`safeLoad`, js-yaml 4 `load` (safe by default), a safe schema (`JSON_SCHEMA`, `CORE_SCHEMA`,
`FAILSAFE_SCHEMA`, `DEFAULT_SAFE_SCHEMA`) and the `yaml` package are not reported.

## Why it matters
With the full schema, a YAML document can contain `!!js/function` tags that js-yaml turns into
real functions, which run as soon as the application calls them (or coerces the object to a
string): a YAML upload, a config pulled from a shared bucket or a request body becomes code
execution in the service (CWE-502).

## Example
==> package.json <==
{"name": "importer", "dependencies": {"js-yaml": "^3.14.1"}}

==> importer.js <==
const yaml = require('js-yaml');

function parseUpload(buffer) {
  return yaml.load(buffer.toString('utf8'));
}

module.exports = { parseUpload };

## Use instead
==> package.json <==
{"name": "importer", "dependencies": {"js-yaml": "^3.14.1"}}

==> importer.js <==
const yaml = require('js-yaml');

function parseUpload(buffer) {
  return yaml.safeLoad(buffer.toString('utf8'));
}

module.exports = { parseUpload };

## Known limitations
The js-yaml version is read from the `package.json` of the service (or the nearest package): when
no version is declared, or it is a tag, a plain `load()` is not reported. Custom schemas built in
another module are trusted.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.javascript.helpers import js_groups

MAJOR = re.compile(r"(\d+)")


def check(project, ctx):
    for files in js_groups(project).values():
        loads = [s for f in files for s in f.signals if s.name == "js-yaml-load"]
        if not loads:
            continue
        major = _js_yaml_major(files)
        for signal in loads:
            if signal.detail == "unsafe":
                yield ctx.finding(RULE, signal.location, "js-yaml loads with the full (JavaScript) schema: "
                                                         "`!!js/function` tags become code")
            elif signal.detail == "default" and major is not None and major < 4:
                yield ctx.finding(RULE, signal.location,
                                  f"js-yaml {major}.x `load()` uses the full schema by default: "
                                  f"`!!js/function` tags become code")


def _js_yaml_major(files) -> int | None:
    """The major version of js-yaml the group's package.json asks for (None: unknown/none)."""
    for facts in files:
        if PurePosixPath(facts.path).name != "package.json":
            continue
        for dependency in facts.dependencies:
            if dependency.ecosystem == "npm" and dependency.name == "js-yaml":
                spec = (dependency.spec or "").strip()
                if spec.startswith(("npm:", "git", "http", "file:", "link:", "workspace:")):
                    return None
                match = MAJOR.search(spec)
                return int(match.group(1)) if match else None
    return None


RULE = ProjectRule(
    id="JS-SEC-034", slug="unsafe-yaml-load", area=Area.SEC,
    title="YAML loaded with js-yaml's unsafe schema",
    fix="Upgrade to js-yaml 4 (`load` is safe) or call `safeLoad` on js-yaml 3, and never pass "
        "`DEFAULT_FULL_SCHEMA` or the `js-yaml-js-types` types for data you did not write.",
    rows=("SEC-08",), doc=__doc__, confidence=Confidence.HIGH,
    cwe=("CWE-502",), stride=(Stride.TAMPERING, Stride.ELEVATION_OF_PRIVILEGE),
    example_path="importer.js", needs_languages=("javascript", "typescript"), check=check,
)
