"""Django and Django REST framework: URL confs, views, viewsets, routers and settings.

A Django route is written in two places: its path in a URL conf, its methods and guards in a view
(usually another module). So:
- a views module emits *mount-only* routes on each candidate view's own symbol
  ("shop.views:order_list", "shop.api:OrderViewSet"), with paths relative to where the view is
  mounted ("" for a view or a viewset's list, "{pk}/" for a viewset's detail routes and
  `@action(detail=True)` routes below it);
- a URL conf (`urlpatterns`) mounts those symbols: `path("orders/", views.order_list)`,
  `path("orders/<int:pk>/", OrderView.as_view())`, `include("blog.urls")` (another URL conf,
  "blog.urls:urlpatterns"), `include(router.urls)`; a DRF router mounts each registered viewset
  (`router.register("orders", OrderViewSet)`);
- a settings module with `ROOT_URLCONF` and `MIDDLEWARE` guards the root URL conf (Django's
  `LoginRequiredMiddleware` or an auth middleware: auth PRESENT; another custom middleware: auth
  UNKNOWN).

Facets: auth PRESENT for `login_required`/`permission_required`-style decorators, auth mixins
(`LoginRequiredMixin`), `method_decorator(login_required, ...)`, DRF `permission_classes` other
than `AllowAny`, or an explicit check; ABSENT for `AllowAny`, an empty `permission_classes`, or a
plain view with none of those; UNKNOWN when DRF's default permission classes decide (settings) or
a base class or decorator is not visible. Validation: serializers (`is_valid()`, a generic view's
`serializer_class`), forms; raw `request.data`/`request.body`/`request.POST` reads without one are
ABSENT. Pagination: `pagination_class`, `paginate_by`, `Paginator`; a `ListView` without
`paginate_by` or a view returning a whole queryset is ABSENT; DRF's default pagination is UNKNOWN.
Rate limit: `throttle_classes`, `@ratelimit`.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

from prodcheck.facts.extract import Extractor
from prodcheck.facts.extractors.python_common import (
    const_str, const_str_list, dotted, keyword, last_name, name_tokens, symbol_id,
)
from prodcheck.facts.extractors.python_flask import BENIGN_DECORATOR_WORDS
from prodcheck.facts.extractors.python_handlers import (
    FunctionNode, ModuleView, absent, collection_return, explicit_auth_check, module_view, name_role,
    pagination_evidence, passes_request, present, rate_limit_decorator, raw_body_reads,
    schema_validation, unknown,
)
from prodcheck.facts.model import Mount, Route
from prodcheck.model import Endpoint, Facet, FacetState, Location

FRAMEWORK = "django"
DRF = "drf"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
DJANGO_VIEWS = {
    "View": (), "TemplateView": ("GET",), "RedirectView": ("GET",), "ListView": ("GET",),
    "DetailView": ("GET",), "CreateView": ("GET", "POST", "PUT"), "UpdateView": ("GET", "POST", "PUT"),
    "DeleteView": ("GET", "POST", "DELETE"), "FormView": ("GET", "POST", "PUT"), "ArchiveIndexView": ("GET",),
    "YearArchiveView": ("GET",), "MonthArchiveView": ("GET",), "DayArchiveView": ("GET",),
}
DRF_VIEWS = {
    "APIView": (), "GenericAPIView": (), "ListAPIView": ("GET",), "CreateAPIView": ("POST",),
    "RetrieveAPIView": ("GET",), "DestroyAPIView": ("DELETE",), "UpdateAPIView": ("PUT", "PATCH"),
    "ListCreateAPIView": ("GET", "POST"), "RetrieveUpdateAPIView": ("GET", "PUT", "PATCH"),
    "RetrieveDestroyAPIView": ("GET", "DELETE"),
    "RetrieveUpdateDestroyAPIView": ("GET", "PUT", "PATCH", "DELETE"),
}
VIEWSETS = {
    "ViewSet": (), "GenericViewSet": (), "ViewSetMixin": (),
    "ModelViewSet": ("list", "create", "retrieve", "update", "partial_update", "destroy"),
    "ReadOnlyModelViewSet": ("list", "retrieve"),
}
MIXIN_ACTIONS = {
    "ListModelMixin": ("list",), "CreateModelMixin": ("create",), "RetrieveModelMixin": ("retrieve",),
    "UpdateModelMixin": ("update", "partial_update"), "DestroyModelMixin": ("destroy",),
}
ACTIONS = {   # action -> (method, detail)
    "list": ("GET", False), "create": ("POST", False), "retrieve": ("GET", True),
    "update": ("PUT", True), "partial_update": ("PATCH", True), "destroy": ("DELETE", True),
}
LIST_VIEWS = frozenset({"ListView", "ListAPIView", "ListCreateAPIView"})
FORM_VIEWS = frozenset({"CreateView", "UpdateView", "FormView", "DeleteView"})
AUTH_MIXINS = frozenset({"UserPassesTestMixin", "AccessMixin"})
AUTH_DECORATORS = frozenset({"user_passes_test", "superuser_required", "staff_member_required"})
ALLOW_ANY = frozenset({"AllowAny"})
READ_ONLY_FOR_ANONYMOUS = frozenset({"IsAuthenticatedOrReadOnly", "DjangoModelPermissionsOrAnonReadOnly"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ROUTERS = frozenset({"DefaultRouter", "SimpleRouter", "ExtendedDefaultRouter", "ExtendedSimpleRouter",
                     "NestedSimpleRouter", "NestedDefaultRouter"})
PATH_FUNCTIONS = frozenset({"path", "re_path", "url"})
STANDARD_MIDDLEWARE = ("django.", "corsheaders.", "whitenoise.", "debug_toolbar.", "silk.", "csp.",
                       "django_prometheus.", "simple_history.", "axes.", "allauth.", "oauth2_provider.",
                       "social_django.", "django_otp.", "csp.", "request_id.", "log_request_id.",
                       "django_structlog.", "django_htmx.", "hijack.", "impersonate.", "waffle.",
                       "guardian.", "debug_toolbar", "opentelemetry.", "elasticapm.", "newrelic.",
                       "scout_apm.", "sentry_sdk.", "reversion.", "crum.", "threadlocals.")
_ROUTE_PARAM = re.compile(r"<(?:[^<>:]+:)?([A-Za-z_][A-Za-z0-9_]*)>")
_REGEX_GROUP = re.compile(r"\(\?P<([A-Za-z_][A-Za-z0-9_]*)>")


@dataclass(frozen=True, slots=True)
class ViewClass:
    """What the bases of a view class say: its kind, default methods or actions, the generic
    bases seen, and whether some base is not visible."""
    kind: str                         # django, drf, viewset
    defaults: tuple[str, ...]         # HTTP methods (views) or actions (viewsets)
    bases: frozenset[str]             # names of the known framework bases met
    opaque_bases: tuple[str, ...]     # imported bases that are neither Django's nor DRF's


def extract(parsed, builder) -> None:
    view = module_view(parsed)
    if not view.imports_module("django", "rest_framework"):
        return
    for route in _view_routes(view):
        builder.routes.append(route)
    if "urlpatterns" in view.assigns or _mentions_router(view):
        _UrlConf(view, builder).read()
    if "ROOT_URLCONF" in view.assigns:
        _settings(view, builder)


# ---------------------------------------------------------------- paths

def normalise_route(route: str) -> str:
    """`users/<int:pk>/` -> `/users/{pk}/`."""
    return "/" + _ROUTE_PARAM.sub(lambda m: "{" + m.group(1) + "}", route).lstrip("/")


def normalise_regex(regex: str) -> str:
    """`^users/(?P<pk>[0-9]+)/$` -> `/users/{pk}/` (named groups become parameters)."""
    text = regex.lstrip("^").rstrip("$")
    out, index = [], 0
    while index < len(text):
        match = _REGEX_GROUP.match(text, index)
        if match:
            depth, end = 1, match.end()
            while end < len(text) and depth:
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                end += 1 + (text[end] == "\\")
            out.append("{" + match.group(1) + "}")
            index = end
            continue
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            out.append(text[index + 1])
            index += 2
            continue
        if char in "?*+" and out:
            index += 1
            continue
        out.append(char)
        index += 1
    return "/" + "".join(out).lstrip("/")


# ---------------------------------------------------------------- views

def _view_routes(view: ModuleView) -> Iterator[Route]:
    for name, func in view.functions.items():
        if _is_function_view(func, view):
            yield from _function_routes(name, func, view)
    for name, cls in view.classes.items():
        info = view_class(cls, view)
        if info is not None:
            yield from _class_routes(name, cls, info, view)


def _is_function_view(func: FunctionNode, view: ModuleView) -> bool:
    args = [*func.args.posonlyargs, *func.args.args]
    if args and args[0].arg in ("request", "req"):
        return True
    if args and last_name(args[0].annotation) in ("HttpRequest", "Request", "WSGIRequest", "ASGIRequest"):
        return True
    return any(last_name(_target(d)) in ("api_view", "require_http_methods") for d in func.decorator_list)


def _target(decorator: ast.expr) -> ast.expr:
    return decorator.func if isinstance(decorator, ast.Call) else decorator


def _function_routes(name: str, func: FunctionNode, view: ModuleView) -> Iterator[Route]:
    api_view = next((d for d in func.decorator_list if last_name(_target(d)) == "api_view"), None)
    framework = DRF if api_view is not None else FRAMEWORK
    methods = _function_methods(func, api_view, view)
    handler = f"{view.module}.{name}"
    for method in methods:
        facets = _function_facets(func, method, framework, view)
        endpoint = Endpoint(method, "", handler, view.location(func), framework, **facets)
        yield Route(f"{view.module}:{name}", endpoint, mount_only=True)


def _function_methods(func: FunctionNode, api_view: ast.expr | None, view: ModuleView) -> tuple[str, ...]:
    for decorator in func.decorator_list:
        name = last_name(_target(decorator))
        if name == "require_http_methods" and isinstance(decorator, ast.Call) and decorator.args:
            values = const_str_list(decorator.args[0], view.constants)
            if values:
                return tuple(dict.fromkeys(v.upper() for v in values if v.upper() in _UPPER))
        if name in ("require_GET", "require_safe"):
            return ("GET",)
        if name == "require_POST":
            return ("POST",)
    if api_view is not None:
        values = const_str_list(api_view.args[0], view.constants) if isinstance(api_view, ast.Call) \
            and api_view.args else None
        methods = keyword(api_view, "http_method_names") if isinstance(api_view, ast.Call) else None
        values = values or (const_str_list(methods, view.constants) if methods is not None else None)
        return tuple(dict.fromkeys(v.upper() for v in values if v.upper() in _UPPER)) if values else ("GET",)
    compared = _compared_methods(func)
    return tuple(dict.fromkeys(["GET", *compared]))


_UPPER = frozenset(m.upper() for m in HTTP_METHODS)


def _compared_methods(func: ast.AST) -> list[str]:
    """`if request.method == "POST":` -> ["POST"]."""
    found = []
    for node in ast.walk(func):
        if isinstance(node, ast.Compare) and dotted(node.left).endswith(".method"):
            for comparator in node.comparators:
                values = [const_str(comparator)] if const_str(comparator) is not None \
                    else (const_str_list(comparator) or [])
                found.extend(v.upper() for v in values if v and v.upper() in _UPPER)
    return found


def view_class(cls: ast.ClassDef, view: ModuleView, depth: int = 0) -> ViewClass | None:
    """The kind of a Django/DRF view class, or None when the class is not a view."""
    if depth > 4:
        return None
    kind, defaults, bases, opaque = "", [], set(), []
    for base in cls.bases:
        name = last_name(base)
        qualified = view.qualified(base)
        local = view.classes.get(name) if isinstance(base, ast.Name) else None
        if local is not None and local is not cls:
            inner = view_class(local, view, depth + 1)
            if inner is None:
                continue
            kind = _stronger(kind, inner.kind)
            defaults.extend(inner.defaults)
            bases |= inner.bases
            opaque.extend(inner.opaque_bases)
            continue
        known = _known_base(name, qualified)
        if known:
            kind = _stronger(kind, known[0])
            defaults.extend(known[1])
            bases.add(name)
        elif name.endswith(("ViewSet", "APIView", "View", "Mixin")) and name not in ("object",):
            opaque.append(name)
            kind = _stronger(kind, "viewset" if name.endswith("ViewSet") else ("drf" if name.endswith("APIView") else ""))
    if not kind and not bases and not (opaque and any(o.endswith("View") for o in opaque)):
        return None
    return ViewClass(kind or FRAMEWORK, tuple(dict.fromkeys(defaults)), frozenset(bases), tuple(opaque))


def _stronger(current: str, new: str) -> str:
    order = {"": 0, FRAMEWORK: 1, DRF: 2, "viewset": 3}
    return new if order.get(new, 0) > order.get(current, 0) else current


def _known_base(name: str, qualified: str) -> tuple[str, tuple[str, ...]] | None:
    origin = qualified.split(".")[0]
    if origin not in ("django", "rest_framework", name):
        return None
    if name in VIEWSETS:
        return "viewset", VIEWSETS[name]
    if name in MIXIN_ACTIONS and origin in ("rest_framework", name):
        return "viewset", MIXIN_ACTIONS[name]
    if name in DRF_VIEWS and origin in ("rest_framework", name):
        return DRF, DRF_VIEWS[name]
    if name in DJANGO_VIEWS:
        return FRAMEWORK, DJANGO_VIEWS[name]
    if name in AUTH_MIXINS or name.endswith("Mixin") and origin == "django":
        return FRAMEWORK, ()
    return None


def _methods_of(cls: ast.ClassDef, view: ModuleView, depth: int = 0) -> dict[str, FunctionNode]:
    """Functions defined on the class and its local bases (the class's own win)."""
    found: dict[str, FunctionNode] = {}
    if depth <= 4:
        for base in cls.bases:
            local = view.classes.get(last_name(base)) if isinstance(base, ast.Name) else None
            if local is not None and local is not cls:
                found.update(_methods_of(local, view, depth + 1))
    found.update({n.name: n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))})
    return found


