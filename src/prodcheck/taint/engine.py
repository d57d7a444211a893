"""The one taint engine: request data (`SourceRef`) to dangerous calls, on `ir` facts only.

A value's taint is a set of labels `(origin, cleaned)`, each with one witness path (the first
found): `origin` is request data (a `SourceRef`) or a parameter of the function being analysed
(for its summary); `cleaned` holds the sink kinds a sanitizer already made the value safe for.

- Lowering: each function is first lowered once (`prepare`): sources and call sites are
  numbered, callees resolved to project functions or matched against the spec (sinks with their
  literal conditions, sanitizers, propagators), so the passes below never consult the spec.
- Intra-procedural: the steps are walked in order. `Assign` replaces a name's labels (strong
  update); an `Expr` unions the labels of its names, of its call results and of its sources. When
  a name is read before a later step redefines it (a loop), a second pass runs in which such a
  read also sees the state the first pass ended with.
- Calls: a project function (a `FunctionSummary` with that qualname) is applied through its
  summary; anything else follows the spec and by default returns the taint of its receiver and
  arguments.
- Summaries: which parameters (and which request data read inside) reach the return value, and
  which parameters reach which sinks, directly or through callees. They are computed per
  strongly connected component of the call graph, callees first: outside recursion each function
  is analysed once; a recursive component is swept at most `MAX_RUNS` times, so everything ends.
- Flows: request data reaching a sink argument not cleaned for that sink kind. Each (sink call
  site, sink kind) is reported once, with the deterministic first source and how many others.

Bounds (request-data labels per value, summary sizes, path length, sweeps of a recursive
component) keep the work linear in the number of steps times small constants, whatever the shape
of the call graph; past a bound the first facts found are kept, so results stay deterministic.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from prodcheck.model import Location
from prodcheck.taint.ir import Assign, CallSite, Expr, FunctionSummary, Return, SourceRef
from prodcheck.taint.sinks import SINK_KINDS
from prodcheck.taint.specs import Part, Propagator, Sink, TaintSpec, literal_matches, normalise_literal

MAX_RUNS = 10            # rounds over a recursive component while its summaries converge
MAX_PATH = 12            # steps kept in a witness path (its first step and the latest ones)
MAX_SOURCES = 4          # request-data labels kept per value (parameter labels are few anyway)
MAX_LABELS = 32          # labels kept per value
MAX_RETURNS = 16         # return labels kept per summary
MAX_SINKS = 32           # parameter-to-sink facts kept per summary

EMPTY: frozenset[str] = frozenset()

# An origin is an int: parameter i is i (>= 0); request-data source number k is -1 - k.
LabelKey = tuple[int, frozenset[str]]
Path = tuple[Location, ...]
Taint = dict[LabelKey, Path]
# (parameter, sink kind, site number, cleaned kinds, source kinds or None)
SinkKey = tuple[int, str, int, frozenset[str], frozenset[str] | None]

SOURCE_PHRASES = {
    "query": "query parameter", "path": "path parameter", "body": "request body",
    "form": "form field", "header": "request header", "cookie": "cookie", "file": "uploaded file",
}
KIND_NOUNS = {
    "sql": "SQL", "command": "shell command", "path": "file path", "ssrf": "outbound request",
    "redirect": "redirect", "xss": "HTML response", "template": "template source",
    "deserialization": "deserialisation", "code": "code evaluation", "nosql": "database filter",
    "header": "response header", "xxe": "XML parser", "ldap": "LDAP filter", "xpath": "XPath query",
    "prototype": "object merge", "redos": "regular expression",
}


@dataclass(frozen=True, slots=True)
class Flow:
    sink_kind: str
    sink: Location                 # the sink call site
    source: SourceRef
    steps: tuple[Location, ...]    # witness path, each Location labelled, ending at the sink
    callee: str                    # the sink as displayed: "cursor.execute"
    message: str
    other_sources: int = 0         # further distinct sources reaching the same sink


# --- the lowered program -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LAssign:
    at: int
    target: str
    value: Expr | None             # None: constant or empty
    location: Location
    label: str                     # "assigned to `x`"


@dataclass(frozen=True, slots=True)
class LReturn:
    at: int
    value: Expr | None
    location: Location
    label: str                     # "returned from `f()`"


@dataclass(frozen=True, slots=True)
class LSink:
    kind: str
    receiver: bool
    args: tuple[int, ...] | None   # None: every positional argument
    kwargs: tuple[str, ...]
    source_kinds: frozenset[str] | None
    step: Location                 # labelled "reaches `callee()` (kind)"


@dataclass(frozen=True, slots=True)
class LCall:
    at: int
    id: int
    site: int                      # call-site number (program-wide)
    receiver: Expr | None
    args: tuple[Expr | None, ...]
    kwargs: tuple[tuple[str, Expr | None], ...]
    target: int | None             # project function called
    binding: tuple[tuple[str, int | str, int], ...]   # project call: (receiver|arg|kw, which, parameter)
    sinks: tuple[LSink, ...]       # spec sinks whose literal conditions hold here
    cleans: frozenset[str] | None  # sanitizer kinds (None: no sanitizer; contains "*": all)
    stores: tuple[tuple[tuple[Part, ...], tuple[str, ...]], ...]   # propagator: from parts -> names
    result_from: tuple[Part, ...] | None   # None: the default (receiver, args, kwargs)
    passed: tuple[str, ...]        # per parameter of the target: "passed to `g()` (parameter `p`)"
    location: Location


LStep = LAssign | LCall | LReturn


@dataclass(frozen=True, slots=True)
class Unit:
    fn: FunctionSummary
    steps: tuple[LStep, ...]
    entry: tuple[tuple[str, tuple[int, ...]], ...]   # name -> source origins it starts with
    last_def: Mapping[str, int]
    loops: bool                    # some name is read before a later step redefines it
    callees: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Program:
    units: tuple[Unit, ...]
    sources: tuple[SourceRef, ...]
    source_ids: Mapping[SourceRef, int]
    source_steps: tuple[Location, ...]
    sites: tuple[tuple[Location, str], ...]   # call-site number -> (location, displayed callee)
    callers: tuple[tuple[int, ...], ...]
    components: tuple[tuple[int, ...], ...]   # strongly connected, callees' components first


@dataclass(frozen=True, slots=True)
class Summary:
    returns: tuple[tuple[LabelKey, Path], ...] = ()
    sinks: tuple[tuple[SinkKey, Path], ...] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    """Request data reaching a sink, as seen while analysing one function."""
    kind: str
    site: int
    source: int                    # origin (negative)
    path: Path


# --- entry point ---------------------------------------------------------------------------

def find_flows(functions: Iterable[FunctionSummary], spec: TaintSpec) -> tuple[Flow, ...]:
    program = prepare(functions, spec)
    _, hits = solve(program)
    return report_flows(program, hits)


def solve(program: Program) -> tuple[dict[int, Summary], tuple[Hit, ...]]:
    """Summaries to a (bounded) fixpoint, one strongly connected component of the call graph at a
    time, callees first; the hits of each function's latest analysis. A component is swept in
    rounds (at most `MAX_RUNS`), analysing only the members a callee's summary change made dirty."""
    summaries: dict[int, Summary] = {}
    hits_by_unit: dict[int, tuple[Hit, ...]] = {}
    for component in program.components:
        members = set(component)
        dirty = set(component)
        for _ in range(MAX_RUNS):
            for unit in component:
                if unit not in dirty:
                    continue
                dirty.discard(unit)
                summary, hits = analyse_unit(program, program.units[unit], summaries)
                hits_by_unit[unit] = hits
                merged, changed = merge_summary(summaries.get(unit), summary)
                summaries[unit] = merged
                if changed:
                    dirty.update(c for c in program.callers[unit] if c in members)
            if not dirty:
                break
    hits = tuple(hit for unit in sorted(hits_by_unit) for hit in hits_by_unit[unit])
    return summaries, hits


