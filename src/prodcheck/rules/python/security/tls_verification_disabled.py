"""
## What it does
Flags code that turns off TLS certificate or host name checks:
- `verify=False` on `requests` calls and sessions (`session.verify = False` too), on `httpx` calls
  and clients, `boto3`/`botocore` clients and `hvac.Client`; `ssl=False`/`verify_ssl=False` on
  `aiohttp` sessions and connectors; `verify_certs=False` on Elasticsearch; `tlsInsecure=True` or
  `tlsAllowInvalidCertificates=True` on `pymongo.MongoClient`; `ssl_cert_reqs="none"` on Redis;
  `cert_reqs="CERT_NONE"` on urllib3 pools;
- `ssl._create_unverified_context` (called or installed as the default HTTPS context),
  `ssl.CERT_NONE` used as a value, `context.check_hostname = False`;
- `os.environ["PYTHONHTTPSVERIFY"] = "0"` and `os.environ["CURL_CA_BUNDLE"] = ""`.

## Why it matters
Without certificate validation anyone on the network path (a shared Wi-Fi, a compromised router, a
cloud neighbour doing ARP spoofing) can impersonate the server, read the credentials and data sent to
it and change the answers. The encryption still happens, with the attacker.

## Example
    import requests


    def fetch_invoice(invoice_id, api_key):
        response = requests.get(
            f"https://billing.internal/invoices/{invoice_id}",
            headers={"Authorization": f"Bearer {api_key}"},
            verify=False,
            timeout=10,
        )
        return response.json()

## Use instead
    import requests

    INTERNAL_CA = "/etc/ssl/certs/internal-ca.pem"


    def fetch_invoice(invoice_id, api_key):
        response = requests.get(
            f"https://billing.internal/invoices/{invoice_id}",
            headers={"Authorization": f"Bearer {api_key}"},
            verify=INTERNAL_CA,
            timeout=10,
        )
        return response.json()

## Known limitations
Only literal values count: `verify=settings.VERIFY_TLS` is trusted, and so is code in the branch of
an `if settings.DEBUG:` (or `if not PRODUCTION:`) test or under an `if` that tests a verification
option (`if not settings.VERIFY_SSL:`, `if cert_reqs == ssl.CERT_NONE:`, `if insecure:`), where
skipping the check is an explicit opt-in. Classes that implement an SSL context and initialise
their own attributes (`self.check_hostname = False`) are not reported. Comparisons such as
`ctx.verify_mode == ssl.CERT_NONE` are not reported. Database URLs without `sslmode=require` are out
of scope here.
"""
from __future__ import annotations

import ast
from types import MappingProxyType

from prodcheck.facts.extractors.python_common import const_str, dotted
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import ancestors, literal_bool, under_dev_guard, words_of
from prodcheck.rules.python.helpers import bound_constructor, parent_of, qualified, replace_span_diff

HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream",
                        "ws_connect"})
REQUESTS_SESSIONS = frozenset({"requests.Session", "requests.session", "requests.sessions.Session"})
HTTPX_CLIENTS = frozenset({"httpx.Client", "httpx.AsyncClient"})
AIOHTTP_SESSIONS = frozenset({"aiohttp.ClientSession", "aiohttp.client.ClientSession"})
VERIFY_FALSE_CALLEES = frozenset({"boto3.client", "boto3.resource", "boto3.session.Session().client",
                                  "boto3.Session().client", "boto3.Session().resource", "hvac.Client",
                                  "httpx.Client", "httpx.AsyncClient", "httpx.HTTPTransport",
                                  "httpx.AsyncHTTPTransport"})
ELASTIC = ("elasticsearch.Elasticsearch", "elasticsearch.AsyncElasticsearch", "opensearchpy.OpenSearch",
           "opensearchpy.AsyncOpenSearch")
MONGO = frozenset({"pymongo.MongoClient", "motor.motor_asyncio.AsyncIOMotorClient", "mongoengine.connect"})
REDIS = frozenset({"redis.Redis", "redis.StrictRedis", "redis.asyncio.Redis", "redis.from_url",
                   "redis.Redis.from_url", "redis.asyncio.from_url", "redis.asyncio.Redis.from_url"})