def _class_attribute(cls: ast.ClassDef, name: str, view: ModuleView, depth: int = 0) -> ast.expr | None:
    for node in cls.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return node.value
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            return node.value
    if depth <= 4:
        for base in cls.bases:
            local = view.classes.get(last_name(base)) if isinstance(base, ast.Name) else None
            if local is not None and local is not cls:
                found = _class_attribute(local, name, view, depth + 1)
                if found is not None:
                    return found
    return None


def _class_routes(name: str, cls: ast.ClassDef, info: ViewClass, view: ModuleView) -> Iterator[Route]:
    router = f"{view.module}:{name}"
    methods = _methods_of(cls, view)
    allowed = _allowed_methods(cls, view)
    if info.kind == "viewset":
        lookup = _lookup(cls, view)
        actions = list(dict.fromkeys([*info.defaults, *(a for a in ACTIONS if a in methods)]))
        for action in actions:
            method, detail = ACTIONS[action]
            if allowed and method not in allowed:
                continue
            func = methods.get(action)
            yield _class_route(router, cls, func, method, lookup + "/" if detail else "",
                               f"{view.module}.{name}.{action}", info, view, action)
        for func in methods.values():
            extra = _extra_action(func, view)
            if extra is None:
                continue
            for method in extra[0]:
                path = (lookup + "/" if extra[1] else "") + extra[2] + "/"
                yield _class_route(router, cls, func, method, path, f"{view.module}.{name}.{func.name}",
                                   info, view, func.name)
        return
    found = [m.upper() for m in HTTP_METHODS if m in methods]
    for method in dict.fromkeys([*info.defaults, *found]):
        if allowed and method not in allowed:
            continue
        func = methods.get(method.lower())
        yield _class_route(router, cls, func, method, "", f"{view.module}.{name}.{method.lower()}",
                           info, view, method.lower())


