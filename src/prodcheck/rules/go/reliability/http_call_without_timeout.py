"""
## What it does
Flags outbound HTTP requests that can wait forever:
- the `net/http` package helpers `http.Get`, `http.Post`, `http.Head` and `http.PostForm`, and
  `http.DefaultClient.Do/Get/Post/Head/PostForm(...)`: they use `http.DefaultClient`, which has
  no timeout (unless the file sets `http.DefaultClient.Timeout`);
- an `http.Client{...}` / `&http.Client{...}` literal without a `Timeout` field that is used for
  requests in the same function (`client.Do(req)`, `client.Get(url)`, or called inline), and no
  `client.Timeout = ...` follows; a client literal without `Timeout` that is returned or stored
  in a struct field is reported with MEDIUM confidence.

A request built with `http.NewRequestWithContext(ctx, ...)` from a context other than
`context.Background()`/`context.TODO()` (or given one with `req.WithContext(ctx)`) is trusted to
carry a deadline and is not reported.

## Why it matters
`http.DefaultClient` and a zero-value `http.Client` never time out: when an upstream accepts the
connection and then stalls, the goroutine waits forever holding its connection and memory. In a
server every request that depends on the upstream piles up the same way until the process runs
out of file descriptors or memory, and one slow dependency takes the whole service down.

## Example
    package billing

    import (
    	"io"
    	"net/http"
    )

    func FetchRates() ([]byte, error) {
    	resp, err := http.Get("https://api.example.com/rates")
    	if err != nil {
    		return nil, err
    	}
    	defer resp.Body.Close()
    	return io.ReadAll(resp.Body)
    }

## Use instead
    package billing

    import (
    	"io"
    	"net/http"
    	"time"
    )

    var client = &http.Client{Timeout: 10 * time.Second}

    func FetchRates() ([]byte, error) {
    	resp, err := client.Get("https://api.example.com/rates")
    	if err != nil {
    		return nil, err
    	}
    	defer resp.Body.Close()
    	return io.ReadAll(resp.Body)
    }

## Known limitations
Clients built in another file or package, and `Transport`-level timeouts
(`ResponseHeaderTimeout`, dialer timeouts) without a client `Timeout`, are not analysed; a
transport with its own timeouts still lets a slow body hang. Third-party clients (resty, req)
are not checked.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import (
    arguments_of, assignments_to, call_parts, composite_fields, composite_type, local_value, selector_names,
    unparen, walk_local,
)
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.helpers import generated_or_tool, package_of, view

REQUEST_METHODS = frozenset({"Do", "Get", "Post", "Head", "PostForm"})
BACKGROUND = frozenset({"context.Background()", "context.TODO()"})


def check(node, ctx):
    if generated_or_tool(ctx):
        return
    if node.type == "call_expression":
        yield from _call(node, ctx)
    elif node.type == "composite_literal":
        yield from _literal(node, ctx)


def _call(call, ctx):
    operand, name = view(ctx).call_parts(call)
    if operand is None or name not in REQUEST_METHODS:
        return
    operand = unparen(operand)
    if operand.type == "identifier" and package_of(operand, ctx) == "net/http" and name != "Do":
        if _default_timeout_set(ctx):
            return
        yield ctx.finding(RULE, call, f"`http.{name}` uses `http.DefaultClient`, which has no timeout")
        return
    if operand.type == "selector_expression" and selector_names(operand)[-1:] == ["DefaultClient"] \
            and package_of(operand.child_by_field_name("operand"), ctx) == "net/http":
        if _default_timeout_set(ctx) or name == "Do" and _request_has_context(call, ctx):
            return
        yield ctx.finding(RULE, call, f"`http.DefaultClient.{name}` has no timeout")


def _literal(node, ctx):
    if composite_type(node, view(ctx)) != ("net/http", "Client"):
        return
    fields = composite_fields(node)
    if "Timeout" in fields:
        return
    usage = _usage(node, ctx)
    if usage is None:
        return
    kind, detail = usage
    if kind == "used":
        yield ctx.finding(RULE, node, f"`http.Client` without a `Timeout` is used for requests ({detail})")
    elif kind == "kept":
        yield ctx.finding(RULE, node, f"`http.Client` without a `Timeout` is {detail} for later requests",
                          confidence=Confidence.MEDIUM)


def _usage(node, ctx):
    """("used", how) / ("kept", how) / None for a client literal."""
    file_view = view(ctx)
    outer = node
    if outer.parent is not None and outer.parent.type == "unary_expression":
        outer = outer.parent
    while outer.parent is not None and outer.parent.type == "parenthesized_expression":
        outer = outer.parent
    parent = outer.parent
    if parent is None:
        return None
    if parent.type == "selector_expression" and parent.parent is not None \
            and parent.parent.type == "call_expression" \
            and file_view.text(parent.child_by_field_name("field")) in REQUEST_METHODS:
        return "used", f".{file_view.text(parent.child_by_field_name('field'))}() on the literal"
    if parent.type == "expression_list":
        holder = parent.parent
        if holder is None:
            return None
        if holder.type == "return_statement":
            return "kept", "returned"
        if holder.type in ("short_var_declaration", "assignment_statement", "var_spec"):
            return _assigned(holder, parent, outer, ctx)
    if parent.type == "literal_element" and parent.parent is not None and parent.parent.type == "keyed_element":
        return "kept", "stored in a struct field"
    return None


def _assigned(holder, values, outer, ctx):
    file_view = view(ctx)
    index = [c.id for c in values.named_children].index(outer.id) if outer.id in [
        c.id for c in values.named_children] else -1
    if holder.type == "var_spec":
        targets = list(holder.children_by_field_name("name"))
    else:
        left = holder.child_by_field_name("left")
        targets = list(left.named_children) if left is not None else []
    if index < 0 or index >= len(targets):
        return None
    target = targets[index]
    func = file_view.enclosing_function(holder)
    if target.type == "selector_expression":
        return "kept", "stored in a struct field"
    if target.type != "identifier":
        return None
    name = file_view.text(target)
    if func is None:
        return _package_client(name, ctx)
    for node in file_view.walk_local(func.child_by_field_name("body")):
        if node.type == "assignment_statement":
            left = node.child_by_field_name("left")
            if left is not None and any(selector_names(c) == [name, "Timeout"] for c in left.named_children):
                return None
    for node in file_view.walk_local(func.child_by_field_name("body")):
        if node.type != "call_expression":
            continue
        operand, method = file_view.call_parts(node)
        operand = unparen(operand)
        if method in REQUEST_METHODS and operand is not None and operand.type == "identifier" \
                and file_view.text(operand) == name:
            if method == "Do" and _request_has_context(node, ctx):
                return None
            return "used", f"`{name}.{method}`"
    if _returned(name, func):
        return "kept", "returned"
    return None


def _package_client(name: str, ctx):
    """A package-level `var client = &http.Client{}`: used anywhere in the file?"""
    file_view = view(ctx)
    for node in file_view.nodes_of("assignment_statement"):
        left = node.child_by_field_name("left")
        if left is not None and any(selector_names(c) == [name, "Timeout"] for c in left.named_children):
            return None
    for node in file_view.nodes_of("call_expression"):
        operand, method = file_view.call_parts(node)
        operand = unparen(operand)
        if method in REQUEST_METHODS and operand is not None and operand.type == "identifier" \
                and file_view.text(operand) == name and not (method == "Do" and _request_has_context(node, ctx)):
            return "used", f"`{name}.{method}`"
    return None


def _returned(name: str, func) -> bool:
    for node in walk_local(func.child_by_field_name("body"), into_literals=False):
        if node.type == "return_statement" and any(
                text_of(c) == name for c in walk_local(node) if c.type == "identifier"):
            return True
    return False


def _request_has_context(call, ctx) -> bool:
    """`client.Do(req)` where req was made with a caller's context, or given one."""
    file_view = view(ctx)
    args = file_view.arguments(call)
    if not args:
        return False
    request = unparen(args[0])
    if request is None:
        return False
    if request.type == "call_expression":
        return _context_call(request)
    if request.type != "identifier":
        return True
    name = file_view.text(request)
    values = [local_value(name, call, file_view)]
    func = file_view.enclosing_function(call)
    if func is not None:
        values.extend(assignments_to(name, func))
    return any(_context_call(unparen(v)) for v in values if v is not None)


