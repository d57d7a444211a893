"""
## What it does
Flags a request handler that only answers GET or HEAD but writes to the database: Django ORM
writes (`.save()`, `objects.create/update/delete/get_or_create/...`, a queryset `.update()`),
SQLAlchemy session writes (`session.add/delete/merge`, `session.execute(insert/update/delete)`),
and DB-API `execute("INSERT|UPDATE|DELETE ...")`. Handlers are FastAPI/Flask route decorators
(`@app.get`, `@bp.route` without `methods`), Flask view classes, Django views restricted to GET
(`@require_GET`, `@api_view(["GET"])`), `get()` methods of Django/DRF view classes and the `list`/
`retrieve` actions of DRF viewsets.

## Why it matters
GET and HEAD are safe methods: browsers prefetch them, crawlers and link scanners follow them,
proxies and CDNs cache and retry them, and CSRF protection does not cover them. A GET that writes is
changed by traffic nobody intended (an e-mail security scanner "clicks" every link) and can be
triggered cross-site with an `<img src>`.

## Example
    from flask import Flask, jsonify

    from app.models import Article, db

    app = Flask(__name__)

    @app.get("/articles/<int:article_id>/archive")
    def archive_article(article_id):
        article = db.session.get(Article, article_id)
        db.session.delete(article)
        db.session.commit()
        return jsonify(status="archived")

## Use instead
    from flask import Flask, jsonify

    from app.models import Article, db

    app = Flask(__name__)

    @app.post("/articles/<int:article_id>/archive")
    def archive_article(article_id):
        article = db.session.get(Article, article_id)
        db.session.delete(article)
        db.session.commit()
        return jsonify(status="archived")

## Known limitations
Only writes written in the handler itself are seen, not those of services it calls. Django
function views that do not restrict their methods are not checked (their writes usually sit under
`if request.method == "POST":`). Handlers whose path or name marks a link that must work by GET
(OAuth/SSO callbacks, webhooks, e-mail confirmation, activation and unsubscribe links) are skipped.
Writes that only record the visit (a view counter, a last-seen time) are reported too.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import name_tokens, walk_local
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.data_helpers import SAFE_METHODS, is_test_or_migration, orm_write, request_handlers

LINK_WORDS = frozenset({"callback", "callbacks", "oauth", "oauth2", "sso", "saml", "oidc", "webhook", "webhooks",
                        "hook", "hooks", "confirm", "confirmation", "verify", "verification", "activate",
                        "activation", "unsubscribe", "magic", "authorize", "authorized", "redirect", "track",
                        "tracking", "pixel", "cron", "tasks"})


def check(node: ast.AST, ctx):
    if is_test_or_migration(ctx):
        return
    handler = request_handlers(ctx).get(id(node))
    if handler is None or not handler.methods or not handler.methods <= SAFE_METHODS:
        return
    words = set(name_tokens(node.name)) | set(name_tokens(handler.path.replace("/", " ").replace("-", "_")))
    if words & LINK_WORDS:
        return
    writes = []
    for inner in walk_local(node):
        if isinstance(inner, ast.Call):
            what = orm_write(ctx, inner)
            if what:
                writes.append((inner, what))
    if not writes:
        return
    writes.sort(key=lambda item: (item[0].lineno, item[0].col_offset))
    first, what = writes[0]
    methods = "/".join(sorted(handler.methods - {"OPTIONS"})) or "GET"
    route = f" `{handler.path}`" if handler.path else ""
    more = f" (and {len(writes) - 1} more write(s))" if len(writes) > 1 else ""
    yield ctx.finding(
        RULE, first,
        f"{methods} handler `{node.name}`{route} writes to the database: {what}{more}; GET and HEAD "
        f"must not change state",
        related=[node, *(w for w, _ in writes[1:4])])


RULE = NodeRule(
    id="PY-API-002", slug="get-handler-mutates-state", area=Area.API,
    title="GET handler writes to the database",
    fix="Serve the change from a POST/PUT/PATCH/DELETE endpoint (with CSRF protection for cookie "
        "sessions) and keep GET handlers read-only.",
    rows=("API-07",), doc=__doc__, confidence=Confidence.HIGH, example_path="app.py",
    coverage="partial", coverage_note="verbs in paths and PUT/PATCH semantics are not checked",
    visits=(ast.FunctionDef, ast.AsyncFunctionDef), check=check,
)