def _allowed_methods(cls: ast.ClassDef, view: ModuleView) -> frozenset[str]:
    value = _class_attribute(cls, "http_method_names", view)
    values = const_str_list(value, view.constants) if value is not None else None
    return frozenset(v.upper() for v in values) if values else frozenset()


def _lookup(cls: ast.ClassDef, view: ModuleView) -> str:
    for attribute in ("lookup_url_kwarg", "lookup_field"):
        value = const_str(_class_attribute(cls, attribute, view))
        if value:
            return "{" + value + "}"
    return "{pk}"


def _extra_action(func: FunctionNode, view: ModuleView) -> tuple[tuple[str, ...], bool, str] | None:
    """`@action(detail=True, methods=["post"], url_path="set-password")` -> (methods, detail, path)."""
    for decorator in func.decorator_list:
        if last_name(_target(decorator)) != "action" or not isinstance(decorator, ast.Call):
            continue
        detail = keyword(decorator, "detail")
        methods = const_str_list(keyword(decorator, "methods"), view.constants) if keyword(decorator, "methods") \
            is not None else ["get"]
        url_path = const_str(keyword(decorator, "url_path")) or func.name
        if methods is None:
            return None
        return (tuple(m.upper() for m in methods if m.upper() in _UPPER),
                isinstance(detail, ast.Constant) and bool(detail.value), url_path)
    return None


