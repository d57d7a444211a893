"""Positions and locations: 1-based lines and columns, paths relative POSIX to the scan root."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Position:
    line: int
    column: int = 1


@dataclass(frozen=True, slots=True, order=True)
class Location:
    path: str
    start: Position
    end: Position
    snippet: str = ""
    label: str = ""

    @classmethod
    def at(cls, path: str, line: int, column: int = 1, end_line: int | None = None,
           end_column: int | None = None, snippet: str = "", label: str = "") -> Location:
        end = Position(end_line or line, end_column if end_column is not None else column)
        return cls(path, Position(line, column), end, snippet, label)

    @property
    def line(self) -> int:
        return self.start.line

    def __str__(self) -> str:
        return f"{self.path}:{self.start.line}"
