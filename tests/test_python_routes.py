"""The Python endpoint inventory: FastAPI and Flask routes, mounts and facets.

The differential tests import the fixture apps under tests/fixtures/apps/ in a subprocess (test
code importing test fixtures; prodcheck itself never imports scanned code) and compare the
(method, path) pairs the frameworks register with the table prodcheck reads statically.
"""
from __future__ import annotations

import ast
import importlib.util
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from prodcheck.config import Config
from prodcheck.discovery import discover
from prodcheck.facts.extractors.python_common import (
    import_map, may_pass_keyword, module_name, qualified_name, resolve_relative,
)
from prodcheck.facts.project import build_project
from prodcheck.facts.routes import canonical_symbol
from prodcheck.model import FacetState
from prodcheck.pipeline import analyse_files

APPS = Path(__file__).parent / "fixtures" / "apps"

FASTAPI_ROUTES = """
import json, sys
sys.path.insert(0, sys.argv[1])
from starlette.routing import Mount
from app.main import app

def walk(application, prefix=""):
    for path, operations in application.openapi()["paths"].items():
        for method in operations:
            yield method.upper(), prefix + path
    for route in application.routes:
        if isinstance(route, Mount) and hasattr(route.app, "openapi"):
            yield from walk(route.app, prefix + route.path)

print(json.dumps(sorted(set(walk(app)))))
"""

FLASK_ROUTES = """
import json, sys
sys.path.insert(0, sys.argv[1])
from blog import create_app

app = create_app()
pairs = {(method, rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
         for method in rule.methods - {"HEAD", "OPTIONS"}}
print(json.dumps(sorted(pairs)))
"""


# ---------------------------------------------------------------- helpers

def inventory(root: Path):
    config = Config(use_baseline=False, jobs=1)
    files, _ = discover(root, config)
    results = analyse_files(files, (), 1)
    errors = [d for r in results for d in r.diagnostics if d.kind in ("extractor-error", "too-deep")]
    assert not errors, errors
    return build_project(tuple(r.facts for r in results)).inventory.endpoints


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def endpoints_of(tmp_path: Path, files: dict[str, str]):
    return inventory(write(tmp_path, files))


def by_route(endpoints) -> dict[tuple[str, str], object]:
    return {(e.method, e.path): e for e in endpoints}


def normalise(path: str) -> str:
    return re.sub(r"<(?:[^<>]*:)?(\w+)>", r"{\1}", path)     # trailing slashes count: Flask and
                                                               # FastAPI register `/items/` apart


def runtime_routes(script: str, app_root: Path) -> set[tuple[str, str]]:
    done = subprocess.run([sys.executable, "-c", script, str(app_root)], capture_output=True,
                          text=True, timeout=120, check=True)
    return {(m, normalise(p)) for m, p in json.loads(done.stdout)}


# ---------------------------------------------------------------- differential

@pytest.mark.skipif(importlib.util.find_spec("fastapi") is None, reason="fastapi is not installed")
def test_fastapi_inventory_matches_the_routes_fastapi_registers() -> None:
    root = APPS / "fastapi_shop"
    static = {(e.method, normalise(e.path)) for e in inventory(root)}
    assert static == runtime_routes(FASTAPI_ROUTES, root)


@pytest.mark.skipif(importlib.util.find_spec("flask") is None, reason="flask is not installed")
def test_flask_inventory_matches_the_url_map() -> None:
    root = APPS / "flask_blog"
    static = {(e.method, normalise(e.path)) for e in inventory(root)}
    assert static == runtime_routes(FLASK_ROUTES, root)