def _class_route(router: str, cls: ast.ClassDef, func: FunctionNode | None, method: str, path: str,
                 handler: str, info: ViewClass, view: ModuleView, action: str) -> Route:
    at = func or cls
    framework = FRAMEWORK if info.kind == FRAMEWORK else DRF
    facets = _class_facets(cls, func, method, info, view, action)
    return Route(router, Endpoint(method, path, handler, view.location(at), framework, **facets), mount_only=True)


# ---------------------------------------------------------------- facets

def _function_facets(func: FunctionNode, method: str, framework: str, view: ModuleView) -> dict[str, Facet]:
    here = view.location(func)
    auth = _decorator_auth(func.decorator_list, view)
    if auth is None:
        mechanism, node = explicit_auth_check(func, view)
        if mechanism:
            auth = present(mechanism, view.location(node))
        elif framework == DRF:
            auth = unknown("DRF default permission classes", here)
        else:
            auth = absent("", here)
    return {
        "auth": auth,
        "validation": _validation(func, method, None, None, view, here),
        "pagination": _pagination(func, method, None, None, view),
        "rate_limit": _rate_limit(func.decorator_list, None, view),
    }


def _decorator_auth(decorators: list[ast.expr], view: ModuleView) -> Facet | None:
    """Auth from decorators: `login_required`, `method_decorator(login_required)`,
    `permission_classes([IsAuthenticated])`; None when they say nothing."""
    opaque: Facet | None = None
    for decorator in decorators:
        target = _target(decorator)
        name = last_name(target)
        if name == "permission_classes" and isinstance(decorator, ast.Call) and decorator.args:
            return _permission_facet(decorator.args[0], view, "", decorator)
        if name == "method_decorator" and isinstance(decorator, ast.Call) and decorator.args:
            inner = _decorator_auth(list(_decorator_list(decorator.args[0])), view)
            if inner is not None:
                return inner
            continue
        if name in AUTH_DECORATORS or name_role(name) == "auth":
            return present(f"@{name}", view.location(decorator))
        local = view.functions.get(name) if isinstance(target, ast.Name) else None
        if local is not None:
            mechanism, _ = explicit_auth_check(local, view)
            if mechanism:
                return present(f"@{name} ({mechanism})", view.location(decorator))
        elif isinstance(target, (ast.Name, ast.Attribute)) and _imported(target, view) \
                and not view.qualified(target).startswith(("django.", "rest_framework.")) \
                and not set(name_tokens(name)) <= BENIGN_DECORATOR_WORDS and name_role(name) not in ("rate", "infra"):
            opaque = opaque or unknown(f"decorator @{name} not visible", view.location(decorator))
    return opaque


