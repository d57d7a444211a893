"""
## What it does
Flags a `FROM` whose image has no tag or the `latest` tag. `scratch`, earlier build stages and
digests (`@sha256:...`) are fine; an image built from `ARG`s is checked with the ARG defaults and
skipped when an ARG has no default (the build must pass it).

## Why it matters
`latest` moves: the same commit builds a different image tomorrow, a rebuild can pull a new major
version of the runtime or the OS, and a rollback does not bring the old image back.

## Example
    FROM python
    COPY . /app
    CMD ["python", "/app/main.py"]

## Use instead
    FROM python:3.12.4-slim
    COPY . /app
    CMD ["python", "/app/main.py"]
"""
from __future__ import annotations

import re

from prodcheck.facts.extractors.deployment import parse_from
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule
from prodcheck.rules.generic.dockerfile.common import shell_words, unpinned_reason

_VARIABLE = re.compile(r"\$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?::?[-+](?P<default>[^}]*))?\}"
                       r"|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)")


def check(file, ctx):
    instructions = file.tree or []
    defaults = _global_arg_defaults(instructions)
    stages: set[str] = set()
    for ins in instructions:
        if ins.keyword != "FROM":
            continue
        base = parse_from(ins.value)
        image = _expand(base.image, defaults)
        if image is not None and image.lower() != "scratch" and image.lower() not in stages:
            problem = unpinned_reason(image)
            if problem:
                shown = base.image if image == base.image else f"{base.image}` (= `{image}`)"
                yield ctx.finding(RULE, ins.line, f"base image `{shown}` {problem}")
        if base.alias:
            stages.add(base.alias)


def _global_arg_defaults(instructions) -> dict[str, str | None]:
    """ARGs declared before the first FROM: the only ones a FROM line can use."""
    defaults: dict[str, str | None] = {}
    for ins in instructions:
        if ins.keyword == "FROM":
            break
        if ins.keyword == "ARG":
            for word in shell_words(ins.value):
                name, eq, value = word.partition("=")
                defaults[name] = value if eq else None
    return defaults


def _expand(image: str, defaults: dict[str, str | None]) -> str | None:
    """The image with ARG defaults substituted, or None when a variable has no known value."""
    unknown = False

    def substitute(match: re.Match) -> str:
        nonlocal unknown
        name = match.group("braced") or match.group("bare")
        value = defaults.get(name)
        if value is None:
            value = match.group("default")
        if value is None:
            unknown = True
            return ""
        return value

    expanded = _VARIABLE.sub(substitute, image)
    if unknown and "$" not in image.rsplit("/", 1)[-1]:
        return image             # `${REGISTRY}/app`: the unknown part cannot hold the tag
    return None if unknown or not expanded else expanded


RULE = FileRule(
    id="GEN-OPS-103", slug="unpinned-base-image", area=Area.OPS,
    title="Base image not pinned to a tag or digest",
    fix="Pin the base image to a version tag (`python:3.12-slim`) or a digest (`@sha256:...`).",
    rows=("OPS-05",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="Dockerfile", file_languages=("dockerfile",), check=check,
)