def report_flows(program: Program, hits: Iterable[Hit]) -> tuple[Flow, ...]:
    groups: dict[tuple[int, str], list[Hit]] = {}
    for hit in hits:
        groups.setdefault((hit.site, hit.kind), []).append(hit)
    flows = []
    for (site, kind), group in groups.items():
        best = min(group, key=lambda h: _hit_order(program, h))
        others = len({h.source for h in group}) - 1
        location, callee = program.sites[site]
        source = program.sources[-1 - best.source]
        flows.append(Flow(kind, location, source, best.path, callee,
                          flow_message(kind, source, callee, others), others))
    return tuple(sorted(flows, key=lambda f: (f.sink.path, f.sink.start, f.sink.end, f.sink_kind)))


def flow_message(kind: str, source: SourceRef, callee: str, others: int) -> str:
    text = (f"request data ({describe_source(source)}, {source.location}) reaches "
            f"`{callee}()` ({kind_noun(kind)}) unsanitised")
    if others:
        text += f" (and {others} other source{'s' if others > 1 else ''})"
    return text


def describe_source(source: SourceRef) -> str:
    phrase = SOURCE_PHRASES.get(source.kind, source.kind or "request data")
    return f"{phrase} `{source.description}`" if source.description else phrase


def kind_noun(kind: str) -> str:
    return KIND_NOUNS.get(kind) or SINK_KINDS[kind].title


