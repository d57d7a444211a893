"""Helpers shared by the Dockerfile rules."""
from __future__ import annotations

from prodcheck.parsing.dockerfile import Instruction


def final_stage(instructions: list[Instruction]) -> list[Instruction]:
    """The instructions of the last build stage (the image that ships)."""
    if not instructions:
        return []
    last = max(i.stage for i in instructions)
    return [i for i in instructions if i.stage == last]


def stage_names(instructions: list[Instruction]) -> set[str]:
    names = set()
    for ins in instructions:
        if ins.keyword == "FROM":
            parts = ins.value.split()
            if len(parts) >= 3 and parts[-2].lower() == "as":
                names.add(parts[-1].lower())
    return names