URLLIB3 = frozenset({"urllib3.PoolManager", "urllib3.HTTPSConnectionPool", "urllib3.connection_from_url",
                     "urllib3.ProxyManager", "urllib3.poolmanager.PoolManager"})
UNVERIFIED_CONTEXTS = frozenset({"ssl._create_unverified_context", "ssl._create_stdlib_context"})
OPT_IN_WORDS = frozenset({"verify", "verification", "insecure", "cert", "certs", "reqs", "ssl", "tls",
                          "hostname", "validate", "validation", "unverified", "selfsigned", "skip"})
INSECURE_ENV = MappingProxyType({"PYTHONHTTPSVERIFY": ("0", "false"), "CURL_CA_BUNDLE": ("",),
                                 "REQUESTS_CA_BUNDLE": ("",)})


def check(node: ast.AST, ctx):
    if isinstance(node, ast.Call):
        found = _call(node, ctx)
    elif isinstance(node, ast.Attribute):
        found = _attribute(node, ctx)
    else:
        found = _assignment(node, ctx)
    if found is not None and not under_dev_guard(ctx, node) and not _opt_in(node, ctx):
        at, message, diff = found
        yield ctx.finding(RULE, at, message, diff=diff)


def _opt_in(node: ast.AST, ctx) -> bool:
    """Inside an `if` (in the same function) that tests a verification setting: `if not
    settings.VERIFY_SSL:`, `if cert_reqs == ssl.CERT_NONE:`, `if insecure:`. Turning checks off is
    then an explicit option, not the default."""
    for parent in ancestors(ctx, node):
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
        if isinstance(parent, (ast.If, ast.IfExp)):
            words = set()
            for inner in ast.walk(parent.test):
                if isinstance(inner, ast.Name):
                    words.update(words_of(inner.id))
                elif isinstance(inner, ast.Attribute):
                    words.update(words_of(inner.attr))
            if words & OPT_IN_WORDS:
                return True
    return False


# ---------------------------------------------------------------- client calls

def _call(call: ast.Call, ctx):
    if not call.keywords:
        return None
    name = qualified(ctx, call.func)
    kind = _client_kind(call, name, ctx)
    if not kind:
        return None
    label = _label(call, name)
    for kw in call.keywords:
        arg, value = kw.arg, kw.value
        if arg in ("verify", "verify_ssl", "ssl", "verify_certs") and literal_bool(value) is False \
                and _accepts(kind, arg):
            return value, f"`{label}(..., {arg}=False)` skips TLS certificate verification", \
                replace_span_diff(ctx, value, "True")
        if kind == "mongo" and arg in ("tlsInsecure", "tlsAllowInvalidCertificates", "tlsAllowInvalidHostnames",
                                       "ssl_match_hostname") and literal_bool(value) is (arg != "ssl_match_hostname"):
            return value, f"`{label}(..., {arg}={value.value})` skips TLS certificate verification", ""
        if kind == "redis" and arg == "ssl_cert_reqs" and (_is_none_text(value)):
            return value, f"`{label}(..., ssl_cert_reqs=None)` skips TLS certificate verification", ""
        if kind == "urllib3" and arg == "cert_reqs" and (const_str(value) or "").upper() in ("CERT_NONE", "NONE"):
            return value, f"`{label}(..., cert_reqs=\"CERT_NONE\")` skips TLS certificate verification", ""
    return None


def _client_kind(call: ast.Call, name: str, ctx) -> str:
    module, _, attr = name.rpartition(".")
    base = module.removesuffix("()")
    if attr in HTTP_VERBS and (module in ("requests", "requests.api") or base in REQUESTS_SESSIONS):
        return "requests"
    if module == "httpx" and attr in HTTP_VERBS or name in VERIFY_FALSE_CALLEES \
            or base in HTTPX_CLIENTS and attr in HTTP_VERBS:
        return "verify"
    if name in AIOHTTP_SESSIONS or name in ("aiohttp.TCPConnector", "aiohttp.connector.TCPConnector") \
            or base in AIOHTTP_SESSIONS and attr in HTTP_VERBS or name == "aiohttp.request":
        return "aiohttp"
    if name in ELASTIC:
        return "elastic"
    if name in MONGO:
        return "mongo"
    if name in REDIS:
        return "redis"
    if name in URLLIB3:
        return "urllib3"
    if attr in HTTP_VERBS and isinstance(call.func, ast.Attribute):
        bound = bound_constructor(ctx, call.func.value)
        if bound in REQUESTS_SESSIONS:
            return "requests"
        if bound in HTTPX_CLIENTS:
            return "verify"
        if bound in AIOHTTP_SESSIONS:
            return "aiohttp"
    return ""