def test_fixture_app_facets() -> None:
    fastapi = by_route(inventory(APPS / "fastapi_shop"))
    assert fastapi[("PUT", "/api/v1/items/{item_id}")].auth.state is FacetState.ABSENT
    assert fastapi[("POST", "/api/v1/items/")].auth.mechanism == "CurrentUser (annotated dependency)"
    assert fastapi[("PATCH", "/api/v1/users/me")].auth.state is FacetState.PRESENT   # router dependency
    assert fastapi[("PATCH", "/api/v1/users/me")].validation.state is FacetState.ABSENT
    assert fastapi[("GET", "/api/v1/items/")].pagination.state is FacetState.PRESENT
    assert fastapi[("POST", "/webhooks/stripe")].validation.mechanism == "untyped body parameter"
    assert fastapi[("GET", "/api/v1/items/{item_id}")].handler == "app.api.endpoints.items.read_item"
    assert fastapi[("GET", "/api/v1/items/{item_id}")].location.line == 21
    flask = by_route(inventory(APPS / "flask_blog"))
    assert flask[("POST", "/api/v1/admin/reindex")].auth.mechanism == "before_request hook require_admin"
    assert flask[("PUT", "/posts/{post_id}")].auth.mechanism == "@login_required"
    assert flask[("PUT", "/posts/{post_id}")].handler == "blog.posts.PostAPI.put"
    assert flask[("POST", "/api/v1/users")].auth.state is FacetState.ABSENT
    assert flask[("POST", "/api/v1/users")].validation.state is FacetState.ABSENT
    assert all(e.framework == "flask" for e in flask.values())


# ---------------------------------------------------------------- import resolution

def test_module_names_and_relative_imports() -> None:
    assert module_name("app/api/users.py") == "app.api.users"
    assert module_name("app/api/__init__.py") == "app.api"
    assert module_name("main.py") == "main"
    assert resolve_relative("app.api.users", False, 1, "deps") == "app.api.deps"
    assert resolve_relative("app.api", True, 1, "users") == "app.api.users"
    assert resolve_relative("app.api.users", False, 2, None) == "app"
    assert resolve_relative("app", False, 5, "x") == "x"


def test_qualified_name_reads_through_imports() -> None:
    tree = ast.parse(textwrap.dedent("""
        import requests
        import urllib.request
        import httpx as h
        from .api import users
        from fastapi import APIRouter as R
        def f():
            from flask import request
    """))
    imports = import_map(tree, "app.main", False)

    def name(expr: str) -> str:
        return qualified_name(ast.parse(expr, mode="eval").body, imports)

    assert name("requests.get") == "requests.get"
    assert name("urllib.request.urlopen") == "urllib.request.urlopen"
    assert name("h.Client") == "httpx.Client"
    assert name("users.router") == "app.api.users.router"
    assert name("R") == "fastapi.APIRouter"
    assert name("requests.Session().get") == "requests.Session().get"
    assert name("request.json") == "flask.request.json"
    assert name("local.attr") == "local.attr"
    assert name("x[0].y") == ""


def test_may_pass_keyword_treats_star_kwargs_as_passing() -> None:
    def call(text: str) -> ast.Call:
        return ast.parse(text, mode="eval").body

    assert may_pass_keyword(call("f(u, timeout=3)"), "timeout")
    assert may_pass_keyword(call("f(u, **kw)"), "timeout")
    assert not may_pass_keyword(call("f(u, t=3)"), "timeout")
    assert may_pass_keyword(call("f(u, None, 3)"), "timeout", position=2)
    assert may_pass_keyword(call("f(*a)"), "timeout", position=2)
    assert not may_pass_keyword(call("f(u)"), "timeout", position=2)


def test_canonical_symbol_prefers_the_nearest_definition() -> None:
    ids = {"router": ("a.app.api.users:router", "b.app.api.users:router", "app.api.users:router")}
    assert canonical_symbol("app.api.users:router", ids, "b/app/main.py") == "b.app.api.users:router"
    assert canonical_symbol("app.api.users:router", ids, "a/app/main.py") == "a.app.api.users:router"
    assert canonical_symbol("x:router", ids, "a/main.py") == "x:router"


# ---------------------------------------------------------------- FastAPI

def test_fastapi_src_layout_and_relative_imports(tmp_path: Path) -> None:
    found = endpoints_of(tmp_path, {
        "src/shop/main.py": """
            from fastapi import FastAPI
            from shop.routers import orders
            from .routers.items import router as items_router
            app = FastAPI()
            app.include_router(orders.router, prefix="/orders")
            app.include_router(items_router, prefix="/items")
        """,
        "src/shop/routers/orders.py": """
            from fastapi import APIRouter
            router = APIRouter()
            @router.post("")
            def create_order(): ...
        """,
        "src/shop/routers/items.py": """
            from fastapi import APIRouter
            router = APIRouter(prefix="/v2")
            @router.get("/{item_id}")
            async def get_item(item_id: int): ...
        """,
    })
    assert {(e.method, e.path) for e in found} == {("POST", "/orders"), ("GET", "/items/v2/{item_id}")}


