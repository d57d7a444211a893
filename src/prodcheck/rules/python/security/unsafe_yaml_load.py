"""
## What it does
Flags YAML loaders that can build arbitrary Python objects, whatever the data's origin:
- PyYAML `yaml.load(stream)` and `yaml.load_all(stream)` without a loader, or with
  `Loader=yaml.Loader`, `UnsafeLoader`, `CLoader`, `CUnsafeLoader` (keyword or second argument);
- `yaml.unsafe_load(...)`, `yaml.unsafe_load_all(...)`;
- (MEDIUM confidence) `yaml.full_load(...)` and `Loader=yaml.FullLoader`, which could construct
  Python objects before PyYAML 5.4;
- ruamel.yaml `YAML(typ="unsafe")` and the legacy `ruamel.yaml.load(...)` without a safe loader.

The fix `yaml.load(f)` -> `yaml.safe_load(f)` comes as a diff when the call is on one line.

## Why it matters
YAML tags such as `!!python/object/apply:os.system` make the unsafe loaders call any function
while parsing. A configuration file, an uploaded manifest or a message from a queue is then enough
to run code on the server, and "trusted" files have a way of becoming user-supplied later.

## Example
    import yaml


    def read_pipeline(path):
        with open(path) as fh:
            return yaml.load(fh, Loader=yaml.Loader)

## Use instead
    import yaml


    def read_pipeline(path):
        with open(path) as fh:
            return yaml.safe_load(fh)

## Known limitations
A loader defined in the same file is trusted when it derives from `SafeLoader`/`CSafeLoader`/
`BaseLoader`; a loader imported from elsewhere or chosen at run time is trusted. This rule is the
only one reporting PyYAML: PY-SEC-008 (unsafe-deserialization) has no YAML sinks, so an unsafe
`yaml.load` of request data is reported once, here, without the request-to-loader trace.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import argument, const_str, dotted, keyword
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.helpers import qualified, replace_span_diff

YAML_LOADS = frozenset({"yaml.load", "yaml.load_all"})
UNSAFE_CALLS = frozenset({"yaml.unsafe_load", "yaml.unsafe_load_all"})
FULL_CALLS = frozenset({"yaml.full_load", "yaml.full_load_all"})
UNSAFE_LOADERS = frozenset({"Loader", "UnsafeLoader", "CLoader", "CUnsafeLoader"})
FULL_LOADERS = frozenset({"FullLoader", "CFullLoader"})
SAFE_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})
RUAMEL_YAML = frozenset({"ruamel.yaml.YAML", "ruamel.yaml.main.YAML"})
RUAMEL_LOADS = frozenset({"ruamel.yaml.load", "ruamel.yaml.load_all", "ruamel.yaml.main.load"})
LAST_NAMES = frozenset({"load", "load_all", "unsafe_load", "unsafe_load_all", "full_load", "full_load_all", "YAML"})


def check(call: ast.Call, ctx):
    func = call.func
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if last not in LAST_NAMES:
        return
    name = qualified(ctx, func)
    if name in UNSAFE_CALLS:
        yield ctx.finding(RULE, call, f"`{name}()` constructs arbitrary Python objects from the document",
                          diff=_safe_diff(call, ctx))
    elif name in FULL_CALLS:
        yield ctx.finding(RULE, call, f"`{name}()` uses FullLoader, which constructs Python objects in "
                                      "PyYAML < 5.4", confidence=Confidence.MEDIUM, diff=_safe_diff(call, ctx))
    elif name in YAML_LOADS or name in RUAMEL_LOADS:
        yield from _load(call, name, ctx)
    elif name in RUAMEL_YAML and const_str(keyword(call, "typ")) == "unsafe":
        yield ctx.finding(RULE, call, "`YAML(typ=\"unsafe\")` constructs arbitrary Python objects",
                          fix="Use `YAML(typ=\"safe\")` (or the default round-trip loader).")


def _load(call: ast.Call, name: str, ctx):
    loader = argument(call, 1, "Loader")
    if loader is None and any(isinstance(a, ast.Starred) for a in call.args) \
            or any(kw.arg is None for kw in call.keywords):
        return
    kind = _loader_kind(loader, ctx)
    short = name.rsplit(".", 1)[-1]
    if kind == "safe" or kind == "unknown":
        return
    if kind == "missing":
        yield ctx.finding(RULE, call, f"`yaml.{short}()` without a safe loader can construct Python objects",
                          diff=_safe_diff(call, ctx))
    elif kind == "full":
        yield ctx.finding(RULE, call, f"`yaml.{short}()` with FullLoader constructs Python objects in "
                                      "PyYAML < 5.4", confidence=Confidence.MEDIUM, diff=_safe_diff(call, ctx))
    else:
        yield ctx.finding(RULE, call, f"`yaml.{short}()` with `{dotted(loader) or 'an unsafe loader'}` "
                                      "constructs arbitrary Python objects", diff=_safe_diff(call, ctx))


def _loader_kind(loader: ast.AST | None, ctx) -> str:
    """"missing", "safe", "full", "unsafe" or "unknown"."""
    if loader is None:
        return "missing"
    name = qualified(ctx, loader)
    if not name:
        return "unknown"
    short = name.rsplit(".", 1)[-1]
    if name.startswith(("yaml.", "ruamel.yaml.")):
        if short in SAFE_LOADERS:
            return "safe"
        if short in FULL_LOADERS:
            return "full"
        if short in UNSAFE_LOADERS:
            return "unsafe"
        return "unknown"
    if isinstance(loader, ast.Name):
        return "safe" if _local_safe_loader(loader.id, ctx) else "unknown"
    return "unknown"


def _local_safe_loader(name: str, ctx) -> bool:
    for node in getattr(ctx.file.tree, "body", []):
        if isinstance(node, ast.ClassDef) and node.name == name:
            return any(qualified(ctx, base).rsplit(".", 1)[-1] in SAFE_LOADERS for base in node.bases)
    return False


def _safe_diff(call: ast.Call, ctx) -> str:
    """`yaml.load(fh, Loader=yaml.Loader)` -> `yaml.safe_load(fh)` for a one-line call on `yaml.`."""
    func = call.func
    if not isinstance(func, ast.Attribute) or qualified(ctx, func.value) != "yaml" or len(call.args) < 1 \
            or call.end_lineno != call.lineno:
        return ""
    if any(kw.arg != "Loader" for kw in call.keywords) or len(call.args) > 2:
        return ""
    stream = call.args[0]
    if stream.end_lineno != stream.lineno:
        return ""
    raw = ctx.file.line(call.lineno).encode("utf-8")
    stream_text = raw[stream.col_offset:stream.end_col_offset].decode("utf-8", errors="replace")
    target = "safe_load_all" if func.attr.endswith("_all") else "safe_load"
    return replace_span_diff(ctx, call, f"{dotted(func.value)}.{target}({stream_text})")


RULE = NodeRule(
    id="PY-SEC-034", slug="unsafe-yaml-load", area=Area.SEC,
    title="YAML loaded with a loader that constructs Python objects",
    fix="Use `yaml.safe_load()` (or `Loader=yaml.SafeLoader`/`CSafeLoader`).",
    rows=("SEC-08",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-502",),
    stride=(Stride.TAMPERING, Stride.ELEVATION_OF_PRIVILEGE), example_path="app.py",
    coverage="partial",
    coverage_note="YAML only; pickle, eval and request-data flows are the taint rules' (SEC-008/009)",
    visits=(ast.Call,), check=check,
)
