"""Lower a Go file (a tree-sitter tree, never built or run) to taint IR `FunctionSummary`s.

Every function and method becomes an ordered list of steps over local names, in one pass over
its body:

- qualified names follow Go's import paths: a function is `<package import path>.<Name>`, a method
  `<package import path>.<Type>.<Name>` (the package's import path comes from the `module` line of
  the nearest `go.mod` and the directory below it; without one, from the directory, and imports
  are matched to the scan root's directories by `ImportResolver`); a call `pkg.F()` is
  `<import path of pkg>.F` ("os/exec.Command", "net/http.Get"); a method on a value whose type is
  known (a parameter, a `var`, a composite literal, a constructor of this file, a struct field of
  a type declared in this file) is `<type>.M` ("database/sql.DB.Query"), otherwise `.M`. A project
  type declared in another file may be an interface, so a call on it is `.M` too, and every
  project method `T.M` also yields a dispatch summary `.M` that forwards to it (not for the method
  names the spec or everyday interfaces give a meaning: `reserved_methods`). A method's receiver
  is its first IR parameter, named `(receiver)`;
- function literals are lowered inline, where they are written: a handler passed to
  `r.GET("/x", func(c *gin.Context) {...})`, a goroutine or a callback reads and writes the
  variables of the function around it (a `return` inside a literal is not the outer function's;
  `func(v string) {...}(x)` binds its parameters); a package-level `var h = func(...) {...}` is a
  function of its own;
- names are in SSA form (`x`, `x#2`, ...) with Go's block scoping (`:=` in an inner block
  shadows), branch joins and loop heads as in the Python adapter; a guard such as
  `if sort != "name" && sort != "date" { return }`, a `switch x { case "a", "b": ... }` arm,
  `slices.Contains(allowed, x)` of a package-level literal, a match of a package-level anchored
  regexp of harmless characters, `strings.HasPrefix(clean, base)` of a cleaned path, or a lookup
  in a package-level map literal (`column := sortColumns[key]`) makes the value a constant; so
  does a variable, field or slice element of a numeric type (`var ids []int` decoded from JSON);
- request data enters as `SourceRef`s read through a `*http.Request` (`r.URL.Query()`,
  `r.FormValue`, `r.Header`, `r.Body`, `r.PathValue`, `r.Cookie`...), gorilla `mux.Vars(r)`,
  chi `chi.URLParam(r, ...)`, httprouter `ps.ByName`, and the gin / echo / fiber contexts
  (`c.Param`, `c.Query`, `c.QueryParam`, `c.Params`...); binders fill their out-parameter
  (`c.ShouldBindJSON(&v)`, `c.Bind(&v)`, `c.BodyParser(&v)`), and `json.NewDecoder(r.Body)
  .Decode(&v)` does through the spec's propagator. `r.URL.Path` is not a source (the router
  matched it; its parameters are);
- pseudo-calls carry what only the syntax shows: `<fixed-origin-url>` (a URL built on a literal
  origin), `http.ResponseWriter(text/html).Write` (text written to a `ResponseWriter` that the
  browser reads as HTML: the handler declares text/html, or declares no type and the text starts
  with a tag content sniffing reads as HTML), `<go-structured-value>` (a struct or map literal:
  GORM and squirrel bind its fields), `<go-rooted-clean-path>` (`filepath.Clean("/" + p)`); and
  literal markers of arguments: `<context>` (a context.Context first argument: pgx's
  `Query(ctx, sql)`), `<string-built>` (text built from pieces, the only SQL form of GORM's
  `Where(cond)`).

Sinks, sanitizers and propagators are data in `taint/specs/go.toml`.
"""
from __future__ import annotations

import functools
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from prodcheck.model import Location, Position
from prodcheck.parsing.treesitter import descendants
from prodcheck.taint.ir import (
    CONSTANT, EMPTY, Assign, CallSite, Expr, FunctionSummary, Return, SourceRef, Step, merge,
)

RECEIVER = "(receiver)"
CONTEXT_LITERAL = "<context>"
FIXED_ORIGIN_CALLEE = "<fixed-origin-url>"
HTML_RESPONSE_CALLEE = "http.ResponseWriter(text/html).Write"
STRUCTURED_CALLEE = "<go-structured-value>"
ROOTED_CLEAN_CALLEE = "<go-rooted-clean-path>"
FIXED_ORIGIN = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.\-]*://[^/?#\s{}%]+[/?#]|/[^/\\{}%]|[?#])")
MAX_NESTING = 200

BUILTINS = frozenset({
    "append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max",
    "min", "new", "panic", "print", "println", "real", "recover",
})
BASIC_TYPES = frozenset({"string", "byte", "rune", "error", "any", "bool"})
NUMERIC_TYPES = frozenset({
    "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
    "uintptr", "float32", "float64", "complex64", "complex128", "bool",
})
NUMERIC_SLICE = "[]number"       # the type of a slice or array of numbers
STRING_BUILT = "<string-built>"   # literal marker: an argument certainly built as a string
DYNAMIC = "<dynamic>"             # literal marker: a variable of a map or interface type
MAP_TYPE = "map"
PREDECLARED_VALUES = frozenset({"nil", "true", "false", "iota"})
COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">=", "&&", "||"})

# the types of request objects and handler contexts
REQUEST_TYPE = "net/http.Request"
OUTGOING_REQUEST = "net/http.Request(outgoing)"      # a request parameter this code sends
CLIENT_METHODS = frozenset({"Do", "RoundTrip", "RoundTripper", "Send", "DoRequest", "DoWithRetry"})
WRITER_TYPE = "net/http.ResponseWriter"
CONTEXT_TYPE = "context.Context"
GIN = "github.com/gin-gonic/gin.Context"
ECHO = frozenset({"github.com/labstack/echo/v4.Context", "github.com/labstack/echo.Context"})
FIBER = frozenset({"github.com/gofiber/fiber/v2.Ctx", "github.com/gofiber/fiber/v3.Ctx",
                   "github.com/gofiber/fiber.Ctx"})
HTTPROUTER_PARAMS = frozenset({"github.com/julienschmidt/httprouter.Params"})
HANDLER_TYPES = frozenset({REQUEST_TYPE, WRITER_TYPE, GIN, *ECHO, *FIBER, *HTTPROUTER_PARAMS})

# `r.<Field>` of a *http.Request and `r.<Method>(...)`
REQUEST_FIELDS = {"Form": "form", "PostForm": "form", "MultipartForm": "file", "Header": "header",
                  "Body": "body", "Trailer": "header"}
REQUEST_METHODS = {"FormValue": "form", "PostFormValue": "form", "PathValue": "path", "Cookie": "cookie",
                   "Cookies": "cookie", "FormFile": "file", "MultipartReader": "body", "Referer": "header",
                   "UserAgent": "header", "BasicAuth": "header", "GetBody": "body"}
URL_METHODS = {"Query": "query"}
GIN_METHODS = {
    "Param": "path", "Query": "query", "DefaultQuery": "query", "GetQuery": "query", "QueryArray": "query",
    "GetQueryArray": "query", "QueryMap": "query", "GetQueryMap": "query", "PostForm": "form",
    "DefaultPostForm": "form", "GetPostForm": "form", "PostFormArray": "form", "GetPostFormArray": "form",
    "PostFormMap": "form", "GetPostFormMap": "form", "GetHeader": "header", "Cookie": "cookie",
    "FormFile": "file", "MultipartForm": "file", "GetRawData": "body",
}
GIN_FIELDS = {"Params": "path"}
GIN_BINDERS = {
    "Bind": "body", "BindJSON": "body", "BindXML": "body", "BindYAML": "body", "BindTOML": "body",
    "BindWith": "body", "MustBindWith": "body", "ShouldBind": "body", "ShouldBindJSON": "body",
    "ShouldBindXML": "body", "ShouldBindYAML": "body", "ShouldBindTOML": "body", "ShouldBindWith": "body",
    "ShouldBindBodyWith": "body", "ShouldBindBodyWithJSON": "body", "BindQuery": "query",
    "ShouldBindQuery": "query", "BindUri": "path", "ShouldBindUri": "path", "BindHeader": "header",
    "ShouldBindHeader": "header",
}
ECHO_METHODS = {"Param": "path", "ParamValues": "path", "QueryParam": "query", "QueryParams": "query",
                "QueryString": "query", "FormValue": "form", "FormParams": "form", "FormFile": "file",
                "MultipartForm": "file", "Cookie": "cookie", "Cookies": "cookie"}
ECHO_BINDERS = {"Bind": "body"}
FIBER_METHODS = {"Params": "path", "AllParams": "path", "Query": "query", "Queries": "query",
                 "FormValue": "form", "FormFile": "file", "MultipartForm": "file", "Get": "header",
                 "GetReqHeaders": "header", "Cookies": "cookie", "Body": "body", "BodyRaw": "body"}
FIBER_BINDERS = {"BodyParser": "body", "QueryParser": "query", "ParamsParser": "path",
                 "ReqHeaderParser": "header", "CookieParser": "cookie"}