def test_fastapi_app_factory_and_router_loop(tmp_path: Path) -> None:
    found = endpoints_of(tmp_path, {
        "api/main.py": """
            from fastapi import FastAPI
            from api import billing, users

            def create_app() -> FastAPI:
                application = FastAPI()
                for module in (billing, users):
                    application.include_router(module.router, prefix="/v1")
                for router in [billing.router]:
                    application.include_router(router, prefix="/v2")
                return application
        """,
        "api/billing.py": """
            from fastapi import APIRouter
            router = APIRouter(prefix="/billing")
            @router.get("/invoices")
            def invoices(limit: int = 10): ...
        """,
        "api/users.py": """
            from fastapi import APIRouter
            router = APIRouter(prefix="/users")
            @router.delete("/{user_id}")
            def remove(user_id: int): ...
        """,
    })
    assert {(e.method, e.path) for e in found} == {
        ("GET", "/v1/billing/invoices"), ("DELETE", "/v1/users/{user_id}"),
        ("GET", "/v2/billing/invoices"),
    }


def test_fastapi_auth_facet(tmp_path: Path) -> None:
    found = by_route(endpoints_of(tmp_path, {
        "app.py": """
            from typing import Annotated
            from fastapi import Depends, FastAPI, HTTPException, Security
            from fastapi.security import HTTPBearer, OAuth2PasswordBearer
            from deps import get_db, load_thing, UserDep

            app = FastAPI()
            bearer = HTTPBearer()
            oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")

            def owner_of_thing(thing_id: int, token: str = Depends(oauth2_scheme)):
                return thing_id

            def checks_header(x_token: str):
                if x_token != "s":
                    raise HTTPException(status_code=401)

            Admin = Annotated[dict, Depends(owner_of_thing)]

            @app.post("/a")
            def a(creds=Depends(bearer)): ...
            @app.post("/b")
            def b(user=Security(oauth2_scheme, scopes=["x"])): ...
            @app.post("/c")
            def c(thing=Depends(owner_of_thing)): ...
            @app.post("/d", dependencies=[Depends(checks_header)])
            def d(): ...
            @app.post("/e")
            def e(admin: Admin): ...
            @app.post("/f")
            def f(db=Depends(get_db)): ...
            @app.post("/g")
            def g(thing=Depends(load_thing)): ...
            @app.post("/h")
            def h(user: UserDep): ...
        """,
    }))
    mechanisms = {path: found[("POST", path)].auth for _, path in found}
    for path in ("/a", "/b", "/c", "/d", "/e"):
        assert mechanisms[path].state is FacetState.PRESENT, path
    assert mechanisms["/f"].state is FacetState.ABSENT
    assert mechanisms["/g"].state is FacetState.UNKNOWN
    assert mechanisms["/g"].mechanism == "dependency load_thing not visible"
    assert mechanisms["/h"].state is FacetState.UNKNOWN


def test_fastapi_router_app_and_include_dependencies_reach_routes_in_other_files(tmp_path: Path) -> None:
    found = by_route(endpoints_of(tmp_path, {
        "main.py": """
            from fastapi import Depends, FastAPI
            from auth import require_user
            import admin, public, private
            app = FastAPI()
            app.include_router(private.router, prefix="/private", dependencies=[Depends(require_user)])
            app.include_router(public.router, prefix="/public")
            app.include_router(admin.router, prefix="/admin")
        """,
        "admin.py": """
            from fastapi import APIRouter, Depends
            from auth import get_current_admin
            router = APIRouter(dependencies=[Depends(get_current_admin)])
            @router.post("/purge")
            def purge(): ...
        """,
        "public.py": """
            from fastapi import APIRouter
            router = APIRouter()
            @router.post("/feedback")
            def feedback(): ...
        """,
        "private.py": """
            from fastapi import APIRouter
            router = APIRouter()
            @router.put("/profile")
            def profile(): ...
        """,
    }))
    assert found[("POST", "/admin/purge")].auth.state is FacetState.PRESENT
    assert found[("PUT", "/private/profile")].auth.mechanism == "Depends(require_user)"
    assert found[("POST", "/public/feedback")].auth.state is FacetState.ABSENT


