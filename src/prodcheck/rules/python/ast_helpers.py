"""More helpers for the Python rules (on top of `rules/python/helpers.py`, whose qualified-name
resolver they use). Pure functions of (node, ctx); file-wide facts are memoised in `ctx.data`.

- module kinds: `is_dev_path`, `settings_module` (a Django/Flask settings file that is not for
  development or tests), `is_cli_module` (scripts, management commands, argparse/click modules);
- module-level facts: `top_level_values` (unconditional `NAME = value` at module level),
  `module_constant`;
- where a node sits: `ancestors`, `enclosing_handler`, `in_main_guard`, `under_dev_guard`,
  `innermost_function`;
- reading values: `literal_bool`, `literal_number`, `is_truthy_default`, `env_lookup`,
  `name_of_target`, `words_of`;
- exceptions and logging: `is_broad_handler`, `logging_method`.
"""
from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from prodcheck.facts.extractors.python_common import (
    const_str, dotted, keyword, last_name, module_nodes_of, name_tokens,
)
from prodcheck.rules.python.helpers import bound_constructor, imports, parent_of, qualified

__all__ = [
    "ancestors", "enclosing_handler", "env_lookup", "in_main_guard", "innermost_function",
    "is_broad_handler", "is_cli_module", "is_dev_module", "is_dev_path", "is_migration_module",
    "is_truthy_default", "linter_suppressed", "literal_bool", "literal_number", "logging_method",
    "module_constant", "name_of_target", "settings_module", "top_level_values", "under_dev_guard",
    "words_of",
]

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)

# Path words that mark code which never runs in production: dev/test settings, examples.
DEV_WORDS = frozenset({
    "dev", "devel", "development", "local", "localhost", "test", "tests", "testing", "ci", "debug",
    "example", "examples", "sample", "samples", "demo", "demos", "sandbox", "playground", "docs",
    "tutorial", "tutorials", "e2e", "fixtures", "mock", "mocks", "fake",
})
# Stems of shared settings files another file overrides (settings/base.py).
BASE_SETTINGS_STEMS = frozenset({"base", "common", "default", "defaults", "shared", "global", "core",
                                 "components", "base_settings", "common_settings"})
SETTINGS_PACKAGES = frozenset({"settings", "config", "conf", "configs", "configuration"})
# Settings files named for the environment they configure: production loads them.
ENVIRONMENT_STEMS = frozenset({"production", "prod", "staging", "stage", "live", "deploy", "deployment",
                               "release", "heroku", "docker", "k8s", "kubernetes", "aws", "gcp", "azure",
                               "cloud", "server", "remote", "public", "preprod", "uat", "qa"})
DJANGO_SETTINGS_MARKERS = frozenset({"INSTALLED_APPS", "ROOT_URLCONF", "MIDDLEWARE", "MIDDLEWARE_CLASSES",
                                     "WSGI_APPLICATION", "ASGI_APPLICATION", "DATABASES", "AUTH_USER_MODEL"})
CLI_DIRS = frozenset({"scripts", "script", "bin", "tools", "tool", "commands", "cli", "devtools", "ops",
                      "notebooks", "benchmarks", "benchmark", "bench", "examples", "example", "docs", "docker",
                      "deploy", "deployment", "hack"})
CLI_FILES = frozenset({"manage.py", "setup.py", "__main__.py", "cli.py", "noxfile.py", "fabfile.py",
                       "tasks.py", "wsgi.py", "asgi.py", "conftest.py", "gunicorn.conf.py",
                       "gunicorn_config.py", "commands.py", "console.py", "main_cli.py"})
CLI_IMPORTS = ("argparse", "optparse", "click", "typer", "fire", "docopt", "cyclopts", "asyncclick")
WEB_FRAMEWORKS = frozenset({"flask", "fastapi", "django", "starlette", "aiohttp", "sanic", "quart", "tornado",
                            "falcon", "bottle", "litestar", "pyramid", "rest_framework", "connexion", "apiflask"})
TRUE_TEXT = frozenset({"1", "true", "yes", "on", "t", "y"})
ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "os.getenvb"})
# django-environ, environs, python-decouple, pydantic-less config readers: `env.bool("DEBUG", default=True)`.
ENV_READER_METHODS = frozenset({"bool", "str", "int", "get", "get_value", "json", "list"})
ENV_READER_NAMES = frozenset({"env", "environ", "config", "getenv", "get_env", "env_bool", "get_env_bool",
                              "getenv_bool", "env_flag"})
LOGGING_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal",
                             "log", "msg", "trace", "success"})