PACKAGE_SOURCES = {
    "github.com/gorilla/mux.Vars": "path",
    "github.com/go-chi/chi/v5.URLParam": "path", "github.com/go-chi/chi.URLParam": "path",
    "github.com/go-chi/chi/v5.URLParamFromCtx": "path", "github.com/go-chi/chi.URLParamFromCtx": "path",
}
# calls whose result has a known type (for the methods called on it)
RESULT_TYPES = {
    "text/template.New": "text/template.Template", "html/template.New": "html/template.Template",
    "text/template.ParseFiles": "text/template.Template", "html/template.ParseFiles": "html/template.Template",
    "text/template.ParseGlob": "text/template.Template", "html/template.ParseGlob": "html/template.Template",
    "context.Background": CONTEXT_TYPE, "context.TODO": CONTEXT_TYPE, "context.WithTimeout": CONTEXT_TYPE,
    "context.WithCancel": CONTEXT_TYPE, "context.WithDeadline": CONTEXT_TYPE, "context.WithValue": CONTEXT_TYPE,
    "context.WithoutCancel": CONTEXT_TYPE,
}
SQLBUILDER = "github.com/huandu/go-sqlbuilder"
SQLBUILDER_TYPE = SQLBUILDER + ".Builder"
SQLBUILDER_CONSTRUCTORS = frozenset({
    "NewSelectBuilder", "NewUpdateBuilder", "NewDeleteBuilder", "NewInsertBuilder", "NewUnionBuilder",
    "Select", "Update", "DeleteFrom", "InsertInto", "ReplaceInto", "NewCond", "NewWhereClause",
})
TEMPLATE_CHAIN = frozenset({"New", "Funcs", "Delims", "Option", "Parse", "Lookup", "Clone"})
PREPARE_METHODS = frozenset({"Prepare", "PrepareContext", "Preparex", "PreparexContext", "PrepareNamed",
                             "PrepareNamedContext"})
STRING_BUILDERS = frozenset({"fmt.Sprintf", "fmt.Sprint", "strings.Join", "strings.Replace",
                             "strings.ReplaceAll", "strings.Repeat", "strings.TrimSpace", "strings.ToLower",
                             "strings.ToUpper", "strings.Trim", "strings.TrimPrefix", "strings.TrimSuffix"})
HTML_WRITES = {"fmt.Fprintf": 1, "fmt.Fprint": 1, "fmt.Fprintln": 1, "io.WriteString": 1}
# what net/http.DetectContentType reads as HTML at the start of a body (after white space)
SNIFFED_HTML = re.compile(r"^\s*(?:<!doctype html|<html|<head|<script|<iframe|<h1|<div|<font|<table|<a|"
                          r"<style|<title|<b|<body|<br|<p|<!--)[\s>]", re.I)
TERMINATING_CALLS = frozenset({"panic", "os.Exit", "log.Fatal", "log.Fatalf", "log.Fatalln", "log.Panic",
                               "log.Panicf", "log.Panicln", "runtime.Goexit"})
# an anchored pattern of letters, digits, `_`, `-`, `.`-free classes and quantifiers
SAFE_REGEX = re.compile(r"^\^(?:[A-Za-z0-9_\- ]|\\[dw]|\[(?:[A-Za-z0-9_\-]|\\[dw])+\]|[+*?]"
                        r"|\{\d+(?:,\d*)?\}|[()|])+\$$")


# ---------------------------------------------------------------------------------------------
# the file: what every function sees


def location(path: str, node) -> Location:
    start, end = node.start_point, node.end_point
    return Location(path, Position(start[0] + 1, start[1] + 1), Position(end[0] + 1, end[1] + 1))


def _named(node) -> list:
    return [c for c in node.named_children if c.type != "comment"] if node is not None else []


def _unparen(node):
    if node is None or node.type != "parenthesized_expression":
        return node
    for _ in range(64):
        if node is None or node.type != "parenthesized_expression":
            return node
        inner = _named(node)
        node = inner[0] if inner else None
    return node


def default_package_name(import_path: str) -> str:
    """The name an import binds without an alias: its last element, a `/vN` suffix and a
    `gopkg.in` `.vN` suffix dropped, `go-` prefixes and `-go` suffixes dropped."""
    parts = [p for p in import_path.split("/") if p]
    if not parts:
        return import_path
    last = parts[-1]
    if re.fullmatch(r"v\d+", last) and len(parts) > 1:
        last = parts[-2]
    last = re.sub(r"\.v\d+$", "", last)
    if last.startswith("go-"):
        last = last[3:]
    if last.endswith("-go"):
        last = last[:-3]
    return last.replace("-", "_").replace(".", "_")


@dataclass
class GoContext:
    path: str
    package: str                                  # import path (qualname prefix)
    source: bytes
    imports: dict[str, str] = field(default_factory=dict)
    functions: set[str] = field(default_factory=set)
    constants: set[str] = field(default_factory=set)           # package-level constants
    literal_vars: set[str] = field(default_factory=set)        # vars bound to a literal collection
    safe_regexps: set[str] = field(default_factory=set)        # vars bound to a safe compiled regexp
    func_vars: dict[str, object] = field(default_factory=dict)
    types: set[str] = field(default_factory=set)               # type names declared in this file
    fields: dict[str, dict[str, str]] = field(default_factory=dict)  # struct -> field -> type
    package_vars: set[str] = field(default_factory=set)
    var_types: dict[str, str] = field(default_factory=dict)    # package-level vars with a known type
    content_types: dict[int, bool | None] = field(default_factory=dict)   # function node id -> html?
    module: str = ""                                           # the go.mod module ("" without one)
    local_packages: set[str] = field(default_factory=set)      # project packages found without go.mod
    concrete: set[str] = field(default_factory=set)            # types with methods in this file

    def is_project_type(self, kind: str) -> bool:
        package = kind.rpartition(".")[0]
        if package == self.package:
            return True
        if self.module:
            return package == self.module or package.startswith(self.module + "/")
        return package in self.local_packages
    result_types: dict[str, str] = field(default_factory=dict)  # function of this file -> its result type

    def text(self, node) -> str:
        if node is None:
            return ""
        return self.source[node.start_byte:node.end_byte].decode("utf-8", errors="replace")

    def qualify(self, name: str) -> str:
        return f"{self.package}.{name}" if self.package else name

    def string(self, node) -> str | None:
        node = _unparen(node)
        if node is None:
            return None
        if node.type == "interpreted_string_literal":
            return _unescape(self.text(node)[1:-1])
        if node.type == "raw_string_literal":
            return self.text(node)[1:-1]
        return None


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return re.sub(r"\\([nrt\"\\])", lambda m: {"n": "\n", "r": "\r", "t": "\t"}.get(m.group(1), m.group(1)), text)


def build_context(root, path: str, package: str, source: bytes,
                  resolve: Callable[[str], str] | None = None) -> GoContext:
    ctx = GoContext(path, package, source)
    results: list = []
    for node in _named(root):
        kind = node.type
        if kind == "import_declaration":
            for spec in descendants(node, "import_spec"):
                target = ctx.string(spec.child_by_field_name("path"))
                if not target:
                    continue
                alias = spec.child_by_field_name("name")
                local = ctx.text(alias) if alias is not None else default_package_name(target)
                if local not in ("_", "."):
                    ctx.imports[local] = resolve(target) if resolve is not None else target
        elif kind == "function_declaration":
            ctx.functions.add(ctx.text(node.child_by_field_name("name")))
            results.append(node)
        elif kind == "type_declaration":
            for spec in _named(node):
                if spec.type not in ("type_spec", "type_alias"):
                    continue
                name = ctx.text(spec.child_by_field_name("name"))
                ctx.types.add(name)
                body = spec.child_by_field_name("type")
                if body is not None and body.type == "struct_type":
                    ctx.fields[name] = {}
        elif kind in ("const_declaration", "var_declaration"):
            for spec in descendants(node, "const_spec", "var_spec"):
                names = [ctx.text(n) for n in spec.children_by_field_name("name")]
                value = spec.child_by_field_name("value")
                values = _named(value) if value is not None else []
                for index, name in enumerate(names):
                    if kind == "const_declaration":
                        ctx.constants.add(name)
                        continue
                    ctx.package_vars.add(name)
                    item = _unparen(values[index]) if index < len(values) else None
                    if item is None:
                        continue
                    if item.type == "func_literal":
                        ctx.func_vars[name] = item
                    elif _is_literal_collection(item):
                        ctx.literal_vars.add(name)
                    elif _is_safe_regexp(item, ctx):
                        ctx.safe_regexps.add(name)
    # struct fields and result types need the imports and the file's types
    for node in results:
        result = node.child_by_field_name("result")
        if result is not None and result.type == "parameter_list":
            first = next((d for d in _named(result) if d.type == "parameter_declaration"), None)
            result = first.child_by_field_name("type") if first is not None else None
        kind = type_name(result, ctx)
        if kind and kind not in BASIC_TYPES and kind not in NUMERIC_TYPES:
            ctx.result_types[ctx.text(node.child_by_field_name("name"))] = kind
    for node in _named(root):
        if node.type != "type_declaration":
            continue
        for spec in _named(node):
            body = spec.child_by_field_name("type") if spec.type == "type_spec" else None
            if body is None or body.type != "struct_type":
                continue
            fields = ctx.fields[ctx.text(spec.child_by_field_name("name"))]
            for decl in descendants(body, "field_declaration"):
                kind = type_name(decl.child_by_field_name("type"), ctx)
                names = [ctx.text(n) for n in decl.children_by_field_name("name")]
                if not names and kind:
                    names = [kind.rsplit(".", 1)[-1]]          # an embedded field
                for name in names:
                    if kind:
                        fields[name] = kind
    for node in _named(root):
        if node.type == "var_declaration":
            for spec in descendants(node, "var_spec"):
                kind = type_name(spec.child_by_field_name("type"), ctx)
                names = list(spec.children_by_field_name("name"))
                values = _named(spec.child_by_field_name("value"))
                for index, name in enumerate(names):
                    found = kind or (_literal_type(values[index], ctx) if len(values) == len(names) else "")
                    if found:
                        ctx.var_types[ctx.text(name)] = found
    return ctx


def _literal_type(node, ctx: GoContext) -> str:
    """The type of `T{...}` / `&T{...}`."""
    node = _unparen(node)
    if node is not None and node.type == "unary_expression":
        node = _unparen(node.child_by_field_name("operand"))
    if node is None or node.type != "composite_literal":
        return ""
    return type_name(node.child_by_field_name("type"), ctx)


