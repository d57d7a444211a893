"""
## What it does
Flags settings that remove or inflate the limits on what a request may make the server hold in
memory:
- Django: `DATA_UPLOAD_MAX_MEMORY_SIZE = None` (or above 10 MB), `DATA_UPLOAD_MAX_NUMBER_FIELDS =
  None`, `DATA_UPLOAD_MAX_NUMBER_FILES = None`, and `FILE_UPLOAD_MAX_MEMORY_SIZE` above 100 MB
  (every upload smaller than that is kept in memory);
- Flask/Quart: `MAX_CONTENT_LENGTH`, `MAX_FORM_MEMORY_SIZE` or `MAX_FORM_PARTS` set to `None`, and
  `MAX_FORM_MEMORY_SIZE` above 10 MB: in `app.config[...] = ...`, `app.config.update(...)`,
  `app.config.from_mapping(...)`, or a configuration module or class.

Development and test settings, and values set in a debug-only branch, are not reported.

## Why it matters
Django reads a non-file request body into memory up to `DATA_UPLOAD_MAX_MEMORY_SIZE` and counts
form fields to stop hash-collision and parsing floods; Flask refuses bodies above
`MAX_CONTENT_LENGTH`. Without those limits a handful of large or field-heavy requests exhausts the
workers' memory or CPU: a cheap denial of service (CWE-770).

## Example
    ==> mysite/settings.py <==
    INSTALLED_APPS = ["django.contrib.auth"]
    DATA_UPLOAD_MAX_MEMORY_SIZE = None

## Use instead
    ==> mysite/settings.py <==
    INSTALLED_APPS = ["django.contrib.auth"]
    DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

## Known limitations
Values read from the environment or computed at run time are not evaluated. Flask's default
(`MAX_CONTENT_LENGTH` unset) is not reported, nor are handlers reading `request.get_data()` or
`request.stream`: the limit may be set from a file or the environment, or enforced by the proxy.
FastAPI and Starlette have no body limit setting to check.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import const_str, dotted
from prodcheck.model import Area, Confidence, Severity, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import is_dev_module, settings_module, under_dev_guard
from prodcheck.rules.python.helpers import parent_of

MB = 1024 * 1024
# setting -> (what None removes, size above which a number is reported, Django setting?)
LIMITS: dict[str, tuple[str, float | None, bool]] = {
    "DATA_UPLOAD_MAX_MEMORY_SIZE": ("the request body size limit", 10 * MB, True),
    "DATA_UPLOAD_MAX_NUMBER_FIELDS": ("the limit on form fields", None, True),
    "DATA_UPLOAD_MAX_NUMBER_FILES": ("the limit on uploaded files", None, True),
    "FILE_UPLOAD_MAX_MEMORY_SIZE": ("", 100 * MB, True),
    "MAX_CONTENT_LENGTH": ("the request body size limit", None, False),
    "MAX_FORM_MEMORY_SIZE": ("the limit on form field memory", 10 * MB, False),
    "MAX_FORM_PARTS": ("the limit on form parts", None, False),
}


def check(node: ast.AST, ctx):
    if is_dev_module(ctx):
        return
    for name, value, at in _settings(node, ctx):
        message = _problem(name, value)
        if message and not under_dev_guard(ctx, at):
            yield ctx.finding(RULE, at, message)


def _settings(node: ast.AST, ctx):
    """(setting, value, node to report) written by this statement or call."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("update", "from_mapping") \
                and dotted(func.value).endswith("config"):
            for kw in node.keywords:
                if kw.arg in LIMITS and not LIMITS[kw.arg][2]:
                    yield kw.arg, kw.value, kw.value
        return
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    value = node.value
    if value is None:
        return
    for target in targets:
        if isinstance(target, ast.Name) and target.id in LIMITS:
            scope = parent_of(ctx, node)
            django = LIMITS[target.id][2]
            if isinstance(scope, ast.ClassDef) or isinstance(scope, ast.Module) and \
                    (not django or settings_module(ctx)):
                yield target.id, value, node
        elif isinstance(target, ast.Subscript) and dotted(target.value).endswith("config"):
            key = const_str(target.slice)
            if key in LIMITS and not LIMITS[key][2]:
                yield key, value, node


def _problem(name: str, value: ast.AST) -> str:
    removed, threshold, _ = LIMITS[name]
    if isinstance(value, ast.Constant) and value.value is None:
        return f"`{name} = None` removes {removed}" if removed else ""
    size = _number(value)
    if threshold is not None and size is not None and size > threshold:
        return f"`{name}` allows {size / MB:.0f} MB per request in memory"
    return ""


def _number(node: ast.AST) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Add, ast.Pow, ast.LShift)):
        left, right = _number(node.left), _number(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.LShift):
            return float(int(left) << int(right)) if right < 64 else None
        return left ** right if right < 20 else None
    return None


RULE = NodeRule(
    id="PY-SEC-036", slug="request-body-without-size-limit", area=Area.SEC,
    title="Request body or form limits removed",
    fix="Keep Django's upload limits (`DATA_UPLOAD_MAX_MEMORY_SIZE` a few MB, field and file counts "
        "bounded) and set Flask's `MAX_CONTENT_LENGTH`; send large uploads to a streaming or "
        "direct-to-storage endpoint.",
    rows=("SEC-01",), doc=__doc__, confidence=Confidence.HIGH, severity=Severity.LOW,
    severity_note="an explicitly removed or oversized limit is a resource-exhaustion hardening issue, "
                  "not missing input validation (the row's HIGH)",
    cwe=("CWE-770",), stride=(Stride.DENIAL_OF_SERVICE,), example_path="mysite/settings.py",
    coverage="partial",
    coverage_note="explicit limit settings only; schema validation is checked through the inventory",
    visits=(ast.Assign, ast.AnnAssign, ast.Call), check=check,
)
