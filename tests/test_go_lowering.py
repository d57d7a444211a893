"""The Go taint adapter: the IR `taint/go_lowering.py` produces for small programs, and the flows
the engine finds in it with the Go spec."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from prodcheck.parsing.treesitter import parse_source
from prodcheck.taint.engine import find_flows
from prodcheck.taint.go_lowering import (
    RECEIVER, ImportResolver, default_package_name, lower_file, module_path, package_path,
)
from prodcheck.taint.ir import Assign, CallSite, Expr, FunctionSummary, Return
from prodcheck.taint.specs import load_spec

PACKAGE = "example.com/app/handlers"


def lower(source: str, path: str = "handlers/users.go", package: str = PACKAGE,
          resolve=None, module: str = "example.com/app") -> dict[str, FunctionSummary]:
    data = textwrap.dedent(source).encode()
    tree = parse_source(data, "go")
    return {fn.qualname: fn for fn in lower_file(tree.root_node, path, package, data, resolve, module)}


def calls(fn: FunctionSummary) -> list[CallSite]:
    return [s for s in fn.steps if isinstance(s, CallSite)]


def call(fn: FunctionSummary, callee: str) -> CallSite:
    found = [c for c in calls(fn) if c.callee == callee]
    assert found, f"no call to {callee}: {[c.callee for c in calls(fn)]}"
    return found[0]


def flows(*sources: tuple[str, str], package: str = PACKAGE) -> list[tuple[str, int]]:
    functions = []
    for path, source in sources:
        data = textwrap.dedent(source).encode()
        tree = parse_source(data, "go")
        pkg = package if len(sources) == 1 else f"example.com/app/{Path(path).parent.as_posix()}"
        functions.extend(lower_file(tree.root_node, path, pkg, data, None, "example.com/app"))
    return sorted((f.sink_kind, f.sink.start.line) for f in find_flows(functions, load_spec("go")))


def one(source: str) -> list[tuple[str, int]]:
    return flows(("handlers/users.go", source))


def wanted(*sources: str) -> list[tuple[str, int]]:
    """The flows a test source marks with `// want: kind` on the sink's line."""
    found = []
    for source in sources:
        for number, line in enumerate(textwrap.dedent(source).split("\n"), 1):
            match = re.search(r"// want: (\w+)", line)
            if match:
                found.append((match.group(1), number))
    return sorted(found)


HEADER = """
package handlers

import (
    "database/sql"
    "encoding/json"
    "fmt"
    "net/http"
    "os/exec"
    "strconv"
    "strings"

    "github.com/gin-gonic/gin"
)

var db *sql.DB
"""


# --- names ------------------------------------------------------------------------------------

def test_functions_methods_and_receivers_are_qualified_by_import_path() -> None:
    fns = lower("""
        package handlers

        import "net/http"

        type Server struct{}

        func (s *Server) List(w http.ResponseWriter, r *http.Request) {}
        func (Server) Ping() {}
        func helper(a, b string, _ int, rest ...string) {}
    """)
    assert {f"{PACKAGE}.Server.List", f"{PACKAGE}.Server.Ping", f"{PACKAGE}.helper"} <= set(fns)
    assert fns[f"{PACKAGE}.Server.List"].params == (RECEIVER, "w", "r")
    assert fns[f"{PACKAGE}.Server.List"].is_handler
    assert fns[f"{PACKAGE}.Server.Ping"].params == (RECEIVER,)
    assert fns[f"{PACKAGE}.helper"].params == ("a", "b", "_2", "rest")
    # a method dispatched by name forwards to the method (`x.List(...)` on an unknown project type)
    dispatch = fns[".List"]
    assert calls(dispatch)[0].callee == f"{PACKAGE}.Server.List"
    assert ".Ping" in fns and ".String" not in fns