def _decorator_list(node: ast.expr) -> list[ast.expr]:
    return list(node.elts) if isinstance(node, (ast.List, ast.Tuple)) else [node]


def _imported(target: ast.expr, view: ModuleView) -> bool:
    root = target
    while isinstance(root, ast.Attribute):
        root = root.value
    return isinstance(root, ast.Name) and root.id in view.imports


def _permission_facet(node: ast.expr | None, view: ModuleView, method: str, at: ast.AST) -> Facet:
    """DRF `permission_classes = [...]`: AllowAny or [] -> ABSENT, others -> PRESENT."""
    where = view.location(at)
    if not isinstance(node, (ast.List, ast.Tuple)):
        return unknown("permission_classes not visible", where)
    names = [last_name(e) for e in node.elts]
    if not names or all(n in ALLOW_ANY for n in names):
        return absent(f"permission_classes = [{', '.join(names)}]", where)
    if method in SAFE_METHODS and all(n in ALLOW_ANY | READ_ONLY_FOR_ANONYMOUS for n in names):
        return absent(f"{names[0]} (anonymous reads)", where)
    return present(f"permission_classes = [{', '.join(names)}]", where)


def _class_facets(cls: ast.ClassDef, func: FunctionNode | None, method: str, info: ViewClass,
                  view: ModuleView, action: str) -> dict[str, Facet]:
    here = view.location(func or cls)
    return {
        "auth": _class_auth(cls, func, method, info, view, here),
        "validation": _validation(func, method, cls, info, view, here),
        "pagination": _pagination(func, method, cls, info, view, action),
        "rate_limit": _rate_limit(func.decorator_list if func else [], cls, view),
    }


