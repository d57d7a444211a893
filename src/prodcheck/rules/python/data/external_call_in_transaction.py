"""
## What it does
Flags slow or irreversible side effects made while a database transaction is open: inside a
`with transaction.atomic():` block or an `@transaction.atomic` function (Django), or a
`with session.begin():` / `engine.begin()` / `conn.transaction()` block (SQLAlchemy, asyncpg):
- HTTP calls (`requests`, `httpx`, `aiohttp`, `urllib.request.urlopen`, and clients built from
  them in the same scope), payment SDK calls (`stripe.*`);
- e-mail (`send_mail`, `send_mass_mail`, `mail_admins`, `EmailMessage(...).send()`,
  `smtplib.SMTP`);
- task and message publishing: Celery `.delay()`/`.apply_async()`/`send_task()`, pika
  `basic_publish`, Kafka `produce`/`send` on a producer.

## Why it matters
The transaction holds its row locks and a pooled connection for as long as the remote call takes:
a slow partner API turns into lock waits, deadlocks and an exhausted pool. Worse, the side effect
cannot be rolled back: if the transaction fails after the e-mail was sent or the task was queued,
the customer is told about an order that does not exist, and a worker may pick up the task before
the commit is visible and not find the row. Publish after the commit (`transaction.on_commit`, an
outbox table) and call remote services before or after the transaction.

## Example
    import requests
    from django.db import transaction

    from shop.models import Order
    from shop.tasks import send_receipt

    def place_order(cart):
        with transaction.atomic():
            order = Order.objects.create(total=cart.total)
            requests.post("https://payments.example.com/charge", json={"amount": cart.total}, timeout=5)
            send_receipt.delay(order.pk)
        return order

## Use instead
    import requests
    from django.db import transaction

    from shop.models import Order
    from shop.tasks import send_receipt

    def place_order(cart):
        requests.post("https://payments.example.com/charge", json={"amount": cart.total}, timeout=5)
        with transaction.atomic():
            order = Order.objects.create(total=cart.total)
            transaction.on_commit(lambda: send_receipt.delay(order.pk))
        return order

## Known limitations
Only calls written directly in the transaction block (or the atomic function) are seen: a call made
by a helper that the block calls is not followed. Django's `ATOMIC_REQUESTS = True` (every view in a
transaction) is not taken into account. Clients passed in as parameters (`client.post(...)`) are
not recognised as HTTP clients.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import dotted, last_name, name_tokens
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.data_helpers import enclosing_transaction, is_test_or_migration
from prodcheck.rules.python.helpers import bound_constructor, qualified

HTTP_PREFIXES = ("requests.", "httpx.", "aiohttp.", "urllib3.")
HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "send",
                        "stream", "urlopen", "fetch"})
HTTP_CLIENTS = ("requests.Session", "requests.session", "httpx.Client", "httpx.AsyncClient",
                "aiohttp.ClientSession", "urllib3.PoolManager")
MAIL_FUNCTIONS = frozenset({"django.core.mail.send_mail", "django.core.mail.send_mass_mail",
                            "django.core.mail.mail_admins", "django.core.mail.mail_managers",
                            "smtplib.SMTP", "smtplib.SMTP_SSL"})
MAIL_CLASSES = ("django.core.mail.EmailMessage", "django.core.mail.EmailMultiAlternatives",
                "django.core.mail.message.EmailMessage", "django.core.mail.message.EmailMultiAlternatives")
PRODUCER_WORDS = frozenset({"producer", "publisher", "kafka", "broker", "bus"})


def check(node: ast.Call, ctx):
    if is_test_or_migration(ctx):
        return
    kind = _external(ctx, node)
    if not kind:
        return
    opener, block = enclosing_transaction(ctx, node)
    if not opener:
        return
    yield ctx.finding(
        RULE, node,
        f"{kind} inside the `{opener}` transaction opened on line {block.lineno}: the transaction "
        f"holds its locks and connection while it waits, and the side effect is not rolled back",
        related=(block,))


def _external(ctx, call: ast.Call) -> str:
    func = call.func
    resolved = qualified(ctx, func)
    method = last_name(func)
    if resolved.startswith(HTTP_PREFIXES) and method in HTTP_VERBS or resolved == "urllib.request.urlopen":
        return f"HTTP call `{dotted(func) or method}()`"
    if resolved.startswith("stripe.") and method in ("create", "modify", "retrieve", "capture", "confirm",
                                                       "cancel", "delete", "list"):
        return f"payment API call `{dotted(func) or method}()`"
    if resolved in MAIL_FUNCTIONS:
        return f"e-mail `{method}()`"
    if not isinstance(func, ast.Attribute):
        return ""
    receiver = func.value
    if method in HTTP_VERBS and bound_constructor(ctx, receiver) in HTTP_CLIENTS:
        return f"HTTP call `{dotted(func) or method}()`"
    if method == "send" and not call.args and (
            isinstance(receiver, ast.Call) and qualified(ctx, receiver.func) in MAIL_CLASSES
            or bound_constructor(ctx, receiver) in MAIL_CLASSES):
        return "e-mail `send()`"
    if method in ("delay", "apply_async") and isinstance(receiver, (ast.Name, ast.Attribute)) \
            and last_name(receiver) != "self":
        return f"task publish `{dotted(func) or method}()`"
    if method == "send_task" and set(name_tokens(dotted(receiver))) & {"celery", "app"}:
        return f"task publish `{dotted(func) or method}()`"
    if method == "basic_publish":
        return f"message publish `{dotted(func) or method}()`"
    if method in ("produce", "send", "send_and_wait", "publish") \
            and set(name_tokens(last_name(receiver))) & PRODUCER_WORDS:
        return f"message publish `{dotted(func) or method}()`"
    return ""


RULE = NodeRule(
    id="PY-DATA-011", slug="external-call-in-transaction", area=Area.DATA,
    title="HTTP call, e-mail or task publish inside a database transaction",
    fix="Move remote calls out of the transaction; publish tasks and send e-mail after the commit "
        "with `transaction.on_commit(...)` (or an outbox table).",
    rows=("DATA-10",), doc=__doc__, confidence=Confidence.HIGH, example_path="shop/services.py",
    coverage="partial", coverage_note="long transactions and inconsistent lock order are not checked",
    visits=(ast.Call,), check=check,
)