def test_callees_follow_imports_types_and_the_package() -> None:
    fns = lower(HEADER + """
        type Store struct {
            db  *sql.DB
            svc *users.Service
        }

        func (s *Store) Find(r *http.Request, name string) {
            exec.Command("ls")
            db.Query(name)
            s.db.Exec(name)
            s.svc.Lookup(name)
            helper(name)
            s.other(name)
            len(name)
            x.Unknown(name)
        }
    """.replace('"strings"', '"strings"\n    "example.com/app/users"'))
    find = fns[f"{PACKAGE}.Store.Find"]
    callees = [c.callee for c in calls(find)]
    assert callees == ["os/exec.Command", "database/sql.DB.Query", "database/sql.DB.Exec", ".Lookup",
                       f"{PACKAGE}.helper", f"{PACKAGE}.Store.other", "len", ".Unknown"]
    assert call(find, "os/exec.Command").receiver is None
    assert call(find, f"{PACKAGE}.Store.other").receiver == Expr(names=(RECEIVER,))
    assert call(find, "os/exec.Command").literal_args == ((0, "ls"),)


@pytest.mark.parametrize(("path", "name"), [
    ("github.com/go-chi/chi/v5", "chi"),
    ("gopkg.in/yaml.v3", "yaml"),
    ("github.com/mattn/go-sqlite3", "sqlite3"),
    ("database/sql", "sql"),
])
def test_default_package_names(path, name) -> None:
    assert default_package_name(path) == name


def test_package_path_reads_the_nearest_go_mod(tmp_path) -> None:
    (tmp_path / "svc" / "internal" / "users").mkdir(parents=True)
    (tmp_path / "svc" / "go.mod").write_text("module example.com/shop\n\ngo 1.22\n")
    file = tmp_path / "svc" / "internal" / "users" / "api.go"
    file.write_text("package users\n")
    assert package_path("svc/internal/users/api.go", str(file)) == "example.com/shop/internal/users"
    assert module_path("svc/internal/users/api.go", str(file)) == "example.com/shop"
    assert package_path("tools/gen.go", None) == "tools"


def test_imports_resolve_to_directories_without_go_mod(tmp_path) -> None:
    (tmp_path / "util").mkdir()
    (tmp_path / "util" / "cookie.go").write_text("package util\n")
    resolver = ImportResolver(tmp_path)
    assert resolver("govwa/util") == "util"
    assert resolver("github.com/gin-gonic/gin") == "github.com/gin-gonic/gin"
    assert resolver.local == {"util"}


# --- sources ----------------------------------------------------------------------------------

def test_request_sources_of_net_http() -> None:
    fns = lower(HEADER + """
        func h(w http.ResponseWriter, r *http.Request) {
            a := r.URL.Query().Get("a")
            b := r.FormValue("b")
            c := r.Header.Get("X-C")
            d, _ := r.Cookie("d")
            e := r.PathValue("e")
            f := r.Body
            g := r.URL.Path
            fmt.Println(a, b, c, d, e, f, g)
        }
    """)
    steps = fns[f"{PACKAGE}.h"].steps
    kinds = {s.target: {src.kind for src in s.value.sources} | {f"call:{len(s.value.calls)}"}
             for s in steps if isinstance(s, Assign)}
    sources = [src for s in steps if isinstance(s, (Assign, CallSite))
               for e in ([s.value] if isinstance(s, Assign) else [*s.args, s.receiver] if s.receiver else s.args)
               for src in e.sources]
    assert {s.kind for s in sources} == {"query", "form", "header", "cookie", "path", "body"}
    assert "g" in kinds and kinds["g"] == {"call:0"}        # r.URL.Path is routed, not a source


