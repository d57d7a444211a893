"""
## What it does
Flags profilers and debug toolbars wired into what production runs:
- Django: `"silk"` or `"debug_toolbar"` in `INSTALLED_APPS`, or their middleware
  (`silk.middleware.SilkyMiddleware`, `debug_toolbar.middleware.DebugToolbarMiddleware`,
  `pyinstrument.middleware.ProfilerMiddleware`, `django_cprofile_middleware`) in `MIDDLEWARE`, in a
  settings module that production loads (assigned, added with `+=`, `.append()` or `.insert()`);
- Django URLconfs that include `silk.urls` or `debug_toolbar.urls` outside an `if settings.DEBUG:`
  test;
- Flask/WSGI: werkzeug's `ProfilerMiddleware` wrapped around the application outside a
  development-only branch;
- FastAPI/Starlette: a profiling middleware (`fastapi_profiler`'s
  `PyInstrumentProfilerMiddleware`, pyinstrument's `Profiler` started inside an HTTP middleware)
  that no configuration switch guards: anyone who adds `?profile=1` gets the profile.

Development and test settings, code under `if settings.DEBUG:` (or `if not PRODUCTION:`), code
under `if __name__ == "__main__":` and dedicated profiling scripts are not reported. Silk is not
reported in a settings module that turns on both `SILKY_AUTHENTICATION` and `SILKY_AUTHORISATION`.

## Why it matters
Profilers record every request: Silk stores request and response bodies, headers (session cookies,
tokens) and SQL with its parameters, and without its authentication settings serves them at
`/silk/` to anyone. A profiling middleware reachable with a query parameter hands out stack frames
and timings of the code and lets a caller make each request several times slower, a
denial-of-service lever (CWE-489). The Django Debug Toolbar shows settings, SQL and templates as soon
as `DEBUG` or its `SHOW_TOOLBAR_CALLBACK` lets it.

## Example
    ==> shop/settings.py <==
    import os

    DEBUG = False
    ALLOWED_HOSTS = [os.environ["SITE_HOST"]]
    ROOT_URLCONF = "shop.urls"
    INSTALLED_APPS = [
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "silk",
        "orders",
    ]
    MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "silk.middleware.SilkyMiddleware",
    ]

## Use instead
    ==> shop/settings.py <==
    import os

    DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
    ALLOWED_HOSTS = [os.environ["SITE_HOST"]]
    ROOT_URLCONF = "shop.urls"
    INSTALLED_APPS = [
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "orders",
    ]
    MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
    ]
    if DEBUG:
        INSTALLED_APPS += ["silk"]
        MIDDLEWARE += ["silk.middleware.SilkyMiddleware"]

## Known limitations
The Debug Toolbar only renders when `DEBUG` is on and the client is in `INTERNAL_IPS` (unless
`SHOW_TOOLBAR_CALLBACK` says otherwise), which this rule does not evaluate: its findings have MEDIUM
confidence. Silk's authentication settings are read only from the settings module that installs it,
not from the URLconf that includes `silk.urls`. A profiler switched on by a configuration value
(`if settings.PROFILING:`) is trusted, whatever that value is in production. `debug_toolbar_urls()`
returns no URLs when `DEBUG` is off and is not reported.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import const_str, dotted, name_tokens
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import (
    ancestors, env_lookup, in_main_guard, is_dev_module, literal_bool, settings_module, top_level_values,
    under_dev_guard,
)
from prodcheck.rules.python.helpers import qualified

APPS = {"silk": "Silk", "debug_toolbar": "the Django Debug Toolbar"}
MIDDLEWARE = {
    "silk.middleware.SilkyMiddleware": "Silk",
    "debug_toolbar.middleware.DebugToolbarMiddleware": "the Django Debug Toolbar",
    "pyinstrument.middleware.ProfilerMiddleware": "pyinstrument",
    "django_cprofile_middleware.middleware.ProfilerMiddleware": "django-cprofile-middleware",
}
URLCONFS = {"silk.urls": "Silk", "debug_toolbar.urls": "the Django Debug Toolbar"}
WSGI_PROFILERS = frozenset({"werkzeug.middleware.profiler.ProfilerMiddleware",
                            "werkzeug.contrib.profiler.ProfilerMiddleware"})
ASGI_PROFILERS = frozenset({"fastapi_profiler.PyInstrumentProfilerMiddleware",
                            "fastapi_profiler.profiler.PyInstrumentProfilerMiddleware",
                            "fastapi_profiler.profiler_middleware.PyInstrumentProfilerMiddleware",
                            "pyinstrument_fastapi.PyInstrumentMiddleware"})
PYINSTRUMENT = frozenset({"pyinstrument.Profiler", "pyinstrument.profiler.Profiler"})
SETTING_NAMES = frozenset({"INSTALLED_APPS", "MIDDLEWARE", "MIDDLEWARE_CLASSES"})
PROFILING_STEMS = frozenset({"profile", "profiler", "profiling", "benchmark", "bench", "perf"})
CONFIG_ROOTS = frozenset({"settings", "config", "conf", "app", "options", "cfg", "os", "env", "environ"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def check(node: ast.AST, ctx):
    if _skipped_module(ctx):
        return
    if isinstance(node, ast.Call):
        found = _call(node, ctx)
    else:
        found = _setting(node, ctx)
    for at, message, confidence in found:
        if not under_dev_guard(ctx, at) and not in_main_guard(ctx, at):
            yield ctx.finding(RULE, at, message, confidence=confidence)


def _skipped_module(ctx) -> bool:
    """Development modules and dedicated profiling scripts (`profile_app.py`, `bench.py`)."""
    key = "python.ops003.skipped"
    found = ctx.data.get(key)
    if found is None:
        stem = ctx.path.rsplit("/", 1)[-1].split(".")[0]
        found = ctx.data[key] = is_dev_module(ctx) or bool(PROFILING_STEMS & set(name_tokens(stem)))
    return found


# ---------------------------------------------------------------- Django settings

def _setting(node: ast.AST, ctx):
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    name = next((t.id for t in targets if isinstance(t, ast.Name) and t.id in SETTING_NAMES), "")
    if not name or node.value is None or not _settings_level(node, ctx):
        return
    yield from _entries(name, node.value, ctx)


def _settings_level(node: ast.AST, ctx) -> bool:
    if settings_module(ctx) not in ("django", "settings", "base"):
        return False
    return not any(isinstance(p, _SCOPES) for p in ancestors(ctx, node))


def _entries(setting: str, value: ast.AST, ctx):
    elements = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
    if isinstance(value, ast.BinOp):
        elements = [e for side in (value.left, value.right)
                    for e in (side.elts if isinstance(side, (ast.List, ast.Tuple)) else [])]
    for element in elements:
        text = const_str(element)
        if not text:
            continue
        tool = APPS.get(text) if setting == "INSTALLED_APPS" else MIDDLEWARE.get(text)
        if tool is None or tool == "Silk" and _silk_protected(ctx):
            continue
        where = "INSTALLED_APPS" if setting == "INSTALLED_APPS" else setting
        yield element, f"{tool} (`{text}`) is in `{where}` of settings production loads", _confidence(tool)


def _silk_protected(ctx) -> bool:
    values = top_level_values(ctx)
    return all(any(literal_bool(v) is True for _s, v in values.get(name, []))
               for name in ("SILKY_AUTHENTICATION", "SILKY_AUTHORISATION"))


def _confidence(tool: str) -> Confidence:
    return Confidence.MEDIUM if tool == "the Django Debug Toolbar" else Confidence.HIGH


# ---------------------------------------------------------------- calls

def _call(call: ast.Call, ctx):
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in ("append", "insert", "extend") \
            and isinstance(func.value, ast.Name) and func.value.id in SETTING_NAMES:
        if call.args and _settings_level(call, ctx):
            yield from _entries(func.value.id, call.args[-1], ctx)
        return
    name = qualified(ctx, func)
    last = name.rsplit(".", 1)[-1]
    if last == "include" or name.endswith("include"):
        yield from _include(call, ctx)
    elif name in WSGI_PROFILERS:
        yield call, "werkzeug's `ProfilerMiddleware` profiles every request of the application", Confidence.HIGH
    elif isinstance(func, ast.Attribute) and func.attr == "add_middleware" and call.args \
            and qualified(ctx, call.args[0]) in ASGI_PROFILERS:
        if not _config_guarded(call, ctx):
            yield call, f"`{dotted(call.args[0])}` lets any caller profile requests", Confidence.HIGH
    elif name in PYINSTRUMENT and _in_http_middleware(call, ctx) and not _config_guarded(call, ctx):
        yield call, "pyinstrument's `Profiler` runs inside an HTTP middleware that no setting switches off", \
            Confidence.MEDIUM


def _include(call: ast.Call, ctx):
    if not call.args:
        return
    target = call.args[0]
    text = const_str(target)
    if text is None:
        inner = target.elts[0] if isinstance(target, ast.Tuple) and target.elts else target
        text = const_str(inner) or qualified(ctx, inner)
    tool = URLCONFS.get(text or "")
    if tool is not None:
        yield call, f"the URLconf includes `{text}` without an `if settings.DEBUG:` test", _confidence(tool)


def _in_http_middleware(call: ast.Call, ctx) -> bool:
    for parent in ancestors(ctx, call):
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if parent.name in ("dispatch", "__call__"):
                return True
            return any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "middleware"
                       for d in parent.decorator_list)
    return False


def _config_guarded(node: ast.AST, ctx) -> bool:
    """Inside an `if` that reads a setting or environment variable (`if settings.PROFILING:`), not
    only the request (`if request.query_params.get("profile"):`)."""
    for parent in ancestors(ctx, node):
        if isinstance(parent, ast.Module):
            return False
        if isinstance(parent, (ast.If, ast.IfExp)) and _reads_config(parent.test, ctx):
            return True
    return False


def _reads_config(test: ast.AST, ctx) -> bool:
    for inner in ast.walk(test):
        if isinstance(inner, ast.Call) and env_lookup(ctx, inner) is not None:
            return True
        if isinstance(inner, ast.Name) and (inner.id.isupper() and len(inner.id) > 1 or inner.id in CONFIG_ROOTS):
            return True
        if isinstance(inner, ast.Attribute) and inner.attr.isupper() and len(inner.attr) > 1:
            return True
    return False


RULE = NodeRule(
    id="PY-OPS-003", slug="profiler-endpoint-exposed", area=Area.OPS,
    title="Profiler or debug toolbar enabled in production",
    fix="Install profilers and debug toolbars only in development settings (or under `if DEBUG:`), and "
        "protect Silk with `SILKY_AUTHENTICATION = True` and `SILKY_AUTHORISATION = True` if it must run "
        "in production.",
    rows=("OPS-02",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-489",),
    example_path="shop/settings.py", visits=(ast.Assign, ast.AugAssign, ast.Call), check=check,
)