def test_fastapi_app_wide_mechanisms(tmp_path: Path) -> None:
    found = by_route(endpoints_of(tmp_path, {
        "guarded/main.py": """
            from fastapi import Depends, FastAPI
            from guarded.security import verify_token
            from guarded import routes
            app = FastAPI(dependencies=[Depends(verify_token)])
            app.include_router(routes.router)
        """,
        "guarded/routes.py": """
            from fastapi import APIRouter
            router = APIRouter()
            @router.post("/things")
            def create(): ...
        """,
        "mw/main.py": """
            from fastapi import FastAPI, Request
            from fastapi.middleware.cors import CORSMiddleware
            from fastapi.responses import JSONResponse
            app = FastAPI()
            app.add_middleware(CORSMiddleware, allow_origins=["*"])

            @app.middleware("http")
            async def check_key(request: Request, call_next):
                if request.headers.get("X-API-Key") != "k":
                    return JSONResponse({"detail": "no"}, status_code=401)
                return await call_next(request)

            @app.delete("/mw/{thing_id}")
            def remove(thing_id: int): ...
        """,
        "custom/main.py": """
            from fastapi import FastAPI
            from custom.middleware import TenantMiddleware
            app = FastAPI()
            app.add_middleware(TenantMiddleware)
            @app.post("/custom")
            def create(): ...
        """,
    }))
    assert found[("POST", "/things")].auth.mechanism == "Depends(verify_token)"
    assert found[("DELETE", "/mw/{thing_id}")].auth.mechanism == "http middleware check_key"
    assert found[("POST", "/custom")].auth.state is FacetState.UNKNOWN


def test_fastapi_validation_facet(tmp_path: Path) -> None:
    found = by_route(endpoints_of(tmp_path, {
        "app.py": """
            from typing import Any, Optional
            from fastapi import Body, FastAPI, Request, UploadFile
            from pydantic import BaseModel
            from models import Order

            app = FastAPI()

            class ItemIn(BaseModel):
                name: str

            @app.post("/typed")
            def typed(item: ItemIn): ...
            @app.post("/imported")
            def imported(order: Optional[Order] = None): ...
            @app.post("/raw")
            async def raw(request: Request):
                return await request.json()
            @app.post("/raw-validated")
            async def raw_validated(request: Request):
                return ItemIn.model_validate(await request.json())
            @app.post("/dict")
            def untyped(payload: dict[str, Any]): ...
            @app.post("/body")
            def body(data=Body(...)): ...
            @app.post("/upload")
            def upload(file: UploadFile): ...
            @app.get("/query")
            def query(q: str = "", page: int = 1): ...
            @app.post("/delegated")
            async def delegated(request: Request):
                return await handle(request)
        """,
    }))
    expected = {
        "/typed": (FacetState.PRESENT, "pydantic ItemIn"),
        "/imported": (FacetState.PRESENT, "pydantic Order"),
        "/raw": (FacetState.ABSENT, "request.json() without a schema"),
        "/raw-validated": (FacetState.PRESENT, "ItemIn.model_validate()"),
        "/dict": (FacetState.ABSENT, "untyped body parameter"),
        "/body": (FacetState.ABSENT, "untyped body parameter"),
        "/upload": (FacetState.PRESENT, "file upload"),
        "/query": (FacetState.PRESENT, "no body"),
        "/delegated": (FacetState.UNKNOWN, "request passed to another function"),
    }
    for path, (state, mechanism) in expected.items():
        method = "GET" if path == "/query" else "POST"
        got = found[(method, path)].validation
        assert (got.state, got.mechanism) == (state, mechanism), path


