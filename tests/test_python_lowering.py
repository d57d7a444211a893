"""The Python taint adapter: the IR `taint/python_lowering.py` produces for small programs."""
from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from prodcheck.discovery import classify
from prodcheck.discovery.classify import SourceFile
from prodcheck.pipeline import analyse_file
from prodcheck.taint.engine import find_flows
from prodcheck.taint.ir import Assign, CallSite, Expr, FunctionSummary, Return
from prodcheck.taint.python_lowering import lower_module, module_name
from prodcheck.taint.specs import load_spec


def lower(source: str, path: str = "app/views.py") -> dict[str, FunctionSummary]:
    tree = ast.parse(textwrap.dedent(source))
    return {fn.qualname: fn for fn in lower_module(tree, path)}


def calls(fn: FunctionSummary) -> list[CallSite]:
    return [s for s in fn.steps if isinstance(s, CallSite)]


def call(fn: FunctionSummary, callee: str) -> CallSite:
    found = [c for c in calls(fn) if c.callee == callee]
    assert found, f"no call to {callee}: {[c.callee for c in calls(fn)]}"
    return found[0]


def assigns(fn: FunctionSummary, target: str) -> list[Assign]:
    return [s for s in fn.steps if isinstance(s, Assign) and s.target == target]


def flows(source: str, path: str = "app/views.py") -> list[tuple[str, int]]:
    functions = list(lower(source, path).values())
    return sorted((f.sink_kind, f.sink.line) for f in find_flows(functions, load_spec("python")))


# --- names ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "expected"), [
    ("app/db.py", ("app.db", False)),
    ("app/__init__.py", ("app", True)),
    ("manage.py", ("manage", False)),
    ("pkg/sub/mod.pyi", ("pkg.sub.mod", False)),
])
def test_module_name(path, expected) -> None:
    assert module_name(path) == expected


def test_qualnames_cover_functions_methods_nested_and_module() -> None:
    fns = lower("""
        def top(a, b=1, *rest, key, **extra):
            def inner(x):
                return x
            return inner(a)

        class Repo:
            def find(self, name):
                return name

            @classmethod
            def build(cls, url):
                return cls()

            @staticmethod
            def helper(value):
                return value

            class Nested:
                async def run(self):
                    pass
    """, "app/db.py")
    assert set(fns) == {"app.db.<module>", "app.db.top", "app.db.top.inner", "app.db.Repo.find",
                        "app.db.Repo.build", "app.db.Repo.helper", "app.db.Repo.Nested.run"}
    assert fns["app.db.top"].params == ("a", "b", "rest", "key", "extra")
    assert fns["app.db.Repo.find"].params == ("self", "name")
    assert fns["app.db.Repo.build"].params == ("cls", "url")
    assert fns["app.db.Repo.helper"].params == ("value",)
    assert call(fns["app.db.top"], "app.db.top.inner").args == (Expr(names=("a",)),)


def test_package_init_is_the_package() -> None:
    fns = lower("def create_app():\n    return 1\n", "app/__init__.py")
    assert "app.create_app" in fns and "app.<module>" in fns


# --- callees ----------------------------------------------------------------------------------

def test_callees_are_qualified_through_imports() -> None:
    fns = lower("""
        import os
        import os.path
        import subprocess as sp
        from subprocess import run
        from sqlalchemy import text as sql_text
        from . import db
        from .models import User
        from ..core.utils import slugify

        def helper(x):
            return x

        def view(cursor, name):
            os.system(name)
            os.path.join("/srv", name)
            sp.check_output(name)
            run(name)
            sql_text(name)
            db.find_user(name)
            User.objects.filter(name=name)
            slugify(name)
            helper(name)
            cursor.execute(name)
            open(name)
    """, "app/api/views.py")
    view = fns["app.api.views.view"]
    callees = [c.callee for c in calls(view)]
    assert callees == ["os.system", "os.path.join", "subprocess.check_output", "subprocess.run",
                       "sqlalchemy.text", "app.api.db.find_user", ".filter", "app.core.utils.slugify",
                       "app.api.views.helper", ".execute", "open"]
    assert call(view, ".execute").receiver == Expr(names=("cursor",))
    assert call(view, "os.system").receiver is None