def _is_literal_collection(node) -> bool:
    """`map[string]string{"a": "x"}`, `[]string{"a", "b"}`, `map[string]bool{...}`: literals only."""
    if node is None or node.type != "composite_literal":
        return False
    kind = node.child_by_field_name("type")
    if kind is None or kind.type not in ("map_type", "slice_type", "array_type", "implicit_length_array_type"):
        return False
    stack = [node.child_by_field_name("body")]
    while stack:
        current = stack.pop()
        if current is None:
            continue
        for child in _named(current):
            if child.type in ("keyed_element", "literal_element", "literal_value"):
                stack.append(child)
            elif child.type not in ("interpreted_string_literal", "raw_string_literal", "int_literal",
                                    "float_literal", "true", "false", "rune_literal", "composite_literal",
                                    "struct", "nil"):
                return False
            elif child.type == "composite_literal":
                stack.append(child.child_by_field_name("body"))
    return True


def _is_safe_regexp(node, ctx: GoContext) -> bool:
    """`regexp.MustCompile(`^[a-z0-9-]+$`)`: an anchored pattern of harmless characters."""
    if node.type != "call_expression":
        return False
    function = node.child_by_field_name("function")
    if function is None or function.type != "selector_expression":
        return False
    operand = function.child_by_field_name("operand")
    if ctx.imports.get(ctx.text(operand)) != "regexp" or \
            ctx.text(function.child_by_field_name("field")) != "MustCompile":
        return False
    args = _named(node.child_by_field_name("arguments"))
    pattern = ctx.string(args[0]) if args else None
    return pattern is not None and bool(SAFE_REGEX.match(pattern))


def type_name(node, ctx: GoContext) -> str:
    """`*sql.DB` -> "database/sql.DB"; `Store` -> "<package>.Store"; "" when not a named type."""
    for _ in range(16):
        if node is None:
            return ""
        if node.type in ("pointer_type", "parenthesized_type"):
            inner = _named(node)
            node = inner[0] if inner else None
            continue
        if node.type == "generic_type":
            node = node.child_by_field_name("type")
            continue
        if node.type == "qualified_type":
            package = ctx.imports.get(ctx.text(node.child_by_field_name("package")))
            return f"{package}.{ctx.text(node.child_by_field_name('name'))}" if package else ""
        if node.type == "type_identifier":
            name = ctx.text(node)
            if name in BASIC_TYPES or name in NUMERIC_TYPES:
                return name
            return ctx.qualify(name)
        if node.type == "map_type":
            return MAP_TYPE
        if node.type == "interface_type":
            return "any"
        if node.type in ("slice_type", "array_type", "implicit_length_array_type"):
            element = node.child_by_field_name("element")
            return NUMERIC_SLICE if element is not None and ctx.text(element) in NUMERIC_TYPES else ""
        return ""
    return ""


def _walk(node, into_literals: bool = True) -> Iterator:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if current.type == "func_literal" and not into_literals and current is not node:
            continue
        stack.extend(reversed(current.named_children))


# ---------------------------------------------------------------------------------------------
# package import paths


_MODULE_LINE = re.compile(r"^\s*module\s+\"?([^\s\"]+)\"?", re.M)


def module_path(path: str, abspath: str | None) -> str:
    """The `module` of the nearest `go.mod` between the file's directory and the scan root, or ""."""
    if not abspath:
        return ""
    directory = Path(abspath).parent
    for depth in range(len(PurePosixPath(path).parts)):
        found = _go_mod(directory if depth == 0 else directory.parents[depth - 1])
        if found is not None:
            return found
    return ""


def package_path(path: str, abspath: str | None) -> str:
    """The import path of the package a file belongs to: the `module` of the nearest `go.mod`
    (looked for between the file's directory and the scan root) joined with the directory below
    it; without one, the directory relative to the scan root (its package name at the root)."""
    relative = PurePosixPath(path)
    parents = relative.parts[:-1]
    if abspath:
        directory = Path(abspath).parent
        for depth in range(len(parents) + 1):
            found = _go_mod(directory if depth == 0 else directory.parents[depth - 1])
            if found is not None:
                module = found
                below = parents[len(parents) - depth:]
                return "/".join([module, *below]) if below else module
    return "/".join(parents)


class ImportResolver:
    """Without a `go.mod` (a GOPATH-era project), packages are named by their directory below the
    scan root, and an import path names the project's own package when a suffix of it is a
    directory of the scan root (`govwa/util` -> `util`). Only directory existence is read."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: dict[str, str] = {}
        self.local: set[str] = set()          # resolved paths that are directories of the project

    def __call__(self, import_path: str) -> str:
        found = self.cache.get(import_path)
        if found is None:
            found = import_path
            parts = [p for p in import_path.split("/") if p]
            if parts and "." not in parts[0] or len(parts) > 1:
                for start in range(len(parts)):
                    candidate = self.root.joinpath(*parts[start:])
                    try:
                        if candidate.is_dir() and any(candidate.glob("*.go")):
                            found = "/".join(parts[start:])
                            self.local.add(found)
                            break
                    except OSError:
                        break
            self.cache[import_path] = found
        return found


_RESOLVERS: dict[str, ImportResolver] = {}


def import_resolver(path: str, abspath: str | None) -> ImportResolver | None:
    """The resolver for a file's scan root when no `go.mod` names its module (else None)."""
    if not abspath:
        return None
    relative = PurePosixPath(path)
    directory = Path(abspath).parent
    depth = len(relative.parts) - 1
    if any(_go_mod(directory if d == 0 else directory.parents[d - 1]) for d in range(depth + 1)):
        return None
    root = directory.parents[depth - 1] if depth > 0 else directory
    key = str(root)
    if key not in _RESOLVERS:
        _RESOLVERS[key] = ImportResolver(root)
    return _RESOLVERS[key]


def file_package(path: str, abspath: str | None) -> tuple[str, ImportResolver | None, str]:
    """(`package_path`, `import_resolver`, `module_path`) of a file, with each directory between
    the file and the scan root looked at once for a `go.mod` (the three climb the same ones)."""
    relative = PurePosixPath(path)
    parents = relative.parts[:-1]
    if not abspath:
        return "/".join(parents), None, ""
    directory = Path(abspath).parent
    for depth in range(len(relative.parts)):
        found = _go_mod(directory if depth == 0 else directory.parents[depth - 1])
        if found is not None:
            below = parents[len(parents) - depth:]
            return ("/".join([found, *below]) if below else found), None, found
    depth = len(relative.parts) - 1
    root = directory.parents[depth - 1] if depth > 0 else directory
    key = str(root)
    if key not in _RESOLVERS:
        _RESOLVERS[key] = ImportResolver(root)
    return "/".join(parents), _RESOLVERS[key], ""


def _go_mod(directory: Path) -> str | None:
    """The `module` of `directory/go.mod`, or None. Read again whenever the file changes (its
    size and modification time are part of the memo key), so a long-lived process never uses a
    stale module path."""
    candidate = directory / "go.mod"
    try:
        status = candidate.stat()
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return None
    return _module_of(str(candidate), status.st_size, status.st_mtime_ns)


@functools.lru_cache(maxsize=1024)
def _module_of(path: str, _size: int, _mtime_ns: int) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            match = _MODULE_LINE.search(handle.read(4096))
    except OSError:
        return None
    return match.group(1) if match else None


# ---------------------------------------------------------------------------------------------
# expressions


State = dict[str, str]


@dataclass(slots=True)
class _Loop:
    breaks: list[State] = field(default_factory=list)
    continues: list[State] = field(default_factory=list)


@dataclass(slots=True)
class _Scope:
    ctx: GoContext
    qualname: str
    steps: list[Step] = field(default_factory=list)
    next_id: int = 0
    current: State = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)       # source name -> type
    blocks: list[dict[str, str | None]] = field(default_factory=list)   # declared -> outer version
    loops: list[_Loop] = field(default_factory=list)
    definitions: dict[str, object] = field(default_factory=dict)   # name -> value of its `:=`
    functions: list = field(default_factory=list)    # the function and the literals being lowered
    depth: int = 0


