"""
## What it does
Flags Go profiling endpoints reachable on a service's public listener:
- `import _ "net/http/pprof"` in a service whose default mux (`http.DefaultServeMux`, which that
  import fills with `/debug/pprof/...`) is served on a non-loopback address:
  `http.ListenAndServe(":8080", nil)` or an `http.Server` without a `Handler`. When the address is
  not a literal, the finding needs the service to register its own routes on the default mux as
  well (MEDIUM confidence); `localhost:6060`/`127.0.0.1:6060` is fine;
- profiling handlers mounted on the application router outside any `if`: gin-contrib
  `pprof.Register(r)`, chi `r.Mount("/debug", middleware.Profiler())`, `pprof.Index` registered
  on a router.

## Why it matters
`/debug/pprof` lets anyone who can reach the port download heap profiles (which contain request
data, tokens and keys held in memory), read the full command line (secrets passed as flags) and
start CPU profiles or traces that load the process: an information leak and a denial-of-service
lever (CWE-489). Profiling belongs on a separate, loopback-only or authenticated port.

## Example
    package main

    import (
    	"log"
    	"net/http"
    	_ "net/http/pprof"
    )

    func main() {
    	http.HandleFunc("/orders", func(w http.ResponseWriter, r *http.Request) {})
    	log.Fatal(http.ListenAndServe(":8080", nil))
    }

## Use instead
    package main

    import (
    	"log"
    	"net/http"
    	_ "net/http/pprof"
    )

    func main() {
    	go func() {
    		log.Println(http.ListenAndServe("localhost:6060", nil))
    	}()
    	mux := http.NewServeMux()
    	mux.HandleFunc("/orders", func(w http.ResponseWriter, r *http.Request) {})
    	log.Fatal(http.ListenAndServe(":8080", mux))
    }

## Known limitations
Whether a network policy or a sidecar keeps the port private is not visible. An application
router that mounts `http.DefaultServeMux` itself is not followed. Profiling routes registered
behind a configuration check (`if cfg.Debug { pprof.Register(r) }`) are not reported.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_signals import is_loopback
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.go.helpers import go_groups


def check(project, ctx):
    for _, files in sorted(go_groups(project).items()):
        signals = [s for f in files for s in f.signals]
        for route in (s for s in signals if s.name == "go-profiler-route"):
            yield ctx.finding(RULE, route.location, f"`{route.detail}` serves the profiler on the application "
                                                    f"router")
        imports = [s for s in signals if s.name == "go-pprof-import"]
        if not imports:
            continue
        served = [s for s in signals if s.name == "go-default-mux-served"]
        public = [s for s in served if s.detail and not is_loopback(s.detail)]
        if public:
            yield ctx.finding(RULE, imports[0].location,
                              f"`net/http/pprof` is imported and the default mux is served on `{public[0].detail}`: "
                              f"/debug/pprof is public", related=(public[0].location,))
            continue
        unknown = [s for s in served if not s.detail]
        if unknown and any(s.name == "go-default-mux-route" for s in signals):
            yield ctx.finding(RULE, imports[0].location,
                              "`net/http/pprof` is imported and the default mux, which serves the application's "
                              "routes, is served: /debug/pprof is on the public port",
                              related=(unknown[0].location,), confidence=Confidence.MEDIUM)


RULE = ProjectRule(
    id="GO-OPS-003", slug="profiler-endpoint-exposed", area=Area.OPS,
    title="Profiler endpoint exposed on the public port",
    fix="Serve `net/http/pprof` on a separate listener bound to `localhost:6060` (or behind "
        "authentication), and give the public server its own `http.ServeMux`.",
    rows=("OPS-02",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-489",),
    example_path="main.go", needs_languages=("go",), check=check,
)
