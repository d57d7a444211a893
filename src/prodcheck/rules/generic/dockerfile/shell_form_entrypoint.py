"""
## What it does
Flags the final stage's `CMD` or `ENTRYPOINT` in shell form (`CMD npm start`), in an array that is
not valid JSON (`CMD ['node', 'app.js']`, which Docker also runs through a shell), or wrapped in
`sh -c` explicitly, unless the command `exec`s the server or `tini`/`dumb-init` is the entrypoint.

## Why it matters
In shell form the container's PID 1 is `/bin/sh -c`, which does not forward `SIGTERM` to the
server: `docker stop` and Kubernetes wait out the grace period and then `SIGKILL` it, dropping
in-flight requests and skipping graceful shutdown.

## Example
    FROM node:20-slim
    COPY . /app
    CMD npm start

## Use instead
    FROM node:20-slim
    COPY . /app
    CMD ["node", "/app/dist/main.js"]
"""
from __future__ import annotations

import re

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule
from prodcheck.rules.generic.dockerfile.common import (
    INIT_PROCESSES, basename, dev_only_path, exec_form, last_of, looks_like_broken_json, shipping_stage,
)

_EXEC = re.compile(r"(?:^|&&|\|\||;)\s*exec\s")
SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})


def check(file, ctx):
    if dev_only_path(file.path):
        return
    stage = shipping_stage(file.tree or [])
    entrypoint = last_of(stage, "ENTRYPOINT")
    if entrypoint is not None and _is_init(entrypoint.value):
        return
    for ins in (entrypoint, last_of(stage, "CMD")):
        problem = shell_problem(ins.value) if ins is not None else ""
        if problem:
            yield ctx.finding(RULE, ins.line, f"`{ins.keyword}` {problem}, so the server does not get SIGTERM")
            return           # a shell-form ENTRYPOINT ignores CMD: one finding is enough


def shell_problem(value: str) -> str:
    """Why the command runs under a shell that swallows signals ("" when it does not)."""
    words = exec_form(value)
    if words is not None:
        if len(words) >= 3 and basename(words[0]) in SHELLS and words[1] == "-c" \
                and not _EXEC.search(" ".join(words[2:])):
            return f"runs the server under `{words[0]} -c`"
        return ""
    if not value.strip() or _EXEC.search(value):
        return ""
    if looks_like_broken_json(value):
        return "is not valid JSON (use double quotes), so it runs in shell form"
    return "is in shell form"


def _is_init(value: str) -> bool:
    """An init process as PID 1; in shell form PID 1 would be the shell, not the init."""
    words = exec_form(value)
    return bool(words) and basename(words[0]) in INIT_PROCESSES


RULE = FileRule(
    id="GEN-OPS-107", slug="shell-form-entrypoint", area=Area.OPS,
    title="CMD or ENTRYPOINT in shell form",
    fix="Use the exec form, `CMD [\"node\", \"dist/main.js\"]`, or start the command with `exec`, "
        "or run an init such as `tini` as the entrypoint.",
    rows=("OPS-08",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="Dockerfile", file_languages=("dockerfile",), check=check,
)