class FunctionLowerer:
    def __init__(self, scope: _Scope) -> None:
        self.s = scope
        self.ctx = scope.ctx

    # -- versions and scopes ---------------------------------------------------------------

    def version(self, name: str) -> str:
        count = self.s.versions.get(name, 0) + 1
        self.s.versions[name] = count
        return name if count == 1 else f"{name}#{count}"

    def define(self, name: str, value: Expr, loc: Location) -> None:
        target = self.version(name)
        self.s.steps.append(Assign(target, value, loc))
        self.s.current[name] = target

    def declare(self, name: str, value: Expr, loc: Location) -> None:
        """A new variable of the innermost block (`:=`, `var`, a parameter of a literal)."""
        if name == "_":
            return
        block = self.s.blocks[-1] if self.s.blocks else None
        if block is not None and name not in block:
            block[name] = self.s.current.get(name)
        self.define(name, value, loc)

    def read(self, name: str) -> Expr:
        version = self.s.current.get(name)
        return Expr(names=(version,)) if version else EMPTY

    def is_local(self, name: str) -> bool:
        return name in self.s.current

    def push(self) -> None:
        self.s.blocks.append({})

    def pop(self) -> None:
        block = self.s.blocks.pop()
        for name, outer in block.items():
            if outer is None:
                self.s.current.pop(name, None)
            else:
                self.s.current[name] = outer

    def join(self, states: list[State], loc: Location) -> State:
        names = sorted(set().union(*states)) if states else []
        joined: State = {}
        for name in names:
            versions = tuple(dict.fromkeys(state[name] for state in states if name in state))
            if len(versions) == 1 and all(name in state for state in states):
                joined[name] = versions[0]
            elif all(name in state for state in states):
                target = self.version(name)
                self.s.steps.append(Assign(target, Expr(names=versions), loc))
                joined[name] = target
        return joined

    def loc(self, node) -> Location:
        return location(self.ctx.path, node)

    # -- statements ------------------------------------------------------------------------

    def statements(self, node) -> Iterator:
        for child in _named(node):
            if child.type == "statement_list":
                yield from _named(child)
            else:
                yield child

    def block(self, node, scoped: bool = True) -> None:
        if node is None:
            return
        if scoped:
            self.push()
        try:
            for stmt in self.statements(node):
                self.statement(stmt)
        finally:
            if scoped:
                self.pop()

    def statement(self, stmt) -> None:
        s = self.s
        if s.depth > MAX_NESTING:
            return
        s.depth += 1
        try:
            self._statement(stmt)
        finally:
            s.depth -= 1

    def _statement(self, stmt) -> None:
        kind = stmt.type
        if kind == "expression_statement":             # the most common kind: no location needed
            for child in _named(stmt):
                self.expr(child)
            return
        loc = self.loc(stmt)
        if kind == "short_var_declaration":
            self.assignment(stmt.child_by_field_name("left"), stmt.child_by_field_name("right"), loc, True)
        elif kind == "assignment_statement":
            operator = self.ctx.text(stmt.child_by_field_name("operator"))
            self.assignment(stmt.child_by_field_name("left"), stmt.child_by_field_name("right"), loc,
                            False, operator != "=")
        elif kind == "var_declaration":
            for spec in descendants(stmt, "var_spec"):
                self.var_spec(spec)
        elif kind == "const_declaration":
            for spec in descendants(stmt, "const_spec"):
                for name in spec.children_by_field_name("name"):
                    self.declare(self.ctx.text(name), CONSTANT, loc)
        elif kind in ("go_statement", "defer_statement"):
            for child in _named(stmt):
                self.expr(child)
        elif kind == "return_statement":
            values = [self.expr(v) for child in _named(stmt) for v in self.expression_list(child)]
            self.s.steps.append(Return(merge(values) if values else CONSTANT, loc))
        elif kind == "if_statement":
            self.if_statement(stmt, loc)
        elif kind == "for_statement":
            self.for_statement(stmt, loc)
        elif kind in ("expression_switch_statement", "type_switch_statement", "select_statement"):
            self.switch_statement(stmt, loc)
        elif kind == "block":
            self.block(stmt)
        elif kind == "labeled_statement":
            for child in _named(stmt):
                if child.type != "label_name":
                    self.statement(child)
        elif kind == "send_statement":
            channel = stmt.child_by_field_name("channel")
            value = self.expr(stmt.child_by_field_name("value"))
            self.store(channel, value, loc)
        elif kind in ("inc_statement", "dec_statement"):
            for child in _named(stmt):
                self.expr(child)
        # break, continue, goto, fallthrough, empty statements: no data flow

    def expression_list(self, node) -> list:
        if node is None:
            return []
        if node.type == "expression_list":
            return _named(node)
        return [node]

    def assignment(self, left, right, loc: Location, declare: bool, compound: bool = False) -> None:
        targets = self.expression_list(left)
        sources = self.expression_list(right)
        if len(sources) == len(targets):
            values = [self.value_for(t, v) for t, v in zip(targets, sources)]
        else:
            single = merge(self.expr(v) for v in sources)
            values = [single] * len(targets)
            if len(sources) == 1:
                for target in targets:
                    if target.type == "identifier":
                        self.s.definitions[self.ctx.text(target)] = sources[0]
                self.note_type(targets[0], sources[0])
        if len(sources) == len(targets):
            for target, source in zip(targets, sources):
                self.note_type(target, source)
        for target, value in zip(targets, values):
            if compound:
                value = merge([self.expr(target), value])
            self.bind(target, value, loc, declare)

    def value_for(self, target, value) -> Expr:
        expr = self.expr(value)
        if target is not None and target.type == "identifier":
            self.s.definitions[self.ctx.text(target)] = value
        return expr

    def note_type(self, target, value) -> None:
        if target is None or target.type != "identifier":
            return
        kind = self.type_of(value)
        if kind:
            self.s.types[self.ctx.text(target)] = kind

    def bind(self, target, value: Expr, loc: Location, declare: bool) -> None:
        target = _unparen(target)
        if target is None:
            return
        if target.type == "identifier":
            name = self.ctx.text(target)
            if name == "_":
                return
            if declare:
                block = self.s.blocks[-1] if self.s.blocks else None
                if block is not None and name in block:
                    self.define(name, value, loc)       # `x, err := ...` reusing err of this block
                else:
                    self.declare(name, value, loc)
            elif self.is_local(name):
                self.define(name, value, loc)
            return
        self.store(target, value, loc)

    def store(self, target, value: Expr, loc: Location) -> None:
        """`obj.f = v`, `m[k] = v`, `*p = v`, `ch <- v`: a weak update of the base variable."""
        base = self.base_name(target)
        node = _unparen(target)
        while node is not None and node.type in ("selector_expression", "index_expression",
                                                 "unary_expression", "parenthesized_expression"):
            if node.type == "index_expression":
                self.expr(node.child_by_field_name("index"))
            node = _unparen(node.child_by_field_name("operand"))
        if node is not None and node.type not in ("identifier",):
            self.expr(node)
        if base and self.is_local(base) and not value.is_empty and not value.constant:
            self.define(base, merge([self.read(base), value]), loc)

    def base_name(self, node) -> str:
        for _ in range(32):
            node = _unparen(node)
            if node is None:
                return ""
            if node.type == "identifier":
                return self.ctx.text(node)
            if node.type in ("selector_expression", "index_expression", "unary_expression",
                             "slice_expression", "type_assertion_expression"):
                node = node.child_by_field_name("operand")
                continue
            return ""
        return ""

    def var_spec(self, spec) -> None:
        loc = self.loc(spec)
        names = list(spec.children_by_field_name("name"))
        declared = type_name(spec.child_by_field_name("type"), self.ctx)
        value = spec.child_by_field_name("value")
        values = self.expression_list(value)
        exprs: list[Expr]
        if len(values) == len(names):
            exprs = [self.value_for(n, v) for n, v in zip(names, values)]
        elif values:
            single = merge(self.expr(v) for v in values)
            exprs = [single] * len(names)
        else:
            exprs = [CONSTANT if declared in NUMERIC_TYPES else EMPTY] * len(names)
        for index, name in enumerate(names):
            text = self.ctx.text(name)
            if declared:
                self.s.types[text] = declared
            elif len(values) == len(names):
                self.note_type(name, values[index])
            self.declare(text, exprs[index], loc)

    # -- control flow ----------------------------------------------------------------------

    def apply_facts(self, names: set[str], loc: Location) -> None:
        for name in sorted(names):
            if self.is_local(name):
                self.define(name, CONSTANT, loc)

    def leaves(self, body) -> bool:
        statements = list(self.statements(body)) if body is not None else []
        if not statements:
            return False
        last = statements[-1]
        while last.type == "labeled_statement":
            inner = [c for c in _named(last) if c.type != "label_name"]
            if not inner:
                return False
            last = inner[-1]
        if last.type in ("return_statement", "goto_statement"):
            return True
        if last.type in ("break_statement", "continue_statement"):
            if self.s.loops and not _named(last):
                frame = self.s.loops[-1]
                (frame.continues if last.type == "continue_statement" else frame.breaks).append(dict(self.s.current))
            return True
        if last.type == "expression_statement":
            call = _unparen(_named(last)[0]) if _named(last) else None
            return call is not None and call.type == "call_expression" and \
                self.callee_text(call) in TERMINATING_CALLS
        if last.type == "block":
            return self.leaves(last)
        if last.type == "if_statement":
            alternative = last.child_by_field_name("alternative")
            return alternative is not None and self.leaves(last.child_by_field_name("consequence")) and \
                self.leaves(alternative if alternative.type == "block" else _wrap(alternative))
        return False

    def callee_text(self, call) -> str:
        function = _unparen(call.child_by_field_name("function"))
        if function is None:
            return ""
        if function.type == "identifier":
            return self.ctx.text(function)
        if function.type == "selector_expression":
            operand = _unparen(function.child_by_field_name("operand"))
            if operand is not None and operand.type == "identifier" and not self.is_local(self.ctx.text(operand)):
                package = self.ctx.imports.get(self.ctx.text(operand))
                if package:
                    return f"{package}.{self.ctx.text(function.child_by_field_name('field'))}"
        return ""

    def arm(self, body, facts: set[str], loc: Location, start: State, prelude=None) -> State | None:
        self.s.current = dict(start)
        self.push()
        try:
            self.apply_facts(facts, loc)
            if prelude is not None:
                prelude()
            if body is not None:
                if body.type == "if_statement":
                    self.statement(body)
                else:
                    self.block(body, scoped=False)
            leaves = body is not None and body.type != "if_statement" and self.leaves(body)
        finally:
            self.pop()
        return None if leaves else dict(self.s.current)

    def if_statement(self, stmt, loc: Location) -> None:
        self.push()
        try:
            initializer = stmt.child_by_field_name("initializer")
            if initializer is not None:
                self.statement(initializer)
            condition = stmt.child_by_field_name("condition")
            self.expr(condition)
            start = dict(self.s.current)
            exits = [self.arm(stmt.child_by_field_name("consequence"), self.guard_facts(condition, True), loc, start),
                     self.arm(stmt.child_by_field_name("alternative"), self.guard_facts(condition, False), loc, start)]
            live = [e for e in exits if e is not None]
            self.s.current = self.join(live, loc) if live else start
        finally:
            self.pop()

    def for_statement(self, stmt, loc: Location) -> None:
        self.push()
        try:
            clause = next((c for c in _named(stmt) if c.type in ("for_clause", "range_clause")), None)
            body = stmt.child_by_field_name("body")
            facts: set[str] = set()
            condition = None
            iterated = EMPTY
            range_left = None
            if clause is not None and clause.type == "for_clause":
                initializer = clause.child_by_field_name("initializer")
                if initializer is not None:
                    self.statement(initializer)
                condition = clause.child_by_field_name("condition")
            elif clause is not None:
                iterated = self.expr(clause.child_by_field_name("right"))
                range_left = clause.child_by_field_name("left")
                if range_left is not None:
                    declare = any(c.type == ":=" for c in clause.children)
                    for target in self.expression_list(range_left):
                        self.bind(target, EMPTY, loc, declare)
            else:
                condition = next((c for c in _named(stmt) if c is not body), None)
            names = sorted(n for n in self.assigned_names(stmt) if self.is_local(n))
            ends = {name: self.version(name) for name in names}
            for name in names:
                before = self.s.current.get(name)
                self.define(name, Expr(names=(before, ends[name]) if before else (ends[name],)), loc)
            head = dict(self.s.current)
            frame = _Loop()
            self.s.loops.append(frame)
            try:
                if condition is not None:
                    self.expr(condition)
                    facts = self.guard_facts(condition, True)
                self.apply_facts(facts, loc)
                if range_left is not None:
                    ranged = self.type_of(clause.child_by_field_name("right"))
                    for index, target in enumerate(self.expression_list(range_left)):
                        # a map's key is data too (`for k := range m`); a slice's index is a number
                        numeric = (index == 0 and (ranged.startswith("[]") or ranged == "string")) or \
                            (index == 1 and ranged == NUMERIC_SLICE)
                        self.bind(target, CONSTANT if numeric else iterated, loc, False)
                self.block(body)
                if clause is not None and clause.type == "for_clause":
                    update = clause.child_by_field_name("update")
                    if update is not None:
                        self.statement(update)
                around = ([] if self.leaves(body) else [dict(self.s.current)]) + frame.continues
            finally:
                self.s.loops.pop()
            for name in names:
                versions = tuple(dict.fromkeys(state[name] for state in around if name in state))
                self.s.steps.append(Assign(ends[name], Expr(names=versions) if versions else EMPTY, loc))
            self.s.current = self.join([head, *frame.breaks], loc)
        finally:
            self.pop()

    def assigned_names(self, node) -> set[str]:
        names: set[str] = set()
        text = self.ctx.text
        for child in _walk(node):
            kind = child.type
            if kind in ("assignment_statement", "short_var_declaration"):
                for target in self.expression_list(child.child_by_field_name("left")):
                    base = self.base_name(target)
                    if base:
                        names.add(base)
            elif kind == "range_clause":
                for target in self.expression_list(child.child_by_field_name("left")):
                    names.add(text(target))
            elif kind == "var_spec":
                names.update(text(n) for n in child.children_by_field_name("name"))
            elif kind == "unary_expression" and text(child.child_by_field_name("operator")) == "&":
                base = self.base_name(child.child_by_field_name("operand"))
                if base:
                    names.add(base)
            elif kind == "send_statement":
                base = self.base_name(child.child_by_field_name("channel"))
                if base:
                    names.add(base)
            elif kind == "call_expression":
                function = child.child_by_field_name("function")
                if function is not None and function.type == "selector_expression":
                    base = self.base_name(function.child_by_field_name("operand"))
                    if base:
                        names.add(base)      # `b.WriteString(x)`, `parts = append(...)`
        return names

    def switch_statement(self, stmt, loc: Location) -> None:
        self.push()
        try:
            initializer = stmt.child_by_field_name("initializer")
            if initializer is not None:
                self.statement(initializer)
            value = stmt.child_by_field_name("value")
            alias = stmt.child_by_field_name("alias")
            subject_value = self.expr(value) if value is not None else EMPTY
            subject = self.subjects(value) if value is not None and stmt.type == "expression_switch_statement" else set()
            start = dict(self.s.current)
            exits: list[State] = []
            has_default = False
            frame = _Loop()                 # `break` leaves the switch
            self.s.loops.append(frame)
            try:
                for case in _named(stmt):
                    if case.type not in ("expression_case", "default_case", "type_case", "communication_case"):
                        continue
                    has_default = has_default or case.type == "default_case"
                    facts: set[str] = set()
                    values = case.child_by_field_name("value")
                    if case.type == "expression_case" and values is not None:
                        items = self.expression_list(values)
                        if subject and items and all(self.is_constant_node(i) for i in items):
                            facts = set(subject)

                    def prelude(case=case) -> None:
                        if alias is not None:
                            for target in self.expression_list(alias):
                                self.declare(self.ctx.text(target), subject_value, loc)
                        communication = case.child_by_field_name("communication")
                        if communication is not None:
                            self.statement(communication)
                        if case.type == "expression_case":
                            for item in self.expression_list(case.child_by_field_name("value")):
                                self.expr(item)
                    body_node = _CaseBody(case, self)
                    self.s.current = dict(start)
                    self.push()
                    try:
                        self.apply_facts(facts, loc)
                        prelude()
                        for child in body_node.statements:
                            self.statement(child)
                        leaves = body_node.leaves()
                    finally:
                        self.pop()
                    if not leaves:
                        exits.append(dict(self.s.current))
            finally:
                self.s.loops.pop()
            if self.s.loops:
                self.s.loops[-1].continues.extend(frame.continues)
            exits.extend(frame.breaks)
            if not has_default:
                exits.append(start)
            self.s.current = self.join(exits, loc) if exits else start
        finally:
            self.pop()

    # -- guards ----------------------------------------------------------------------------

    def guard_facts(self, test, positive: bool) -> set[str]:
        """Local names that hold only harmless values where `test` is `positive`."""
        test = _unparen(test)
        if test is None:
            return set()
        kind = test.type
        if kind == "unary_expression" and self.ctx.text(test.child_by_field_name("operator")) == "!":
            return self.guard_facts(test.child_by_field_name("operand"), not positive)
        if kind == "binary_expression":
            operator = self.ctx.text(test.child_by_field_name("operator"))
            left, right = test.child_by_field_name("left"), test.child_by_field_name("right")
            if operator in ("&&", "||"):
                parts = (self.guard_facts(left, positive), self.guard_facts(right, positive))
                if (operator == "&&") == positive:
                    return parts[0] | parts[1]
                return parts[0] & parts[1]
            if operator in ("==", "!=") and (operator == "==") == positive:
                if self.is_constant_node(right) and _unparen(right).type != "nil":
                    return self.subjects(left)
                if self.is_constant_node(left) and _unparen(left).type != "nil":
                    return self.subjects(right)
            return set()
        if kind == "index_expression" and positive:
            # `if allowed[x] {`: a package-level map literal of booleans
            operand = _unparen(test.child_by_field_name("operand"))
            if operand is not None and operand.type == "identifier" and self.is_literal_var(operand):
                return self.subjects(test.child_by_field_name("index"))
            return set()
        if kind == "call_expression" and positive:
            return self.call_facts(test)
        if kind == "identifier" and positive:
            # `v, ok := allowed[x]; if ok {`
            name = self.ctx.text(test)
            value = _unparen(self.s.definitions.get(name)) if name == "ok" or name.startswith("ok") else None
            if value is not None and value.type == "index_expression":
                operand = _unparen(value.child_by_field_name("operand"))
                if operand is not None and operand.type == "identifier" and self.is_literal_var(operand):
                    return self.subjects(value.child_by_field_name("index"))
        return set()

    def call_facts(self, call) -> set[str]:
        function = _unparen(call.child_by_field_name("function"))
        args = _named(call.child_by_field_name("arguments"))
        name = self.callee_text(call)
        if name in ("slices.Contains", "golang.org/x/exp/slices.Contains") and len(args) == 2:
            collection = _unparen(args[0])
            if collection is not None and collection.type == "identifier" and self.is_literal_var(collection):
                return self.subjects(args[1])
        if name == "strings.HasPrefix" and len(args) == 2 and self.is_normalised(args[0]):
            return self.subjects(args[0])
        if function is not None and function.type == "selector_expression" and len(args) == 1:
            method = self.ctx.text(function.child_by_field_name("field"))
            operand = _unparen(function.child_by_field_name("operand"))
            if method == "MatchString" and operand is not None and operand.type == "identifier" and \
                    not self.is_local(self.ctx.text(operand)) and self.ctx.text(operand) in self.ctx.safe_regexps:
                return self.subjects(args[0])
        return set()

    def is_normalised(self, node) -> bool:
        node = _unparen(node)
        if node is None or node.type != "identifier":
            return False
        value = _unparen(self.s.definitions.get(self.ctx.text(node)))
        if value is None or value.type != "call_expression":
            return False
        return self.callee_text(value) in ("path/filepath.Clean", "path/filepath.Abs", "path/filepath.Rel",
                                           "path.Clean", "path/filepath.EvalSymlinks")

    def subjects(self, node) -> set[str]:
        """The local names a fact about `node` is about: `x`, `strings.ToLower(x)`."""
        node = _unparen(node)
        if node is None:
            return set()
        if node.type == "identifier":
            name = self.ctx.text(node)
            return {name} if self.is_local(name) else set()
        if node.type == "call_expression":
            args = _named(node.child_by_field_name("arguments"))
            if self.callee_text(node) in ("strings.ToLower", "strings.ToUpper", "strings.TrimSpace") and len(args) == 1:
                return self.subjects(args[0])
        return set()

    def is_literal_var(self, node) -> bool:
        name = self.ctx.text(node)
        return not self.is_local(name) and name in self.ctx.literal_vars

    def is_constant_node(self, node) -> bool:
        node = _unparen(node)
        if node is None:
            return False
        if node.type in ("interpreted_string_literal", "raw_string_literal", "int_literal", "float_literal",
                         "rune_literal", "true", "false", "nil"):
            return True
        if node.type == "identifier":
            name = self.ctx.text(node)
            return not self.is_local(name) and name in self.ctx.constants
        if node.type == "selector_expression":
            operand = _unparen(node.child_by_field_name("operand"))
            return operand is not None and operand.type == "identifier" and \
                not self.is_local(self.ctx.text(operand)) and self.ctx.text(operand) in self.ctx.imports
        return False

    # -- expressions -----------------------------------------------------------------------

    def expr(self, node) -> Expr:
        node = _unparen(node)
        if node is None:
            return EMPTY
        s = self.s
        if s.depth > MAX_NESTING:
            return EMPTY
        s.depth += 1
        try:
            return self._expr(node)
        finally:
            s.depth -= 1

    def _expr(self, node) -> Expr:
        kind = node.type
        if kind in ("interpreted_string_literal", "raw_string_literal", "int_literal", "float_literal",
                    "imaginary_literal", "rune_literal", "true", "false", "nil", "iota"):
            return CONSTANT
        if kind == "identifier":
            name = self.ctx.text(node)
            if self.is_local(name):
                return CONSTANT if self.s.types.get(name) in NUMERIC_TYPES else self.read(name)
            if name in self.ctx.constants or name in PREDECLARED_VALUES:
                return CONSTANT
            return EMPTY
        if kind == "call_expression":
            return self.call(node)
        if kind == "selector_expression":
            source = self.field_source(node)
            if source is not None:
                return Expr(sources=(source,))
            operand = _unparen(node.child_by_field_name("operand"))
            if operand is not None and operand.type == "identifier":
                name = self.ctx.text(operand)
                if not self.is_local(name) and name in self.ctx.imports:
                    return CONSTANT
            value = self.expr(operand)
            return CONSTANT if self.type_of(node) in NUMERIC_TYPES else value
        if kind == "binary_expression":
            operator = self.ctx.text(node.child_by_field_name("operator"))
            operands = self.flatten_sum(node) if operator == "+" else \
                [node.child_by_field_name("left"), node.child_by_field_name("right")]
            values = [self.expr(o) for o in operands]
            if operator in COMPARISONS:
                return CONSTANT
            value = merge(values)
            if operator == "+":
                return self.fixed_origin(self.literal_prefix(operands), value, node)
            return value
        if kind == "unary_expression":
            operator = self.ctx.text(node.child_by_field_name("operator"))
            value = self.expr(node.child_by_field_name("operand"))
            return CONSTANT if operator == "!" else value
        if kind in ("index_expression",):
            operand = _unparen(node.child_by_field_name("operand"))
            self.expr(node.child_by_field_name("index"))
            if operand is not None and operand.type == "identifier" and self.is_literal_var(operand):
                return CONSTANT            # a lookup in a package-level literal map or slice
            return self.expr(operand)
        if kind in ("slice_expression", "type_assertion_expression"):
            for part in ("start", "end", "capacity"):
                self.expr(node.child_by_field_name(part))
            return self.expr(node.child_by_field_name("operand"))
        if kind == "type_conversion_expression":
            target = node.child_by_field_name("type")
            value = self.expr(node.child_by_field_name("operand"))
            if target is not None and self.ctx.text(target) in NUMERIC_TYPES:
                return CONSTANT
            return value
        if kind == "composite_literal":
            return self.composite(node)
        if kind == "func_literal":
            self.inline_literal(node, ())
            return EMPTY
        if kind == "literal_value":
            return merge(self.expr(c) for c in _named(node))
        if kind in ("keyed_element", "literal_element"):
            return merge(self.expr(c) for c in _named(node))
        return merge(self.expr(c) for c in _named(node))

    def flatten_sum(self, node) -> list:
        operands = []
        current = node
        while current is not None and current.type == "binary_expression" and \
                self.ctx.text(current.child_by_field_name("operator")) == "+":
            operands.append(current.child_by_field_name("right"))
            current = _unparen(current.child_by_field_name("left"))
        operands.append(current)
        operands.reverse()
        return operands

    def literal_prefix(self, operands: list) -> str | None:
        if not operands:
            return None
        head = self.constant_string(operands[0])
        return head

    def constant_string(self, node) -> str | None:
        node = _unparen(node)
        text = self.ctx.string(node)
        if text is not None:
            return text
        return None

    def fixed_origin(self, prefix: str | None, value: Expr, node) -> Expr:
        if value.constant or value.is_empty or prefix is None or not FIXED_ORIGIN.match(prefix):
            return value
        return self.pseudo_call(FIXED_ORIGIN_CALLEE, (value,), node)

    def pseudo_call(self, callee: str, args: tuple[Expr, ...], node, literal_args=()) -> Expr:
        s = self.s
        call_id = s.next_id
        s.next_id += 1
        s.steps.append(CallSite(call_id, callee, args, self.loc(node), literal_args=tuple(literal_args)))
        return Expr(calls=(call_id,))

    def composite(self, node) -> Expr:
        body = node.child_by_field_name("body")
        values: list[Expr] = []
        kind = node.child_by_field_name("type")
        is_struct = kind is not None and kind.type in ("type_identifier", "qualified_type", "generic_type",
                                                       "struct_type")
        for element in _named(body) if body is not None else []:
            if element.type == "keyed_element":
                parts = _named(element)
                key = parts[0] if parts else None
                key_inner = _named(key)[0] if key is not None and key.type == "literal_element" and _named(key) else key
                if not (is_struct and key_inner is not None and key_inner.type in ("identifier", "field_identifier")):
                    values.append(self.expr(key))
                values.extend(self.expr(p) for p in parts[1:])
            else:
                values.append(self.expr(element))
        value = merge(values) if values else CONSTANT
        if value.constant or value.is_empty:
            return value
        if kind is not None and kind.type in ("type_identifier", "qualified_type", "generic_type", "map_type"):
            # a struct or a map: query builders bind its fields as parameters
            return self.pseudo_call(STRUCTURED_CALLEE, (value,), node)
        return value

    def inline_literal(self, node, args: tuple[Expr, ...]) -> None:
        """A function literal runs where it is written (a callback, a goroutine, a handler): its
        body is lowered into the function around it; its parameters are new variables."""
        s = self.s
        self.push()
        s.functions.append(node)
        try:
            for index, (name, kind) in enumerate(_params(node, self.ctx)):
                if kind:
                    s.types[name] = kind
                self.declare(name, args[index] if index < len(args) else EMPTY, self.loc(node))
            steps_before = len(s.steps)
            self.block(node.child_by_field_name("body"), scoped=True)
            # a literal's `return` hands its value to its caller, not to the function around it
            for position in range(steps_before, len(s.steps)):
                step = s.steps[position]
                if isinstance(step, Return):
                    s.steps[position] = Assign(self.version("<literal result>"), step.value, step.location)
        finally:
            s.functions.pop()
            self.pop()

    # -- sources ---------------------------------------------------------------------------

    def type_of(self, node) -> str:
        node = _unparen(node)
        if node is None:
            return ""
        kind = node.type
        if kind == "identifier":
            name = self.ctx.text(node)
            if self.is_local(name) or name in self.s.types:
                return self.s.types.get(name, "")
            return self.ctx.var_types.get(name, "")
        if kind == "unary_expression":
            return self.type_of(node.child_by_field_name("operand"))
        if kind == "composite_literal":
            return type_name(node.child_by_field_name("type"), self.ctx)
        if kind == "selector_expression":
            base = self.type_of(node.child_by_field_name("operand"))
            if not base:
                return ""                    # no rule below applies to an untyped operand
            name = self.ctx.text(node.child_by_field_name("field"))
            if base == GIN and name == "Request":
                return REQUEST_TYPE
            if base == GIN and name == "Writer":
                return WRITER_TYPE
            if base == REQUEST_TYPE and name == "URL":
                return "net/url.URL"
            if base.startswith(self.ctx.package + ".") and self.ctx.package:
                fields = self.ctx.fields.get(base[len(self.ctx.package) + 1:])
                if fields:
                    return fields.get(name, "")
            return ""
        if kind == "call_expression":
            function = _unparen(node.child_by_field_name("function"))
            callee = self.callee_text(node)
            if callee in RESULT_TYPES:
                return RESULT_TYPES[callee]
            if callee in ("make", "new"):
                args = _named(node.child_by_field_name("arguments"))
                return type_name(args[0], self.ctx) if args else ""
            if callee.startswith(SQLBUILDER + ".") and callee.rsplit(".", 1)[1] in SQLBUILDER_CONSTRUCTORS:
                return SQLBUILDER_TYPE
            if function is not None and function.type == "identifier" and not self.is_local(callee):
                return self.ctx.result_types.get(callee, "")
            if callee in ("text/template.Must", "html/template.Must"):
                args = _named(node.child_by_field_name("arguments"))
                return self.type_of(args[0]) if args else ""
            if function is not None and function.type == "selector_expression":
                method = self.ctx.text(function.child_by_field_name("field"))
                base = self.type_of(function.child_by_field_name("operand"))
                if (base in ECHO and method == "Request") or (base == GIN and method == "Request"):
                    return REQUEST_TYPE
                if (base in ECHO and method == "Response"):
                    return WRITER_TYPE
                if method == "Context" and base in (REQUEST_TYPE, *ECHO, *FIBER) or method == "Context" and not base:
                    return CONTEXT_TYPE
                if base.endswith("template.Template") and method in TEMPLATE_CHAIN:
                    return base
                if method in PREPARE_METHODS:
                    return "database/sql.Stmt"
                if base == SQLBUILDER_TYPE or method in SQLBUILDER_CONSTRUCTORS and \
                        self.package_of_selector(function.child_by_field_name("operand")) == SQLBUILDER:
                    return SQLBUILDER_TYPE   # `sqlbuilder.MySQL.NewSelectBuilder()`
            return ""
        return ""

    def package_of_selector(self, node) -> str:
        """The import path of `pkg` in `pkg.Name` (a package-level variable), or ""."""
        node = _unparen(node)
        if node is None or node.type != "selector_expression":
            return ""
        operand = _unparen(node.child_by_field_name("operand"))
        if operand is None or operand.type != "identifier" or self.is_local(self.ctx.text(operand)):
            return ""
        return self.ctx.imports.get(self.ctx.text(operand), "")

    def is_context_value(self, node) -> bool:
        return self.type_of(node) == CONTEXT_TYPE or (
            _unparen(node) is not None and _unparen(node).type == "identifier" and self.ctx.text(node) == "ctx")

    def describe(self, node) -> str:
        text = " ".join(self.ctx.text(node).split())
        return text if len(text) <= 60 else text[:57] + "..."

    def source(self, kind: str, node) -> SourceRef:
        return SourceRef(kind, self.loc(node), self.describe(node))

    def field_source(self, node) -> SourceRef | None:
        """`r.Body`, `r.Form`, `r.Header`, `r.URL.RawQuery`, gin `c.Params`."""
        operand = node.child_by_field_name("operand")
        name = self.ctx.text(node.child_by_field_name("field"))
        base = self.type_of(operand)
        if base == REQUEST_TYPE and name in REQUEST_FIELDS:
            return self.source(REQUEST_FIELDS[name], node)
        if base == GIN and name in GIN_FIELDS:
            return self.source(GIN_FIELDS[name], node)
        return None

    def is_request_url(self, node) -> bool:
        """`r.URL` of a request."""
        node = _unparen(node)
        return node is not None and node.type == "selector_expression" and \
            self.ctx.text(node.child_by_field_name("field")) == "URL" and \
            self.type_of(node.child_by_field_name("operand")) == REQUEST_TYPE

    def call_source(self, call, function, callee: str) -> tuple[SourceRef | None, str]:
        """(a source the call returns, the source kind its out-parameter receives)."""
        if callee in PACKAGE_SOURCES:
            return self.source(PACKAGE_SOURCES[callee], call), ""
        if function is None or function.type != "selector_expression":
            return None, ""
        operand = _unparen(function.child_by_field_name("operand"))
        method = self.ctx.text(function.child_by_field_name("field"))
        base = self.type_of(operand)
        if base == REQUEST_TYPE and method in REQUEST_METHODS:
            return self.source(REQUEST_METHODS[method], call), ""
        if method in URL_METHODS and self.is_request_url(operand):
            return self.source(URL_METHODS[method], call), ""
        if base == GIN:
            if method in GIN_METHODS:
                return self.source(GIN_METHODS[method], call), ""
            return None, GIN_BINDERS.get(method, "")
        if base in ECHO:
            if method in ECHO_METHODS:
                return self.source(ECHO_METHODS[method], call), ""
            return None, ECHO_BINDERS.get(method, "")
        if base in FIBER:
            if method in FIBER_METHODS:
                return self.source(FIBER_METHODS[method], call), ""
            return None, FIBER_BINDERS.get(method, "")
        if base in HTTPROUTER_PARAMS and method == "ByName":
            return self.source("path", call), ""
        return None, ""

    # -- calls -----------------------------------------------------------------------------

    def call(self, node) -> Expr:
        s = self.s
        ctx = self.ctx
        function = _unparen(node.child_by_field_name("function"))
        arguments = _named(node.child_by_field_name("arguments"))
        if function is not None and function.type == "func_literal":
            args = tuple(self.expr(a) for a in arguments)
            self.inline_literal(function, args)
            return EMPTY
        receiver: Expr | None = None
        callee = ""
        if function is not None and function.type == "selector_expression":
            operand = _unparen(function.child_by_field_name("operand"))
            method = ctx.text(function.child_by_field_name("field"))
            package = ""
            if operand is not None and operand.type == "identifier":
                name = ctx.text(operand)
                if not self.is_local(name):
                    package = ctx.imports.get(name, "")
            held = self.package_of_selector(operand) if not package else ""
            if package:
                callee = f"{package}.{method}"
            elif held:
                # a method of a package-level variable: `http.DefaultClient.Do(req)`
                callee = f"{held}.{ctx.text(operand.child_by_field_name('field'))}.{method}"
                receiver = EMPTY
            else:
                kind = self.type_of(operand)
                if not kind or kind in BASIC_TYPES:
                    callee = f".{method}"
                elif ctx.is_project_type(kind) and kind not in ctx.concrete and kind[len(ctx.package) + 1:] \
                        not in ctx.fields and method not in reserved_methods():
                    # a project type declared elsewhere may be an interface: dispatch by method name
                    callee = f".{method}"
                else:
                    callee = f"{kind}.{method}"
                receiver = self.expr(operand)
        elif function is not None and function.type == "identifier":
            name = ctx.text(function)
            if self.is_local(name):
                callee = name
                receiver = self.read(name)
            elif name in BUILTINS or name in BASIC_TYPES or name in NUMERIC_TYPES:
                callee = name
            else:
                callee = ctx.qualify(name)
        elif function is not None and function.type in ("array_type", "slice_type", "qualified_type",
                                                         "pointer_type", "map_type"):
            callee = ctx.text(function)            # a conversion: `[]byte(s)`
        else:
            receiver = self.expr(function)
            callee = ".__call__"
        source, out_kind = self.call_source(node, function, callee)
        if callee in NUMERIC_TYPES:
            for argument in arguments:
                self.expr(argument)
            return CONSTANT
        args = tuple(self.expr(a) for a in arguments)
        literal_args = []
        for index, argument in enumerate(arguments):
            text = ctx.string(argument)
            if text is not None:
                literal_args.append((index, text))
            elif index == 0 and self.is_context_value(argument):
                literal_args.append((index, CONTEXT_LITERAL))
            elif index == 0 and self.builds_string(argument):
                literal_args.append((index, STRING_BUILT))
            elif self.is_dynamic(argument):
                literal_args.append((index, DYNAMIC))
        call_id = s.next_id
        s.next_id += 1
        loc = self.loc(node)
        s.steps.append(CallSite(call_id, callee, args, loc, receiver=receiver, literal_args=tuple(literal_args)))
        result = Expr(calls=(call_id,))
        if out_kind and arguments:
            target = _unparen(arguments[0])
            if target is not None and target.type == "unary_expression":
                target = target.child_by_field_name("operand")
            base = self.base_name(target)
            if base and self.is_local(base):
                self.define(base, merge([self.read(base), Expr(sources=(self.source(out_kind, node),))]), loc)
        self.html_write(node, callee, receiver, function, arguments, args)
        if source is not None:
            return merge([result, Expr(sources=(source,))])
        if callee in ("path.Clean", "path/filepath.Clean") and len(arguments) == 1:
            first = _unparen(arguments[0])
            if first is not None and first.type == "binary_expression" and \
                    (self.literal_prefix(self.flatten_sum(first)) or "").startswith("/"):
                # `path.Clean("/" + p)`: cleaning a rooted path drops every leading `..`
                return self.pseudo_call(ROOTED_CLEAN_CALLEE, (result,), node)
        if callee == "fmt.Sprintf" and arguments:
            return self.fixed_origin(ctx.string(arguments[0]), result, node)
        return result

    def is_dynamic(self, node) -> bool:
        """A variable of a map or interface type (`bson.M`, `map[string]any`, `any`): decoded from
        JSON, it keeps whatever objects the request sent."""
        node = _unparen(node)
        if node is None or node.type != "identifier" or not self.is_local(self.ctx.text(node)):
            return False
        kind = self.s.types.get(self.ctx.text(node), "")
        return kind in (MAP_TYPE, "any") or "/bson." in kind and kind.rsplit(".", 1)[1] in ("M", "D", "Raw")

    def builds_string(self, node, depth: int = 0) -> bool:
        """Is the value certainly text built from pieces: a concatenation with a literal,
        `fmt.Sprintf`, `strings.Join`..., a builder's `String()`, or a variable assigned one?"""
        node = _unparen(node)
        if node is None or depth > 4:
            return False
        if node.type == "binary_expression":
            return self.ctx.text(node.child_by_field_name("operator")) == "+" and any(
                self.ctx.string(o) is not None or self.is_constant_node(o) for o in self.flatten_sum(node))
        if node.type == "call_expression":
            callee = self.callee_text(node)
            if callee in STRING_BUILDERS:
                return True
            function = _unparen(node.child_by_field_name("function"))
            return function is not None and function.type == "selector_expression" and \
                self.ctx.text(function.child_by_field_name("field")) == "String" and \
                self.type_of(function.child_by_field_name("operand")) in ("strings.Builder", "bytes.Buffer")
        if node.type == "identifier":
            name = self.ctx.text(node)
            if self.s.types.get(name) in ("strings.Builder", "bytes.Buffer"):
                return False
            value = self.s.definitions.get(name) if self.is_local(name) else None
            return value is not None and self.builds_string(value, depth + 1)
        return False

    def html_write(self, node, callee: str, receiver: Expr | None, function, arguments: list,
                   args: tuple[Expr, ...]) -> None:
        """Text written to a `http.ResponseWriter` that a browser renders as HTML: the handler set
        a text/html content type, or set none and the text starts with a tag that net/http's
        content sniffing reads as HTML."""
        if callee in HTML_WRITES and arguments and self.type_of(arguments[0]) == WRITER_TYPE:
            data_nodes, data = arguments[1:], args[1:]
        elif function is not None and function.type == "selector_expression" and \
                self.ctx.text(function.child_by_field_name("field")) in ("Write", "WriteString") and \
                self.type_of(function.child_by_field_name("operand")) == WRITER_TYPE:
            data_nodes, data = arguments, args
        else:
            return
        if not data or all(d.constant or d.is_empty for d in data):
            return
        html = self.declared_html()
        if html is None:
            first = _unparen(data_nodes[0]) if data_nodes else None
            html = bool(first is not None and _sniffs_html(first, self.ctx))
        if html:
            self.pseudo_call(HTML_RESPONSE_CALLEE, tuple(data), node)


    def declared_html(self) -> bool | None:
        """The content type the innermost function (or literal) that declares one declares."""
        memo = self.ctx.content_types
        for function in reversed(self.s.functions):
            if function.id not in memo:
                memo[function.id] = _content_type(function, self.ctx)
            if memo[function.id] is not None:
                return memo[function.id]
        return None