def test_self_and_class_calls_resolve_to_methods() -> None:
    fns = lower("""
        class Service:
            def run(self, q):
                return self.query(q)

            def query(self, q):
                return q

            @classmethod
            def create(cls, q):
                return cls.build(q)

            @classmethod
            def build(cls, q):
                return q

        def use(q):
            Service.create(q)
            Service.query(None, q)
    """, "svc.py")
    run = call(fns["svc.Service.run"], "svc.Service.query")
    assert run.receiver == Expr(names=("self",)) and run.args == (Expr(names=("q",)),)
    assert call(fns["svc.Service.create"], "svc.Service.build").receiver == Expr(names=("cls",))
    use = fns["svc.use"]
    assert call(use, "svc.Service.create").receiver == Expr()        # a classmethod: shifted past cls
    assert call(use, "svc.Service.query").receiver is None            # unbound: self is the first arg


def test_constructor_types_name_methods_of_known_classes() -> None:
    fns = lower("""
        import requests
        from pathlib import Path

        client = requests.Session()

        def fetch(url):
            return client.get(url)

        def read(name):
            local = requests.Session()
            local.post(name)
            Path(name).read_text()
            (Path("/srv") / name).open()
            Path(name).resolve().unlink()
    """, "net.py")
    assert call(fns["net.fetch"], "requests.Session.get").receiver == Expr()
    callees = [c.callee for c in calls(fns["net.read"])]
    assert "requests.Session.post" in callees
    assert "pathlib.Path.read_text" in callees
    assert "pathlib.Path.open" in callees
    assert "pathlib.Path.unlink" in callees


def test_literal_arguments_are_recorded() -> None:
    fns = lower("""
        import subprocess
        import yaml

        def f(cmd, data):
            subprocess.run(cmd, shell=True, timeout=5)
            subprocess.run(["sh", "-c", cmd])
            yaml.load(data, Loader=yaml.SafeLoader)
            subprocess.run("ls", "-l", check=False)
    """, "m.py")
    f = fns["m.f"]
    runs = [c for c in calls(f) if c.callee == "subprocess.run"]
    assert runs[0].literal_kwargs == (("shell", "True"), ("timeout", "5"))
    assert runs[0].kwargs[0] == ("shell", Expr(constant=True))
    assert runs[1].literal_args == ((0, "sh -c"),)
    assert runs[1].args == (Expr(names=("cmd",)),)
    assert call(f, "yaml.load").literal_kwargs == (("Loader", "yaml.SafeLoader"),)
    assert runs[2].literal_args == ((0, "ls"), (1, "-l"))


def test_nested_calls_come_first_with_fresh_ids() -> None:
    fns = lower("""
        def f(x):
            return outer(middle(inner(x)), other(x))
    """, "m.py")
    f = fns["m.f"]
    assert [c.callee for c in calls(f)] == ["inner", "middle", "other", "outer"]
    ids = [c.id for c in calls(f)]
    assert len(set(ids)) == 4
    outer = call(f, "outer")
    assert outer.args == (Expr(calls=(call(f, "middle").id,)), Expr(calls=(call(f, "other").id,)))
    ret = [s for s in f.steps if isinstance(s, Return)]
    assert ret == [Return(Expr(calls=(outer.id,)), ret[0].location)]


# --- expressions and assignments --------------------------------------------------------------