def _class_auth(cls, func, method, info: ViewClass, view: ModuleView, here: Location) -> Facet:
    action = _action_decorator(func)
    if action is not None and keyword(action, "permission_classes") is not None:
        return _permission_facet(keyword(action, "permission_classes"), view, method, action)
    from_decorators = _decorator_auth(func.decorator_list, view) if func else None
    if from_decorators is not None and from_decorators.state is FacetState.PRESENT:
        return from_decorators
    class_decorators = _decorator_auth(cls.decorator_list, view)
    if class_decorators is not None and class_decorators.state is FacetState.PRESENT:
        return class_decorators
    dispatch = _methods_of(cls, view).get("dispatch")
    if dispatch is not None:
        found = _decorator_auth(dispatch.decorator_list, view)
        if found is not None and found.state is FacetState.PRESENT:
            return found
    for base in _all_base_names(cls, view):
        if base in AUTH_MIXINS or name_role(base) == "auth":
            return present(f"{base}", here)
    for body in (func, dispatch):
        if body is not None:
            mechanism, node = explicit_auth_check(body, view)
            if mechanism:
                return present(mechanism, view.location(node))
    if info.kind in (DRF, "viewset"):
        permissions = _class_attribute(cls, "permission_classes", view)
        if permissions is not None:
            return _permission_facet(permissions, view, method, permissions)
        if "get_permissions" in _methods_of(cls, view):
            return unknown("get_permissions() decides", here)
    if info.opaque_bases:
        return unknown(f"base class {info.opaque_bases[0]} not visible", here)
    if info.kind in (DRF, "viewset"):
        return unknown("DRF default permission classes", here)
    for facet in (from_decorators, class_decorators):
        if facet is not None:
            return facet
    return absent("", here)


def _all_base_names(cls: ast.ClassDef, view: ModuleView, depth: int = 0) -> list[str]:
    names = []
    for base in cls.bases:
        name = last_name(base)
        names.append(name)
        local = view.classes.get(name) if isinstance(base, ast.Name) else None
        if local is not None and local is not cls and depth < 4:
            names.extend(_all_base_names(local, view, depth + 1))
    return names


def _action_decorator(func: FunctionNode | None) -> ast.Call | None:
    for decorator in func.decorator_list if func else []:
        if isinstance(decorator, ast.Call) and last_name(decorator.func) == "action":
            return decorator
    return None


def _validation(func, method, cls, info, view: ModuleView, here: Location) -> Facet:
    names = frozenset({"request", "req"})
    if func is not None:
        reads = raw_body_reads(func, names) + _post_reads(func, names)
        mechanism, node = schema_validation(func, view)
        if mechanism:
            return present(mechanism, view.location(node))
        if reads:
            read = reads[0]
            return absent(f"{read.value.id}.{read.attr} without a serializer or form", view.location(read))
    if method in SAFE_METHODS:
        return present("no body", here)
    if cls is not None:
        for attribute, label in (("serializer_class", "serializer_class"), ("form_class", "form_class"),
                                 ("fields", "model form fields")):
            if _class_attribute(cls, attribute, view) is not None:
                return present(label, here)
        if any(m in _methods_of(cls, view) for m in ("get_serializer_class", "get_form_class")):
            return present("serializer or form", here)
    if func is not None and passes_request(func, names):
        return unknown("request passed to another function", here)
    if func is None:
        return unknown("", here)
    return present("no body", here)


def _post_reads(func: ast.AST, names: frozenset[str]) -> list[ast.Attribute]:
    return [n for n in ast.walk(func) if isinstance(n, ast.Attribute) and n.attr == "POST"
            and isinstance(n.value, ast.Name) and n.value.id in names]


def _pagination(func, method, cls, info, view: ModuleView, action: str = "") -> Facet:
    if method != "GET":
        return unknown("not a GET")
    bases = info.bases if info is not None else frozenset()
    if cls is not None:
        pager = _class_attribute(cls, "pagination_class", view)
        paginate_by = _class_attribute(cls, "paginate_by", view)
        is_list = action == "list" or bool(bases & LIST_VIEWS) and func is None
        if paginate_by is not None and not (isinstance(paginate_by, ast.Constant) and paginate_by.value is None):
            return present("paginate_by", view.location(paginate_by))
        if pager is not None:
            if isinstance(pager, ast.Constant) and pager.value is None:
                return absent("pagination_class = None", view.location(pager)) if is_list \
                    else unknown("not a collection")
            return present(f"pagination_class = {last_name(pager)}", view.location(pager))
        if is_list:
            if "ListView" in bases:
                return absent("ListView without paginate_by", view.location(cls))
            return unknown("DRF default pagination", view.location(cls))
    if func is None:
        return unknown("not a collection")
    mechanism, node = pagination_evidence(func, ("GET", "query_params", "args"))
    if mechanism:
        return present(mechanism, view.location(node))
    found = collection_return(func, view)
    if found is not None:
        return absent("collection without limit", view.location(found))
    return unknown("not a collection")