def test_fastapi_pagination_facet(tmp_path: Path) -> None:
    found = by_route(endpoints_of(tmp_path, {
        "app.py": """
            from fastapi import Depends, FastAPI
            from fastapi_pagination import Page, paginate
            from sqlalchemy import select
            from db import Session, get_db
            from models import User
            from schemas import UserOut

            app = FastAPI()

            @app.get("/all")
            def all_users(db: Session = Depends(get_db)):
                return db.query(User).all()
            @app.get("/declared", response_model=list[UserOut])
            def declared(db: Session = Depends(get_db)):
                return crud.list_users(db)
            @app.get("/offset")
            def offset(skip: int = 0, limit: int = 50, db: Session = Depends(get_db)):
                return db.query(User).offset(skip).limit(limit).all()
            @app.get("/page", response_model=Page[UserOut])
            def page(db: Session = Depends(get_db)):
                return paginate(db.query(User).all())
            @app.get("/one/{user_id}")
            def one(user_id: int, db: Session = Depends(get_db)):
                return db.get(User, user_id)
            @app.get("/static")
            def static() -> list[str]:
                return ["a", "b"]
            @app.get("/comprehension")
            async def comprehension(db: Session = Depends(get_db)):
                rows = (await db.execute(select(User))).scalars().all()
                return {"items": [UserOut.model_validate(r) for r in rows]}
            @app.get("/capped")
            def capped(db: Session = Depends(get_db)):
                return db.query(User).all()[:100]
            @app.post("/all")
            def create(db: Session = Depends(get_db)):
                return db.query(User).all()
        """,
    }))
    states = {path: found[(m, path)].pagination.state for m, path in found if m == "GET"}
    assert states == {
        "/all": FacetState.ABSENT, "/declared": FacetState.ABSENT, "/offset": FacetState.PRESENT,
        "/page": FacetState.PRESENT, "/one/{user_id}": FacetState.UNKNOWN,
        "/static": FacetState.UNKNOWN, "/comprehension": FacetState.ABSENT,
        "/capped": FacetState.PRESENT,
    }
    assert found[("POST", "/all")].pagination.mechanism == "not a GET"


def test_fastapi_rate_limit_facet(tmp_path: Path) -> None:
    found = by_route(endpoints_of(tmp_path, {
        "limited/app.py": """
            from fastapi import Depends, FastAPI, Request
            from fastapi_limiter.depends import RateLimiter
            from slowapi import Limiter
            from slowapi.util import get_remote_address

            app = FastAPI()
            limiter = Limiter(key_func=get_remote_address)
            app.state.limiter = limiter

            @app.post("/login-attempts", dependencies=[Depends(RateLimiter(times=5, seconds=60))])
            def attempts(): ...
            @app.post("/slow")
            @limiter.limit("5/minute")
            def slow(request: Request): ...
            @app.post("/free")
            def free(): ...
        """,
        "defaults/app.py": """
            from fastapi import FastAPI
            from slowapi import Limiter
            from slowapi.middleware import SlowAPIMiddleware
            from slowapi.util import get_remote_address
            limiter = Limiter(key_func=get_remote_address, default_limits=["100/minute"])
            app = FastAPI()
            app.state.limiter = limiter
            app.add_middleware(SlowAPIMiddleware)
            @app.post("/defaults")
            def with_defaults(): ...
        """,
    }))
    assert found[("POST", "/login-attempts")].rate_limit.state is FacetState.PRESENT
    assert found[("POST", "/slow")].rate_limit.mechanism == "@limiter.limit"
    assert found[("POST", "/free")].rate_limit.state is FacetState.UNKNOWN
    assert found[("POST", "/defaults")].rate_limit.mechanism == "default limits"


# ---------------------------------------------------------------- Flask

def test_flask_blueprint_prefixes_follow_flask(tmp_path: Path) -> None:
    found = endpoints_of(tmp_path, {
        "site/__init__.py": """
            from flask import Flask
            from site.views import own, replaced, plain
            app = Flask(__name__)
            app.register_blueprint(own)
            app.register_blueprint(replaced, url_prefix="/new")
            app.register_blueprint(plain, url_prefix="/plain")
        """,
        "site/views.py": """
            from flask import Blueprint
            own = Blueprint("own", __name__, url_prefix="/own")
            replaced = Blueprint("replaced", __name__, url_prefix="/old")
            plain = Blueprint("plain", __name__)
            unregistered = Blueprint("unregistered", __name__, url_prefix="/loose")

            @own.route("/a")
            def a(): ...
            @replaced.route("/b", methods=["POST", "PUT"])
            def b(): ...
            @plain.delete("/c/<path:rest>")
            def c(rest): ...
            @unregistered.get("/d")
            def d(): ...
        """,
    })
    assert {(e.method, e.path) for e in found} == {
        ("GET", "/own/a"), ("POST", "/new/b"), ("PUT", "/new/b"), ("DELETE", "/plain/c/{rest}"),
        ("GET", "/loose/d"),
    }