def test_string_building_depends_on_every_part() -> None:
    fns = lower("""
        def f(a, b, c, d, items):
            s1 = f"{a}-{b!r:>{c}}"
            s2 = "x %s" % a
            s3 = a + "-" + b
            s4 = "{} {}".format(a, b)
            s5 = ",".join(items)
            s6 = a if c else b
            s7 = [x.strip() for x in items if x]
            s8 = {k: v for k, v in d.items()}
            s9 = a or b
            s10 = a == b
            s11 = not a
            s12 = lambda: a
            return s1
    """, "m.py")
    f = fns["m.f"]
    assert assigns(f, "s1")[0].value == Expr(names=("a", "b", "c"))
    assert assigns(f, "s2")[0].value == Expr(names=("a",))
    assert assigns(f, "s3")[0].value == Expr(names=("a", "b"))
    assert assigns(f, "s4")[0].value.calls and call(f, ".format").args == (Expr(names=("a",)), Expr(names=("b",)))
    assert call(f, ".join").args == (Expr(names=("items",)),)
    assert assigns(f, "s6")[0].value == Expr(names=("a", "b"))
    strip = call(f, ".strip")
    assert strip.receiver == Expr(names=("items",))                 # x is an element of items
    assert assigns(f, "s7")[0].value == Expr(calls=(strip.id,))
    assert call(f, ".items").receiver == Expr(names=("d",))
    assert assigns(f, "s9")[0].value == Expr(names=("a", "b"))
    assert assigns(f, "s10")[0].value.constant and assigns(f, "s11")[0].value.constant
    assert assigns(f, "s12")[0].value.is_empty


def test_assignment_forms() -> None:
    fns = lower("""
        def f(a, b, obj):
            x, (y, *z) = a, b
            total = "start"
            total += a
            d = {}
            d["k"] = b
            obj.attr = a
            if (w := a.upper()):
                pass
            with open(b) as handle:
                pass
            for item in a:
                pass
            return d
    """, "m.py")
    f = fns["m.f"]
    for name in ("x", "y", "z"):
        assert assigns(f, name)[0].value == Expr(names=("a", "b"))
    assert assigns(f, "total#2")[0].value == Expr(names=("total", "a"))
    assert assigns(f, "d#2")[0].value == Expr(names=("d", "b"))           # weak update keeps d
    assert assigns(f, "obj#2")[0].value == Expr(names=("obj", "a"))
    assert assigns(f, "w")[0].value == Expr(calls=(call(f, ".upper").id,))
    assert assigns(f, "handle")[0].value == Expr(calls=(call(f, "open").id,))
    item_defs = [s for s in f.steps if isinstance(s, Assign) and s.target.startswith("item")]
    assert any(s.value == Expr(names=("a",)) for s in item_defs)
    assert [s for s in f.steps if isinstance(s, Return)][0].value == Expr(names=("d#2",))


def test_augmented_assignment_keeps_old_value() -> None:
    fns = lower("""
        def f(a, b):
            s = a
            s += b
            return s
    """, "m.py")
    f = fns["m.f"]
    assert assigns(f, "s#2")[0].value == Expr(names=("s", "b"))


def test_branches_join_and_strong_updates_stay_exact() -> None:
    fns = lower("""
        def f(a, c):
            x = a
            if c:
                x = "const"
            else:
                y = a
            x = int(x)
            return x
    """, "m.py")
    f = fns["m.f"]
    joins = [s for s in f.steps if isinstance(s, Assign) and len(s.value.names) == 2]
    assert {s.value.names for s in joins} == {("x#2", "x")}
    targets = [s.target for s in f.steps if isinstance(s, Assign)]
    assert len(targets) == len(set(targets)), "every IR local is defined once"


def test_guards_make_names_constant_where_they_hold() -> None:
    fns = lower("""
        from flask import abort, request
        ALLOWED = {"a", "b"}

        def f(conn):
            col = request.args["c"]
            if col not in ALLOWED:
                abort(400)
            conn.execute(f"SELECT {col} FROM t")
            n = request.args["n"]
            if n.isdigit():
                conn.execute(f"SELECT * FROM t LIMIT {n}")
            conn.execute(f"SELECT * FROM t OFFSET {n}")
    """, "m.py")
    assert flows("""
        from flask import abort, request
        ALLOWED = {"a", "b"}

        def f(conn):
            col = request.args["c"]
            if col not in ALLOWED:
                abort(400)
            conn.execute(f"SELECT {col} FROM t")
            n = request.args["n"]
            if n.isdigit():
                conn.execute(f"SELECT * FROM t LIMIT {n}")
            conn.execute(f"SELECT * FROM t OFFSET {n}")
    """, "m.py") == [("sql", 13)]
    assert any(s.value.constant for s in assigns(fns["m.f"], "col#2"))