def _rate_limit(decorators: list[ast.expr], cls, view: ModuleView) -> Facet:
    mechanism, node = rate_limit_decorator(list(decorators), view)
    if mechanism:
        return present(mechanism, view.location(node))
    for decorator in decorators:
        if last_name(_target(decorator)) == "throttle_classes":
            return present("@throttle_classes", view.location(decorator))
    throttles = _class_attribute(cls, "throttle_classes", view) if cls is not None else None
    if isinstance(throttles, (ast.List, ast.Tuple)):
        if throttles.elts:
            return present(f"throttle_classes = [{last_name(throttles.elts[0])}, ...]", view.location(throttles))
        return absent("throttle_classes = []", view.location(throttles))
    return unknown()


# ---------------------------------------------------------------- URL confs and routers

def _mentions_router(view: ModuleView) -> bool:
    return any(isinstance(v, ast.Call) and last_name(v.func) in ROUTERS for v in view.assigns.values())


class _UrlConf:
    """Reads `urlpatterns` and DRF routers of one module into mounts."""

    def __init__(self, view: ModuleView, builder) -> None:
        self.view = view
        self.builder = builder
        self.id = f"{view.module}:urlpatterns"
        self.routers = {name: f"{view.module}:{name}" for name, value in view.assigns.items()
                        if isinstance(value, ast.Call) and last_name(value.func) in ROUTERS}

    def read(self) -> None:
        for stmt in self.view.tree.body:
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "urlpatterns"
                                                    for t in stmt.targets):
                self._patterns(stmt.value, "", 0)
            elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) \
                    and stmt.target.id == "urlpatterns":
                self._patterns(stmt.value, "", 0)
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                self._statement_call(stmt.value)
        for name, ident in self.routers.items():
            self._router_default_routes(name, ident)

    def _statement_call(self, call: ast.Call) -> None:
        func = call.func
        if not isinstance(func, ast.Attribute):
            return
        if dotted(func.value) == "urlpatterns" and func.attr in ("append", "extend", "insert"):
            for arg in call.args:
                self._patterns(arg if func.attr != "append" else ast.List(elts=[arg], ctx=ast.Load()), "", 0)
        elif isinstance(func.value, ast.Name) and func.value.id in self.routers and func.attr == "register":
            self._register(self.routers[func.value.id], call)

    def _patterns(self, node: ast.AST, prefix: str, depth: int) -> None:
        if depth > 6 or node is None:
            return
        if isinstance(node, (ast.List, ast.Tuple)):
            for entry in node.elts:
                self._entry(entry, prefix, depth)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            self._patterns(node.left, prefix, depth + 1)
            self._patterns(node.right, prefix, depth + 1)
        elif isinstance(node, ast.Attribute) and node.attr == "urls" and isinstance(node.value, ast.Name) \
                and node.value.id in self.routers:
            self._mount(self.routers[node.value.id], prefix, node)
        elif isinstance(node, ast.Name) and node.id in self.view.assigns and node.id != "urlpatterns":
            self._patterns(self.view.assigns[node.id], prefix, depth + 1)
        elif isinstance(node, ast.Call) and last_name(node.func) in ("format_suffix_patterns", "i18n_patterns"):
            for arg in node.args:
                self._patterns(arg, prefix, depth + 1)

    def _entry(self, entry: ast.AST, prefix: str, depth: int) -> None:
        if isinstance(entry, ast.Starred):
            self._patterns(entry.value, prefix, depth + 1)
            return
        if not isinstance(entry, ast.Call) or last_name(entry.func) not in PATH_FUNCTIONS or len(entry.args) < 2:
            return
        raw = const_str(entry.args[0], self.view.constants)
        if raw is None:
            return
        route = normalise_route(raw) if last_name(entry.func) == "path" else normalise_regex(raw)
        full = _join(prefix, route)
        target = entry.args[1]
        if isinstance(target, ast.Call) and last_name(target.func) == "include" and target.args:
            self._include(target.args[0], full, depth, entry)
        elif isinstance(target, (ast.List, ast.Tuple)):
            self._include(target, full, depth, entry)
        elif isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute) \
                and target.func.attr == "as_view":
            self._as_view(target, full, entry)
        elif isinstance(target, (ast.Name, ast.Attribute)):
            child = self._symbol(target)
            if child:
                self._mount(child, full, entry)

    def _include(self, arg: ast.AST, prefix: str, depth: int, at: ast.AST) -> None:
        if isinstance(arg, ast.Tuple) and arg.elts:
            arg = arg.elts[0]
        module = const_str(arg, self.view.constants)
        if module is not None:
            self._mount(f"{module}:urlpatterns", prefix, at)
        elif isinstance(arg, (ast.List, ast.Tuple, ast.BinOp)):
            self._patterns(arg, prefix, depth + 1)
        elif isinstance(arg, ast.Attribute) and arg.attr == "urls" and isinstance(arg.value, ast.Name) \
                and arg.value.id in self.routers:
            self._mount(self.routers[arg.value.id], prefix, at)
        elif isinstance(arg, ast.Attribute) and arg.attr == "urls":
            return                                        # admin.site.urls and other opaque sets
        elif isinstance(arg, ast.Name) and arg.id in self.view.assigns:
            self._patterns(self.view.assigns[arg.id], prefix, depth + 1)
        elif isinstance(arg, ast.Name) and arg.id in self.view.imports or isinstance(arg, ast.Attribute):
            qualified = self.view.qualified(arg)
            if qualified:
                self._mount(f"{qualified}:urlpatterns", prefix, at)

    def _as_view(self, call: ast.Call, prefix: str, at: ast.AST) -> None:
        cls = call.func.value
        qualified = self.view.qualified(cls)
        if qualified.startswith(("django.", "rest_framework.")):
            name = last_name(cls)
            methods = DJANGO_VIEWS.get(name) or ("GET",)
            for method in methods:
                endpoint = Endpoint(method, prefix, qualified, self.view.location(at), FRAMEWORK)
                self.builder.routes.append(Route(self.id, endpoint))
            return
        if call.args and isinstance(call.args[0], ast.Dict):
            return                                        # ViewSet.as_view({"get": "list"}): not modelled
        child = self._symbol(cls)
        if child:
            self._mount(child, prefix, at)

    def _symbol(self, node: ast.AST) -> str:
        if isinstance(node, ast.Name) and node.id not in self.view.imports:
            return f"{self.view.module}:{node.id}" if node.id in self.view.functions \
                or node.id in self.view.classes else ""
        qualified = self.view.qualified(node)
        return symbol_id(qualified) if qualified and "." in qualified else ""

    def _register(self, router: str, call: ast.Call) -> None:
        prefix = const_str(call.args[0] if call.args else keyword(call, "prefix"), self.view.constants)
        viewset = call.args[1] if len(call.args) > 1 else keyword(call, "viewset")
        child = self._symbol(viewset) if viewset is not None else ""
        if prefix is not None and child:
            self.builder.mounts.append(Mount(router, child, normalise_regex(prefix) + "/",
                                             self.view.location(call)))

    def _router_default_routes(self, name: str, ident: str) -> None:
        value = self.view.assigns[name]
        if last_name(value.func) in ("DefaultRouter", "ExtendedDefaultRouter", "NestedDefaultRouter") \
                and not (isinstance(keyword(value, "include_root_view"), ast.Constant)
                         and keyword(value, "include_root_view").value is False):
            endpoint = Endpoint("GET", "", "rest_framework.routers.APIRootView", self.view.location(value), DRF,
                                auth=unknown("DRF default permission classes"))
            self.builder.routes.append(Route(ident, endpoint))

    def _mount(self, child: str, prefix: str, at: ast.AST) -> None:
        if child and child != self.id:
            self.builder.mounts.append(Mount(self.id, child, prefix, self.view.location(at)))


