"""
## What it does
Flags CSRF protection switched off where cookie sessions make it matter:
- Django settings whose literal `MIDDLEWARE` list has `SessionMiddleware` but no
  `CsrfViewMiddleware`;
- (MEDIUM confidence) `@csrf_exempt` (also `@method_decorator(csrf_exempt, ...)`) and Flask-WTF
  `@csrf.exempt` on a view that acts for the logged-in user (reads `request.user` or
  `request.session`, Flask `current_user`/`session`, or requires a login through a decorator or
  mixin) and handles state-changing requests: it requires POST/PUT/PATCH/DELETE, tests
  `request.method == "POST"`, reads `request.POST`/`request.body`, or is a class view with a
  `post`/`put`/`patch`/`delete` method;
- Flask-WTF turned off: `app.config["WTF_CSRF_ENABLED"] = False`,
  `app.config.update(WTF_CSRF_ENABLED=False)`, `WTF_CSRF_ENABLED = False` in a settings module or a
  production config class.

## Why it matters
Browsers attach cookies to requests that other sites trigger. Without a CSRF token check, any page
the user visits can submit a form to the application and change their email address, password or
payment details with the user's own session.

## Example
    from django.http import JsonResponse
    from django.views.decorators.csrf import csrf_exempt


    @csrf_exempt
    def update_email(request):
        if request.method == "POST":
            request.user.email = request.POST["email"]
            request.user.save()
        return JsonResponse({"ok": True})

## Use instead
    from django.http import JsonResponse
    from django.views.decorators.http import require_POST


    @require_POST
    def update_email(request):
        request.user.email = request.POST["email"]
        request.user.save()
        return JsonResponse({"ok": True})

## Known limitations
Exempt views that do not use cookie sessions are left alone: views that never touch the session user
(public endpoints, API views authenticated by a key), webhook and callback handlers (by name, or
because they check a signature or HMAC) and views that read an `Authorization` header. A login
enforced by middleware only, with the view not reading `request.user`, is missed. Views wrapped in
`csrf_exempt(...)` inside `urls.py`, DRF views (DRF applies its own check for session
authentication) and middleware lists built from other lists are not checked. Settings for tests and
development are skipped.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import (
    const_str, const_str_list, dotted, module_nodes_of, walk_local,
)
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import (
    is_dev_module, literal_bool, settings_module, under_dev_guard, words_of,
)
from prodcheck.rules.python.helpers import bound_constructor, parent_of, qualified

CSRF_EXEMPT = frozenset({"django.views.decorators.csrf.csrf_exempt"})
METHOD_DECORATOR = frozenset({"django.utils.decorators.method_decorator"})
FLASK_WTF_CSRF = frozenset({"flask_wtf.csrf.CSRFProtect", "flask_wtf.CSRFProtect", "flask_wtf.csrf.CsrfProtect",
                            "flask_wtf.CsrfProtect"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UNSAFE_METHOD_NAMES = frozenset({"post", "put", "patch", "delete"})
REQUIRE_POST = frozenset({"django.views.decorators.http.require_POST"})
REQUIRE_METHODS = frozenset({"django.views.decorators.http.require_http_methods"})
BODY_READS = frozenset({"POST", "body", "FILES", "data", "form", "json", "get_json"})
NO_COOKIE_WORDS = frozenset({"webhook", "webhooks", "hook", "hooks", "callback", "callbacks", "ipn", "notify",
                             "notification", "notifications", "stripe", "twilio", "slack", "github", "gitlab",
                             "paypal", "sns", "inbound", "telegram", "bot", "mailgun", "sendgrid", "postmark"})
SIGNATURE_MARKERS = ("signature", "hmac", "x-hub", "http_x_hub", "authorization", "http_authorization",
                     "construct_event", "compare_digest", "verify_webhook", "api_key", "x-api-key")
DRF_MARKERS = frozenset({"rest_framework.decorators.api_view"})
SESSION_GUARD_WORDS = frozenset({"login", "permission", "staff", "superuser", "passes", "authenticated",
                                 "auth"})
NO_COOKIE_GUARD_WORDS = frozenset({"token", "key", "api", "basic", "signature", "hmac", "jwt", "bearer"})
FLASK_SESSION_NAMES = frozenset({"flask_login.current_user", "flask.session", "flask_login.utils.current_user"})
SESSION_MIDDLEWARE = "django.contrib.sessions.middleware.SessionMiddleware"
CSRF_MIDDLEWARE = "django.middleware.csrf.CsrfViewMiddleware"
SETTING_NAMES = frozenset({"MIDDLEWARE", "MIDDLEWARE_CLASSES", "WTF_CSRF_ENABLED"})
PROD_CLASS_WORDS = frozenset({"prod", "production", "live", "staging", "release"})


def check(node: ast.AST, ctx):
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield from _exempt_view(node, ctx)
    elif isinstance(node, ast.Assign):
        yield from _assignment(node, ctx)
    elif isinstance(node, ast.Call):
        yield from _config_update(node, ctx)


# ---------------------------------------------------------------- exempt views

def _exempt_view(node: ast.AST, ctx):
    decorator = next((d for d in node.decorator_list if _is_exempt(d, ctx)), None)
    if decorator is None or is_dev_module(ctx):
        return
    if any(qualified(ctx, d.func if isinstance(d, ast.Call) else d) in DRF_MARKERS for d in node.decorator_list):
        return
    if isinstance(node, ast.ClassDef) and any(qualified(ctx, b).startswith("rest_framework.") for b in node.bases):
        return
    view = node
    parent = parent_of(ctx, node)
    if getattr(node, "name", "") == "dispatch" and isinstance(parent, ast.ClassDef):
        view = parent                   # `@method_decorator(csrf_exempt)` on `dispatch`: the whole class
    unsafe = _handles_unsafe_method(view, ctx)
    if not unsafe or not _uses_session(view, ctx) or _without_cookies(view, ctx):
        return
    kind = "class view" if isinstance(view, ast.ClassDef) else "view"
    yield ctx.finding(RULE, decorator, f"CSRF protection is switched off for the {kind} `{view.name}`, which "
                                       f"{unsafe}", confidence=Confidence.MEDIUM,
                      fix="Remove the exemption and send the CSRF token with the request (`{% csrf_token %}`, "
                          "the `X-CSRFToken` header); exempt only endpoints authenticated by a signature or "
                          "an `Authorization` header.")


def _is_exempt(decorator: ast.AST, ctx) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = qualified(ctx, target)
    if name in CSRF_EXEMPT:
        return True
    if name in METHOD_DECORATOR and isinstance(decorator, ast.Call) and decorator.args:
        return qualified(ctx, decorator.args[0]) in CSRF_EXEMPT
    if isinstance(target, ast.Attribute) and target.attr == "exempt":
        receiver = target.value
        return bound_constructor(ctx, receiver) in FLASK_WTF_CSRF or \
            isinstance(receiver, ast.Call) and qualified(ctx, receiver.func) in FLASK_WTF_CSRF or \
            dotted(receiver) in ("csrf", "csrf_protect", "csrfprotect")
    return False


def _handles_unsafe_method(node: ast.AST, ctx) -> str:
    """How the view shows that it takes state-changing requests, or ""."""
    if isinstance(node, ast.ClassDef):
        methods = [s.name for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                   and s.name in UNSAFE_METHOD_NAMES]
        return f"handles {methods[0].upper()}" if methods else ""
    if node.name in UNSAFE_METHOD_NAMES:
        return f"handles {node.name.upper()}"
    for decorator in node.decorator_list:
        found = _decorator_methods(decorator, ctx)
        if found:
            return f"accepts {found}"
    for inner in walk_local(node):
        if isinstance(inner, ast.Compare) and _compares_method(inner):
            return "handles POST requests"
        if isinstance(inner, ast.Attribute) and inner.attr in BODY_READS \
                and dotted(inner.value) in ("request", "self.request", "req"):
            return f"reads `request.{inner.attr}`"
    return ""


def _decorator_methods(decorator: ast.AST, ctx) -> str:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = qualified(ctx, target)
    if name in REQUIRE_POST:
        return "POST"
    if isinstance(decorator, ast.Call):
        if name in REQUIRE_METHODS and decorator.args:
            unsafe = [m for m in const_str_list(decorator.args[0]) or [] if m.upper() in UNSAFE_METHODS]
            return unsafe[0].upper() if unsafe else ""
        if isinstance(target, ast.Attribute) and target.attr in UNSAFE_METHOD_NAMES:
            return target.attr.upper()
        if isinstance(target, ast.Attribute) and target.attr == "route":
            for kw in decorator.keywords:
                if kw.arg == "methods":
                    unsafe = [m for m in const_str_list(kw.value) or [] if m.upper() in UNSAFE_METHODS]
                    return unsafe[0].upper() if unsafe else ""
    return ""


def _compares_method(compare: ast.Compare) -> bool:
    sides = [compare.left, *compare.comparators]
    reads_method = any(isinstance(s, ast.Attribute) and s.attr == "method" for s in sides)
    texts = [const_str(s) for s in sides]
    listed = [v for s in sides for v in (const_str_list(s) or [])]
    return reads_method and any((t or "").upper() in UNSAFE_METHODS for t in [*texts, *listed])


def _uses_session(node: ast.AST, ctx) -> bool:
    """The view acts for the logged-in user: it reads `request.user`/`request.session` (Flask:
    `current_user`, `session`), or a decorator or base class requires a login."""
    decorators = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list]
    bases = list(node.bases) if isinstance(node, ast.ClassDef) else []
    for target in [*decorators, *bases]:
        words = set(words_of(qualified(ctx, target).rsplit(".", 1)[-1]))
        if words & SESSION_GUARD_WORDS and not words & NO_COOKIE_GUARD_WORDS:
            return True
    body = ast.walk(node) if isinstance(node, ast.ClassDef) else walk_local(node)
    for inner in body:
        if isinstance(inner, ast.Attribute) and inner.attr in ("user", "session") \
                and dotted(inner.value) in ("request", "self.request", "req"):
            return True
        if isinstance(inner, ast.Name) and qualified(ctx, inner) in FLASK_SESSION_NAMES:
            return True
    return False


def _without_cookies(node: ast.AST, ctx) -> bool:
    """Webhooks, callbacks and header-authenticated endpoints do not ride on the session cookie."""
    names = [node.name]
    parent = parent_of(ctx, node)
    if isinstance(parent, ast.ClassDef):
        names.append(parent.name)
    if any(set(words_of(n)) & NO_COOKIE_WORDS for n in names):
        return True
    for inner in walk_local(node) if not isinstance(node, ast.ClassDef) else ast.walk(node):
        text = ""
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
            text = inner.value
        elif isinstance(inner, ast.Name):
            text = inner.id
        elif isinstance(inner, ast.Attribute):
            text = inner.attr
        if text and any(marker in text.lower() for marker in SIGNATURE_MARKERS):
            return True
    return False


# ---------------------------------------------------------------- settings

def _assignment(node: ast.Assign, ctx):
    if not any(_setting_name(t) in SETTING_NAMES for t in node.targets):
        return
    parent = parent_of(ctx, node)
    for target in node.targets:
        if isinstance(target, ast.Name) and target.id in ("MIDDLEWARE", "MIDDLEWARE_CLASSES") \
                and isinstance(parent, ast.Module) and settings_module(ctx):
            yield from _middleware(node, ctx)
            return
        if literal_bool(node.value) is not False:
            continue
        if isinstance(target, ast.Name) and target.id == "WTF_CSRF_ENABLED":
            module_level = isinstance(parent, ast.Module) and settings_module(ctx) in ("django", "settings")
            prod_class = isinstance(parent, ast.ClassDef) and set(words_of(parent.name)) & PROD_CLASS_WORDS
            if module_level or prod_class:
                yield ctx.finding(RULE, node, "`WTF_CSRF_ENABLED = False` turns off Flask-WTF's CSRF check")
                return
        if isinstance(target, ast.Subscript) and const_str(target.slice) == "WTF_CSRF_ENABLED" \
                and isinstance(target.value, ast.Attribute) and target.value.attr == "config" \
                and not is_dev_module(ctx) and not under_dev_guard(ctx, node):
            yield ctx.finding(RULE, node, "`WTF_CSRF_ENABLED = False` turns off Flask-WTF's CSRF check")
            return


def _setting_name(target: ast.AST) -> str:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Subscript):
        return const_str(target.slice) or ""
    return ""


def _middleware(node: ast.Assign, ctx):
    entries = const_str_list(node.value)
    if entries is None or SESSION_MIDDLEWARE not in entries or CSRF_MIDDLEWARE in entries:
        return
    if _csrf_added_elsewhere(ctx):          # `MIDDLEWARE.insert(2, "...CsrfViewMiddleware")`
        return
    yield ctx.finding(RULE, node, "`MIDDLEWARE` has `SessionMiddleware` but not `CsrfViewMiddleware`: "
                                  "no view checks CSRF tokens",
                      fix="Add \"django.middleware.csrf.CsrfViewMiddleware\" to `MIDDLEWARE` after "
                          "`SessionMiddleware`.")


def _csrf_added_elsewhere(ctx) -> bool:
    return any(const_str(n) == CSRF_MIDDLEWARE for n in module_nodes_of(ctx.file, ast.Constant))


def _config_update(call: ast.Call, ctx):
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in ("update", "from_mapping") \
            or not isinstance(func.value, ast.Attribute) or func.value.attr != "config":
        return
    for kw in call.keywords:
        if kw.arg == "WTF_CSRF_ENABLED" and literal_bool(kw.value) is False \
                and not is_dev_module(ctx) and not under_dev_guard(ctx, call):
            yield ctx.finding(RULE, kw.value, "`WTF_CSRF_ENABLED=False` turns off Flask-WTF's CSRF check")


RULE = NodeRule(
    id="PY-SEC-028", slug="csrf-protection-disabled", area=Area.SEC,
    title="CSRF protection disabled for cookie-authenticated requests",
    fix="Keep CSRF protection on (`CsrfViewMiddleware`, Flask-WTF `CSRFProtect`) and send the token with "
        "state-changing requests.",
    rows=("SEC-29",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-352",),
    stride=(Stride.TAMPERING, Stride.SPOOFING), example_path="views.py",
    coverage="partial",
    coverage_note="views exempted in urls.py and Flask apps without CSRFProtect are not checked",
    visits=(ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.Call), check=check,
)
