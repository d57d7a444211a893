"""
## What it does
Flags containers and processes started with a development server or a reloader: `manage.py
runserver`, `flask run`, `uvicorn`/`gunicorn --reload`, `fastapi dev`, `nodemon`, `ts-node`,
`node --watch`, `npm run dev`, `go run`. It reads the final stage's `CMD`/`ENTRYPOINT` in
Dockerfiles, `command`/`args` of Kubernetes containers, `command`/`entrypoint` of compose services
and `Procfile` lines. Files meant for development (`Dockerfile.dev`, `docker-compose.override.yml`)
are skipped, and when the last Dockerfile stage is a development stage (`FROM base AS dev`) the last
other stage is read instead; compose files, usually local, get medium confidence.

## Why it matters
Development servers are single-threaded or unhardened (Django and Flask say so themselves), serve
debug pages, watch the file system and restart on changes, and compile TypeScript at start-up: slow,
fragile and unsafe under production traffic.

## Example
    FROM python:3.12-slim
    COPY . /app
    CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]

## Use instead
    FROM python:3.12-slim
    COPY . /app
    CMD ["gunicorn", "--bind", "0.0.0.0:8000", "mysite.wsgi"]

## Known limitations
Commands hidden in scripts (`CMD ["./start.sh"]`) or in `package.json` scripts behind `npm start`
are not followed.
"""
from __future__ import annotations

import re

from prodcheck.facts.extractors.deployment import (
    compose_services, containers_of, dev_only_name, line_of, workloads,
)
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule
from prodcheck.rules.generic.dockerfile.common import (
    basename, dev_only_path, exec_form, last_of, shipping_stage, simple_commands,
)

_PROCFILE_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*:\s*(.+)$")
RELOADING_SERVERS = frozenset({"uvicorn", "gunicorn", "hypercorn"})
TS_RUNNERS = frozenset({"ts-node", "ts-node-dev", "ts-node-esm", "tsnd"})
PACKAGE_RUNNERS = frozenset({"npm", "yarn", "pnpm", "bun"})
DEV_SCRIPTS = frozenset({"dev", "start:dev"})


def dev_server(command: str) -> str:
    """The development server a command line starts, e.g. "manage.py runserver" ("" when none)."""
    for words in simple_commands(command):
        found = _dev_server_in(words)
        if found:
            return found
    return ""


def _dev_server_in(words: list[str]) -> str:
    names = [basename(w) for w in words]
    for index, name in enumerate(names):
        rest = names[index + 1:]
        if name in ("manage.py", "django-admin") and "runserver" in rest:
            return f"{name} runserver"
        if name == "flask" and "run" in rest:
            return "flask run"
        if name in RELOADING_SERVERS and any(w.startswith("--reload") for w in rest):
            return f"{name} --reload"
        if name == "fastapi" and rest[:1] == ["dev"]:
            return "fastapi dev"
        if name == "nodemon":
            return "nodemon"
        if name in TS_RUNNERS or words[index].startswith("ts-node/"):
            return "ts-node"
        if name == "node" and any(w.startswith("--watch") for w in rest):
            return "node --watch"
        if name == "tsx" and rest[:1] == ["watch"]:
            return "tsx watch"
        if name in PACKAGE_RUNNERS and _runs_dev_script(rest):
            return f"{name} run {_script(rest)}"
        if name == "go" and rest[:1] == ["run"]:
            return "go run"
    return ""


def _script(rest: list[str]) -> str:
    return rest[1] if rest[:1] == ["run"] and len(rest) > 1 else (rest[0] if rest else "")


def _runs_dev_script(rest: list[str]) -> bool:
    return _script(rest) in DEV_SCRIPTS


def _as_text(value: object) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return value if isinstance(value, str) else ""


def check(file, ctx):
    if dev_only_path(file.path):
        return
    if file.language == "dockerfile":
        yield from _dockerfile(file, ctx)
    elif file.language == "procfile":
        yield from _procfile(file, ctx)
    elif file.language == "yaml" and file.kind != "test":
        yield from _kubernetes(file, ctx)
        yield from _compose(file, ctx)


def _dockerfile(file, ctx):
    stage = shipping_stage(file.tree or [])
    commands = [i for i in (last_of(stage, "ENTRYPOINT"), last_of(stage, "CMD")) if i is not None]
    flagged = False
    for ins in commands:
        found = dev_server(_instruction_text(ins.value))
        if found:
            flagged = True
            yield ctx.finding(RULE, ins.line, f"`{ins.keyword}` starts a development server (`{found}`)")
    if not flagged and len(commands) == 2:
        found = dev_server(" ".join(_instruction_text(i.value) for i in commands))
        if found:
            yield ctx.finding(RULE, commands[-1].line,
                              f"`ENTRYPOINT` and `CMD` start a development server (`{found}`)")


def _instruction_text(value: str) -> str:
    words = exec_form(value)
    return " ".join(words) if words is not None else value


def _procfile(file, ctx):
    for number, text in enumerate(file.lines, start=1):
        match = _PROCFILE_LINE.match(text)
        if not match or text.lstrip().startswith("#") or dev_only_name(match.group(1)):
            continue
        found = dev_server(match.group(2))
        if found:
            yield ctx.finding(RULE, number, f"process `{match.group(1)}` runs a development server (`{found}`)")


def _kubernetes(file, ctx):
    for workload in workloads(file.tree):
        for container in containers_of(workload.pod_spec):
            command = _as_text(container.spec.get("command"))
            args = _as_text(container.spec.get("args"))
            found = dev_server(f"{command} {args}")
            if not found:
                continue
            key = "command" if (command and dev_server(command)) or not args else "args"
            yield ctx.finding(RULE, line_of(container.spec, key, container.line),
                              f"container `{container.name}` starts a development server (`{found}`)")


def _compose(file, ctx):
    seen: set[int] = set()
    for name, service in compose_services(file.tree):
        if dev_only_name(name):
            continue
        for key in ("entrypoint", "command"):
            found = dev_server(_as_text(service.get(key)))
            line = line_of(service, key)
            if found and line not in seen:
                seen.add(line)
                yield ctx.finding(RULE, line, f"service `{name}` starts a development server (`{found}`)",
                                  confidence=Confidence.MEDIUM)


RULE = FileRule(
    id="GEN-OPS-106", slug="dev-server-in-container", area=Area.OPS,
    title="Development server in a production start command",
    fix="Start a production server instead (gunicorn/uvicorn without `--reload`, `node dist/main.js`, "
        "a compiled Go binary).",
    rows=("OPS-07",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="Dockerfile", file_languages=("dockerfile", "procfile", "yaml"), check=check,
)