LOGGER_WORDS = frozenset({"log", "logger", "logging", "logs", "lg", "structlog", "loguru"})
LOGGER_FACTORIES = frozenset({"logging.getLogger", "structlog.get_logger", "structlog.getLogger",
                              "structlog.stdlib.get_logger", "logging.Logger", "loguru.logger.bind"})
BROAD_EXCEPTIONS = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})


# ---------------------------------------------------------------- what kind of module

@functools.lru_cache(maxsize=16384)
def is_dev_path(path: str) -> bool:
    """`settings/local.py`, `dev_settings.py`, `config/test.py`, `examples/app.py`: code that is
    not what production runs. (Memoised: several project rules ask it of every file.)"""
    pure = PurePosixPath(path)
    words: set[str] = set()
    for part in (*pure.parts[:-1], pure.stem):
        words.update(name_tokens(part))
    return bool(words & DEV_WORDS)


def is_dev_module(ctx) -> bool:
    """`is_dev_path` of the file being walked, memoised."""
    key = "python.dev_module"
    found = ctx.data.get(key)
    if found is None:
        found = ctx.data[key] = is_dev_path(ctx.path)
    return found


def settings_module(ctx) -> str:
    """"django" or "settings" when this file is a settings module that production may load
    (`settings.py`, `settings/production.py`, a module defining `INSTALLED_APPS`), "base" for a
    shared settings file that environment files override (`settings/base.py`, `config/django/base.py`)
    or a settings component they import (`config/settings/cors.py`), "" otherwise (including
    development and test settings)."""
    key = "python.settings_module"
    found = ctx.data.get(key)
    if found is None:
        found = _settings_kind(ctx)
        ctx.data[key] = found
    return found


def _settings_kind(ctx) -> str:
    if is_dev_module(ctx):
        return ""
    pure = PurePosixPath(ctx.path)
    stem = pure.stem.lower()
    package = pure.parts[-2].lower() if len(pure.parts) > 1 else ""
    django = bool(set(top_level_values(ctx)) & DJANGO_SETTINGS_MARKERS)
    stem_named = "settings" in name_tokens(stem) or stem in ("config", "conf", "configuration")
    in_package = package in SETTINGS_PACKAGES
    star = _star_imports_settings(ctx)
    environment = stem in ENVIRONMENT_STEMS
    if not (stem_named or django or package == "settings" or in_package and (star or environment)):
        return ""
    if stem in BASE_SETTINGS_STEMS:
        return "base"
    if in_package and not (stem_named or django or star or environment):
        return "base"              # a component (settings/cors.py) that the base settings import
    return "django" if django or "settings" in name_tokens(stem) or package == "settings" else "settings"


def _star_imports_settings(ctx) -> bool:
    tree = ctx.file.tree
    return any(isinstance(s, ast.ImportFrom) and any(a.name == "*" for a in s.names)
               for s in getattr(tree, "body", []))


def is_cli_module(ctx) -> bool:
    """Scripts, management commands, CLIs, migrations and entry points: printing is their output.
    A module with an `if __name__ == "__main__":` block counts as a script unless it imports a web
    framework (`app.py` often ends with `app.run()` under that guard)."""
    key = "python.cli_module"
    found = ctx.data.get(key)
    if found is None:
        pure = PurePosixPath(ctx.path)
        dirs = {p.lower() for p in pure.parts[:-1]}
        imported = {name.split(".")[0] for name in imports(ctx).values()}
        found = (pure.name.lower() in CLI_FILES or bool(dirs & CLI_DIRS) or "management" in dirs
                 or pure.stem.lower().startswith(("run_", "script_", "cli_", "manage_"))
                 or is_dev_module(ctx) or is_migration_module(ctx)
                 or bool(imported & set(CLI_IMPORTS))
                 or _reads_argv(ctx)
                 or _has_main_guard(ctx) and not imported & WEB_FRAMEWORKS)
        ctx.data[key] = found
    return found


def is_migration_module(ctx) -> bool:
    """A Django or Alembic migration, or Alembic's `env.py` (memoised: rules ask on every node)."""
    key = "python.migration_module"
    found = ctx.data.get(key)
    if found is None:
        found = ctx.data[key] = _is_migration_module(ctx)
    return found


def _is_migration_module(ctx) -> bool:
    if ctx.file.kind == "migration":
        return True
    names = top_level_values(ctx)
    if "revision" in names and "down_revision" in names:
        return True
    return any(target.startswith(("alembic.context", "alembic.op")) for target in imports(ctx).values())