def test_framework_sources_and_binders() -> None:
    source = """
        package handlers

        import (
            "github.com/gin-gonic/gin"
            "github.com/go-chi/chi/v5"
            "github.com/gorilla/mux"
            "github.com/labstack/echo/v4"
            "github.com/gofiber/fiber/v2"
            "net/http"
        )

        func g(c *gin.Context) {
            var body struct{ Name string }
            c.ShouldBindJSON(&body)
            use(c.Param("id"), c.Query("q"), c.GetHeader("h"), body)
        }

        func e(c echo.Context) error {
            var v map[string]string
            c.Bind(&v)
            use(c.QueryParam("q"), c.Param("id"), v)
            return nil
        }

        func f(c *fiber.Ctx) error {
            use(c.Params("id"), c.Query("q"), c.Get("X-Key"))
            return nil
        }

        func n(w http.ResponseWriter, r *http.Request) {
            use(mux.Vars(r)["id"], chi.URLParam(r, "slug"))
        }
    """
    fns = lower(source)
    for name, expected in (("g", {"path", "query", "header", "body"}), ("e", {"query", "path", "body"}),
                           ("f", {"path", "query", "header"}), ("n", {"path"})):
        use = call(fns[f"{PACKAGE}.{name}"], f"{PACKAGE}.use")
        kinds = {src.kind for arg in use.args for src in arg.sources}
        body = [s for s in fns[f"{PACKAGE}.{name}"].steps if isinstance(s, Assign) and s.value.sources]
        kinds |= {src.kind for s in body for src in s.value.sources}
        assert kinds == expected, name


def test_json_decoder_fills_its_out_parameter() -> None:
    source = HEADER + """
        type input struct{ Name string }

        func create(w http.ResponseWriter, r *http.Request) {
            var in input
            if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
                return
            }
            db.Exec("INSERT INTO t VALUES ('" + in.Name + "')") // want: sql
        }
    """
    assert one(source) == wanted(source)


# --- propagation ------------------------------------------------------------------------------

def test_propagation_through_sprintf_join_fields_slices_and_multi_assign() -> None:
    source = HEADER + """
        type filter struct{ Column string }

        func h(w http.ResponseWriter, r *http.Request) {
            var f filter
            f.Column = r.FormValue("col")
            parts := []string{}
            parts = append(parts, "x = '"+r.FormValue("x")+"'")
            a, b := r.FormValue("a"), "const"
            m := map[string]string{}
            m["k"] = r.FormValue("k")
            db.Query("SELECT " + f.Column) // want: sql
            db.Query("SELECT 1 WHERE " + strings.Join(parts, " AND ")) // want: sql
            db.Query(fmt.Sprintf("SELECT %s", a)) // want: sql
            db.Query(fmt.Sprintf("SELECT %s", b))
            db.Query("SELECT " + m["k"]) // want: sql
        }
    """
    assert one(source) == wanted(source)


def test_calls_between_functions_methods_and_packages() -> None:
    handler = HEADER.replace('"strings"', '"strings"\n    "example.com/app/store"') + """
        type API struct{ repo *store.Repo }

        func (a *API) Get(c *gin.Context) {
            a.repo.ByName(c.Query("name"))
            lookup(c.Query("id"))
        }

        func lookup(id string) (string, error) {
            return query("SELECT * FROM t WHERE id = " + id)
        }

        func query(q string) (string, error) {
            db.Query(q) // want: sql
            return q, nil
        }
    """
    repo = """
        package store

        import "database/sql"

        type Repo struct{ db *sql.DB }

        func (r *Repo) ByName(name string) {
            r.db.Query("SELECT * FROM t WHERE name = '" + name + "'") // want: sql
        }
    """
    assert flows(("handlers/api.go", handler), ("store/repo.go", repo)) == wanted(handler, repo)


def test_closures_run_where_they_are_written() -> None:
    source = HEADER + """
        func routes(r *gin.Engine) {
            r.GET("/x", func(c *gin.Context) {
                name := c.Query("name")
                go func() {
                    db.Exec("DELETE FROM t WHERE n = '" + name + "'") // want: sql
                }()
                func(v string) {
                    db.Exec("DELETE FROM t WHERE v = '" + v + "'") // want: sql
                }(c.Query("v"))
            })
        }
    """
    assert one(source) == wanted(source)


