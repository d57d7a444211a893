"""
## What it does
Reads every `tsconfig.json` (JSON with comments and trailing commas) and flags one whose
effective compiler options leave `noImplicitAny` or `strictNullChecks` off: neither
`"strict": true` nor both flags are set, or `strict` is on and one of them is turned back off.
`extends` is followed to files inside the repository (relative paths, arrays of bases); a base
from a package is trusted when it is one of the strict `@tsconfig/*` bases and otherwise leaves
the answer open (no finding). Solution files (`"files": []` with `references`) are skipped.
Reported at the offending option, or at `compilerOptions` (the first line without it).

## Why it matters
Without `strictNullChecks` every value may silently be `null`/`undefined` and the compiler does
not say so: "cannot read properties of undefined" becomes the most common production error.
Without `noImplicitAny` untyped parameters and imports turn off checking wherever they flow, so
the type system stops catching the refactoring mistakes it exists for.

## Example
    {
      "compilerOptions": {
        "target": "ES2022",
        "module": "commonjs",
        "outDir": "dist"
      }
    }

## Use instead
    {
      "compilerOptions": {
        "target": "ES2022",
        "module": "commonjs",
        "outDir": "dist",
        "strict": true
      }
    }

## Known limitations
Only files named `tsconfig.json` are checked (a `tsconfig.build.json` extending one inherits its
verdict). A base config resolved through `node_modules` is not read.
"""
from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule

MAX_EXTENDS = 8
MAX_BYTES = 1_000_000
STRICT_BASES = re.compile(r"^@tsconfig/(strictest|recommended|node\d*|node-lts|bun|deno|esm|"
                          r"node-ts|svelte|vite-react|create-react-app|next|remix|nuxt|docusaurus|"
                          r"react-native|cypress|taro|ember|qjsengine|"
                          r"node\d+-strictest)(/tsconfig(\.[a-z]+)?\.json)?$")
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def check(parsed, ctx):
    if PurePosixPath(parsed.path).name != "tsconfig.json":
        return
    data, cleaned = _load_text(parsed.text)
    if not isinstance(data, dict):
        return
    if data.get("files") == [] and data.get("references") and not data.get("include"):
        return
    root = _scan_root(parsed)
    options = _effective(data, Path(parsed.source.abspath), root, 0, set())
    if options is None:
        return
    strict = options.get("strict")
    no_any = options.get("noImplicitAny", strict)
    null_checks = options.get("strictNullChecks", strict)
    if no_any is True and null_checks is True:
        return
    own = data.get("compilerOptions") if isinstance(data.get("compilerOptions"), dict) else {}
    missing = [name for name, value in (("noImplicitAny", no_any), ("strictNullChecks", null_checks))
               if value is not True]
    explicit = next((k for k in ("strict", "noImplicitAny", "strictNullChecks") if own.get(k) is False), None)
    line = _line_of(cleaned, explicit) if explicit else _line_of(cleaned, "compilerOptions") or 1
    off = " and ".join(f"`{m}`" for m in missing)
    if explicit:
        message = f"`\"{explicit}\": false` in compilerOptions: {off} off"
    elif strict is True:
        message = f"`strict` is on but {off} is turned off"
    else:
        message = f"TypeScript is not strict: {off} off (no `\"strict\": true`)"
    yield ctx.finding(RULE, line, message)


def _load_text(text: str) -> tuple[object, str]:
    cleaned = strip_comments(text)
    try:
        return json.loads(_TRAILING_COMMA.sub(r"\1", cleaned)), cleaned
    except (ValueError, RecursionError):
        return None, cleaned


def strip_comments(text: str) -> str:
    """JSON with `//` and `/* */` comments -> JSON; comments become spaces (newlines kept)."""
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        ch = text[i]
        if in_string:
            out.append(ch)
            if ch == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if ch == '"':
                in_string = False
            i += 1
            continue
        if ch == '"':
            in_string = True
            out.append(ch)
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("".join(c if c == "\n" else " " for c in text[i:end]))
            i = end
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _scan_root(parsed) -> Path:
    path = Path(parsed.source.abspath)
    depth = len(PurePosixPath(parsed.path).parts)
    root = path
    for _ in range(depth):
        root = root.parent
    return root.resolve()


def _effective(data: dict, path: Path, root: Path, depth: int, seen: set) -> dict | None:
    """The compiler options after applying `extends`; None when a base cannot be read."""
    merged: dict = {}
    bases = data.get("extends")
    for base in ([bases] if isinstance(bases, str) else bases if isinstance(bases, list) else []):
        if not isinstance(base, str):
            return None
        if not base.startswith((".", "/")):
            if STRICT_BASES.match(base):
                merged.update({"strict": True})
                continue
            return None
        if depth >= MAX_EXTENDS:
            return None
        target = _resolve(base, path, root)
        if target is None or target in seen:
            return None
        try:
            text = target.read_text(encoding="utf-8", errors="replace")[:MAX_BYTES]
        except OSError:
            return None
        parent, _ = _load_text(text)
        if not isinstance(parent, dict):
            return None
        inherited = _effective(parent, target, root, depth + 1, seen | {target})
        if inherited is None:
            return None
        merged.update(inherited)
    own = data.get("compilerOptions")
    if isinstance(own, dict):
        merged.update({k: v for k, v in own.items() if k in ("strict", "noImplicitAny", "strictNullChecks")})
    return merged


def _resolve(base: str, path: Path, root: Path) -> Path | None:
    candidate = (path.parent / base)
    for option in (candidate, candidate.with_name(candidate.name + ".json"), candidate / "tsconfig.json"):
        try:
            resolved = option.resolve()
        except (OSError, RuntimeError):
            continue
        if resolved.is_file() and (resolved == root or root in resolved.parents):
            return resolved
    return None


def _line_of(text: str, key: str) -> int:
    match = re.search(r'"' + re.escape(key) + r'"\s*:', text)
    return text.count("\n", 0, match.start()) + 1 if match else 0


RULE = FileRule(
    id="JS-QUAL-001", slug="typescript-not-strict", area=Area.QUAL,
    title="TypeScript compiled without strict checks",
    fix="Set `\"strict\": true` in `compilerOptions` (or at least `noImplicitAny` and "
        "`strictNullChecks`), then fix the errors it reports.",
    rows=("ARCH-06",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="tsconfig.json", file_languages=("json",), check=check,
    coverage="partial", coverage_note="tsconfig strict/noImplicitAny/strictNullChecks; `any` density is not measured",
)
