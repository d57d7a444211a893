"""Go: imports, and the entry points that make a module a service: `http.ListenAndServe(...)`,
`srv.ListenAndServe()`/`ListenAndServeTLS`, gin `r.Run(...)`, echo `e.Start(...)`, fiber
`app.Listen(...)`, gRPC `s.Serve(...)`; `func main()` in package main is weaker evidence."""
from __future__ import annotations

import re

from prodcheck.facts.extract import Extractor
from prodcheck.facts.model import Entrypoint, Import
from prodcheck.model import Location
from prodcheck.parsing.treesitter import string_value

LISTEN_AND_SERVE = frozenset({"ListenAndServe", "ListenAndServeTLS"})
# import path prefix -> (framework, methods whose call on any receiver starts the server)
FRAMEWORK_STARTS = (
    ("github.com/gin-gonic/gin", "gin", frozenset({"Run", "RunTLS"})),
    ("github.com/labstack/echo", "echo", frozenset({"Start", "StartTLS", "StartServer"})),
    ("github.com/gofiber/fiber", "fiber", frozenset({"Listen", "ListenTLS"})),
    ("google.golang.org/grpc", "grpc", frozenset({"Serve"})),
)
PACKAGE_SERVERS = {"net/http": "net/http", "github.com/valyala/fasthttp": "fasthttp"}
_VERSION_SUFFIX = re.compile(r"^v\d+$")


def extract(parsed, builder) -> None:
    from prodcheck.facts.extractors.go_common import go_file   # go_common imports this module
    view = go_file(parsed)
    text = view.text
    packages: dict[str, str] = {}          # local package name -> import path
    package_name = ""
    calls = []
    mains = []
    # the calls and `main` matter in source files only; elsewhere the imports need no full walk
    nodes = view.nodes_of("package_clause", "import_spec", "call_expression", "function_declaration") \
        if parsed.kind == "source" else view.scattered_nodes_of("package_clause", "import_spec")
    for node in nodes:
        kind = node.type
        if kind == "package_clause":
            package_name = next((text(c) for c in node.named_children if c.type == "package_identifier"), "")
        elif kind == "import_spec":
            path = string_value(node.child_by_field_name("path"))
            if path:
                builder.imports.append(Import(path, "", node.start_point[0] + 1))
                alias = node.child_by_field_name("name")
                local = text(alias) if alias is not None else default_package_name(path)
                if local not in ("_", "."):
                    packages[local] = path
        elif kind == "call_expression":
            calls.append(node)
        elif kind == "function_declaration" and text(node.child_by_field_name("name")) == "main":
            mains.append(node)
    if parsed.kind != "source":
        return
    frameworks = _frameworks(packages.values())
    for call in calls:
        framework = _server_start(call, packages, frameworks, text)
        if framework:
            kind = "listen-and-serve" if framework in ("net/http", "fasthttp") else "listen"
            builder.entrypoints.append(Entrypoint(kind, framework, _loc(parsed.path, call)))
    if package_name == "main":
        for node in mains:
            params = node.child_by_field_name("parameters")
            if params is not None and not params.named_children:
                builder.entrypoints.append(Entrypoint("main", "go", _loc(parsed.path, node)))


def default_package_name(path: str) -> str:
    """The package name an import path binds by default, guessed the way Go tooling guesses it:
    the last element (a `/vN` major-version suffix skipped), without a `go-` prefix, cut at the
    first character that cannot be in an identifier (`go-redis` -> `redis`, `yaml.v3` -> `yaml`,
    `aws-sdk-go` -> `aws`)."""
    parts = [p for p in path.split("/") if p]
    if len(parts) > 1 and _VERSION_SUFFIX.match(parts[-1]):
        parts.pop()
    last = parts[-1] if parts else path
    if last.startswith("go-"):
        last = last[3:]
    end = next((i for i, ch in enumerate(last) if not (ch.isalnum() or ch == "_")), len(last))
    return last[:end] or last


def _frameworks(paths) -> dict[str, frozenset[str]]:
    """Framework name -> its start methods, for the frameworks this file imports."""
    found = {}
    for path in paths:
        for prefix, name, methods in FRAMEWORK_STARTS:
            if path == prefix or path.startswith(prefix + "/"):
                found[name] = methods
    return found


def _server_start(call, packages: dict[str, str], frameworks: dict[str, frozenset[str]], text) -> str:
    function = call.child_by_field_name("function")
    if function is None or function.type != "selector_expression":
        return ""
    operand = function.child_by_field_name("operand")
    method = text(function.child_by_field_name("field"))
    package = packages.get(text(operand), "") if operand is not None and operand.type == "identifier" else ""
    if method in LISTEN_AND_SERVE:
        return PACKAGE_SERVERS.get(package, "net/http")
    if method == "Serve" and package == "net/http":
        return "net/http"
    if package:                            # a package-level function, not a server method
        return ""
    for name in sorted(frameworks):
        if method in frameworks[name]:
            return name
    return ""


def _loc(path: str, node) -> Location:
    return Location.at(path, node.start_point[0] + 1, node.start_point[1] + 1)


EXTRACTOR = Extractor("go-basics", extract, languages=("go",))
