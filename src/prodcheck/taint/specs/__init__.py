"""Sources are facts the adapters emit; sinks, sanitizers and propagators are data, one TOML file
per language family (`python.toml`, `javascript.toml`, `go.toml`), read by `load_spec(language)`.

Callee patterns (matched against `CallSite.callee`, after `strip_prefixes` are removed):

- `"subprocess.run"`: exactly this qualified name.
- `"fs.readFile*"`: a glob (`*`, `?`, `[...]`; `*` also crosses dots and slashes).
- `".execute"`: a method of any receiver: the callee's last dotted part(s) are `execute`
  (`.execute`, `cursor.execute`, `app.db.session.execute`).

Exact and glob patterns win over method patterns: when any exact or glob entry of a table matches
a callee, that table's method entries are not consulted (so `re.search` is never the LDAP
`.search`). Calls to project functions (a `FunctionSummary` with that qualname) never consult the
spec: their summaries are used instead.

Entries:

- `[[sink]]`: `kind` (a key of `taint.sinks.SINK_KINDS`), `callees`, `args` (positions, or
  `["*"]` for every positional argument; default `[0]`), `kwargs` (names), `receiver` (the object
  the method is called on is dangerous; default false), `require_kwarg = {shell = "True"}` and
  `unless_kwarg = {Loader = ["SafeLoader"]}` (keyword arguments given as literals),
  `require_literal_arg = {0 = ["sh", "bash"]}` (positional literals), `receiver_names` (the
  receiver is a name, or a dotted name ending, in this list: `res.send`, not `socket.send`),
  `unless_receiver_names` (the sink does not apply when the receiver is one of these names:
  `self.update_one(...)` is a method of the project's own class, not a driver call),
  `source_kinds` (only request data of these `SourceRef.kind`s is dangerous here, e.g.
  `["body"]`), `note`.
  Condition values are a string or a list of strings, globs allowed (`"text/plain*"`); literals are
  compared without their quotes.
- `[[sanitizer]]`: `callees`, `kinds` (sink kinds the result is clean for; `"*"`: all of them,
  e.g. `int()`, or a call returning a bool).
- `[[propagator]]`: `callees`, `from` and `to`, lists of parts: `receiver`, `args`, `kwargs`,
  `arg:N`, `kwarg:NAME`, and in `to` also `result`. A call not listed here propagates the taint
  of its receiver and all its arguments to its result; a propagator moves taint elsewhere (e.g.
  `.append`: `from = ["args"]`, `to = ["receiver"]`), or, with `result` in `to`, replaces that
  default.

Top-level keys: `receiver_params` (names of a method's first parameter that receives the
receiver, e.g. `["self", "cls"]`), `strip_prefixes` (removed from callees before matching, e.g.
`["node:"]`).
"""
from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from importlib import resources
from typing import Generic, TypeVar

from prodcheck.taint.sinks import SINK_KINDS

ALL_KINDS = "*"
SPEC_FAMILIES = {"python": "python", "javascript": "javascript", "typescript": "javascript",
                 "go": "go"}
_GLOB_CHARS = frozenset("*?[")
_TOP_KEYS = frozenset({"sink", "sanitizer", "propagator", "receiver_params", "strip_prefixes",
                       "description"})
_SINK_KEYS = frozenset({"kind", "callees", "args", "kwargs", "receiver", "require_kwarg",
                        "unless_kwarg", "require_literal_arg", "receiver_names", "source_kinds",
                        "note", "unless_receiver_names"})
_SANITIZER_KEYS = frozenset({"callees", "kinds", "note"})
_PROPAGATOR_KEYS = frozenset({"callees", "from", "to", "note"})
_SOURCE_KINDS = frozenset({"query", "path", "body", "form", "header", "cookie", "file"})

T = TypeVar("T")


class SpecError(ValueError):
    """A spec file that does not follow the format above."""


@dataclass(frozen=True, slots=True)
class Part:
    """One place of a call: `receiver`, `result`, `args` (all positional), `kwargs` (all keyword),
    or one argument (`arg:N` -> index, `kwarg:NAME` -> name)."""
    where: str
    index: int = -1
    name: str = ""


@dataclass(frozen=True, slots=True)
class Sink:
    kind: str
    callees: tuple[str, ...]
    args: tuple[int, ...] = (0,)
    every_arg: bool = False
    kwargs: tuple[str, ...] = ()
    receiver: bool = False
    require_kwarg: tuple[tuple[str, tuple[str, ...]], ...] = ()
    unless_kwarg: tuple[tuple[str, tuple[str, ...]], ...] = ()
    require_literal_arg: tuple[tuple[int, tuple[str, ...]], ...] = ()
    receiver_names: tuple[str, ...] = ()
    unless_receiver_names: tuple[str, ...] = ()
    source_kinds: frozenset[str] | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Sanitizer:
    callees: tuple[str, ...]
    kinds: frozenset[str]
    note: str = ""

    @property
    def cleans_all(self) -> bool:
        return ALL_KINDS in self.kinds