class _CaseBody:
    """The statements of a `case` clause (those after its value or communication)."""

    def __init__(self, case, lowerer: FunctionLowerer) -> None:
        skip = {id_ for id_ in (_node_id(case.child_by_field_name("value")),
                                _node_id(case.child_by_field_name("communication")),
                                _node_id(case.child_by_field_name("type")))
                if id_ is not None}
        self.statements = []
        for child in _named(case):
            if child.id in skip or child.type in ("type_identifier", "qualified_type", "pointer_type"):
                continue
            if child.type == "statement_list":
                self.statements.extend(_named(child))
            else:
                self.statements.append(child)
        self.lowerer = lowerer

    def leaves(self) -> bool:
        if not self.statements:
            return False
        last = self.statements[-1]
        return self.lowerer.leaves(_Fake([last]))


class _Fake:
    """A block-like holder of a statement list for `leaves()`."""
    type = "statement_list"

    def __init__(self, children: list) -> None:
        self.named_children = children
        self.children = children


def _wrap(node) -> _Fake:
    return _Fake([node])


def _node_id(node):
    return node.id if node is not None else None


def _sniffs_html(node, ctx: GoContext) -> bool:
    """The literal text a written value starts with is read as HTML by content sniffing."""
    for _ in range(32):
        node = _unparen(node)
        if node is None:
            return False
        literal = ctx.string(node)
        if literal is not None:
            return bool(SNIFFED_HTML.match(literal))
        if node.type == "binary_expression":
            node = node.child_by_field_name("left")
        elif node.type in ("type_conversion_expression",):
            node = node.child_by_field_name("operand")
        elif node.type == "call_expression":
            args = _named(node.child_by_field_name("arguments"))
            if not args:
                return False
            node = args[0]       # `[]byte(...)`, `fmt.Sprintf("<p>%s", x)`
        else:
            return False
    return False