def _hit_order(program: Program, hit: Hit) -> tuple:
    """The earliest source, then the shortest path; ties keep the first hit (hits come in a
    deterministic order)."""
    source = program.sources[-1 - hit.source]
    return (_loc_key(source.location), source.kind, source.description, len(hit.path))


# --- lowering ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _CalleePlan:
    """What every call of one callee name shares: the project function it resolves to, or the
    spec's entries for it (sinks before their literal conditions, sanitizers, propagators)."""
    callee: str                    # normalised (`strip_prefixes` removed)
    target: int | None
    sinks: tuple[Sink, ...]
    cleans: frozenset[str] | None
    propagators: tuple[Propagator, ...]
    result_from: tuple[Part, ...] | None
    passed: tuple[str, ...]        # for a project function: "passed to `g()` (parameter `p`)"


@dataclass(frozen=True, slots=True)
class _Tables:
    """Numbering shared by the whole lowering (filled as functions are lowered)."""
    spec: TaintSpec
    index: Mapping[str, int]
    functions: tuple[FunctionSummary, ...]
    source_ids: dict[SourceRef, int]
    sites: list[tuple[Location, str]]
    plans: dict[str, _CalleePlan]

    def plan(self, callee: str) -> _CalleePlan:
        """The plan for a callee as written (worked out once per distinct name)."""
        found = self.plans.get(callee)
        if found is None:
            found = self.plans[callee] = self._make_plan(callee)
        return found

    def _make_plan(self, written: str) -> _CalleePlan:
        spec = self.spec
        callee = spec.normalise(written)
        target = self.index.get(callee)
        if target is not None:
            fn = self.functions[target]
            name = short_name(fn.qualname)
            passed = tuple(f"passed to `{name}()` (parameter `{p}`)" for p in fn.params)
            return _CalleePlan(callee, target, (), None, (), None, passed)
        sinks = spec.sinks.lookup(callee)
        sanitizers = spec.sanitizers.lookup(callee)
        propagators = spec.propagators.lookup(callee)
        cleans = frozenset().union(*(s.kinds for s in sanitizers)) if sanitizers else None
        result_parts = tuple(part for p in propagators if p.sets_result for part in p.sources)
        return _CalleePlan(callee, None, sinks, cleans, propagators, result_parts or None, ())


def prepare(functions: Iterable[FunctionSummary], spec: TaintSpec) -> Program:
    ordered = tuple(sorted(functions, key=lambda f: (f.location.path, f.location.start.line,
                                                     f.location.start.column, f.qualname)))
    index: dict[str, int] = {}
    for position, fn in enumerate(ordered):
        index.setdefault(fn.qualname, position)
    tables = _Tables(spec, index, ordered, {}, [], {})
    units = tuple(_lower(fn, tables) for fn in ordered)
    callers: list[list[int]] = [[] for _ in units]
    for caller, unit in enumerate(units):
        for target in unit.callees:
            callers[target].append(caller)
    sources = tuple(tables.source_ids)
    return Program(
        units=units,
        sources=sources,
        source_ids=tables.source_ids,
        source_steps=tuple(source_step(source) for source in sources),
        sites=tuple(tables.sites),
        callers=tuple(tuple(c) for c in callers),
        components=strongly_connected(tuple(unit.callees for unit in units)),
    )