def test_literal_return_is_not_the_outer_return() -> None:
    fns = lower(HEADER + """
        func outer(r *http.Request) string {
            f := func() string { return r.FormValue("x") }
            _ = f
            return "fixed"
        }
    """)
    returns = [s for s in fns[f"{PACKAGE}.outer"].steps if isinstance(s, Return)]
    assert len(returns) == 1 and returns[0].value.constant


# --- sanitizers and guards --------------------------------------------------------------------

def test_sanitizers_numbers_and_placeholders() -> None:
    assert one(HEADER + """
        func h(w http.ResponseWriter, r *http.Request) {
            id, _ := strconv.Atoi(r.FormValue("id"))
            db.Query("SELECT * FROM t WHERE id = " + strconv.Itoa(id))
            db.Query("SELECT * FROM t WHERE name = $1", r.FormValue("name"))
            var ids []int
            json.NewDecoder(r.Body).Decode(&ids)
            for _, n := range ids {
                db.Exec("DELETE FROM t WHERE id = " + strconv.Itoa(n))
            }
            stmt, _ := db.Prepare("SELECT * FROM t WHERE id = ?")
            stmt.Query(r.FormValue("id"))
        }
    """) == []


def test_allow_list_guards_make_constants() -> None:
    source = HEADER + """
        var columns = map[string]string{"name": "name", "date": "created_at"}

        func h(w http.ResponseWriter, r *http.Request) {
            dir := r.FormValue("dir")
            if dir != "ASC" && dir != "DESC" {
                return
            }
            db.Query("SELECT * FROM t ORDER BY id " + dir)
            db.Query("SELECT * FROM t ORDER BY " + columns[r.FormValue("sort")])
            switch kind := r.FormValue("kind"); kind {
            case "a", "b":
                db.Query("SELECT * FROM " + kind)
            default:
                db.Query("SELECT * FROM " + kind) // want: sql
            }
            other := r.FormValue("other")
            if other == "x" || other == "y" {
                db.Query("SELECT * FROM " + other)
            }
            db.Query("SELECT * FROM " + other) // want: sql
        }
    """
    assert one(source) == wanted(source)


def test_ssa_strong_update_and_block_scoping() -> None:
    source = HEADER + """
        func h(w http.ResponseWriter, r *http.Request) {
            q := r.FormValue("q")
            q = "SELECT 1"
            db.Query(q)
            t := "SELECT 2"
            if r.Method == "POST" {
                t := r.FormValue("t")
                _ = t
            }
            db.Query(t)
            u := "SELECT 3"
            for _, p := range r.Form["p"] {
                db.Query(u) // want: sql
                u = u + p
            }
        }
    """
    assert one(source) == wanted(source)


def test_html_writes_depend_on_the_content_type() -> None:
    source = HEADER + """
        func page(w http.ResponseWriter, r *http.Request) {
            fmt.Fprintf(w, "<p>%s</p>", r.FormValue("x")) // want: xss
        }

        func text(w http.ResponseWriter, r *http.Request) {
            w.Header().Set("Content-Type", "text/plain")
            fmt.Fprintf(w, "<p>%s</p>", r.FormValue("x"))
        }

        func html(w http.ResponseWriter, r *http.Request) {
            w.Header().Set("Content-Type", "text/html")
            w.Write([]byte(r.FormValue("x"))) // want: xss
        }

        func data(w http.ResponseWriter, r *http.Request) {
            fmt.Fprintf(w, "%s", r.FormValue("x"))
        }
    """
    assert one(source) == wanted(source)


def test_commands_ssrf_and_redirects() -> None:
    source = HEADER + """
        func h(w http.ResponseWriter, r *http.Request) {
            host := r.FormValue("host")
            exec.Command("sh", "-c", "ping "+host).Run() // want: command
            exec.Command("ping", host).Run()
            http.Get(r.FormValue("url")) // want: ssrf
            http.Get("https://api.example.com/v1/" + host)
            http.Redirect(w, r, r.FormValue("next"), http.StatusFound) // want: redirect
            http.Redirect(w, r, "/users/"+host, http.StatusFound)
        }
    """
    assert one(source) == wanted(source)
