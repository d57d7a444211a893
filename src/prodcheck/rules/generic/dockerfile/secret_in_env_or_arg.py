"""
## What it does
Flags `ENV` and `ARG` instructions that give a secret-looking variable (`*_PASSWORD`, `*_SECRET`,
`*_TOKEN`, `*_API_KEY`, `*_PRIVATE_KEY`, `*_ACCESS_KEY`, ...) a literal value, and, with medium
confidence, secret-looking `ARG`s of the final stage without a value (the value comes from
`--build-arg`). References (`${VAR}`), empty values, flags and `/run/secrets/...` paths are fine, as
are names that only mention a secret (`PASSWORD_FILE`, `TOKEN_URL`).

## Why it matters
A literal secret in a Dockerfile is committed to the repository and baked into every image layer;
anyone who can pull the image reads it with `docker inspect` or `docker history`. Build arguments
used by the final stage are recorded in the image history too.

## Example
    FROM python:3.12-slim
    ENV DATABASE_PASSWORD=s3cr3t-Pa55word
    CMD ["python", "app.py"]

## Use instead
    FROM python:3.12-slim
    ENV DATABASE_PASSWORD_FILE=/run/secrets/db_password
    RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci
    CMD ["python", "app.py"]

## Known limitations
Secrets written into files by `RUN echo ... > file` are not seen.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import FileRule
from prodcheck.rules.generic.dockerfile.common import (
    is_literal_secret_value, is_secret_name, masked, physical_line, shell_words,
)


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    value: str | None    # None: declared without a value (ARG NAME)


def check(file, ctx):
    instructions = file.tree or []
    if not instructions:
        return
    last_stage = max(i.stage for i in instructions)
    for ins in instructions:
        if ins.keyword not in ("ENV", "ARG"):
            continue
        for var in _variables(ins):
            if not is_secret_name(var.name):
                continue
            if var.value is not None and is_literal_secret_value(var.value):
                line = physical_line(file.lines, ins, re.compile(rf"(?<!\w){re.escape(var.name)}(?!\w)"))
                yield ctx.finding(RULE, line, f"`{ins.keyword} {var.name}` sets a secret to a literal value",
                                  snippet=masked(file.line(line), [var.value, var.value.strip("\"'")]))
            elif var.value is None and ins.keyword == "ARG" and ins.stage == last_stage and last_stage >= 0:
                yield ctx.finding(RULE, ins.line,
                                  f"build argument `{var.name}` passes a secret through `--build-arg`, "
                                  "which the image history records",
                                  confidence=Confidence.MEDIUM)


def _variables(ins) -> list[Variable]:
    words = shell_words(ins.value)
    if not words:
        return []
    if ins.keyword == "ENV" and "=" not in words[0]:
        value = ins.value.strip()[len(words[0]):].strip()        # legacy `ENV NAME value words`
        return [Variable(words[0], " ".join(shell_words(value)) if value else "")]
    variables = []
    for word in words:
        name, eq, value = word.partition("=")
        variables.append(Variable(name, value if eq else None))
    return variables


RULE = FileRule(
    id="GEN-SEC-104", slug="dockerfile-secret-in-env-or-arg", area=Area.SEC,
    title="Secret in a Dockerfile ENV or ARG",
    fix="Remove the value and pass the secret at run time (environment, orchestrator secret) or at "
        "build time with `RUN --mount=type=secret`.",
    rows=("SEC-12",), doc=__doc__, confidence=Confidence.HIGH,
    cwe=("CWE-798",), stride=(Stride.INFORMATION_DISCLOSURE,),
    coverage="partial", coverage_note="Dockerfile ENV/ARG only; source code secrets are other rules",
    example_path="Dockerfile", file_languages=("dockerfile",), check=check,
)
