"""A small, language-independent intermediate form for taint tracking.

A language adapter lowers each function of a file into a `FunctionSummary`: an ordered list of
steps over local names. Expressions are reduced to what matters for data flow: which request
sources, local names and call results they depend on. The engine (engine.py) never sees a syntax
tree, so these objects are what crosses the process boundary from the per-file workers.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from prodcheck.model import Location


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Request data entering the program: `kind` is query, path, body, form, header, cookie, file."""
    kind: str
    location: Location
    description: str = ""        # e.g. "request.args" or "req.query.id"


@dataclass(frozen=True, slots=True)
class Expr:
    """What an expression's value depends on."""
    sources: tuple[SourceRef, ...] = ()
    names: tuple[str, ...] = ()   # local variables and parameters read
    calls: tuple[int, ...] = ()   # ids of CallSites in the same function whose results flow in
    constant: bool = False        # a literal: never tainted

    @property
    def is_empty(self) -> bool:
        return not (self.sources or self.names or self.calls)


EMPTY = Expr()
CONSTANT = Expr(constant=True)


def merge(exprs: Iterable[Expr]) -> Expr:
    """The union of what several expressions depend on; constant only if all of them are."""
    sources: dict[SourceRef, None] = {}
    names: dict[str, None] = {}
    calls: dict[int, None] = {}
    count = 0
    all_constant = True
    for expr in exprs:
        count += 1
        sources.update(dict.fromkeys(expr.sources))
        names.update(dict.fromkeys(expr.names))
        calls.update(dict.fromkeys(expr.calls))
        all_constant = all_constant and expr.constant
    if sources or names or calls:
        return Expr(tuple(sources), tuple(names), tuple(calls))
    return CONSTANT if count and all_constant else EMPTY


@dataclass(frozen=True, slots=True)
class Assign:
    target: str
    value: Expr
    location: Location


@dataclass(frozen=True, slots=True)
class CallSite:
    id: int
    callee: str                   # qualified name as resolved through imports ("subprocess.run",
                                  # "app.db.fetch_user", "*.execute" style unknown receivers as
                                  # ".execute")
    args: tuple[Expr, ...]
    location: Location
    kwargs: tuple[tuple[str, Expr], ...] = ()
    literal_kwargs: tuple[tuple[str, str], ...] = ()   # keyword arguments given as literals
    receiver: Expr | None = None  # the object a method is called on
    literal_args: tuple[tuple[int, str], ...] = ()     # positional literals (e.g. "sh", "-c")


@dataclass(frozen=True, slots=True)
class Return:
    value: Expr
    location: Location


Step = Assign | CallSite | Return


@dataclass(frozen=True, slots=True)
class FunctionSummary:
    qualname: str                 # "pkg.module.func" or "pkg.module.Class.method"
    params: tuple[str, ...]
    steps: tuple[Step, ...]
    location: Location
    is_handler: bool = False      # a request handler (its framework parameters are sources)
    param_sources: tuple[tuple[str, SourceRef], ...] = ()   # handler params that carry request data
