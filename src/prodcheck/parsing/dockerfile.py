"""Dockerfile instructions with their line numbers and build stage.

The format is line based (comments, `\\` continuations, parser directives, heredocs), so a small
reader here is enough; no Dockerfile library is needed for it. An instruction BuildKit does not
know is a syntax error (the build fails on it), reported as a diagnostic; the other instructions
are still read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_DIRECTIVE = re.compile(r"#\s*escape\s*=\s*(\S)", re.IGNORECASE)
_HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
KEYWORDS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})
_HEREDOC_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})


@dataclass(frozen=True, slots=True)
class Instruction:
    keyword: str         # upper-case: FROM, RUN, USER, ...
    value: str           # the arguments with continuations joined by spaces
    line: int
    end_line: int
    stage: int           # index of the FROM this instruction belongs to (-1 before the first)


@dataclass(frozen=True, slots=True)
class DockerfileError:
    message: str
    line: int


def parse_dockerfile(text: str, errors: list[DockerfileError] | None = None) -> list[Instruction]:
    """The instructions of `text`; unknown instructions are left out and, when `errors` is given,
    recorded there."""
    lines = text.split("\n")
    escape = "\\"
    for raw in lines[:5]:
        match = _DIRECTIVE.match(raw.strip())
        if match:
            escape = match.group(1)
            break
        if raw.strip() and not raw.lstrip().startswith("#"):
            break
    instructions: list[Instruction] = []
    stage = -1
    index = 0
    while index < len(lines):
        raw = lines[index]
        stripped = raw.strip()
        start = index + 1
        index += 1
        if not stripped or stripped.startswith("#"):
            continue
        parts = [stripped]
        while parts[-1].endswith(escape) and index < len(lines):
            parts[-1] = parts[-1][:-1].rstrip()
            following = lines[index].strip()
            index += 1
            if following.startswith("#") or not following:
                parts.append(escape)     # comment and blank lines do not end a continuation
                continue
            parts.append(following)
        joined = " ".join(p for p in parts if p and p != escape)
        keyword, _, value = joined.partition(" ")
        keyword = keyword.upper()
        if keyword not in KEYWORDS:
            if errors is not None:
                errors.append(DockerfileError(f"unknown instruction: {keyword[:40]}", start))
            continue
        if keyword in _HEREDOC_KEYWORDS or (keyword == "ONBUILD" and "<<" in value):
            bodies, index = _heredoc_bodies(value, lines, index)
            if bodies:
                value = "\n".join([value, *bodies])
        if keyword == "FROM":
            stage += 1
        instructions.append(Instruction(keyword, value.strip(), start, index, stage))
    return instructions


def _heredoc_bodies(value: str, lines: list[str], index: int) -> tuple[list[str], int]:
    """The bodies of the heredocs opened on an instruction line (`RUN <<EOF`, `COPY <<a <<b /x`),
    read in order up to their terminators, and the index of the line after the last one."""
    bodies = []
    for match in _HEREDOC.finditer(value):
        strip_tabs, word = match.group(1) == "-", match.group(3)
        body = []
        while index < len(lines):
            line = lines[index]
            index += 1
            if (line.lstrip("\t") if strip_tabs else line).rstrip() == word:
                break
            body.append(line)
        bodies.append("\n".join(body))
    return bodies, index
