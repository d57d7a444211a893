"""
## What it does
Flags a Go service that runs an HTTP server (`http.ListenAndServe`, `srv.ListenAndServe()`, gin
`r.Run`, echo `e.Start`, fiber `app.Listen`) but does not shut it down gracefully: none of its
files both listens for termination signals (`signal.Notify` or `signal.NotifyContext` from
`os/signal`) and drains the server (`srv.Shutdown(ctx)`, echo `e.Shutdown`, fiber
`app.Shutdown`/`ShutdownWithContext`). A library that does both (endless, grace, tableflip,
`go.uber.org/fx`) counts. Reported once per service, at the server's start.

## Why it matters
Kubernetes, systemd and every orchestrator stop a process with SIGTERM and kill it a few seconds
later. A Go program that does not handle SIGTERM dies at once: in-flight requests are cut off
mid-response, open transactions roll back, and clients see connection resets on every deploy.
`Shutdown` stops accepting new connections and waits for the running requests to finish.

## Example
    package main

    import (
    	"log"
    	"net/http"
    	"time"
    )

    func main() {
    	srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: 5 * time.Second}
    	log.Fatal(srv.ListenAndServe())
    }

## Use instead
    package main

    import (
    	"context"
    	"errors"
    	"log"
    	"net/http"
    	"os"
    	"os/signal"
    	"syscall"
    	"time"
    )

    func main() {
    	srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: 5 * time.Second}
    	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
    	defer stop()
    	go func() {
    		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
    			log.Fatal(err)
    		}
    	}()
    	<-ctx.Done()
    	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
    	defer cancel()
    	if err := srv.Shutdown(shutdown); err != nil {
    		log.Printf("shutdown: %v", err)
    	}
    }

## Known limitations
Signal handling and shutdown are looked for anywhere in the service's Go files, not checked to be
wired together; closing database pools and consumers after the server stops is not checked.
gRPC-only services and workers without an HTTP server are not reported.
"""
from __future__ import annotations

from prodcheck.facts.stack import service_of
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.go.helpers import go_groups, http_server_starts

def check(project, ctx):
    for key, files in sorted(go_groups(project).items()):
        starts = http_server_starts(files)
        if not starts or key.startswith("dir:"):      # not a service (examples, scripts)
            continue
        notify = [s for f in files for s in f.signals if s.name == "go-signal-notify"]
        drain = [s for f in files for s in f.signals if s.name == "go-server-shutdown"]
        if notify and drain:
            continue
        service = service_of(starts[0].location.path, project.stack) or key
        at = starts[0].location
        if notify:
            message = (f"service `{service}` catches termination signals but never calls `Shutdown`: "
                       f"in-flight requests are cut off")
            yield ctx.finding(RULE, at, message, symbol=service)
        elif drain:
            yield ctx.finding(RULE, at, f"service `{service}` calls `Shutdown` but never listens for SIGTERM "
                                        f"(`signal.NotifyContext`)", confidence=Confidence.MEDIUM, symbol=service)
        else:
            yield ctx.finding(RULE, at, f"service `{service}` has no graceful shutdown: SIGTERM kills in-flight "
                                        f"requests (no `signal.NotifyContext` + `srv.Shutdown`)", symbol=service)


RULE = ProjectRule(
    id="GO-REL-007", slug="missing-graceful-shutdown", area=Area.REL,
    title="Go HTTP service without graceful shutdown",
    fix="Start the server in a goroutine, wait on `signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)`, "
        "then call `srv.Shutdown(ctx)` with a timeout so in-flight requests finish.",
    rows=("REL-09",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="main.go", needs_languages=("go",), check=check,
    coverage="partial", coverage_note="signal handling and Shutdown; pool and consumer draining is not checked",
)