def test_loops_carry_values_round_to_the_next_iteration() -> None:
    assert flows("""
        from flask import request

        def f(conn):
            previous = ""
            for part in request.args.getlist("p"):
                conn.execute(previous)
                previous = part
    """, "m.py") == [("sql", 7)]


def test_try_handlers_see_the_state_before_the_body() -> None:
    assert flows("""
        from flask import request

        def f(conn):
            raw = request.args["n"]
            try:
                raw = int(raw)
            except ValueError:
                pass
            conn.execute(f"SELECT {raw}")
    """, "m.py") == [("sql", 10)]


# --- sources ----------------------------------------------------------------------------------

def test_flask_request_attributes_are_sources() -> None:
    fns = lower("""
        from flask import Flask, request as req

        app = Flask(__name__)

        @app.route("/u/<name>/<int:uid>/<path:rest>")
        def view(name, uid, rest):
            a = req.args["a"]
            b = req.get_json()
            c = req.headers.get("X")
            d = req.args.get("n", type=int)
            e = req.files["f"].filename
            return a
    """)
    view = fns["app.views.view"]
    assert view.is_handler
    assert [(p, s.kind) for p, s in view.param_sources] == [("name", "path"), ("rest", "path")]
    kinds = {t: [src.kind for src in assigns(view, t)[0].value.sources] for t in "abce"}
    assert kinds == {"a": ["query"], "b": ["body"], "c": ["header"], "e": ["file"]}
    assert assigns(view, "a")[0].value.sources[0].description == "req.args"
    assert assigns(view, "d")[0].value.constant


def test_request_without_a_flask_import_is_no_source() -> None:
    fns = lower("""
        def view(request):
            return request.args["a"]
    """)
    assert not [s for s in fns["app.views.view"].steps if isinstance(s, Return)][0].value.sources


def test_django_and_drf_request_sources() -> None:
    fns = lower("""
        from django.http import HttpResponse
        from rest_framework import viewsets

        def search(request, slug):
            q = request.GET.get("q")
            body = request.body
            return HttpResponse(q)

        class ItemViewSet(viewsets.ModelViewSet):
            def get_queryset(self):
                return self.request.query_params.get("name")

            def retrieve(self, request, pk=None):
                return request.data
    """, "shop/views.py")
    search = fns["shop.views.search"]
    assert search.is_handler and [p for p, _ in search.param_sources] == ["slug"]
    assert [s.kind for s in assigns(search, "q")[0].value.sources] == ["query"]
    assert [s.kind for s in assigns(search, "body")[0].value.sources] == ["body"]
    get_qs = fns["shop.views.ItemViewSet.get_queryset"]
    assert [s for s in get_qs.steps if isinstance(s, CallSite)][0].receiver.sources[0].kind == "query"
    retrieve = fns["shop.views.ItemViewSet.retrieve"]
    assert retrieve.params == ("self", "request", "pk")
    assert [p for p, _ in retrieve.param_sources] == ["pk"]


def test_fastapi_handler_parameters() -> None:
    fns = lower("""
        from typing import Annotated, Literal, Optional
        from uuid import UUID
        from fastapi import APIRouter, Body, Cookie, Depends, Header, Request, UploadFile
        from pydantic import BaseModel
        from sqlalchemy.orm import Session

        router = APIRouter()

        class Item(BaseModel):
            name: str

        @router.post("/items/{item_id}")
        async def create(item_id: str, item: Item, q: str | None = None, page: int = 1,
                         ident: UUID | None = None, mode: Literal["a", "b"] = "a",
                         ids: list[int] = [], tags: list[str] = [],
                         token: Annotated[str, Header()] = "", sid: str = Cookie(None),
                         raw: str = Body(...), upload: UploadFile | None = None,
                         db: Session = Depends(get_db), user=Depends(current_user),
                         request: Request = None, maybe: Optional[int] = None):
            data = await request.json()
            qp = request.query_params["x"]
            return data
    """, "api/items.py")
    fn = fns["api.items.create"]
    assert fn.is_handler
    assert [(p, s.kind) for p, s in fn.param_sources] == [
        ("item_id", "path"), ("item", "body"), ("q", "query"), ("tags", "query"), ("token", "header"),
        ("sid", "cookie"), ("raw", "body"), ("upload", "file")]
    assert [s.kind for s in assigns(fn, "data")[0].value.sources] == ["body"]
    assert [s.kind for s in assigns(fn, "qp")[0].value.sources] == ["query"]