def _accepts(kind: str, arg: str) -> bool:
    return {"requests": arg == "verify", "verify": arg == "verify", "aiohttp": arg in ("ssl", "verify_ssl"),
            "elastic": arg == "verify_certs"}.get(kind, False)


def _is_none_text(node: ast.AST) -> bool:
    text = const_str(node)
    return text is not None and text.lower() == "none" or isinstance(node, ast.Constant) and node.value is None


def _label(call: ast.Call, name: str) -> str:
    if isinstance(call.func, ast.Attribute):
        text = dotted(call.func)
        if text:
            return text
    return name.replace("()", "(...)")


# ---------------------------------------------------------------- ssl module values

def _attribute(node: ast.Attribute, ctx):
    if node.attr in ("_create_unverified_context", "_create_stdlib_context"):
        if qualified(ctx, node) in UNVERIFIED_CONTEXTS and isinstance(node.ctx, ast.Load):
            return node, f"`ssl.{node.attr}` builds a context that checks neither certificates nor host names", ""
        return None
    if node.attr != "CERT_NONE" or qualified(ctx, node) not in ("ssl.CERT_NONE", "ssl.VerifyMode.CERT_NONE"):
        return None
    if not _used_as_value(node, ctx) or _self_default(node, ctx):
        return None
    return node, "`ssl.CERT_NONE` accepts any certificate, including an attacker's", \
        replace_span_diff(ctx, node, "ssl.CERT_REQUIRED")


def _self_default(node: ast.AST, ctx) -> bool:
    """`self.verify_mode = ssl.CERT_NONE`: a context-like class initialising its own default."""
    parent = parent_of(ctx, node)
    return isinstance(parent, ast.Assign) and all(
        isinstance(t, ast.Attribute) and dotted(t.value) == "self" for t in parent.targets)


def _used_as_value(node: ast.AST, ctx) -> bool:
    """Assigned, passed as an argument or stored in a dict; not compared or tested."""
    parent = parent_of(ctx, node)
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
        return True
    if isinstance(parent, ast.keyword):
        return True
    if isinstance(parent, ast.Call) and node in parent.args:
        return True
    return isinstance(parent, ast.Dict) and node in parent.values


# ---------------------------------------------------------------- assignments

def _assignment(node: ast.Assign, ctx):
    for target in node.targets:
        if isinstance(target, ast.Attribute) and literal_bool(node.value) is False:
            if target.attr == "check_hostname" and dotted(target.value) != "self":
                return node, f"`{dotted(target) or 'check_hostname'} = False` accepts certificates issued for " \
                             "any host", replace_span_diff(ctx, node.value, "True")
            if target.attr == "verify" and bound_constructor(ctx, target.value) in REQUESTS_SESSIONS | HTTPX_CLIENTS:
                return node, f"`{dotted(target)} = False` turns off certificate verification for every request " \
                             "of the session", replace_span_diff(ctx, node.value, "True")
        if isinstance(target, ast.Subscript) and qualified(ctx, target.value) == "os.environ":
            key = const_str(target.slice)
            value = const_str(node.value)
            if key in INSECURE_ENV and value is not None and value.lower() in INSECURE_ENV[key]:
                return node, f"`os.environ[\"{key}\"] = \"{value}\"` turns off certificate verification " \
                             "process-wide", ""
    return None


RULE = NodeRule(
    id="PY-SEC-023", slug="tls-verification-disabled", area=Area.SEC,
    title="TLS certificate verification disabled",
    fix="Keep certificate verification on; for a private CA pass its bundle (`verify=\"/path/ca.pem\"`, "
        "`ssl.create_default_context(cafile=...)`).",
    rows=("SEC-16",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-295",),
    stride=(Stride.SPOOFING, Stride.INFORMATION_DISCLOSURE, Stride.TAMPERING), example_path="app.py",
    coverage="partial",
    coverage_note="database and Redis URLs without TLS (sslmode, rediss://) are not checked",
    visits=(ast.Call, ast.Attribute, ast.Assign), check=check,
)