def test_flask_classic_layout_with_imported_app(tmp_path: Path) -> None:
    found = by_route(endpoints_of(tmp_path, {
        "app/__init__.py": """
            from flask import Flask
            app = Flask(__name__)

            @app.before_request
            def load_user():
                g.user = User.query.get(session.get("user_id"))

            from app import routes
        """,
        "app/routes.py": """
            from app import app

            @app.route("/notes", methods=["POST"])
            def create_note(): ...
        """,
    }))
    note = found[("POST", "/notes")]
    assert note.framework == "flask"
    assert note.auth.state is FacetState.UNKNOWN
    assert note.auth.mechanism == "before_request hook load_user may authenticate"


def test_flask_auth_facet(tmp_path: Path) -> None:
    found = by_route(endpoints_of(tmp_path, {
        "app.py": """
            from functools import wraps
            from flask import Flask, abort, request
            from flask_httpauth import HTTPBasicAuth
            from flask_jwt_extended import jwt_required, verify_jwt_in_request
            from flask_login import current_user, login_required
            from myproject.decorators import audited, tenant_scoped

            app = Flask(__name__)
            auth = HTTPBasicAuth()

            def api_key_check(view):
                @wraps(view)
                def wrapper(*a, **k):
                    if request.headers.get("X-API-Key") != "k":
                        abort(401)
                    return view(*a, **k)
                return wrapper

            @app.post("/1")
            @login_required
            def one(): ...
            @app.post("/2")
            @jwt_required()
            def two(): ...
            @app.post("/3")
            @auth.login_required
            def three(): ...
            @app.post("/4")
            @api_key_check
            def four(): ...
            @app.post("/5")
            def five():
                if not current_user.is_authenticated:
                    abort(401)
            @app.post("/6")
            def six():
                verify_jwt_in_request()
            @app.post("/7")
            @jwt_required(optional=True)
            def seven(): ...
            @app.post("/8")
            @tenant_scoped
            def eight(): ...
            @app.post("/9")
            @audited
            def nine(): ...
            @app.post("/10")
            def ten(): ...
        """,
    }))
    state = {path: found[("POST", path)].auth.state for _, path in found}
    assert [state[f"/{i}"] for i in range(1, 11)] == [
        FacetState.PRESENT, FacetState.PRESENT, FacetState.PRESENT, FacetState.PRESENT,
        FacetState.PRESENT, FacetState.PRESENT, FacetState.UNKNOWN, FacetState.UNKNOWN,
        FacetState.UNKNOWN, FacetState.ABSENT,
    ]


def test_flask_validation_and_pagination(tmp_path: Path) -> None:
    found = by_route(endpoints_of(tmp_path, {
        "app.py": """
            from flask import Flask, jsonify, request
            from webargs.flaskparser import use_args
            from schemas import UserSchema
            from models import User, db

            app = Flask(__name__)

            @app.post("/users")
            def create():
                data = request.get_json()
                return jsonify(data)
            @app.post("/users/schema")
            def create_schema():
                user = UserSchema().load(request.json)
                return jsonify(user)
            @app.post("/users/args")
            @use_args(UserSchema())
            def create_args(args):
                return jsonify(args)
            @app.get("/users")
            def list_users():
                return jsonify([u.to_dict() for u in User.query.all()])
            @app.get("/users/paged")
            def list_paged():
                page = request.args.get("page", 1, type=int)
                return jsonify([u.to_dict() for u in User.query.paginate(page=page).items])
            @app.get("/users/<int:user_id>")
            def one(user_id):
                return jsonify(db.session.get(User, user_id).to_dict())
        """,
    }))
    assert found[("POST", "/users")].validation.state is FacetState.ABSENT
    assert found[("POST", "/users/schema")].validation.mechanism == "UserSchema.load()"
    assert found[("POST", "/users/args")].validation.mechanism == "@use_args"
    assert found[("GET", "/users")].pagination.state is FacetState.ABSENT
    assert found[("GET", "/users/paged")].pagination.state is FacetState.PRESENT
    assert found[("GET", "/users/{user_id}")].pagination.state is FacetState.UNKNOWN


