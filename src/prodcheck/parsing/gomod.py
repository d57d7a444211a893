"""A syntax check of go.mod files (the Go toolchain's own grammar, line based).

The manifests extractor reads the `module` and `require` lines it needs and skips everything else;
this check tells the user when the file itself is broken (the Go toolchain refuses to build with
it): an unknown directive, a directive without arguments, a block that is never closed.
"""
from __future__ import annotations

from dataclasses import dataclass

DIRECTIVES = frozenset({
    "module", "go", "toolchain", "godebug", "require", "replace", "exclude", "retract", "tool",
    "ignore",
})


@dataclass(frozen=True, slots=True)
class GoModError:
    message: str
    line: int


def check_go_mod(text: str) -> list[GoModError]:
    errors: list[GoModError] = []
    block: tuple[str, int] | None = None          # (directive, line) of the open `(` block
    for number, raw in enumerate(text.split("\n"), start=1):
        words = raw.split("//", 1)[0].split()
        if not words:
            continue
        if block is not None:
            if words == [")"]:
                block = None
            elif "(" in words or ")" in words:
                errors.append(GoModError(f"unexpected parenthesis inside the {block[0]} block", number))
            continue
        directive = words[0]
        if directive not in DIRECTIVES:
            errors.append(GoModError(f"unknown directive: {directive[:40]}", number))
        elif words[1:] == ["("]:
            block = (directive, number)
        elif len(words) == 1:
            errors.append(GoModError(f"{directive} directive without arguments", number))
    if block is not None:
        errors.append(GoModError(f"the {block[0]} block opened here is never closed", block[1]))
    return errors