def _lower(fn: FunctionSummary, tables: _Tables) -> Unit:
    returned = f"returned from `{short_name(fn.qualname)}()`"
    steps: list[LStep] = []
    callees: dict[int, None] = {}
    for at, step in enumerate(fn.steps):
        if isinstance(step, CallSite):
            lowered = _lower_call(at, step, tables)
            if lowered.target is not None:
                callees[lowered.target] = None
            steps.append(lowered)
        elif isinstance(step, Assign):
            steps.append(LAssign(at, step.target, _lower_expr(step.value, tables), step.location,
                                 f"assigned to `{step.target}`"))
        elif isinstance(step, Return):
            steps.append(LReturn(at, _lower_expr(step.value, tables), step.location, returned))
    entry: dict[str, list[int]] = {}
    for name, source in fn.param_sources:
        entry.setdefault(name, []).append(_source_origin(source, tables))
    last_def = _last_definitions(steps)
    return Unit(fn, tuple(steps), tuple((n, tuple(o)) for n, o in entry.items()), last_def,
                _has_loops(steps, last_def), tuple(callees))


def _lower_expr(expr: Expr | None, tables: _Tables) -> Expr | None:
    """The expression itself (its sources numbered), or None when it can carry nothing."""
    if expr is None or expr.constant:
        return None
    if expr.sources:
        for source in expr.sources:
            _source_origin(source, tables)
        return expr
    return expr if expr.names or expr.calls else None


def _source_origin(source: SourceRef, tables: _Tables) -> int:
    return -1 - tables.source_ids.setdefault(source, len(tables.source_ids))


def _lower_call(at: int, call: CallSite, tables: _Tables) -> LCall:
    plan = tables.plan(call.callee)
    display = display_callee(plan.callee, call.receiver)
    site = len(tables.sites)
    tables.sites.append((call.location, display))
    receiver = _lower_expr(call.receiver, tables)
    args = tuple([_lower_expr(arg, tables) for arg in call.args]) if call.args else ()
    kwargs = tuple([(name, _lower_expr(expr, tables)) for name, expr in call.kwargs]) if call.kwargs else ()
    if plan.target is not None:
        binding = _binding(tables.functions[plan.target], call, tables.spec)
        return LCall(at, call.id, site, receiver, args, kwargs, plan.target, binding, (), None, (), None,
                     plan.passed, call.location)
    sinks = tuple(_lower_sink(sink, call, display) for sink in plan.sinks
                  if conditions_hold(sink, call)) if plan.sinks else ()
    stores = tuple((p.sources, names) for p in plan.propagators for part in p.targets
                   if (names := _part_names(part, call))) if plan.propagators else ()
    return LCall(at, call.id, site, receiver, args, kwargs, None, (), sinks, plan.cleans, stores,
                 plan.result_from, (), call.location)


def _lower_sink(sink: Sink, call: CallSite, display: str) -> LSink:
    return LSink(sink.kind, sink.receiver, None if sink.every_arg else sink.args, sink.kwargs,
                 sink.source_kinds, labelled(call.location, f"reaches `{display}()` ({kind_noun(sink.kind)})"))


def _binding(fn: FunctionSummary, call: CallSite, spec: TaintSpec) -> tuple[tuple[str, int | str, int], ...]:
    """Which parameter of `fn` receives the receiver, each positional and each keyword argument.
    A method's first parameter named in `receiver_params` (self, cls) receives the receiver."""
    params = fn.params
    shift = int(call.receiver is not None and bool(params) and params[0] in spec.receiver_params)
    binding: list[tuple[str, int | str, int]] = [("receiver", 0, 0)] if shift else []
    binding += [("arg", i, i + shift) for i in range(len(call.args)) if i + shift < len(params)]
    binding += [("kw", name, params.index(name)) for name, _ in call.kwargs if name in params]
    return tuple(binding)


def conditions_hold(sink: Sink, call: CallSite) -> bool:
    literal_kwargs = {name: normalise_literal(value) for name, value in call.literal_kwargs}
    literal_args = {position: normalise_literal(value) for position, value in call.literal_args}
    return (all(literal_matches(literal_kwargs.get(name), values) for name, values in sink.require_kwarg)
            and not any(literal_matches(literal_kwargs.get(name), values) for name, values in sink.unless_kwarg)
            and all(literal_matches(literal_args.get(position), values)
                    for position, values in sink.require_literal_arg)
            and (not sink.receiver_names or _receiver_named(call.receiver, sink.receiver_names))
            and not (sink.unless_receiver_names and _receiver_named(call.receiver, sink.unless_receiver_names)))


def _receiver_named(receiver: Expr | None, names: tuple[str, ...]) -> bool:
    return receiver is not None and any(
        name == wanted or name.endswith("." + wanted) for name in receiver.names for wanted in names)