def _context_call(value) -> bool:
    if value is None or value.type != "call_expression":
        return False
    operand, name = call_parts(value)
    args = arguments_of(value)
    if name == "NewRequestWithContext" and args:
        return text_of(args[0]) not in BACKGROUND
    if name in ("WithContext", "Clone") and args:
        return text_of(args[0]) not in BACKGROUND
    return False


def _default_timeout_set(ctx) -> bool:
    key = "go.default-client-timeout"
    if key not in ctx.data:
        found = False
        for node in view(ctx).nodes_of("assignment_statement"):
            left = node.child_by_field_name("left")
            if left is not None and any(selector_names(c)[-2:] == ["DefaultClient", "Timeout"]
                                        for c in left.named_children):
                found = True
                break
        ctx.data[key] = found
    return ctx.data[key]


RULE = NodeRule(
    id="GO-REL-001", slug="http-call-without-timeout", area=Area.REL,
    title="Outbound HTTP call without a timeout",
    fix="Use an `http.Client` with `Timeout` set (`&http.Client{Timeout: 10 * time.Second}`), or "
        "build the request with `http.NewRequestWithContext` and a context with a deadline.",
    rows=("REL-01",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-400",),
    example_path="main.go", visits=("call_expression", "composite_literal"), check=check,
    coverage="partial", coverage_note="net/http clients; resty/req and transport-level timeouts are not checked",
)
