"""
## What it does
Flags outbound HTTP responses whose body is never closed: `resp, err := http.Get(url)` (also
`http.Post`, `http.PostForm`, `http.DefaultClient.Do`, and `client.Do/Get/Post/PostForm` on an
`*http.Client`) where the function never calls `resp.Body.Close()` (deferred, explicit, or in a
deferred `func` literal), and a response that is thrown away (`_, err := client.Do(req)`, or the
call used as a statement).

A response that is returned, passed to another function (`checkStatus(resp)`) or stored is the
new owner's to close. Handing `resp.Body` to a reader (`io.ReadAll(resp.Body)`,
`json.NewDecoder(resp.Body)`) does not close it; handing it to a function named like a closer
(`drainAndClose(resp.Body)`) does. A receiver counts as an HTTP client when this file types it
`*http.Client`, or when it is named like a client (`client`, `s.http`) and the function reads
`resp.Body` or `resp.StatusCode`. `http.Head` responses, and `client.Do(req)` of a request built
for `HEAD`, have no body and are not reported.

## Why it matters
The transport reuses a keep-alive connection only after the previous response body was read to
the end and closed. An unclosed body keeps its TCP connection and file descriptor (and a
goroutine of the transport) alive: a service that calls an upstream on every request leaks one
connection per call until it hits the file-descriptor limit ("too many open files") or exhausts
the upstream's connection slots.

## Example
    package rates

    import (
    	"encoding/json"
    	"net/http"
    	"time"
    )

    var client = &http.Client{Timeout: 5 * time.Second}

    func Latest(url string) (map[string]float64, error) {
    	resp, err := client.Get(url)
    	if err != nil {
    		return nil, err
    	}
    	var out map[string]float64
    	err = json.NewDecoder(resp.Body).Decode(&out)
    	return out, err
    }

## Use instead
    package rates

    import (
    	"encoding/json"
    	"net/http"
    	"time"
    )

    var client = &http.Client{Timeout: 5 * time.Second}

    func Latest(url string) (map[string]float64, error) {
    	resp, err := client.Get(url)
    	if err != nil {
    		return nil, err
    	}
    	defer resp.Body.Close()
    	var out map[string]float64
    	err = json.NewDecoder(resp.Body).Decode(&out)
    	return out, err
    }

## Known limitations
The analysis is per function: any function a response is passed to is assumed to close it.
Clients typed in another file and named unlike a client (`s.upstream.Do(req)`), and third-party
clients (resty, req), are not checked.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import local_value, unparen, words
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.data_helpers import DISCARDED, assigned_target, expr_type, fate, http_call
from prodcheck.rules.go.helpers import generated_or_tool, view

CLOSE = frozenset({"Close"})
CLOSER_WORDS = frozenset({"close", "drain", "discard", "closer", "cleanup"})


def check(call, ctx):
    file_view = view(ctx)
    if generated_or_tool(ctx):
        return
    label = http_call(call, ctx)
    if not label or label.endswith(".Head") or _head_request(call, ctx):
        return
    certain = label.startswith("http.") or expr_type(unparen(file_view.call_parts(call)[0]), call, ctx) == ("net/http", "Client")
    target = assigned_target(call)
    func = file_view.enclosing_function(call)
    if target == DISCARDED:
        if certain:
            yield ctx.finding(RULE, call, f"the response of `{label}` is thrown away: its body is never "
                                          f"closed and the connection leaks")
        return
    if target is None or func is None:
        return
    name = file_view.text(target)
    if not certain:
        body_text = file_view.text(func.child_by_field_name("body"))
        if f"{name}.Body" not in body_text and f"{name}.StatusCode" not in body_text:
            return
    ending = fate(name, func, call.end_byte, CLOSE, member="Body")
    if ending.closed or ending.returned or ending.stored or ending.passed:
        return
    body = ending.member
    if body is not None and (body.returned or body.stored or any(
            set(words(file_view.call_parts(c)[1])) & CLOSER_WORDS for c in body.passed)):
        return
    yield ctx.finding(RULE, call, f"`{name}.Body` of `{label}` is never closed in this function: the "
                                  f"connection is not reused and leaks",
                      confidence=Confidence.HIGH if certain else Confidence.MEDIUM)


def _head_request(call, ctx) -> bool:
    """`client.Do(req)` where `req` was built for a HEAD request (no body to close)."""
    file_view = view(ctx)
    if file_view.call_parts(call)[1] != "Do":
        return False
    args = file_view.arguments(call)
    request = unparen(args[0]) if args else None
    if request is not None and request.type == "identifier":
        request = unparen(local_value(file_view.text(request), call, file_view))
    if request is None or request.type != "call_expression" \
            or file_view.call_parts(request)[1] not in ("NewRequest", "NewRequestWithContext"):
        return False
    request_args = file_view.arguments(request)
    method = request_args[1 if file_view.call_parts(request)[1] == "NewRequestWithContext" else 0] if request_args else None
    return method is not None and file_view.text(method) in ('"HEAD"', "http.MethodHead")


RULE = NodeRule(
    id="GO-REL-011", slug="response-body-not-closed", area=Area.REL,
    title="HTTP response body never closed",
    fix="Right after the error check, add `defer resp.Body.Close()` (and read the body to the end "
        "if you want the connection reused).",
    rows=("DATA-07",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-772",),
    example_path="main.go", visits=("call_expression",), check=check,
    coverage="partial", coverage_note="net/http clients, per function",
)
