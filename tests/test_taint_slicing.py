"""Taint slicing (taint/slicing.py): the functions kept give exactly the flows of a run over every
function, and the ones left out are those no request data can reach."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from prodcheck.config import Config
from prodcheck.discovery import discover
from prodcheck.model import Location
from prodcheck.pipeline import analyse_packed, taint_input
from prodcheck.rules.base import ProjectRule, TaintRule
from prodcheck.rules.catalog import load_catalog
from prodcheck.taint.engine import find_flows
from prodcheck.taint.ir import Assign, CallSite, Expr, FunctionSummary, Return, SourceRef
from prodcheck.taint.slicing import index_of, needed
from prodcheck.taint.specs import load_spec, spec_family

PY = load_spec("python")
FIXTURES = Path(__file__).parent / "fixtures"


def fn(qualname: str, *steps, params=("x",), line: int = 1, path: str = "app.py") -> FunctionSummary:
    return FunctionSummary(qualname, tuple(params), tuple(steps), Location.at(path, line))


def request_data(line: int, path: str = "app.py") -> Expr:
    return Expr(sources=(SourceRef("query", Location.at(path, line), "request.args"),))


def call(call_id: int, callee: str, line: int, *args: Expr, path: str = "app.py") -> CallSite:
    return CallSite(call_id, callee, tuple(args), Location.at(path, line))


def sliced(functions: list[FunctionSummary]) -> list[FunctionSummary]:
    kept = needed({"all": index_of(functions)}, PY.normalise)
    return [f for position, f in enumerate(functions) if position in kept.get("all", ())]


def test_only_functions_request_data_can_reach_are_kept():
    functions = [
        fn("app.view", call(1, "app.helper", 3, request_data(3)), params=(), line=2),
        fn("app.helper", call(1, "app.db.run", 6, Expr(names=("x",))), line=5),
        fn("app.db.run", call(1, ".execute", 9, Expr(names=("x",))), line=8),
        fn("app.unrelated", call(1, "app.db.run", 12, Expr(names=("x",))), line=11),   # no request data
        fn("app.reader", Return(request_data(15), Location.at("app.py", 15)), params=(), line=14),
        fn("app.uses_reader", call(1, "app.reader", 18), Assign("y", Expr(calls=(1,)), Location.at("app.py", 18)),
           line=17),
    ]
    kept = {f.qualname for f in sliced(functions)}
    assert kept == {"app.view", "app.helper", "app.db.run", "app.reader", "app.uses_reader"}
    assert find_flows(sliced(functions), PY) == find_flows(functions, PY)


def test_the_first_function_of_a_name_is_the_one_kept_as_a_callee():
    functions = [
        fn("app.view", call(1, "app.run", 3, request_data(3)), params=(), line=2, path="a.py"),
        fn("app.run", call(1, ".execute", 2, Expr(names=("x",))), line=1, path="b.py"),
        fn("app.run", Return(Expr(names=("x",)), Location.at("c.py", 2)), line=1, path="c.py"),
    ]
    kept = sliced(functions)
    assert [f.location.path for f in kept] == ["a.py", "b.py"]
    assert find_flows(kept, PY) == find_flows(functions, PY)


def _random_program(rng: random.Random, size: int) -> list[FunctionSummary]:
    """Functions calling each other at random (recursion included), some reading request data,
    some running SQL, some returning what they get."""
    names = [f"pkg.m{i % 4}.f{i}" for i in range(size)]
    functions = []
    for i, name in enumerate(names):
        path, line = f"m{i % 4}.py", 10 * i + 1
        steps: list = []
        value = Expr(names=("x",))
        if rng.random() < 0.2:
            steps.append(Assign("x", request_data(line + 1, path), Location.at(path, line + 1)))
        for k in range(rng.randint(0, 3)):
            callee = rng.choice(names)
            steps.append(call(k + 1, callee, line + 2 + k, value, path=path))
            if rng.random() < 0.5:
                steps.append(Assign("x", Expr(calls=(k + 1,), names=("x",)), Location.at(path, line + 2 + k)))
        if rng.random() < 0.3:
            steps.append(call(9, ".execute", line + 7, Expr(names=("x",)), path=path))
        if rng.random() < 0.6:
            steps.append(Return(Expr(names=("x",)), Location.at(path, line + 8)))
        functions.append(fn(name, *steps, line=line, path=path))
    return functions


@pytest.mark.parametrize("seed", range(40))
def test_random_programs_give_the_same_flows_sliced(seed: int):
    rng = random.Random(seed)
    functions = _random_program(rng, rng.randint(5, 40))
    assert find_flows(sliced(functions), PY) == find_flows(functions, PY)


def test_rule_fixtures_give_the_same_flows_sliced():
    """Every taint fixture of every language, analysed for real, over every function and sliced."""
    catalog = load_catalog()
    rules = list(catalog.select(Config()))
    taint_rules = [r for r in rules if isinstance(r, TaintRule)]
    wanted = {rule.id for rule in taint_rules}
    found, _ = discover(FIXTURES / "rules", Config())
    files = [f for f in found if f.path.split("/", 1)[0] in wanted]
    assert len(files) > 50
    per_file = tuple(r.id for r in rules if not isinstance(r, (ProjectRule, TaintRule)))
    packed = analyse_packed(files, per_file, 1)
    results = [p.unpacked() for p in packed]
    sliced_results = taint_input(taint_rules, packed).results(packed)
    compared = 0
    for family in ("python", "javascript", "go"):
        full = [f for r in results if spec_family(r.facts.language) == family for f in r.facts.functions]
        part = [f for r in sliced_results if spec_family(r.facts.language) == family for f in r.facts.functions]
        assert len(part) < len(full)
        flows = find_flows(full, load_spec(family))
        assert flows and find_flows(part, load_spec(family)) == flows
        compared += len(flows)
    assert compared > 100