def _part_names(part: Part, call: CallSite) -> tuple[str, ...]:
    """The local names a propagator writes into (a target other than the result)."""
    if part.where == "receiver":
        exprs: tuple[Expr | None, ...] = (call.receiver,)
    elif part.where == "args":
        exprs = call.args
    elif part.where == "kwargs":
        exprs = tuple(expr for _, expr in call.kwargs)
    elif part.where == "arg":
        exprs = call.args[part.index:part.index + 1]
    elif part.where == "kwarg":
        exprs = tuple(expr for name, expr in call.kwargs if name == part.name)
    else:
        exprs = ()
    return tuple(dict.fromkeys(name for expr in exprs if expr is not None for name in expr.names))


def _last_definitions(steps: Sequence[LStep]) -> dict[str, int]:
    """The last step that may (re)define each name: assignments and propagator stores."""
    last: dict[str, int] = {}
    for step in steps:
        if isinstance(step, LAssign):
            last[step.target] = step.at
        elif isinstance(step, LCall):
            for _, names in step.stores:
                for name in names:
                    last[name] = step.at
    return last


def _has_loops(steps: Sequence[LStep], last_def: Mapping[str, int]) -> bool:
    for step in steps:
        for expr in _step_exprs(step):
            for name in expr.names:
                if last_def.get(name, -1) > step.at:
                    return True
    return False


def _step_exprs(step: LStep) -> list[Expr]:
    if isinstance(step, LCall):
        exprs = [step.receiver, *step.args, *[expr for _, expr in step.kwargs]]
    else:
        exprs = [step.value]
    return [expr for expr in exprs if expr is not None]


# --- one function --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Pass:
    """The mutable state of one pass over a function; never outlives `analyse_unit`.
    `carried` is the state the previous pass ended with (empty on the first pass)."""
    program: Program
    unit: Unit
    summaries: Mapping[int, Summary]
    env: dict[str, Taint]
    calls: dict[int, Taint]
    carried: Mapping[str, Taint]
    returns: Taint
    sinks: dict[SinkKey, Path]
    hits: dict[tuple[int, str, int], Hit]


def analyse_unit(program: Program, unit: Unit, summaries: Mapping[int, Summary]) -> tuple[Summary, tuple[Hit, ...]]:
    """One or two passes over the steps. Every pass starts from the parameters; in the second, a
    name read at step `i` that a step `>= i` redefines also gets the taint the first pass ended
    with (the value may come round a loop), so `x = ""` before a loop does not hide what the loop
    body adds to `x`, while straight-line strong updates stay exact."""
    returns: Taint = {}
    sinks: dict[SinkKey, Path] = {}
    hits: dict[tuple[int, str, int], Hit] = {}
    carried: Mapping[str, Taint] = {}
    for _ in range(2 if unit.loops else 1):
        state = _Pass(program, unit, summaries, _initial_env(program, unit), {}, carried, returns, sinks, hits)
        for step in unit.steps:
            if isinstance(step, LCall):
                state.calls[step.id] = _call(step, state)
            elif isinstance(step, LAssign):
                state.env[step.target] = _extend(_eval(step.value, step.at, state), step.location, step.label)
            else:
                _union_into(returns, _extend(_eval(step.value, step.at, state), step.location, step.label),
                            MAX_RETURNS)
        carried = state.env
    return Summary(tuple(returns.items()), tuple(sinks.items())), tuple(hits.values())


def _initial_env(program: Program, unit: Unit) -> dict[str, Taint]:
    env: dict[str, Taint] = {name: {(index, EMPTY): ()} for index, name in enumerate(unit.fn.params)}
    for name, origins in unit.entry:
        value = env.setdefault(name, {})
        for origin in origins:
            value.setdefault((origin, EMPTY), (program.source_steps[-1 - origin],))
    return env


def _eval(expr: Expr | None, at: int, state: _Pass) -> Taint:
    if expr is None:
        return {}
    result: Taint = {}
    for source in expr.sources:
        number = state.program.source_ids[source]
        _union_into(result, {(-1 - number, EMPTY): (state.program.source_steps[number],)})
    env, carried = state.env, state.carried
    for name in expr.names:
        value = env.get(name)
        if value:
            if not result and len(value) <= MAX_SOURCES:
                result = dict(value)      # what `_union_into` would copy: no bound can bind
            else:
                _union_into(result, value)
        if carried and state.unit.last_def.get(name, -1) >= at:
            _union_into(result, carried.get(name, {}))
    for call in expr.calls:
        value = state.calls.get(call)
        if value:
            if not result and len(value) <= MAX_SOURCES:
                result = dict(value)
            else:
                _union_into(result, value)
    return result