def _has_main_guard(ctx) -> bool:
    return any(isinstance(s, ast.If) and _is_main_test(s.test) for s in getattr(ctx.file.tree, "body", []))


def _reads_argv(ctx) -> bool:
    tree = ctx.file.tree
    if tree is None:
        return False
    return any(isinstance(n, ast.Attribute) and n.attr == "argv" and qualified(ctx, n) == "sys.argv"
               for n in module_nodes_of(ctx.file, ast.Attribute))


# ---------------------------------------------------------------- module-level facts

def top_level_values(ctx) -> dict[str, list[tuple[ast.stmt, ast.expr]]]:
    """`NAME -> [(statement, value)]` for unconditional module-level `NAME = value`,
    `NAME: T = value` and `NAME += value` (in order)."""
    key = "python.top_level_values"
    found = ctx.data.get(key)
    if found is None:
        found = {}
        for stmt in getattr(ctx.file.tree, "body", []) or []:
            for target, value in _simple_assignments(stmt):
                found.setdefault(target, []).append((stmt, value))
        ctx.data[key] = found
    return found


def _simple_assignments(stmt: ast.stmt) -> Iterator[tuple[str, ast.expr]]:
    if isinstance(stmt, ast.Assign):
        for target in stmt.targets:
            if isinstance(target, ast.Name):
                yield target.id, stmt.value
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) and isinstance(stmt.target, ast.Name) \
            and stmt.value is not None:
        yield stmt.target.id, stmt.value


def module_constant(ctx, node: ast.AST | None) -> ast.expr | None:
    """The value of a module-level name assigned exactly once (`ORIGINS = ["*"]`), else None."""
    if not isinstance(node, ast.Name):
        return None
    values = top_level_values(ctx).get(node.id, [])
    if len(values) != 1 or not isinstance(values[0][0], (ast.Assign, ast.AnnAssign)):
        return None
    return values[0][1]


# ---------------------------------------------------------------- where a node sits

def ancestors(ctx, node: ast.AST) -> Iterator[ast.AST]:
    current = parent_of(ctx, node)
    while current is not None:
        yield current
        current = parent_of(ctx, current)


def innermost_function(ctx, node: ast.AST) -> ast.AST | None:
    """The nearest enclosing def, async def or lambda, or None at module/class level."""
    for parent in ancestors(ctx, node):
        if isinstance(parent, _FUNCTIONS):
            return parent
    return None


def enclosing_handler(ctx, node: ast.AST) -> ast.ExceptHandler | None:
    """The `except` block whose body holds `node` (not crossing a function or class)."""
    child = node
    for parent in ancestors(ctx, node):
        if isinstance(parent, (*_FUNCTIONS, ast.ClassDef)):
            return None
        if isinstance(parent, ast.ExceptHandler) and child is not parent.type and child is not None:
            return parent
        child = parent
    return None


def in_main_guard(ctx, node: ast.AST) -> bool:
    """Inside `if __name__ == "__main__":`."""
    return any(isinstance(p, ast.If) and _is_main_test(p.test) for p in ancestors(ctx, node))


def _is_main_test(test: ast.AST) -> bool:
    if not isinstance(test, ast.Compare) or len(test.comparators) != 1:
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and \
        any(const_str(s) == "__main__" for s in sides)


_DEV_GUARD_WORDS = frozenset({"debug", "dev", "devel", "development", "local", "test", "tests", "testing",
                              "ci", "pytest", "unittest", "insecure"})
_PROD_GUARD_WORDS = frozenset({"prod", "production", "live", "staging"})


def under_dev_guard(ctx, node: ast.AST) -> bool:
    """Inside the branch of an `if` (or conditional expression) that only runs in development or
    tests: `if settings.DEBUG:`, `if "test" in sys.argv:`, `else` of `if PRODUCTION:`."""
    child = node
    for parent in ancestors(ctx, node):
        if isinstance(parent, (ast.If, ast.IfExp)):
            in_body = child in (parent.body if isinstance(parent, ast.If) else [parent.body])
            in_else = child in (parent.orelse if isinstance(parent, ast.If) else [parent.orelse])
            mood = _guard_mood(parent.test)
            if in_body and mood == "dev" or in_else and mood == "prod":
                return True
        child = parent
    return False


