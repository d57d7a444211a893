"""
## What it does
Flags a POST, PUT, PATCH or DELETE endpoint that no authentication guards: no auth dependency
or decorator on the handler (`Depends(get_current_user)`, `@login_required`, `@jwt_required()`),
none on its class, router or app (FastAPI `dependencies=[...]`, `include_router(dependencies=...)`,
Flask `before_request` hooks, Django `LoginRequiredMixin`, auth middleware), no DRF
`permission_classes` other than `AllowAny`, and no explicit credential check in its body. Endpoints that are public by nature (login, signup, token, password
reset, webhooks, health; by path, or by a handler named `register_user`, `login`,
`recover_password`, ...; extend the list with `public-paths`) are skipped.

## Why it matters
An endpoint that changes state without authentication lets anyone on the network create, change
or delete data: the first request of an attacker needs no stolen credential at all. Default deny
means every state-changing route proves who is calling before it acts.

## Example
    from fastapi import FastAPI

    app = FastAPI()

    @app.delete("/users/{user_id}")
    def delete_user(user_id: int):
        ...

## Use instead
    from fastapi import Depends, FastAPI

    from app.auth import get_current_user

    app = FastAPI()

    @app.delete("/users/{user_id}")
    def delete_user(user_id: int, user=Depends(get_current_user)):
        ...

## Known limitations
Authentication enforced outside the code (an API gateway, a service mesh, a reverse proxy) is not
visible: list such paths under `public-paths` or suppress the finding with the reason. When the
inventory cannot tell (an imported dependency, decorator or base class whose name says nothing, a
custom middleware, DRF's `DEFAULT_PERMISSION_CLASSES` setting), the endpoint's auth is unknown and
the rule stays quiet. A Django function view is taken to answer GET and the methods it compares
`request.method` with. The confidence is MEDIUM
when no endpoint of the service shows any authentication, since the whole service may sit behind
a gateway.
"""
from __future__ import annotations

import re

from prodcheck.model import Area, Confidence, FacetState, Stride
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.generic.inventory.common import by_location, routes_text

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PUBLIC_HANDLER_WORDS = frozenset({
    "register", "registration", "signup", "signin", "login", "logon", "logout", "signout", "token",
    "tokens", "refresh", "forgot", "reset", "recover", "recovery", "webhook", "webhooks", "callback",
    "oauth", "oauth2", "sso", "saml", "oidc", "confirm", "activate", "health", "healthz", "ping",
    "metrics", "unsubscribe",
})
PUBLIC_HANDLER_PAIRS = frozenset({("sign", "up"), ("sign", "in"), ("log", "in"), ("sign", "out"),
                                  ("log", "out")})
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


MANAGEMENT_WORDS = frozenset({"delete", "remove", "revoke", "update", "edit", "rotate", "disable",
                              "destroy", "patch", "list", "admin"})


def public_by_handler_name(handler: str) -> bool:
    """`register_user`, `login_access_token`, `stripeWebhook`: named for a public action (not
    `revoke_token` or `delete_webhook`, which manage one)."""
    words = [w.lower() for w in _WORD.findall(handler.rpartition(".")[2])]
    if MANAGEMENT_WORDS & set(words):
        return False
    return bool(PUBLIC_HANDLER_WORDS & set(words)) or any(p in PUBLIC_HANDLER_PAIRS for p in zip(words, words[1:]))


def _unguarded(endpoint) -> bool:
    return (endpoint.method in STATE_CHANGING and endpoint.auth.state is FacetState.ABSENT
            and not endpoint.public_by_nature and not public_by_handler_name(endpoint.handler))


def check(project, ctx):
    endpoints = project.inventory.endpoints
    guarded_services = {e.service for e in endpoints if e.auth.state is FacetState.PRESENT}
    for at, group in by_location(endpoints, _unguarded, lambda e: e.auth.evidence or e.location):
        first = group[0]
        confidence = Confidence.HIGH if first.service in guarded_services else Confidence.MEDIUM
        cause = f"; {first.auth.mechanism}" if first.auth.mechanism else ""
        yield ctx.finding(
            RULE, at,
            f"{routes_text(group)} changes state without authentication (handler `{first.handler}`{cause})",
            related=(first.location,) if at != first.location else (),
            confidence=confidence, symbol=first.handler)


RULE = ProjectRule(
    id="GEN-SEC-120", slug="state-changing-endpoint-without-auth", area=Area.SEC,
    title="State-changing endpoint without authentication",
    fix="Require authentication on the endpoint or its router (e.g. `Depends(get_current_user)`, "
        "`@login_required`), or list the path under `public-paths` if it is public by design.",
    rows=("SEC-20",), doc=__doc__, confidence=Confidence.HIGH,
    cwe=("CWE-306",), stride=(Stride.SPOOFING, Stride.ELEVATION_OF_PRIVILEGE),
    example_path="app.py", check=check, coverage="partial",
    coverage_note="endpoints from the Python inventory (FastAPI, Flask); other frameworks as their inventories land",
)