def _content_type(func, ctx: GoContext) -> bool | None:
    """Does a function body declare its response's content type: True for text/html, False for
    another type, None when it sets none. Literals nested in inner function literals count for
    those literals only."""
    body = func.child_by_field_name("body")
    if body is None:
        return None
    found: bool | None = None
    for node in _walk(body, into_literals=False):
        if node.type in ("interpreted_string_literal", "raw_string_literal"):
            value = (ctx.string(node) or "").strip().lower()
            if value.startswith("text/html"):
                return True
            if re.match(r"^(application|text|image)/[a-z0-9.+\-]+", value) and _content_type_call(node, ctx):
                found = False
    return found


def _content_type_call(literal, ctx: GoContext) -> bool:
    """A literal given to `Header().Set("Content-Type", ...)` or a framework's typed writer."""
    parent = literal.parent
    if parent is None or parent.type != "argument_list":
        return False
    call = parent.parent
    return call is not None and "Content-Type" in ctx.text(call)


def _params(func, ctx: GoContext) -> list[tuple[str, str]]:
    params = func.child_by_field_name("parameters")
    found: list[tuple[str, str]] = []
    if params is None:
        return found
    for decl in _named(params):
        if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        kind = type_name(decl.child_by_field_name("type"), ctx)
        names = [ctx.text(n) for n in decl.children_by_field_name("name")]
        if not names:
            names = ["_"]
        for name in names:
            found.append((name, kind))
    return found


