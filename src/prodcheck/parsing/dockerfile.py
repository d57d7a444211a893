"""Dockerfile instructions with their line numbers and build stage.

The format is line based (comments, `\\` continuations, parser directives), so a small reader here
is enough; no Dockerfile library is needed for it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_DIRECTIVE = re.compile(r"#\s*escape\s*=\s*(\S)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Instruction:
    keyword: str         # upper-case: FROM, RUN, USER, ...
    value: str           # the arguments with continuations joined by spaces
    line: int
    end_line: int
    stage: int           # index of the FROM this instruction belongs to (-1 before the first)


def parse_dockerfile(text: str) -> list[Instruction]:
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
        if keyword == "FROM":
            stage += 1
        instructions.append(Instruction(keyword, value.strip(), start, index, stage))
    return instructions
