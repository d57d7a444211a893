"""
## What it does
Flags a Go HTTP service (a directory with a `go.mod`, a `func main` and a server start) whose
code logs only through the standard library's `log` package (`log.Printf`, `log.Println`,
`log.Fatalf`, ... outside `main` and `init`) and imports no structured logger anywhere: not
`log/slog`, zap, zerolog, logrus, go-kit log, hclog, logr or klog. Reported once per service, at its first such call.

GO-OBS-001 covers the opposite case (printing in handlers of a service that already has a
structured logger); this rule covers services that have none.

## Why it matters
`log.Printf` writes free text with a local timestamp and no level. Log pipelines (Loki,
CloudWatch, Elasticsearch, Datadog) cannot filter errors from noise, cannot index fields such as
request id, user or latency, and cannot alert on counts of a given event without fragile regular
expressions. Since Go 1.21 `log/slog` is in the standard library: structured JSON logs cost one
import.

## Example
    package store

    import (
    	"database/sql"
    	"log"
    )

    type Store struct{ db *sql.DB }

    func (s *Store) Delete(id int64) error {
    	if _, err := s.db.Exec("DELETE FROM items WHERE id = $1", id); err != nil {
    		log.Printf("delete item %d failed: %v", id, err)
    		return err
    	}
    	return nil
    }

    ==> go.mod <==
    module example.com/items

    go 1.22

    ==> main.go <==
    package main

    import (
    	"net/http"
    	"time"
    )

    func main() {
    	srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: 5 * time.Second}
    	srv.ListenAndServe()
    }

## Use instead
    package store

    import (
    	"database/sql"
    	"log/slog"
    )

    type Store struct{ db *sql.DB }

    func (s *Store) Delete(id int64) error {
    	if _, err := s.db.Exec("DELETE FROM items WHERE id = $1", id); err != nil {
    		slog.Error("delete item failed", "id", id, "err", err)
    		return err
    	}
    	return nil
    }

    ==> go.mod <==
    module example.com/items

    go 1.22

    ==> main.go <==
    package main

    import (
    	"net/http"
    	"time"
    )

    func main() {
    	srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: 5 * time.Second}
    	srv.ListenAndServe()
    }

## Known limitations
A `log.SetOutput`/`log.SetFlags` wrapper that redirects the standard logger into a structured
handler (`slog.NewLogLogger`) is not recognised unless the service imports the structured logger
(which it then does). Whether the structured logger emits JSON is not checked. Command-line
tools and workers without an HTTP server are not reported.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.go.helpers import go_groups
from prodcheck.rules.go.security_helpers import runnable
from prodcheck.rules.go.observability.print_instead_of_logging import STRUCTURED


def _structured(files) -> bool:
    return any(item.module == prefix or item.module.startswith(prefix + "/")
               for facts in files for item in facts.imports for prefix in STRUCTURED)


def _serves_http(files) -> bool:
    return any(e.kind in ("listen", "listen-and-serve") for f in files for e in f.entrypoints)


def check(project, ctx):
    for key, files in sorted(go_groups(project).items()):
        if key.startswith("dir:") or not runnable(files) or not _serves_http(files):
            continue
        calls = sorted((s for f in files for s in f.signals if s.name == "go-stdlog-call"),
                       key=lambda s: (s.location.path, s.location.start.line))
        if not calls or _structured(files):
            continue
        first = calls[0]
        others = len({s.location.path for s in calls}) - 1
        where = f" (and in {others} other file{'s' if others != 1 else ''})" if others else ""
        yield ctx.finding(RULE, first.location,
                          f"the service logs only with the standard `log` package (`{first.detail}`{where}): "
                          f"no levels, no fields, not machine-parseable", symbol=key)


RULE = ProjectRule(
    id="GO-OBS-004", slug="unstructured-logging", area=Area.OBS,
    title="Go service logs only with the unstructured standard logger",
    fix="Log with `log/slog` and a JSON handler (`slog.New(slog.NewJSONHandler(os.Stdout, nil))`), or zap/zerolog, "
        "with levels and key-value fields instead of formatted strings.",
    rows=("OBS-01",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="store/store.go", needs_languages=("go",), check=check,
    coverage="partial",
    coverage_note="a structured logger in use; JSON output, collection and retention are not checked",
)