# ---------------------------------------------------------------------------------------------
# the file


def lower_file(root, path: str, package: str, source: bytes,
               resolve: Callable[[str], str] | None = None, module: str = "") -> list[FunctionSummary]:
    """Summaries for every function and method of a Go file; `package` is its import path;
    `resolve` maps an import path to the package path the project's own files use (see
    `ImportResolver`)."""
    if not package:
        clause = next((n for n in _named(root) if n.type == "package_clause"), None)
        package = next((source[c.start_byte:c.end_byte].decode("utf-8", "replace")
                        for c in _named(clause) if c.type == "package_identifier"), "main") if clause else "main"
    ctx = build_context(root, path, package, source, resolve)
    ctx.module = module
    ctx.local_packages = set(getattr(resolve, "local", ()))
    for node in _named(root):
        if node.type == "method_declaration":
            receiver = _receiver(node, ctx)
            if receiver is not None:
                ctx.concrete.add(ctx.qualify(receiver[1]))
    summaries: list[FunctionSummary] = []
    for node in _named(root):
        if node.type == "function_declaration":
            name = ctx.text(node.child_by_field_name("name"))
            summaries.append(_function(node, ctx, ctx.qualify(name), None))
        elif node.type == "method_declaration":
            name = ctx.text(node.child_by_field_name("name"))
            receiver = _receiver(node, ctx)
            if receiver is not None:
                method = _function(node, ctx, ctx.qualify(f"{receiver[1]}.{name}"), receiver)
                summaries.append(method)
                if name not in reserved_methods():
                    summaries.append(_dispatch(method, name))
    for name, literal in ctx.func_vars.items():
        summaries.append(_function(literal, ctx, ctx.qualify(name), None))
    return summaries


