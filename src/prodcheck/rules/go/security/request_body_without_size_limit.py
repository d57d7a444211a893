"""
## What it does
Flags Go HTTP handlers that read the whole request body with no size limit anywhere on the way:
`io.ReadAll(r.Body)` / `ioutil.ReadAll(r.Body)`, `json.NewDecoder(r.Body)` (also `encoding/xml`),
gin `c.ShouldBindJSON`/`BindJSON`/`ShouldBind`/`Bind`/`GetRawData` and echo `c.Bind`, in a
service where neither the handler wraps the body (`r.Body = http.MaxBytesReader(w, r.Body, n)`,
`io.LimitReader`) nor any middleware of the service bounds it (`http.MaxBytesHandler`, a
middleware that applies `http.MaxBytesReader`, echo `middleware.BodyLimit`, chi
`middleware.RequestSize`, gin-contrib/size). fiber is not reported: its `BodyLimit` defaults to
4 MB. Reported per read, in services only (a directory with a `go.mod` and a server).

## Why it matters
net/http, gin and echo put no limit on request bodies. `io.ReadAll` and the JSON decoder buffer
whatever the client sends, so a handful of concurrent multi-gigabyte uploads exhaust the
container's memory and the process is OOM-killed, taking every in-flight request with it
(CWE-770). `http.MaxBytesReader` makes the read fail cleanly with 413 instead.

## Example
    package api

    import (
    	"encoding/json"
    	"net/http"
    )

    type Order struct {
    	SKU string `json:"sku"`
    }

    func CreateOrder(w http.ResponseWriter, r *http.Request) {
    	var order Order
    	if err := json.NewDecoder(r.Body).Decode(&order); err != nil {
    		http.Error(w, "bad request", http.StatusBadRequest)
    		return
    	}
    	w.WriteHeader(http.StatusCreated)
    }

    ==> go.mod <==
    module example.com/orders

    go 1.22

    ==> main.go <==
    package main

    import (
    	"net/http"
    	"time"

    	"example.com/orders/api"
    )

    func main() {
    	mux := http.NewServeMux()
    	mux.HandleFunc("POST /orders", api.CreateOrder)
    	srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
    	srv.ListenAndServe()
    }

## Use instead
    package api

    import (
    	"encoding/json"
    	"net/http"
    )

    type Order struct {
    	SKU string `json:"sku"`
    }

    func CreateOrder(w http.ResponseWriter, r *http.Request) {
    	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
    	var order Order
    	if err := json.NewDecoder(r.Body).Decode(&order); err != nil {
    		http.Error(w, "bad request", http.StatusBadRequest)
    		return
    	}
    	w.WriteHeader(http.StatusCreated)
    }

    ==> go.mod <==
    module example.com/orders

    go 1.22

    ==> main.go <==
    package main

    import (
    	"net/http"
    	"time"

    	"example.com/orders/api"
    )

    func main() {
    	mux := http.NewServeMux()
    	mux.HandleFunc("POST /orders", api.CreateOrder)
    	srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
    	srv.ListenAndServe()
    }

## Known limitations
A limit enforced in front of the service (nginx `client_max_body_size`, an ingress or API gateway)
is invisible to a source scan, hence the LOW severity and MEDIUM confidence. Whether a body-limit
middleware actually wraps the route of a given handler is not checked: any service-wide limit
silences the rule. `r.ParseMultipartForm(maxMemory)` is not reported (its argument bounds memory,
not the upload, which spills to temporary files). Bodies read in helpers that receive the request
from a handler are not seen.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence, Severity, Stride
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.go.helpers import go_groups
from prodcheck.rules.go.security_helpers import runnable


def check(project, ctx):
    for key, files in sorted(go_groups(project).items()):
        if key.startswith("dir:") or not runnable(files):
            continue
        if any(s.name == "go-body-limit" for f in files for s in f.signals):
            continue
        for facts in files:
            for signal in facts.signals:
                if signal.name == "go-body-read":
                    yield ctx.finding(RULE, signal.location,
                                      f"`{signal.detail}` reads the request body with no size limit in the "
                                      f"handler or the service (`http.MaxBytesReader`)")


RULE = ProjectRule(
    id="GO-SEC-036", slug="request-body-without-size-limit", area=Area.SEC,
    title="Request body read without a size limit",
    fix="Bound the body before reading it: `r.Body = http.MaxBytesReader(w, r.Body, 1<<20)` in the handler, or "
        "wrap the router with `http.MaxBytesHandler(mux, 1<<20)` / echo `middleware.BodyLimit(\"1M\")`.",
    rows=("SEC-01",), doc=__doc__, confidence=Confidence.MEDIUM,
    severity=Severity.LOW,
    severity_note="a resource-exhaustion hardening issue that a proxy in front may already cover, not missing "
                  "input validation (the row's HIGH)",
    cwe=("CWE-770",), stride=(Stride.DENIAL_OF_SERVICE,),
    example_path="api/orders.go", needs_languages=("go",), check=check,
    coverage="partial", coverage_note="unbounded whole-body reads; schema validation is checked through the inventory",
)
