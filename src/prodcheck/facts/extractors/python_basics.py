"""Python: imports, and the entry points that make a directory a service."""
from __future__ import annotations

import ast

from prodcheck.facts.extract import Extractor
from prodcheck.facts.model import Entrypoint, Import
from prodcheck.model import Location
from prodcheck.facts.extractors.python_common import module_nodes_of

APP_CONSTRUCTORS = {
    "FastAPI": "fastapi", "Flask": "flask", "Quart": "quart", "Starlette": "starlette",
    "Sanic": "sanic", "Litestar": "litestar", "Application": "aiohttp",
}
RUNNERS = {"uvicorn.run": "uvicorn", "gunicorn": "gunicorn", "web.run_app": "aiohttp",
           "execute_from_command_line": "django"}


def extract(parsed, builder) -> None:
    imported: dict[str, str] = {}
    for node in module_nodes_of(parsed, ast.Import, ast.ImportFrom, ast.Call):
        if isinstance(node, ast.Import):
            for alias in node.names:
                builder.imports.append(Import(alias.name, "", node.lineno))
                imported[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                builder.imports.append(Import(node.module, alias.name, node.lineno))
                imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Call) and parsed.kind == "source":
            name = _called_name(node.func, imported)
            framework = _app_framework(name)
            if framework:
                builder.entrypoints.append(Entrypoint("app-object", framework,
                                                      _loc(parsed.path, node)))
            elif name in ("uvicorn.run", "django.core.management.execute_from_command_line"):
                builder.entrypoints.append(Entrypoint("runner", RUNNERS.get(name, name.split(".")[0]),
                                                      _loc(parsed.path, node)))


def _app_framework(name: str) -> str:
    module, _, attr = name.rpartition(".")
    framework = APP_CONSTRUCTORS.get(attr)
    if framework and module.split(".")[0] == framework:
        return framework
    return ""


def _called_name(func: ast.expr, imported: dict[str, str]) -> str:
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return ""
    head = imported.get(func.id, func.id)
    return ".".join([head, *reversed(parts)])


def _loc(path: str, node: ast.AST) -> Location:
    return Location.at(path, node.lineno, node.col_offset + 1)


EXTRACTOR = Extractor("python-basics", extract, languages=("python",))