def test_starlette_request_parameter() -> None:
    fns = lower("""
        from starlette.requests import Request

        async def homepage(request: Request):
            return request.path_params["slug"]
    """)
    ret = [s for s in fns["app.views.homepage"].steps if isinstance(s, Return)][0]
    assert ret.value.sources[0].kind == "path"


def test_flask_view_returning_a_built_string_is_an_html_response() -> None:
    fns = lower("""
        from flask import Flask, request

        app = Flask(__name__)

        @app.get("/a")
        def a():
            return f"<p>{request.args['q']}</p>"

        @app.get("/b")
        def b():
            return {"q": request.args["q"]}
    """)
    assert call(fns["app.views.a"], "flask.Response")
    assert "flask.Response" not in [c.callee for c in calls(fns["app.views.b"])]


def test_fixed_origin_strings_go_through_the_pseudo_call() -> None:
    fns = lower("""
        from flask import request
        API = "https://api.example.com"

        def f():
            q = request.args["q"]
            a = f"https://api.example.com/users/{q}"
            b = f"{API}/users/{q}"
            c = "/search?q=" + q
            d = "https://" + q
            e = f"{q}/x"
            g = "/" + q
    """, "m.py")
    f = fns["m.f"]
    fixed = {s.target for s in f.steps if isinstance(s, Assign) and s.value.calls
             and any(c.id in s.value.calls and c.callee == "<fixed-origin-url>" for c in calls(f))}
    assert fixed == {"a", "b", "c"}


# --- robustness -------------------------------------------------------------------------------

ODD_SYNTAX = '''
import asyncio
from flask import request

@decorator(arg=lambda x: x)
@other
class Thing(Base, metaclass=Meta):
    attr: int = 1
    other = [i for i in range(3)]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.items: list = []
        self.items[0:1] = request.args.getlist("a")

    async def run(self):
        async with lock as (a, b):
            async for item in stream():
                yield item
        result = [x async for x in agen() if await check(x)]
        await asyncio.gather(*[f(y) for y in result])
        return (yield from other())

def matcher(command):
    match command:
        case {"action": "go", **rest}:
            return rest
        case [first, *others] if first:
            return others
        case Point(x=0, y=yy) | Point(x=yy, y=0):
            return yy
        case str() as text:
            return text
        case _:
            return None

def weird(a, /, b, *, c=lambda: (yield), **kw):
    global G
    nonlocal_free = [lambda: a for a in range(2)]
    G = a
    del a
    try:
        x = 1 / b
    except* ValueError as group:
        x = group
    finally:
        pass
    while (n := b) > 0:
        b -= 1
        if n:
            continue
        break
    else:
        pass
    assert x, f"{x!r:{c}}"
    print(*[1], **{"a": 1})
    (lambda: 1)()
    obj()()[0].attr(x)
    return x if x else (a := 2)
'''


def test_odd_syntax_lowers_without_errors() -> None:
    fns = lower(ODD_SYNTAX, "odd.py")
    assert {"odd.Thing.__init__", "odd.Thing.run", "odd.matcher", "odd.weird", "odd.<module>"} <= set(fns)
    for fn in fns.values():
        targets = [s.target for s in fn.steps if isinstance(s, Assign)]
        assert len(targets) == len(set(targets)), fn.qualname
        ids = [s.id for s in fn.steps if isinstance(s, CallSite)]
        assert len(ids) == len(set(ids)), fn.qualname


def test_deep_nesting_does_not_crash() -> None:
    long_concat = " + ".join(["a"] * 2000)
    nested_parens = "(" * 190 + "a" + ")" * 190
    nested_calls = "f(" * 190 + "a" + ")" * 190
    nested_lists = "[" * 190 + "a" + "]" * 190
    blocks = "".join("    " * i + f"if c{i}:\n" for i in range(1, 90)) + "    " * 90 + "x = a\n"
    source = (f"def f(a, c1):\n    s = {long_concat}\n    t = {nested_parens}\n    u = {nested_calls}\n"
              f"    v = {nested_lists}\n{blocks}    return s\n")
    fns = lower(source, "deep.py")
    assert assigns(fns["deep.f"], "s")[0].value == Expr(names=("a",))
    assert [s for s in fns["deep.f"].steps if isinstance(s, Return)][0].value == Expr(names=("s",))