COMMON_METHODS = frozenset({
    "String", "Error", "Close", "Read", "Write", "ServeHTTP", "Get", "Set", "Do", "Run", "Start", "Stop",
    "Handle", "Handler", "Init", "New", "Len", "Less", "Swap", "Scan", "Value", "MarshalJSON",
    "UnmarshalJSON", "Validate", "Bind", "Next", "Err", "Context", "Lock", "Unlock", "Add", "Del",
    "Reset", "Flush", "Shutdown", "Serve", "Wait", "Done", "Name", "Type", "Unwrap", "Is", "As",
})


@functools.cache
def reserved_methods() -> frozenset[str]:
    """Method names never dispatched by name alone: those the spec gives a meaning (`.Query`,
    `.Decode`, `.Redirect`...) and the methods of everyday interfaces."""
    from prodcheck.taint.specs import load_spec
    spec = load_spec("go")
    names = set(COMMON_METHODS)
    for table in (spec.sinks, spec.sanitizers, spec.propagators):
        names.update(table.methods)
    return frozenset(names)


def _dispatch(method: FunctionSummary, name: str) -> FunctionSummary:
    """`.Name`: what a call `x.Name(...)` on a value of an unknown project type runs. It forwards
    to this method; when several types of the project declare `Name`, the engine keeps the first
    (in path order)."""
    args = tuple(Expr(names=(p,)) for p in method.params[1:])
    call = CallSite(0, method.qualname, args, method.location, receiver=Expr(names=(RECEIVER,)))
    return FunctionSummary(f".{name}", method.params, (call, Return(Expr(calls=(0,)), method.location)),
                           method.location)


def _receiver(method, ctx: GoContext) -> tuple[str, str] | None:
    """(receiver variable name or "", receiver type name) of a method declaration."""
    receiver = method.child_by_field_name("receiver")
    for decl in _named(receiver):
        if decl.type != "parameter_declaration":
            continue
        kind = type_name(decl.child_by_field_name("type"), ctx)
        if not kind.startswith(ctx.package + ".") and ctx.package:
            return None
        names = [ctx.text(n) for n in decl.children_by_field_name("name")]
        type_ = kind[len(ctx.package) + 1:] if ctx.package else kind
        return (names[0] if names else "", type_)
    return None


def _outgoing(param: str, function: str, body: str) -> bool:
    """Is a `*http.Request` parameter a request this code sends (an HTTP client's `Do`, a
    `RoundTrip`, a function that hands it to `client.Do(req)`), not one it serves?"""
    if function in CLIENT_METHODS:
        return True
    return re.search(r"\.(?:Do|RoundTrip)\(\s*" + re.escape(param) + r"\s*\)", body) is not None


def _function(node, ctx: GoContext, qualname: str, receiver: tuple[str, str] | None) -> FunctionSummary:
    scope = _Scope(ctx, qualname)
    scope.functions.append(node)
    lowerer = FunctionLowerer(scope)
    lowerer.push()
    params: list[str] = []
    handler = False
    if receiver is not None:
        params.append(RECEIVER)
        if receiver[0] and receiver[0] != "_":
            scope.current[receiver[0]] = RECEIVER
            scope.versions[receiver[0]] = 1
            scope.versions[RECEIVER] = 1
            scope.blocks[-1][receiver[0]] = None
            scope.types[receiver[0]] = ctx.qualify(receiver[1])
    name_node = node.child_by_field_name("name")
    for index, (name, kind) in enumerate(_params(node, ctx)):
        if kind == REQUEST_TYPE and _outgoing(name, ctx.text(name_node), ctx.text(node.child_by_field_name("body"))):
            kind = OUTGOING_REQUEST
        handler = handler or kind in HANDLER_TYPES
        if name == "_" or name in scope.current:
            params.append(f"_{index}")
            continue
        params.append(name)
        scope.current[name] = name
        scope.versions[name] = 1
        scope.blocks[-1][name] = None
        if kind:
            scope.types[name] = kind
    try:
        lowerer.block(node.child_by_field_name("body"), scoped=True)
    except RecursionError:
        pass
    return FunctionSummary(qualname, tuple(params), tuple(scope.steps), location(ctx.path, node), handler)


__all__ = ["FIXED_ORIGIN_CALLEE", "HTML_RESPONSE_CALLEE", "RECEIVER", "STRUCTURED_CALLEE", "build_context",
           "default_package_name", "file_package", "lower_file", "package_path", "type_name"]