def _call(call: LCall, state: _Pass) -> Taint:
    receiver = _eval(call.receiver, call.at, state)
    args = tuple([_eval(arg, call.at, state) for arg in call.args])
    kwargs = {name: _eval(expr, call.at, state) for name, expr in call.kwargs}
    if call.target is not None:
        return _call_project(call, receiver, args, kwargs, state)
    if not (receiver or any(args) or any(kwargs.values())):
        return {}
    for sink in call.sinks:
        for value in _sink_inputs(sink, receiver, args, kwargs):
            _reach_sink(value, sink.kind, call.site, sink.source_kinds, EMPTY, (sink.step,), state)
    for parts, names in call.stores:
        moved = _parts(parts, receiver, args, kwargs)
        if moved:
            for name in names:
                _union_into(state.env.setdefault(name, {}), _extend(moved, call.location, f"stored in `{name}`"))
    if call.result_from is not None:
        result = _parts(call.result_from, receiver, args, kwargs)
    else:
        result = _union(receiver, *args, *kwargs.values())
    if call.cleans is None or not result:
        return result
    if "*" in call.cleans:
        return {}
    return _cleaned(result, call.cleans)


def _call_project(call: LCall, receiver: Taint, args: Sequence[Taint], kwargs: Mapping[str, Taint],
                  state: _Pass) -> Taint:
    summary = state.summaries.get(call.target)
    if summary is None:
        return {}
    by_param: dict[int, Taint] = {}
    for where, which, param in call.binding:
        if where == "receiver":
            value = receiver
        elif where == "arg":
            value = args[which]
        else:
            value = kwargs.get(which, {})
        if value:
            _union_into(by_param.setdefault(param, {}), value)
    for (param, kind, site, cleaned, source_kinds), inner in summary.sinks:
        value = by_param.get(param)
        if value:
            passed = labelled(call.location, call.passed[param])
            _reach_sink(value, kind, site, source_kinds, cleaned, (passed, *inner), state)
    result: Taint = {}
    for (origin, cleaned), inner in summary.returns:
        if origin < 0:
            _union_into(result, {(origin, cleaned): inner})
            continue
        value = by_param.get(origin)
        if value:
            tail = (labelled(call.location, call.passed[origin]), *inner)
            _union_into(result, {(o, c | cleaned): _concat(path, tail) for (o, c), path in value.items()})
    return result


def _reach_sink(value: Taint, kind: str, site: int, source_kinds: frozenset[str] | None,
                inner_cleaned: frozenset[str], tail: Path, state: _Pass) -> None:
    """Record each label of `value` arriving uncleaned at sink `kind` of call site `site`: a hit
    for request data, a parameter sink for the summary. `tail` is the rest of the path."""
    sinks, hits = state.sinks, state.hits
    for (origin, cleaned), path in value.items():
        if kind in cleaned:
            continue
        if origin >= 0:
            key = (origin, kind, site, cleaned | inner_cleaned if inner_cleaned else cleaned, source_kinds)
            if key not in sinks and len(sinks) < MAX_SINKS:
                sinks[key] = _concat(path, tail)
        elif source_kinds is None or state.program.sources[-1 - origin].kind in source_kinds:
            hit_key = (site, kind, origin)
            if hit_key not in hits:
                hits[hit_key] = Hit(kind, site, origin, _concat(path, tail))


def _sink_inputs(sink: LSink, receiver: Taint, args: Sequence[Taint], kwargs: Mapping[str, Taint]) -> list[Taint]:
    inputs = [receiver] if sink.receiver else []
    positions = range(len(args)) if sink.args is None else sink.args
    inputs.extend(args[p] for p in positions if p < len(args))
    inputs.extend(kwargs[name] for name in sink.kwargs if name in kwargs)
    return [value for value in inputs if value]


def _parts(parts: Iterable[Part], receiver: Taint, args: Sequence[Taint], kwargs: Mapping[str, Taint]) -> Taint:
    result: Taint = {}
    for part in parts:
        if part.where == "receiver":
            _union_into(result, receiver)
        elif part.where == "args":
            for value in args:
                _union_into(result, value)
        elif part.where == "kwargs":
            for value in kwargs.values():
                _union_into(result, value)
        elif part.where == "arg" and part.index < len(args):
            _union_into(result, args[part.index])
        elif part.where == "kwarg":
            _union_into(result, kwargs.get(part.name, {}))
    return result


