"""Fast pickling for the frozen, slotted dataclasses that travel between processes and into the
cache (facts, findings, taint summaries: hundreds of thousands of small objects per scan).

The `__getstate__`/`__setstate__` that `dataclass(slots=True)` generates call `dataclasses.fields()`
for every object; that alone was 70 % of the time to pickle a scan's results. A reducer that
reads and writes the fields by their (cached) names does the same work several times faster and
produces an equivalent object: the same class, the same field values, no `__init__` side effects.
"""
from __future__ import annotations

import copyreg
import dataclasses
import functools
import operator
from collections.abc import Iterable


@functools.cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls))


@functools.cache
def _getter(cls: type):
    names = _names(cls)
    if len(names) == 1:                       # attrgetter of one name returns the bare value
        single = operator.attrgetter(names[0])
        return lambda obj: (single(obj),)
    return operator.attrgetter(*names)


def _rebuild(cls: type, values: tuple):
    obj = object.__new__(cls)
    for name, value in zip(_names(cls), values):
        object.__setattr__(obj, name, value)
    return obj


def _reduce(obj):
    cls = type(obj)
    return _rebuild, (cls, _getter(cls)(obj))


def register(classes: Iterable[type]) -> None:
    """Pickle these dataclasses through `_reduce` (in every pickler: copyreg's table is global, and
    multiprocessing's pickler starts from it)."""
    for cls in classes:
        if dataclasses.is_dataclass(cls) and not _names(cls) == ():
            copyreg.pickle(cls, _reduce)


def dataclasses_of(*modules) -> list[type]:
    return [value for module in modules for value in vars(module).values()
            if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module.__name__]
