"""
## What it does
Flags `fmt.Println`/`fmt.Printf`/`fmt.Print` and the standard library's `log.Print*` inside request
handlers (functions with the net/http `(w http.ResponseWriter, r *http.Request)` signature, a gin
`*gin.Context`, an echo `echo.Context` or a fiber `*fiber.Ctx`) of a Go service that already uses a
structured logger (`log/slog`, zap, zerolog, logrus, go-kit log, hclog, ...). `fmt.Fprintf(w, ...)`
writes the response and is not reported; `log.Fatal`/`log.Panic` are not reported.

## Why it matters
Printed lines have no level, no timestamp format the pipeline agrees on, and none of the request
context (request id, user, route) that the service's structured logger adds, so they cannot be
filtered, correlated or alerted on; mixed with JSON log lines they also break log parsing.

## Example
    package api

    import (
    	"fmt"
    	"log/slog"
    	"net/http"
    )

    var logger = slog.Default()

    func CreateOrder(w http.ResponseWriter, r *http.Request) {
    	fmt.Println("creating order for", r.RemoteAddr)
    	w.WriteHeader(http.StatusCreated)
    }

## Use instead
    package api

    import (
    	"log/slog"
    	"net/http"
    )

    var logger = slog.Default()

    func CreateOrder(w http.ResponseWriter, r *http.Request) {
    	logger.InfoContext(r.Context(), "creating order", "remote", r.RemoteAddr)
    	w.WriteHeader(http.StatusCreated)
    }

## Known limitations
Printing in helpers that handlers call, in middleware with other signatures, or in background
workers is not reported. A service that logs only with the standard `log` package is not
reported at all (there is no structured logger to switch to yet).
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.go.helpers import go_groups

STRUCTURED = ("log/slog", "golang.org/x/exp/slog", "go.uber.org/zap", "github.com/rs/zerolog",
              "github.com/sirupsen/logrus", "github.com/go-kit/log", "github.com/go-kit/kit/log",
              "github.com/hashicorp/go-hclog", "github.com/apex/log", "github.com/charmbracelet/log",
              "github.com/inconshreveable/log15", "github.com/phuslu/log", "github.com/go-logr/logr",
              "k8s.io/klog")


def _structured(facts) -> str:
    for item in facts.imports:
        for prefix in STRUCTURED:
            if item.module == prefix or item.module.startswith(prefix + "/"):
                return prefix
    return ""


def check(project, ctx):
    for _, files in sorted(go_groups(project).items()):
        logger = next((found for f in files if (found := _structured(f))), "")
        if not logger:
            continue
        for facts in files:
            for signal in facts.signals:
                if signal.name == "go-print-in-handler":
                    yield ctx.finding(RULE, signal.location,
                                      f"`{signal.detail}` in a request handler of a service that logs with "
                                      f"`{logger}`: use the structured logger")


RULE = ProjectRule(
    id="GO-OBS-001", slug="print-instead-of-logging", area=Area.OBS,
    title="Printing instead of logging in a Go handler",
    fix="Log through the service's structured logger with the request context "
        "(`logger.InfoContext(r.Context(), \"msg\", \"key\", value)`) instead of `fmt.Println`/`log.Printf`.",
    rows=("OBS-02",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="main.go", needs_languages=("go",), check=check,
)