def test_flask_restx_and_restful(tmp_path: Path) -> None:
    found = endpoints_of(tmp_path, {
        "svc/app.py": """
            from flask import Flask
            from flask_restx import Api
            from svc.todos import ns as todos_ns
            app = Flask(__name__)
            api = Api(app, prefix="/api")
            api.add_namespace(todos_ns, path="/todos")
        """,
        "svc/todos.py": """
            from flask_restx import Namespace, Resource
            ns = Namespace("todo")

            @ns.route("/<int:todo_id>")
            class Todo(Resource):
                def get(self, todo_id): ...
                def delete(self, todo_id): ...
        """,
        "rest/app.py": """
            from flask import Flask
            from flask_restful import Api, Resource
            app = Flask(__name__)
            api = Api(app)

            class Ping(Resource):
                def get(self): ...
                def post(self): ...

            api.add_resource(Ping, "/ping", "/v1/ping")
        """,
    })
    assert {(e.method, e.path) for e in found} == {
        ("GET", "/api/todos/{todo_id}"), ("DELETE", "/api/todos/{todo_id}"),
        ("GET", "/ping"), ("POST", "/ping"), ("GET", "/v1/ping"), ("POST", "/v1/ping"),
    }


# ---------------------------------------------------------------- robustness

def test_odd_files_produce_no_routes_and_no_errors(tmp_path: Path) -> None:
    found = endpoints_of(tmp_path, {
        "a.py": "x = 1\n",
        "b.py": "@app.get(PATH)\ndef f(): ...\n",
        "c.py": "import sanic\napp = sanic.Sanic('x')\n@app.get('/x')\nasync def f(r): ...\n",
        "d.py": "from fastapi import FastAPI\napp = FastAPI()\n@app.get(f'{unknown}/x')\ndef f(): ...\n",
        "e.py": "from flask import Flask\napp = Flask(__name__)\n@app.route('/x', methods=METHODS)\ndef f(): ...\n",
        "f.py": "from fastapi import FastAPI\napp = FastAPI()\napp.include_router(make(), prefix='/x')\n",
        "g.py": "def broken(:\n",
        "h.py": "from flask import Blueprint\nbp = Blueprint('x', __name__)\nbp.register_blueprint(bp)\n",
    })
    assert found == ()


# ---------------------------------------------------------------- behaviours found on real projects

def test_unresolved_prefixes_stay_visible(tmp_path: Path) -> None:
    found = endpoints_of(tmp_path, {
        "app/main.py": """
            from fastapi import FastAPI
            from app.core.config import settings
            from app.api import users
            app = FastAPI()
            app.include_router(users.router, prefix=settings.API_V1_STR)
            app.include_router(users.router, prefix=f"{settings.API_V2_STR}/compat")
        """,
        "app/api/users.py": """
            from fastapi import APIRouter
            router = APIRouter(prefix="/users")
            @router.get("/me")
            def me(): ...
        """,
    })
    assert {e.path for e in found} == {"/{settings.API_V1_STR}/users/me",
                                       "/{settings.API_V2_STR}/compat/users/me"}


def test_fastapi_class_based_views_take_auth_from_class_attributes(tmp_path: Path) -> None:
    found = by_route(endpoints_of(tmp_path, {
        "app/base.py": """
            from fastapi import Depends
            from app.deps import get_current_user
            class UserController:
                user = Depends(get_current_user)
        """,
        "app/routes.py": """
            from fastapi import APIRouter, Depends
            from app.base import UserController
            from app.deps import get_admin_user
            router = APIRouter()

            class Local:
                admin = Depends(get_admin_user)

            class Open:
                pass

            class A(UserController):
                @router.post("/a")
                def create(self): ...

            class B(Local):
                @router.post("/b")
                def create(self): ...

            class C(Open):
                @router.post("/c")
                def create(self): ...
        """,
    }))
    assert found[("POST", "/a")].auth.mechanism == "base class UserController not visible"
    assert found[("POST", "/b")].auth.mechanism == "Local: Depends(get_admin_user)"
    assert found[("POST", "/c")].auth.state is FacetState.ABSENT


def test_explicit_checks_follow_local_helpers_and_ignore_personalisation(tmp_path: Path) -> None:
    found = by_route(endpoints_of(tmp_path, {
        "app.py": """
            from http import HTTPStatus
            from fastapi import FastAPI, HTTPException, Request
            from flask_login import current_user
            app = FastAPI()

            def verified_handler(request):
                if not valid_signature(request):
                    raise HTTPException(status_code=HTTPStatus.FORBIDDEN.value)
                return handler

            @app.post("/slack/events")
            async def events(request: Request):
                return verified_handler(request)

            @app.post("/greet")
            def greet():
                if current_user.is_authenticated:
                    return {"hello": current_user.name}
                return {"hello": "stranger"}

            @app.post("/write")
            def write():
                if not current_user.can("write"):
                    raise HTTPException(status_code=403)
        """,
    }))
    assert found[("POST", "/slack/events")].auth.mechanism == "raises 401/403 in verified_handler()"
    assert found[("POST", "/greet")].auth.state is FacetState.ABSENT
    assert found[("POST", "/write")].auth.mechanism == "current_user.can() permission check"