@dataclass(frozen=True, slots=True)
class Propagator:
    callees: tuple[str, ...]
    sources: tuple[Part, ...]
    targets: tuple[Part, ...]
    note: str = ""

    @property
    def sets_result(self) -> bool:
        return any(t.where == "result" for t in self.targets)


@dataclass(frozen=True, slots=True)
class CalleeTable(Generic[T]):
    """Entries indexed by callee pattern; see the module docstring for the precedence."""
    exact: dict[str, tuple[T, ...]]
    globs: tuple[tuple[str, T], ...]
    methods: dict[str, tuple[tuple[str, T], ...]]     # last dotted part -> (suffix, entry)

    def lookup(self, callee: str) -> tuple[T, ...]:
        found = list(self.exact.get(callee, ()))
        found.extend(entry for pattern, entry in self.globs if fnmatchcase(callee, pattern))
        if not found:
            last = callee.rsplit(".", 1)[-1]
            found.extend(entry for suffix, entry in self.methods.get(last, ())
                         if callee.endswith(suffix))
        return _unique(found)


@dataclass(frozen=True, slots=True)
class TaintSpec:
    language: str
    sinks: CalleeTable[Sink]
    sanitizers: CalleeTable[Sanitizer]
    propagators: CalleeTable[Propagator]
    receiver_params: tuple[str, ...] = ()
    strip_prefixes: tuple[str, ...] = ()

    def normalise(self, callee: str) -> str:
        for prefix in self.strip_prefixes:
            if callee.startswith(prefix):
                return callee[len(prefix):]
        return callee


def spec_family(language: str) -> str | None:
    """The spec file a language uses (TypeScript shares JavaScript's), or None when none exists."""
    return SPEC_FAMILIES.get(language)


@functools.cache
def load_spec(language: str) -> TaintSpec:
    family = spec_family(language)
    if family is None:
        raise SpecError(f"no taint spec for language {language!r}")
    text = resources.files(__package__).joinpath(f"{family}.toml").read_text(encoding="utf-8")
    return parse_spec(family, text)


def parse_spec(language: str, text: str) -> TaintSpec:
    """Build a spec from TOML text; raises SpecError on unknown keys, kinds or malformed values."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{language}: {exc}") from exc
    _check_keys(data, _TOP_KEYS, language)
    sinks = tuple(_sink(entry, f"{language} sink #{n}") for n, entry in enumerate(data.get("sink", ()), 1))
    sanitizers = tuple(_sanitizer(entry, f"{language} sanitizer #{n}")
                       for n, entry in enumerate(data.get("sanitizer", ()), 1))
    propagators = tuple(_propagator(entry, f"{language} propagator #{n}")
                        for n, entry in enumerate(data.get("propagator", ()), 1))
    return TaintSpec(
        language=language,
        sinks=build_table(sinks),
        sanitizers=build_table(sanitizers),
        propagators=build_table(propagators),
        receiver_params=_strings(data.get("receiver_params", ()), "receiver_params", language),
        strip_prefixes=_strings(data.get("strip_prefixes", ()), "strip_prefixes", language),
    )


def build_table(entries: tuple[T, ...]) -> CalleeTable[T]:
    exact: dict[str, list[T]] = {}
    globs: list[tuple[str, T]] = []
    methods: dict[str, list[tuple[str, T]]] = {}
    for entry in entries:
        for pattern in entry.callees:
            if pattern.startswith("."):
                methods.setdefault(pattern.rsplit(".", 1)[-1], []).append((pattern, entry))
            elif _GLOB_CHARS & set(pattern):
                globs.append((pattern, entry))
            else:
                exact.setdefault(pattern, []).append(entry)
    return CalleeTable(
        exact={k: tuple(v) for k, v in exact.items()},
        globs=tuple(globs),
        methods={k: tuple(v) for k, v in methods.items()},
    )


def literal_matches(literal: str | None, patterns: tuple[str, ...]) -> bool:
    """Does a (normalised) literal match one of a condition's values (exact, or a glob)?"""
    if literal is None:
        return False
    return literal in patterns or any(_GLOB_CHARS & set(p) and fnmatchcase(literal, p) for p in patterns)


def normalise_literal(text: str) -> str:
    """A literal as written, without surrounding quotes: `'sh'`, `"sh"` and `sh` compare equal."""
    value = text.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"`":
        return value[1:-1]
    return value