def _guard_mood(test: ast.AST) -> str:
    """"dev" when the test is true in development, "prod" when true in production."""
    negated = False
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        negated, test = not negated, test.operand
    words: set[str] = set()
    for inner in ast.walk(test):
        if isinstance(inner, ast.Name):
            words.update(name_tokens(inner.id))
        elif isinstance(inner, ast.Attribute):
            words.update(name_tokens(inner.attr))
        elif isinstance(inner, ast.Constant) and isinstance(inner.value, str) and len(inner.value) < 40:
            words.update(name_tokens(inner.value))
    if isinstance(test, ast.Compare) and any(isinstance(op, (ast.NotEq, ast.IsNot, ast.NotIn)) for op in test.ops):
        negated = not negated
    mood = "dev" if words & _DEV_GUARD_WORDS else "prod" if words & _PROD_GUARD_WORDS else ""
    if mood and negated:
        mood = "prod" if mood == "dev" else "dev"
    return mood


def linter_suppressed(ctx, node: ast.AST, codes: tuple[str, ...]) -> bool:
    """A Ruff/flake8 `noqa` comment (bare, or naming one of `codes`, e.g. T201) on the node's
    lines: the finding was already reviewed under the equivalent linter rule."""
    first = getattr(node, "lineno", 0)
    last = getattr(node, "end_lineno", None) or first
    for number in range(first, last + 1):
        match = _NOQA.search(ctx.file.line(number))
        if match is None:
            continue
        listed = match.group(1)
        if not listed or any(code in listed.upper() for code in codes):
            return True
    return False


_NOQA = re.compile(r"#\s*noqa(?::\s*([A-Za-z0-9, ]+))?", re.I)


# ---------------------------------------------------------------- reading values

def literal_bool(node: ast.AST | None) -> bool | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return node.value
    return None


def literal_number(node: ast.AST | None) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = literal_number(node.operand)
        return -inner if inner is not None else None
    return None


def is_truthy_default(node: ast.AST | None) -> bool:
    """`True`, `1`, `"1"`, `"true"`, `"yes"`, `"on"`: a default that turns a flag on."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        if isinstance(value, str):
            return value.strip().lower() in TRUE_TEXT
    return False


def env_lookup(ctx, call: ast.Call) -> tuple[str, ast.expr | None] | None:
    """(variable name, default) for `os.getenv("X", d)`, `os.environ.get("X", d)`,
    `env.bool("X", default=d)`, `config("X", default=d)`; None when the call reads no
    environment variable by a literal name."""
    if not isinstance(call, ast.Call) or not call.args:
        return None
    name = const_str(call.args[0])
    if name is None:
        return None
    default = keyword(call, "default")
    if default is None and len(call.args) > 1:
        default = call.args[1]
    func = call.func
    resolved = qualified(ctx, func)
    if resolved in ENV_GETTERS:
        return name, default
    if isinstance(func, ast.Attribute) and func.attr in ENV_READER_METHODS:
        receiver = last_name(func.value).lower()
        if receiver in ENV_READER_NAMES or bound_constructor(ctx, func.value).startswith(("environ.", "environs.")):
            return name, default
    if isinstance(func, ast.Name) and func.id.lower() in ENV_READER_NAMES \
            or resolved in ("decouple.config", "environ.Env", "starlette.config.Config"):
        return name, default
    return None


def name_of_target(node: ast.AST | None) -> str:
    """The name a value is stored under: `token` for `token`, `self.token`, `data["token"]`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return const_str(node.slice) or ""
    return ""


def words_of(name: str) -> tuple[str, ...]:
    """Lower-case words of an identifier or key, digits dropped (`api-key2` -> ("api", "key"))."""
    return tuple(w for w in name_tokens(name) if not w.isdigit())


# ---------------------------------------------------------------- exceptions and logging

def is_broad_handler(ctx, handler: ast.ExceptHandler) -> bool:
    """`except:`, `except Exception:`, `except BaseException:` (also inside a tuple)."""
    kind = handler.type
    if kind is None:
        return True
    elements = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    return any(qualified(ctx, e) in BROAD_EXCEPTIONS for e in elements)


def logging_method(ctx, call: ast.Call) -> str:
    """"error" for `logger.error(...)`, `logging.error(...)`, `self.log.error(...)`,
    `app.logger.error(...)`; "" when the call is not a logging call."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in LOGGING_METHODS:
        return ""
    receiver = func.value
    if qualified(ctx, receiver) in ("logging", "loguru.logger", "structlog"):
        return func.attr
    name = dotted(receiver)
    if name and set(words_of(name.split(".")[-1])) & LOGGER_WORDS:
        return func.attr
    if isinstance(receiver, ast.Call) and qualified(ctx, receiver.func) in LOGGER_FACTORIES:
        return func.attr
    if name and bound_constructor(ctx, receiver) in LOGGER_FACTORIES:
        return func.attr
    return ""
