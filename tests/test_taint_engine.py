"""The taint engine on hand-built IR: no parser, only `taint.ir` facts."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest

from prodcheck.facts.model import FileFacts
from prodcheck.model import Location
from prodcheck.taint.engine import find_flows
from prodcheck.taint.ir import Assign, CallSite, Expr, FunctionSummary, Return, SourceRef
from prodcheck.taint.run import run_taint_rules
from prodcheck.taint.sinks import SINK_KINDS
from prodcheck.taint.specs import SpecError, load_spec, parse_spec, spec_family

PY = load_spec("python")


def loc(line: int, path: str = "app.py") -> Location:
    return Location.at(path, line)


def query(name: str = "q", line: int = 3, path: str = "app.py", kind: str = "query") -> SourceRef:
    return SourceRef(kind, loc(line, path), name)


def src(*sources: SourceRef) -> Expr:
    return Expr(sources=sources)


def names(*items: str) -> Expr:
    return Expr(names=items)


def calls(*ids: int) -> Expr:
    return Expr(calls=ids)


CONST = Expr(constant=True)


def fn(qualname: str, *steps, params=(), line: int = 1, path: str = "app.py", handler: bool = False,
       param_sources=()) -> FunctionSummary:
    return FunctionSummary(qualname, tuple(params), tuple(steps), loc(line, path), handler,
                           tuple(param_sources))


def execute(call_id: int, arg: Expr, line: int, path: str = "app.py", *more: Expr) -> CallSite:
    return CallSite(call_id, ".execute", (arg, *more), loc(line, path), receiver=names("cursor"))


def kinds(flows) -> list[tuple[str, int]]:
    return [(f.sink_kind, f.sink.line) for f in flows]


# --- basics ----------------------------------------------------------------------------------

def test_direct_source_to_sink():
    handler = fn("app.view", execute(1, src(query()), 3), handler=True)
    flows = find_flows([handler], PY)
    assert kinds(flows) == [("sql", 3)]
    flow = flows[0]
    assert flow.callee == "cursor.execute"
    assert flow.source == query()
    assert flow.message == ("request data (query parameter `q`, app.py:3) reaches `cursor.execute()` "
                            "(SQL) unsanitised")


def test_no_source_no_flow():
    handler = fn("app.view", Assign("q", CONST, loc(2)), execute(1, names("q"), 3), handler=True)
    assert find_flows([handler], PY) == ()


def test_through_assignments_and_string_building():
    handler = fn(
        "app.view",
        Assign("name", src(query("name")), loc(3)),
        Assign("where", Expr(names=("name",)), loc(4)),                        # f"name = '{name}'"
        CallSite(1, ".format", (names("where"),), loc(5), receiver=CONST),  # "SELECT ... {}".format(where)
        Assign("sql", calls(1), loc(5)),
        execute(2, names("sql"), 6),
        handler=True,
    )
    flows = find_flows([handler], PY)
    assert kinds(flows) == [("sql", 6)]
    assert [s.label for s in flows[0].steps] == [
        "request data enters here (query parameter `name`)",
        "assigned to `name`", "assigned to `where`", "assigned to `sql`",
        "reaches `cursor.execute()` (SQL)",
    ]


def test_join_of_a_list_built_with_append():
    handler = fn(
        "app.view",
        Assign("parts", CONST, loc(2)),
        CallSite(1, ".append", (src(query()),), loc(3), receiver=names("parts")),
        CallSite(2, ".join", (names("parts"),), loc(4), receiver=CONST),
        execute(3, calls(2), 4),
        handler=True,
    )
    flows = find_flows([handler], PY)
    assert kinds(flows) == [("sql", 4)]
    assert "stored in `parts`" in [s.label for s in flows[0].steps]


def test_receiver_taint_propagates():
    handler = fn(
        "app.view",
        Assign("user_input", src(query()), loc(3)),
        CallSite(1, ".format", (CONST,), loc(4), receiver=names("user_input")),
        CallSite(2, ".strip", (), loc(4), receiver=calls(1)),
        execute(3, calls(2), 5),
        handler=True,
    )
    assert kinds(find_flows([handler], PY)) == [("sql", 5)]


def test_strong_update_clears_taint():
    handler = fn(
        "app.view",
        Assign("q", src(query()), loc(3)),
        Assign("q", CONST, loc(4)),
        execute(1, names("q"), 5),
        handler=True,
    )
    assert find_flows([handler], PY) == ()


def test_loop_carried_taint_is_found_on_the_second_pass():
    # sql = "SELECT 1"
    # for part in request.args.getlist("p"):
    #     cursor.execute(sql)
    #     sql = sql + part
    handler = fn(
        "app.view",
        Assign("sql", CONST, loc(2)),
        Assign("part", src(query("p")), loc(3)),
        execute(1, names("sql"), 4),
        Assign("sql", Expr(names=("sql", "part")), loc(5)),
        handler=True,
    )
    assert kinds(find_flows([handler], PY)) == [("sql", 4)]


def test_loop_carried_taint_through_a_mutated_list():
    # parts = []; for p in ...: cursor.execute(" ".join(parts)); parts.append(p)
    handler = fn(
        "app.view",
        Assign("parts", CONST, loc(2)),
        CallSite(1, ".join", (names("parts"),), loc(4), receiver=CONST),
        execute(2, calls(1), 4),
        CallSite(3, ".append", (src(query()),), loc(5), receiver=names("parts")),
        handler=True,
    )
    assert kinds(find_flows([handler], PY)) == [("sql", 4)]


# --- sanitizers and safe APIs -------------------------------------------------------------------

def test_sanitizer_removes_only_its_kinds():
    handler = fn(
        "app.view",
        CallSite(1, "shlex.quote", (src(query()),), loc(3)),
        Assign("safe", calls(1), loc(3)),
        CallSite(2, "os.system", (names("safe"),), loc(4)),
        execute(3, names("safe"), 5),
        handler=True,
    )
    assert kinds(find_flows([handler], PY)) == [("sql", 5)]


def test_all_kinds_sanitizer():
    handler = fn(
        "app.view",
        CallSite(1, "int", (src(query()),), loc(3)),
        Assign("n", calls(1), loc(3)),
        CallSite(2, "os.system", (names("n"),), loc(4)),
        execute(3, names("n"), 5),
        handler=True,
    )
    assert find_flows([handler], PY) == ()


def test_parameterised_execute_is_safe():
    handler = fn(
        "app.view",
        Assign("q", src(query()), loc(3)),
        execute(1, CONST, 4, "app.py", names("q")),        # cursor.execute("... %s", (q,))
        CallSite(2, ".execute", (CONST,), loc(5), kwargs=(("params", names("q")),)),
        handler=True,
    )
    assert find_flows([handler], PY) == ()


def test_keyword_argument_sink():
    handler = fn("app.view", CallSite(1, ".execute", (), loc(3), kwargs=(("statement", src(query())),)),
                 handler=True)
    assert kinds(find_flows([handler], PY)) == [("sql", 3)]


@pytest.mark.parametrize(("literal_kwargs", "expected"), [
    ((("shell", "True"),), [("command", 3)]),
    ((("shell", "False"),), []),
    ((), []),
])
def test_subprocess_is_a_sink_only_with_shell_true(literal_kwargs, expected):
    handler = fn("app.view", CallSite(1, "subprocess.run", (src(query()),), loc(3),
                                      literal_kwargs=literal_kwargs), handler=True)
    assert kinds(find_flows([handler], PY)) == expected


def test_unless_kwarg_condition_with_quoted_literal():
    def load(literal_kwargs):
        return fn("app.view", CallSite(1, "torch.load", (src(query(kind="body")),), loc(3),
                                       literal_kwargs=literal_kwargs), handler=True)
    assert kinds(find_flows([load((("weights_only", "False"),))], PY)) == [("deserialization", 3)]
    assert find_flows([load((("weights_only", "'True'"),))], PY) == ()


def test_condition_values_may_be_globs():
    def response(content_type: str) -> FunctionSummary:
        call = CallSite(1, "django.http.HttpResponse", (src(query()),), loc(3),
                        literal_kwargs=(("content_type", content_type),))
        return fn("app.view", call, handler=True)
    assert find_flows([response('"text/plain; charset=utf-8"')], PY) == ()
    assert kinds(find_flows([response('"text/html"')], PY)) == [("xss", 3)]


def test_propagator_into_an_argument():
    # var v T; json.Unmarshal(body, &v); db.Query("SELECT ... " + v.Name)
    go = load_spec("go")
    handler = fn(
        "main.handler",
        CallSite(1, "encoding/json.Unmarshal", (src(query("r.Body", kind="body", path="main.go")), names("v")),
                 loc(4, "main.go")),
        CallSite(2, ".Query", (names("v"),), loc(5, "main.go"), receiver=names("db")),
        path="main.go", handler=True,
    )
    flows = find_flows([handler], go)
    assert kinds(flows) == [("sql", 5)]
    assert "stored in `v`" in [s.label for s in flows[0].steps]


def test_require_literal_arg_shell_wrapper_in_go():
    go = load_spec("go")
    def command(first: str) -> FunctionSummary:
        call = CallSite(1, "os/exec.Command", (CONST, CONST, src(query())), loc(3, "main.go"),
                        literal_args=((0, f'"{first}"'), (1, '"-c"')))
        return fn("main.handler", call, path="main.go", handler=True)
    assert kinds(find_flows([command("sh")], go)) == [("command", 3)]
    assert find_flows([command("git")], go) == ()


def test_sink_restricted_to_source_kinds():
    def handler(kind: str) -> FunctionSummary:
        return fn("app.view", CallSite(1, ".find_one", (src(query(kind=kind)),), loc(3),
                                       receiver=names("users")), handler=True)
    assert kinds(find_flows([handler("body")], PY)) == [("nosql", 3)]
    assert find_flows([handler("query")], PY) == ()


def test_exact_patterns_win_over_method_patterns():
    # re.search(pattern, text): a ReDoS sink on arg 0, never the LDAP `.search` on arg 1
    handler = fn("app.view", CallSite(1, "re.search", (CONST, src(query())), loc(3)), handler=True)
    assert find_flows([handler], PY) == ()
    handler = fn("app.view", CallSite(1, "re.search", (src(query()), CONST), loc(3)), handler=True)
    assert kinds(find_flows([handler], PY)) == [("redos", 3)]


def test_receiver_sink_on_a_path_object():
    handler = fn(
        "app.view",
        CallSite(1, "pathlib.Path", (src(query("name")),), loc(3)),
        CallSite(2, ".read_text", (), loc(3), receiver=calls(1)),
        handler=True,
    )
    flows = find_flows([handler], PY)
    assert kinds(flows) == [("path", 3)]
    assert flows[0].callee == "read_text"


# --- inter-procedural --------------------------------------------------------------------------

def test_helper_that_returns_its_argument():
    helper = fn("app.util.wrap", Assign("s", names("x"), loc(2, "util.py")), Return(names("s"), loc(3, "util.py")),
                params=("x",), path="util.py")
    handler = fn(
        "app.views.view",
        CallSite(1, "app.util.wrap", (src(query()),), loc(4)),
        Assign("sql", calls(1), loc(4)),
        execute(2, names("sql"), 5),
        handler=True,
    )
    flows = find_flows([handler, helper], PY)
    assert kinds(flows) == [("sql", 5)]
    labels = [s.label for s in flows[0].steps]
    assert "passed to `wrap()` (parameter `x`)" in labels
    assert "returned from `wrap()`" in labels


def test_helper_returning_a_constant_breaks_the_flow():
    helper = fn("app.util.count", Return(CONST, loc(2, "util.py")), params=("x",), path="util.py")
    handler = fn(
        "app.views.view",
        CallSite(1, "app.util.count", (src(query()),), loc(4)),
        execute(2, calls(1), 5),
        handler=True,
    )
    assert find_flows([handler, helper], PY) == ()


def test_helper_with_the_sink_inside():
    helper = fn("app.db.find_user", execute(1, names("name"), 7, "db.py"), params=("name",), path="db.py")
    handler = fn("app.views.view", CallSite(1, "app.db.find_user", (src(query("name")),), loc(4)),
                 handler=True)
    flows = find_flows([handler, helper], PY)
    assert kinds(flows) == [("sql", 7)]
    flow = flows[0]
    assert flow.sink.path == "db.py"
    assert [(s.path, s.line, s.label) for s in flow.steps] == [
        ("app.py", 3, "request data enters here (query parameter `name`)"),
        ("app.py", 4, "passed to `find_user()` (parameter `name`)"),
        ("db.py", 7, "reaches `cursor.execute()` (SQL)"),
    ]


def test_helper_sink_is_not_a_flow_without_request_data():
    helper = fn("app.db.find_user", execute(1, names("name"), 7, "db.py"), params=("name",), path="db.py")
    caller = fn("app.jobs.nightly", CallSite(1, "app.db.find_user", (CONST,), loc(4)))
    assert find_flows([caller, helper], PY) == ()


def test_chain_across_three_modules():
    c = fn("pkg.c.run_sql", execute(1, names("stmt"), 5, "pkg/c.py"), params=("stmt",), path="pkg/c.py")
    b = fn("pkg.b.build", Assign("stmt", names("where"), loc(3, "pkg/b.py")),
           CallSite(1, "pkg.c.run_sql", (names("stmt"),), loc(4, "pkg/b.py")),
           params=("where",), path="pkg/b.py")
    a = fn("pkg.a.view", Assign("w", src(query("w", path="pkg/a.py")), loc(3, "pkg/a.py")),
           CallSite(1, "pkg.b.build", (names("w"),), loc(4, "pkg/a.py")),
           path="pkg/a.py", handler=True)
    flows = find_flows([c, b, a], PY)
    assert kinds(flows) == [("sql", 5)]
    assert [s.path for s in flows[0].steps] == ["pkg/a.py", "pkg/a.py", "pkg/a.py", "pkg/b.py",
                                               "pkg/b.py", "pkg/c.py"]


def test_sanitizer_inside_a_helper_cleans_through_the_summary():
    helper = fn("app.util.safe", CallSite(1, "shlex.quote", (names("x"),), loc(2, "util.py")),
                Return(calls(1), loc(2, "util.py")), params=("x",), path="util.py")
    handler = fn(
        "app.views.view",
        CallSite(1, "app.util.safe", (src(query()),), loc(4)),
        CallSite(2, "os.system", (calls(1),), loc(5)),
        execute(3, calls(1), 6),
        handler=True,
    )
    assert kinds(find_flows([handler, helper], PY)) == [("sql", 6)]


def test_sanitised_argument_to_a_helper_with_a_sink():
    helper = fn("app.util.run", CallSite(1, "os.system", (names("cmd"),), loc(2, "util.py")),
                params=("cmd",), path="util.py")
    handler = fn(
        "app.views.view",
        CallSite(1, "shlex.quote", (src(query()),), loc(4)),
        CallSite(2, "app.util.run", (calls(1),), loc(4)),
        handler=True,
    )
    assert find_flows([handler, helper], PY) == ()


def test_request_data_read_inside_a_helper():
    # def current_name(): return request.args["name"]   (Flask's global request)
    helper = fn("app.util.current_name", Return(src(query("name", 2, "util.py")), loc(2, "util.py")),
                path="util.py")
    view = fn("app.views.view", CallSite(1, "app.util.current_name", (), loc(4)),
              execute(2, calls(1), 5))
    flows = find_flows([view, helper], PY)
    assert kinds(flows) == [("sql", 5)]
    assert flows[0].source.location.path == "util.py"


def test_method_call_binds_the_receiver_to_self():
    method = fn("app.repo.Repo.search", execute(1, names("term"), 9, "repo.py"),
                params=("self", "term"), path="repo.py")
    handler = fn("app.views.view", CallSite(1, "app.repo.Repo.search", (src(query()),), loc(4),
                                            receiver=names("repo")), handler=True)
    assert kinds(find_flows([handler, method], PY)) == [("sql", 9)]


def test_keyword_argument_to_a_project_function():
    helper = fn("app.db.find", execute(1, names("name"), 7, "db.py"), params=("limit", "name"), path="db.py")
    handler = fn("app.views.view", CallSite(1, "app.db.find", (CONST,), loc(4),
                                            kwargs=(("name", src(query())),)), handler=True)
    assert kinds(find_flows([handler, helper], PY)) == [("sql", 7)]


def test_handler_parameters_are_sources():
    handler = fn("app.views.item", execute(1, names("item_id"), 5), params=("item_id",), handler=True,
                 param_sources=(("item_id", SourceRef("path", loc(4), "item_id")),))
    flows = find_flows([handler], PY)
    assert kinds(flows) == [("sql", 5)]
    assert "path parameter `item_id`" in flows[0].message


def test_recursion_terminates_and_still_finds_flows():
    # def walk(x): if ...: return walk(x + "a"); cursor.execute(x); return x
    walk = fn("app.walk", CallSite(1, "app.walk", (names("x"),), loc(2)), Return(calls(1), loc(2)),
              execute(2, names("x"), 3), Return(names("x"), loc(4)), params=("x",))
    ping = fn("app.ping", CallSite(1, "app.pong", (names("v"),), loc(6)), Return(calls(1), loc(6)), params=("v",))
    pong = fn("app.pong", CallSite(1, "app.ping", (names("v"),), loc(8)), Return(names("v"), loc(8)),
              params=("v",))
    handler = fn("app.view", CallSite(1, "app.walk", (src(query()),), loc(10)),
                 CallSite(2, "app.ping", (src(query("p", 11)),), loc(11)),
                 CallSite(3, "os.system", (calls(2),), loc(12)), handler=True)
    assert kinds(find_flows([walk, ping, pong, handler], PY)) == [("sql", 3), ("command", 12)]


def test_long_recursive_cycle_converges():
    ring = [fn(f"app.ring.f{i}", CallSite(1, f"app.ring.f{(i + 1) % 200}", (names("x"),), loc(i * 3 + 2, "ring.py")),
               params=("x",), path="ring.py", line=i * 3 + 1) for i in range(200)]
    ring[150] = fn("app.ring.f150", CallSite(1, "app.ring.f151", (names("x"),), loc(452, "ring.py")),
                   execute(2, names("x"), 453, "ring.py"), params=("x",), path="ring.py", line=451)
    handler = fn("app.view", CallSite(1, "app.ring.f0", (src(query()),), loc(3)), handler=True)
    flows = find_flows([*ring, handler], PY)
    assert [(f.sink.path, f.sink.line) for f in flows] == [("ring.py", 453)]
    assert len(flows[0].steps) <= 12


# --- reporting ---------------------------------------------------------------------------------

def test_one_flow_per_sink_with_other_sources_counted():
    helper = fn("app.db.find_user", execute(1, names("name"), 7, "db.py"), params=("name",), path="db.py")
    first = fn("app.views.a", CallSite(1, "app.db.find_user", (src(query("a", 3)),), loc(3)), handler=True)
    second = fn("app.views.b", CallSite(1, "app.db.find_user", (src(query("b", 9)),), loc(9)), line=8,
                handler=True)
    flows = find_flows([first, second, helper], PY)
    assert len(flows) == 1
    assert flows[0].source == query("a", 3)
    assert flows[0].other_sources == 1
    assert flows[0].message.endswith("unsanitised (and 1 other source)")


def test_deterministic_whatever_the_input_order():
    functions = [
        fn("app.db.find_user", execute(1, names("name"), 7, "db.py"), params=("name",), path="db.py"),
        fn("app.util.wrap", Return(names("x"), loc(2, "util.py")), params=("x",), path="util.py"),
        fn("app.views.a", CallSite(1, "app.util.wrap", (src(query("a", 3)),), loc(3)),
           CallSite(2, "app.db.find_user", (calls(1),), loc(4)), CallSite(3, "os.system", (calls(1),), loc(5)),
           handler=True),
        fn("app.views.b", CallSite(1, "app.db.find_user", (src(query("b", 9)),), loc(9)), line=8, handler=True),
    ]
    expected = find_flows(functions, PY)
    assert len(expected) == 2
    rng = random.Random(7)
    for _ in range(5):
        shuffled = functions[:]
        rng.shuffle(shuffled)
        assert find_flows(shuffled, PY) == expected


def test_witness_path_is_bounded():
    steps = [Assign("v0", src(query()), loc(2))]
    steps += [Assign(f"v{i}", names(f"v{i - 1}"), loc(2 + i)) for i in range(1, 40)]
    steps.append(execute(1, names("v39"), 50))
    flow, = find_flows([fn("app.view", *steps, handler=True)], PY)
    assert len(flow.steps) <= 12
    assert flow.steps[0].label.startswith("request data enters here")
    assert flow.steps[-1].label == "reaches `cursor.execute()` (SQL)"


def test_many_functions_complete():
    """5,500 generated functions in chains of helpers: must finish (no timing assertion)."""
    functions = []
    for chain in range(500):
        module, path = f"pkg.m{chain}", f"m{chain}.py"
        for depth in range(9):
            line = depth * 3 + 1
            functions.append(fn(f"{module}.f{depth}", Assign("y", names("x"), loc(line + 1, path)),
                                CallSite(1, f"{module}.f{depth + 1}", (names("y"),), loc(line + 2, path)),
                                Return(calls(1), loc(line + 2, path)),
                                params=("x",), path=path, line=line))
        functions.append(fn(f"{module}.f9", execute(1, names("x"), 40, path), Return(names("x"), loc(41, path)),
                            params=("x",), path=path, line=39))
        functions.append(fn(f"{module}.view", CallSite(1, f"{module}.f0", (src(query(path=path, line=50)),),
                                                       loc(51, path)),
                            path=path, line=49, handler=True))
    assert len(functions) >= 5000
    flows = find_flows(functions, PY)
    assert len(flows) == 500
    assert all(f.sink.line == 40 and len(f.steps) <= 12 for f in flows)


# --- specs ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["python", "javascript", "typescript", "go"])
def test_every_spec_loads_with_known_kinds(language):
    spec = load_spec(language)
    sinks = [sink for group in spec.sinks.exact.values() for sink in group]
    sinks += [sink for group in spec.sinks.methods.values() for _, sink in group]
    sinks += [sink for _, sink in spec.sinks.globs]
    assert sinks and all(sink.kind in SINK_KINDS for sink in sinks)
    assert spec.sanitizers.lookup("no.such.callee") == ()


def test_spec_family_and_unknown_language():
    assert spec_family("typescript") == "javascript"
    assert spec_family("yaml") is None
    with pytest.raises(SpecError):
        load_spec("yaml")


@pytest.mark.parametrize("text", [
    '[[sink]]\nkind = "nope"\ncallees = ["x"]\n',
    '[[sink]]\nkind = "sql"\ncallees = ["x"]\nargz = [0]\n',
    '[[sanitizer]]\ncallees = ["x"]\nkinds = ["sqll"]\n',
    '[[propagator]]\ncallees = ["x"]\nfrom = ["args"]\nto = ["nowhere"]\n',
    '[[sink]]\nkind = "sql"\ncallees = []\n',
    '[[sink]]\nkind = "sql"\ncallees = ["x"]\nsource_kinds = ["moon"]\n',
])
def test_malformed_specs_are_refused(text):
    with pytest.raises(SpecError):
        parse_spec("test", text)


def test_javascript_spec_strips_node_prefix_and_checks_receiver_names():
    js = load_spec("javascript")
    def handler(callee: str, receiver: str | None = None) -> FunctionSummary:
        call = CallSite(1, callee, (src(query(path="app.js")),), loc(3, "app.js"),
                        receiver=names(receiver) if receiver else None)
        return fn("app.view", call, path="app.js", handler=True)
    assert kinds(find_flows([handler("node:child_process.exec")], js)) == [("command", 3)]
    assert kinds(find_flows([handler(".send", "res")], js)) == [("xss", 3)]
    assert find_flows([handler(".send", "s3")], js) == ()


# --- the pipeline side -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Rule:
    id: str
    languages: tuple[str, ...]
    sink_kinds: tuple[str, ...]


@dataclass
class _Ctx:
    made: list = field(default_factory=list)

    def finding(self, rule, at, message, *, related=()):
        self.made.append((rule.id, at, message, tuple(related)))
        return self.made[-1]


@dataclass(frozen=True)
class _Project:
    files: tuple[FileFacts, ...]


def test_run_taint_rules_groups_typescript_with_javascript():
    helper = fn("lib.db.find", CallSite(1, ".query", (names("q"),), loc(2, "lib/db.ts")), params=("q",),
                path="lib/db.ts")
    view = fn("app.view", CallSite(1, "lib.db.find", (src(query(path="app.js")),), loc(3, "app.js")),
              path="app.js", handler=True)
    project = _Project((FileFacts("app.js", "javascript", "source", functions=(view,)),
                        FileFacts("lib/db.ts", "typescript", "source", functions=(helper,))))
    rules = [_Rule("JS-SEC-001", ("javascript", "typescript"), ("sql",)),
             _Rule("PY-SEC-001", ("python",), ("sql",))]
    ctx = _Ctx()
    findings, diagnostics, applied = run_taint_rules(rules, project, ctx)
    assert diagnostics == [] and applied == {"JS-SEC-001"}
    assert [(f[0], f[1].path, f[1].line) for f in findings] == [("JS-SEC-001", "lib/db.ts", 2)]
    assert findings[0][3][-1].label == "reaches `query()` (SQL)"
