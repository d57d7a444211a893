"""
## What it does
Flags a Go HTTP service (a directory with a `go.mod` that starts a server: `http.ListenAndServe`,
`srv.ListenAndServe()`, gin `r.Run`, echo `e.Start`, fiber `app.Listen`) in which nothing
generates or accepts a request id: no request-id middleware (chi or echo `middleware.RequestID`,
gin-contrib `requestid`, fiber `requestid`, zerolog `hlog.RequestIDHandler`), no HTTP tracing
instrumentation (OpenTelemetry `otelhttp`/`otelgin`/`otelecho`/..., OpenCensus `ochttp`, Datadog
or New Relic integrations) and no code reading or writing an `X-Request-ID`,
`X-Correlation-ID` or `traceparent` header. Reported once per service, at the server's start.

## Why it matters
Without a correlation id, the log lines of one failing request cannot be picked out of the
interleaved output of hundreds of concurrent ones, and a request cannot be followed from the
gateway through this service into its downstream calls. Incidents then take hours of grepping by
timestamp instead of one query by id.

## Example
    package main

    import (
    	"net/http"
    	"time"

    	"github.com/go-chi/chi/v5"
    	"github.com/go-chi/chi/v5/middleware"
    )

    func main() {
    	r := chi.NewRouter()
    	r.Use(middleware.Logger)
    	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
    	srv := &http.Server{Addr: ":8080", Handler: r, ReadHeaderTimeout: 5 * time.Second}
    	srv.ListenAndServe()
    }

    ==> go.mod <==
    module example.com/api

    go 1.22

## Use instead
    package main

    import (
    	"net/http"
    	"time"

    	"github.com/go-chi/chi/v5"
    	"github.com/go-chi/chi/v5/middleware"
    )

    func main() {
    	r := chi.NewRouter()
    	r.Use(middleware.RequestID)
    	r.Use(middleware.Logger)
    	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
    	srv := &http.Server{Addr: ":8080", Handler: r, ReadHeaderTimeout: 5 * time.Second}
    	srv.ListenAndServe()
    }

    ==> go.mod <==
    module example.com/api

    go 1.22

## Known limitations
The id is only looked for, not followed: whether it reaches the logs, the response and outbound
calls is not checked. A mesh sidecar (Envoy, Linkerd) that adds `X-Request-ID` is invisible, but
the service still has to read and propagate the header, which is what is looked for. gRPC-only
services are not reported.
"""
from __future__ import annotations

from prodcheck.facts.stack import service_of
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.go.helpers import go_groups, http_server_starts
from prodcheck.rules.go.security_helpers import runnable

def check(project, ctx):
    for key, files in sorted(go_groups(project).items()):
        starts = http_server_starts(files)
        if not starts or key.startswith("dir:") or not runnable(files):
            continue
        if any(s.name == "go-request-id" for f in files for s in f.signals):
            continue
        service = service_of(starts[0].location.path, project.stack) or key
        yield ctx.finding(RULE, starts[0].location,
                          f"service `{service}` neither generates nor accepts a request id (no RequestID "
                          f"middleware, no tracing instrumentation, no `X-Request-ID` handling)", symbol=service)


RULE = ProjectRule(
    id="GO-OBS-003", slug="missing-request-id", area=Area.OBS,
    title="Go HTTP service without request or correlation ids",
    fix="Add a request-id middleware (chi/echo `middleware.RequestID`, gin-contrib/requestid, fiber requestid) "
        "or OpenTelemetry instrumentation (`otelhttp.NewHandler`), and put the id in every log line.",
    rows=("OBS-04",), doc=__doc__, confidence=Confidence.MEDIUM,
    example_path="main.go", needs_languages=("go",), check=check,
    coverage="partial",
    coverage_note="presence of an id mechanism; propagation to logs and outbound calls is not checked",
)
