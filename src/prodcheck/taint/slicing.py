"""Which functions the taint phase needs to look at: the rest cannot change its flows.

A flow is found while analysing a function where request data is present: one that reads a
source itself (or receives one as a handler parameter), or one that calls, directly or through
other calls, a function whose summary returns request data. So only those functions (the ones with
sources and their transitive callers) can produce a flow, and analysing them needs the summaries
of everything they call (their transitive callees). Every other function is left out: it holds no
request data and nothing that holds request data calls it. On a Django project of 4,300 functions
this is about 300; the engine's work and, on a warm scan, the taint IR read back from the cache
shrink accordingly.

Calls are resolved exactly as the engine resolves them (the spec's normalised callee name, the
first function with that qualified name in the engine's order), so the functions kept see the same
callees, summaries and flows as in a run over everything. The slice is computed from a light
`FunctionIndex` per function, which the cache keeps apart from the IR itself.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from prodcheck.taint.ir import Assign, CallSite, FunctionSummary, Return


@dataclass(frozen=True, slots=True)
class FunctionIndex:
    """What slicing needs of one function: where it sorts in the engine's order, its name, the
    callees it names (as written) and whether it reads request data itself."""
    order: tuple[str, int, int, str]           # path, line, column, qualname
    callees: tuple[str, ...]
    has_source: bool


def index_of(functions: Iterable[FunctionSummary]) -> tuple[FunctionIndex, ...]:
    return tuple(_index(fn) for fn in functions)


def _index(fn: FunctionSummary) -> FunctionIndex:
    start = fn.location.start
    callees: dict[str, None] = {}
    has_source = bool(fn.param_sources)
    for step in fn.steps:
        if isinstance(step, CallSite):
            callees[step.callee] = None
            if not has_source:
                has_source = any(expr is not None and expr.sources for expr in
                                 (step.receiver, *step.args, *(expr for _, expr in step.kwargs)))
        elif isinstance(step, (Assign, Return)) and not has_source:
            has_source = bool(step.value.sources)
    return FunctionIndex((fn.location.path, start.line, start.column, fn.qualname), tuple(callees), has_source)


def needed(indexes: Mapping[str, tuple[FunctionIndex, ...]], normalise) -> dict[str, frozenset[int]]:
    """path -> positions (in that file's function tuple) of the functions the taint phase needs,
    for the files of one spec family; `normalise` is the family spec's callee normalisation."""
    units = [(index.order, path, position, index) for path, file_index in indexes.items()
             for position, index in enumerate(file_index)]
    units.sort(key=lambda unit: unit[0])
    first: dict[str, int] = {}
    for number, (order, *_rest) in enumerate(units):
        first.setdefault(order[3], number)
    callees = [tuple(dict.fromkeys(target for name in unit[3].callees
                                   if (target := first.get(normalise(name))) is not None))
               for unit in units]
    callers: list[list[int]] = [[] for _ in units]
    for caller, targets in enumerate(callees):
        for target in targets:
            callers[target].append(caller)
    relevant = _closure((n for n, unit in enumerate(units) if unit[3].has_source), callers)
    kept = _closure(relevant, callees)
    result: dict[str, set[int]] = {}
    for number in kept:
        _, path, position, _ = units[number]
        result.setdefault(path, set()).add(position)
    return {path: frozenset(positions) for path, positions in result.items()}


def _closure(start: Iterable[int], edges) -> set[int]:
    seen = set(start)
    work = list(seen)
    while work:
        for other in edges[work.pop()]:
            if other not in seen:
                seen.add(other)
                work.append(other)
    return seen