def _join(prefix: str, route: str) -> str:
    if not prefix:
        return route
    return prefix.rstrip("/") + "/" + route.lstrip("/")


# ---------------------------------------------------------------- settings

def _settings(view: ModuleView, builder) -> None:
    """`ROOT_URLCONF` + `MIDDLEWARE`: auth middleware guards every route of the root URL conf."""
    root = const_str(view.assigns.get("ROOT_URLCONF"), view.constants)
    middleware = const_str_list(view.assigns.get("MIDDLEWARE"), view.constants) or []
    if not root:
        return
    location = view.location(view.assigns["ROOT_URLCONF"])
    facets: list[tuple[str, Facet]] = []
    for item in middleware:
        name = item.rpartition(".")[2]
        if name == "LoginRequiredMiddleware" or not item.startswith(STANDARD_MIDDLEWARE) and name_role(name) == "auth":
            facets.append(("auth", present(f"middleware {name}", location)))
        elif not item.startswith(STANDARD_MIDDLEWARE) and name_role(name) not in ("rate", "infra"):
            facets.append(("auth", unknown(f"middleware {name} not visible", location)))
        if name_role(name) == "rate":
            facets.append(("rate_limit", present(f"middleware {name}", location)))
    if facets:
        builder.mounts.append(Mount("", f"{root}:urlpatterns", "", location, tuple(facets)))


EXTRACTOR = Extractor("python-django", extract, languages=("python",), kinds=("source",))