# ---------------------------------------------------------------- Django and DRF

DJANGO_ROUTES = """
import json, os, re, sys
sys.path.insert(0, sys.argv[1])
os.environ["DJANGO_SETTINGS_MODULE"] = "library.settings"
import django
django.setup()
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

def piece(pattern):
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = re.sub(r"\\(\\?P<(\\w+)>[^)]*\\)", r"{\\1}", text.lstrip("^").rstrip("$"))
        return text.replace("\\\\", "")
    return re.sub(r"<(?:[^<>:]+:)?(\\w+)>", r"{\\1}", text)

def methods(callback):
    actions = getattr(callback, "actions", None)
    if actions:
        return sorted(m.upper() for m in actions)
    cls = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if cls is None:
        return ["*"]
    return sorted(m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m))

def walk(patterns, prefix):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + piece(p.pattern))
        elif "{format}" not in piece(p.pattern):
            for method in methods(p.callback):
                yield method, "/" + (prefix + piece(p.pattern)).lstrip("/")

print(json.dumps(sorted(set(walk(get_resolver().url_patterns, "")))))
"""


@pytest.mark.skipif(importlib.util.find_spec("django") is None or importlib.util.find_spec("rest_framework") is None,
                    reason="django or djangorestframework is not installed")
def test_django_inventory_matches_the_url_resolver() -> None:
    root = APPS / "django_library"
    runtime = runtime_routes(DJANGO_ROUTES, root)
    static = {(e.method, normalise(e.path)) for e in inventory(root)}
    typed = {pair for pair in runtime if pair[0] != "*"}
    assert typed <= static
    assert {p for _, p in runtime} == {p for _, p in static}
    untyped_paths = {p for m, p in runtime if m == "*"}
    assert all(m == "GET" or p in untyped_paths for m, p in static - typed)


def test_django_facets() -> None:
    found = {(e.method, normalise(e.path).rstrip("/")): e for e in inventory(APPS / "django_library")}
    assert found[("GET", "/api/books")].auth.state is FacetState.ABSENT        # anonymous reads
    assert found[("DELETE", "/api/books/{pk}")].auth.mechanism == "permission_classes = [IsAuthenticatedOrReadOnly]"
    assert found[("POST", "/api/authors")].auth.mechanism == "DRF default permission classes"
    assert found[("POST", "/catalog/authors/new")].auth.mechanism == "LoginRequiredMixin"
    assert found[("POST", "/catalog/books/{pk}/edit")].auth.mechanism == "@login_required"
    assert found[("DELETE", "/catalog/stats")].auth.state is FacetState.ABSENT
    assert found[("POST", "/catalog/subscribe")].auth.mechanism == "permission_classes = [AllowAny]"
    assert found[("GET", "/catalog/authors")].pagination.mechanism == "ListView without paginate_by"
    assert found[("GET", "/catalog/books")].pagination.state is FacetState.ABSENT
    assert found[("POST", "/api/books/{pk}/mark-read")].handler == "catalog.api.BookViewSet.mark_read"
    assert found[("GET", "/api/books")].handler == "catalog.api.BookViewSet.list"
    assert {e.framework for e in found.values()} == {"django", "drf"}


def test_registrations_in_a_file_that_imports_no_framework(tmp_path: Path) -> None:
    found = endpoints_of(tmp_path, {
        "site/__init__.py": """
            from flask import Flask
            app = Flask(__name__)
        """,
        "site/views.py": """
            from flask import Blueprint
            bp = Blueprint("views", __name__)
            @bp.post("/items")
            def create(): ...
        """,
        "wsgi.py": """
            from site import app
            from site.views import bp
            app.register_blueprint(bp, url_prefix="/v1")
        """,
    })
    assert {(e.method, e.path) for e in found} == {("POST", "/v1/items")}