# --- taint values and paths ----------------------------------------------------------------

def _union(*values: Taint) -> Taint:
    result: Taint = {}
    for value in values:
        if value:
            _union_into(result, value)
    return result


def _union_into(target: Taint, value: Mapping[LabelKey, Path], limit: int = MAX_LABELS) -> None:
    """Add the labels of `value` that `target` lacks, keeping at most `MAX_SOURCES` request-data
    labels and `limit` labels in all (the first ones: paths found first are kept)."""
    sources = -1
    for key, path in value.items():
        if key in target or len(target) >= limit:
            continue
        if key[0] < 0:
            if sources < 0:
                sources = sum(1 for origin, _ in target if origin < 0)
            if sources >= MAX_SOURCES:
                continue
            sources += 1
        target[key] = path


def _cleaned(value: Taint, kinds: frozenset[str]) -> Taint:
    result: Taint = {}
    for (origin, cleaned), path in value.items():
        result.setdefault((origin, cleaned | kinds), path)
    return result


def _extend(value: Taint, location: Location, label: str) -> Taint:
    if not value:
        return {}
    step = labelled(location, label)
    return {key: _extend_path(path, step) for key, path in value.items()}


def _extend_path(path: Path, step: Location) -> Path:
    if path and path[-1] == step:
        return path
    return _bounded(path + (step,))


def _concat(path: Path, tail: Path) -> Path:
    joined = path + tail
    return joined if len(joined) <= MAX_PATH else _bounded(joined)


def _bounded(path: Path) -> Path:
    if len(path) <= MAX_PATH:
        return path
    return (path[0],) + path[len(path) - MAX_PATH + 1:]


def labelled(location: Location, label: str) -> Location:
    return Location(location.path, location.start, location.end, "", label)


def source_step(source: SourceRef) -> Location:
    return labelled(source.location, f"request data enters here ({describe_source(source)})")


def merge_summary(old: Summary | None, new: Summary) -> tuple[Summary, bool]:
    """Grow `old` by the keys of `new` (paths already known are kept): (merged, grew?)."""
    if old is None:
        return new, bool(new.returns or new.sinks)
    returns = dict(old.returns)
    sinks = dict(old.sinks)
    before = (len(returns), len(sinks))
    for key, path in new.returns:
        if key not in returns and len(returns) < MAX_RETURNS:
            returns[key] = path
    for key, path in new.sinks:
        if key not in sinks and len(sinks) < MAX_SINKS:
            sinks[key] = path
    if (len(returns), len(sinks)) == before:
        return old, False
    return Summary(tuple(returns.items()), tuple(sinks.items())), True


# --- names and ordering --------------------------------------------------------------------

def short_name(qualname: str) -> str:
    return qualname.rsplit(".", 1)[-1]


def display_callee(callee: str, receiver: Expr | None) -> str:
    """`.execute` on `cursor` reads `cursor.execute`; a qualified callee reads as written."""
    if callee.startswith("."):
        if receiver is not None and len(receiver.names) == 1 and not receiver.calls:
            return f"{receiver.names[0]}{callee}"
        return callee[1:]
    return callee


def _loc_key(location: Location) -> tuple:
    return (location.path, location.start, location.end)


def strongly_connected(callees: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    """Tarjan's algorithm without recursion. Components come out callees first; the members of a
    component in reverse order of discovery (the deeper ones, usually callees, first)."""
    count = len(callees)
    number = [-1] * count
    low = [0] * count
    on_stack = [False] * count
    stack: list[int] = []
    components: list[tuple[int, ...]] = []
    counter = 0
    for root in range(count):
        if number[root] >= 0:
            continue
        work = [(root, iter(callees[root]))]
        number[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if number[child] < 0:
                    number[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack[child] = True
                    work.append((child, iter(callees[child])))
                elif on_stack[child]:
                    low[node] = min(low[node], number[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == number[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    members.append(member)
                    if member == node:
                        break
                components.append(tuple(sorted(members, key=number.__getitem__, reverse=True)))
    return tuple(components)


__all__ = ["Flow", "Hit", "Program", "Summary", "Unit", "analyse_unit", "describe_source",
           "find_flows", "flow_message", "merge_summary", "prepare", "report_flows", "solve"]