def test_every_fixture_lowers_without_errors() -> None:
    root = Path(__file__).parent / "fixtures" / "rules"
    for file in sorted(root.rglob("*.py")):
        rel = file.relative_to(root).as_posix()
        lower_module(ast.parse(file.read_text(encoding="utf-8")), rel)


def test_the_extractor_puts_summaries_into_the_file_facts(tmp_path: Path) -> None:
    source = tmp_path / "app" / "views.py"
    source.parent.mkdir()
    source.write_text("from flask import request\n\ndef f():\n    return request.args['q']\n", encoding="utf-8")
    language, kind = classify("app/views.py")
    result = analyse_file(SourceFile("app/views.py", str(source), language, kind, source.stat().st_size), ())
    assert {fn.qualname for fn in result.facts.functions} == {"app.views.<module>", "app.views.f"}
    assert not [d for d in result.diagnostics if d.kind == "extractor-error"]


def test_import_root_follows_packages(tmp_path: Path) -> None:
    from prodcheck.taint.python_lowering import import_root_module
    for package in ("backend/app", "backend/app/api", "src/pkg"):
        (tmp_path / package).mkdir(parents=True, exist_ok=True)
        (tmp_path / package / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "scripts").mkdir()

    def name(rel: str) -> tuple[str, bool]:
        return import_root_module(rel, str(tmp_path / rel))
    assert name("backend/app/api/users.py") == ("app.api.users", False)
    assert name("backend/app/__init__.py") == ("app", True)
    assert name("src/pkg/mod.py") == ("pkg.mod", False)
    assert name("scripts/run.py") == ("scripts.run", False)      # not a package: the path
    assert name("manage.py") == ("manage", False)


def test_self_attributes_are_fields_of_their_own() -> None:
    fns = lower("""
        from flask import request

        class Handler:
            def run(self, conn):
                self.q = request.args["q"]
                conn.execute(self.q)
                conn.execute(self.other)
                self.helper(1)
    """, "m.py")
    run = fns["m.Handler.run"]
    assert [s.target for s in run.steps if isinstance(s, Assign)] == ["self.q"]
    first, second = [c for c in calls(run) if c.callee == ".execute"]
    assert first.args == (Expr(names=("self.q", "self")),)
    assert second.args == (Expr(names=("self",)),)
    assert call(run, ".helper").receiver == Expr(names=("self",))


def test_django_view_helpers_take_no_url_parameters() -> None:
    fns = lower("""
        from django.views import View

        class ItemView(View):
            def get(self, request, slug):
                return self.kwargs["slug"]

            def get_context(self, request, instance):
                return instance
    """, "shop/views.py")
    get = fns["shop.views.ItemView.get"]
    assert [p for p, _ in get.param_sources] == ["slug"]
    assert [s for s in get.steps if isinstance(s, Return)][0].value.sources[0].description == "self.kwargs"
    assert fns["shop.views.ItemView.get_context"].param_sources == ()


@pytest.mark.parametrize("check", [
    "url_has_allowed_host_and_scheme(target, allowed_hosts=None)",
    "is_safe_url(target)",
    "_allow_redirect(target)",
    "urlparse(target).netloc in ALLOWED",
    "not urlparse(target).netloc",
])
def test_redirect_validators_guard_the_target(check: str) -> None:
    source = f"""
        from urllib.parse import urlparse
        from django.shortcuts import redirect
        from django.utils.http import url_has_allowed_host_and_scheme
        ALLOWED = {{"example.com"}}

        def done(request):
            target = request.GET["next"]
            if {check}:
                return redirect(target)
            return redirect("/")
    """
    assert flows(source, "accounts/views.py") == []
    assert flows(source.replace(f"if {check}:", "if target:"), "accounts/views.py") == [("redirect", 10)]