def _sink(entry: dict, where: str) -> Sink:
    _check_keys(entry, _SINK_KEYS, where)
    kind = entry.get("kind")
    if kind not in SINK_KINDS:
        raise SpecError(f"{where}: unknown sink kind {kind!r}")
    raw_args = entry.get("args", [0])
    if not isinstance(raw_args, list):
        raise SpecError(f"{where}: args must be a list")
    every_arg = ALL_KINDS in raw_args
    positions = tuple(a for a in raw_args if a != ALL_KINDS)
    if any(not isinstance(a, int) or isinstance(a, bool) or a < 0 for a in positions):
        raise SpecError(f"{where}: args must be non-negative positions or \"*\"")
    source_kinds = entry.get("source_kinds")
    if source_kinds is not None:
        source_kinds = frozenset(_strings(source_kinds, "source_kinds", where))
        if not source_kinds <= _SOURCE_KINDS:
            raise SpecError(f"{where}: unknown source kinds {sorted(source_kinds - _SOURCE_KINDS)}")
    receiver = entry.get("receiver", False)
    if not isinstance(receiver, bool):
        raise SpecError(f"{where}: receiver must be true or false")
    return Sink(
        kind=kind,
        callees=_callees(entry, where),
        args=positions,
        every_arg=every_arg,
        kwargs=_strings(entry.get("kwargs", ()), "kwargs", where),
        receiver=receiver,
        require_kwarg=_conditions(entry.get("require_kwarg", {}), where, positional=False),
        unless_kwarg=_conditions(entry.get("unless_kwarg", {}), where, positional=False),
        require_literal_arg=_conditions(entry.get("require_literal_arg", {}), where, positional=True),
        receiver_names=_strings(entry.get("receiver_names", ()), "receiver_names", where),
        unless_receiver_names=_strings(entry.get("unless_receiver_names", ()), "unless_receiver_names", where),
        source_kinds=source_kinds,
        note=str(entry.get("note", "")),
    )


def _sanitizer(entry: dict, where: str) -> Sanitizer:
    _check_keys(entry, _SANITIZER_KEYS, where)
    kinds = frozenset(_strings(entry.get("kinds", ()), "kinds", where))
    if not kinds:
        raise SpecError(f"{where}: kinds is required")
    unknown = kinds - set(SINK_KINDS) - {ALL_KINDS}
    if unknown:
        raise SpecError(f"{where}: unknown sink kinds {sorted(unknown)}")
    return Sanitizer(_callees(entry, where), kinds, str(entry.get("note", "")))


def _propagator(entry: dict, where: str) -> Propagator:
    _check_keys(entry, _PROPAGATOR_KEYS, where)
    sources = tuple(_part(p, where, allow_result=False)
                    for p in _strings(entry.get("from", ("receiver", "args", "kwargs")), "from", where))
    targets = tuple(_part(p, where, allow_result=True) for p in _strings(entry.get("to", ()), "to", where))
    if not sources or not targets:
        raise SpecError(f"{where}: from and to must not be empty")
    return Propagator(_callees(entry, where), sources, targets, str(entry.get("note", "")))


def _part(text: str, where: str, *, allow_result: bool) -> Part:
    if text in ("receiver", "args", "kwargs") or (allow_result and text == "result"):
        return Part(text)
    head, _, tail = text.partition(":")
    if head == "arg" and tail.isdigit():
        return Part("arg", index=int(tail))
    if head == "kwarg" and tail:
        return Part("kwarg", name=tail)
    raise SpecError(f"{where}: bad call part {text!r}")


def _callees(entry: dict, where: str) -> tuple[str, ...]:
    callees = _strings(entry.get("callees", ()), "callees", where)
    if not callees or any(not c or c == "." for c in callees):
        raise SpecError(f"{where}: callees must be a non-empty list of patterns")
    return callees


def _conditions(table: object, where: str, *, positional: bool) -> tuple:
    if not isinstance(table, dict):
        raise SpecError(f"{where}: a condition must be a table")
    result = []
    for key, value in table.items():
        if positional and not key.isdigit():
            raise SpecError(f"{where}: require_literal_arg keys are positions, got {key!r}")
        values = (value,) if isinstance(value, str) else _strings(value, key, where)
        normalised = tuple(normalise_literal(v) for v in values)
        result.append((int(key) if positional else key, normalised))
    return tuple(result)


def _strings(value: object, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise SpecError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def _check_keys(entry: object, allowed: frozenset[str], where: str) -> None:
    if not isinstance(entry, dict):
        raise SpecError(f"{where}: expected a table")
    unknown = set(entry) - allowed
    if unknown:
        raise SpecError(f"{where}: unknown keys {sorted(unknown)}")


def _unique(items: list[T]) -> tuple[T, ...]:
    seen: list[T] = []
    for item in items:
        if not any(item is s for s in seen):
            seen.append(item)
    return tuple(seen)


__all__ = ["ALL_KINDS", "CalleeTable", "Part", "Propagator", "Sanitizer", "Sink", "SpecError",
           "TaintSpec", "build_table", "literal_matches", "load_spec", "normalise_literal", "parse_spec", "spec_family"]
