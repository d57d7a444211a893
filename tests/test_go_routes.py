"""The Go endpoint inventory: net/http, gin, echo, chi, fiber and gorilla/mux routes, groups, mounts
and facets.

The route tables of the multi-file fixture apps under tests/fixtures/apps/go-*/ are written by hand
from the frameworks' documented semantics (group prefixes, `Use` order, chi `Route`/`Mount`,
gorilla `Subrouter`, Go 1.22 `ServeMux` patterns). There is no differential test against the
frameworks' own route tables: that needs a Go toolchain (and Go >= 1.22 for method patterns),
which prodcheck's test environment does not install.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from prodcheck.config import Config
from prodcheck.discovery import discover
from prodcheck.facts.extractors.go_common import middleware_kind, module_of
from prodcheck.facts.extractors.go_routes import normalise_path, split_pattern
from prodcheck.facts.project import build_project
from prodcheck.model import FacetState
from prodcheck.pipeline import analyse_files
from prodcheck.parsing.treesitter import parse_source

APPS = Path(__file__).parent / "fixtures" / "apps"
P, A, U = FacetState.PRESENT, FacetState.ABSENT, FacetState.UNKNOWN
STATE = {"P": P, "A": A, "U": U}

# (method, path, handler, location, facets "auth validation pagination rate_limit")
EXPECTED = {
    "go-gin-shop": {
        ("DELETE", "/admin/cache", "handlers.FlushCache", "cmd/api/main.go:59", "PUUU"),
        ("POST", "/api/v1/login", "auth.Login", "cmd/api/main.go:52", "AUUP"),
        ("GET", "/api/v1/orders", "listOrders", "internal/handlers/orders.go:12", "PUAP"),
        ("POST", "/api/v1/orders", "createOrder", "internal/handlers/orders.go:13", "PAUP"),
        ("DELETE", "/api/v1/orders/{id}", "cancelOrder", "internal/handlers/orders.go:14", "PUUP"),
        ("GET", "/api/v1/products", "h.List", "internal/handlers/products.go:31", "UUPP"),
        ("POST", "/api/v1/products", "h.Create", "internal/handlers/products.go:33", "UPUP"),
        ("GET", "/api/v1/products/search", "h.Search", "internal/handlers/products.go:35", "UUAP"),
        ("GET", "/api/v1/products/{id}", "h.Get", "internal/handlers/products.go:32", "UUUP"),
        ("PATCH", "/api/v1/products/{id}", "h.Update", "internal/handlers/products.go:34", "UAUP"),
        ("GET", "/healthz", "<anonymous>", "cmd/api/main.go:45", "AUUU"),
    },
    "go-chi-notes": {
        ("POST", "/admin/reindex", "reindex", "internal/api/router.go:43", "PUUP"),
        ("GET", "/healthz", "<anonymous>", "internal/api/router.go:21", "AUUP"),
        ("GET", "/notes", "listNotes", "internal/api/router.go:24", "AUUP"),
        ("POST", "/notes", "createNote", "internal/api/router.go:29", "PUUP"),
        ("DELETE", "/notes/{noteID}", "deleteNote", "internal/api/router.go:30", "PUUP"),
        ("GET", "/notes/{noteID}", "getNote", "internal/api/router.go:25", "AUUP"),
        ("PUT", "/settings", "updateSettings", "internal/api/router.go:34", "PUUP"),
        ("GET", "/tags", "<anonymous>", "internal/api/tags.go:11", "AUPP"),
        ("POST", "/tags", "<anonymous>", "internal/api/tags.go:15", "AUUP"),
    },
    "go-echo-blog": {
        ("DELETE", "/admin/posts/{id}", "h.Purge", "server/server.go:43", "PUUP"),
        ("GET", "/api/posts", "h.list", "posts/handler.go:19", "PUPP"),
        ("POST", "/api/posts", "h.create", "posts/handler.go:20", "PPUP"),
        ("PUT", "/api/posts/{id}", "h.update", "posts/handler.go:21", "PAUP"),
        ("POST", "/auth/token", "s.issueToken", "server/server.go:33", "AUUP"),
        ("GET", "/feed", "s.feed", "server/server.go:45", "AUUP"),
        ("HEAD", "/feed", "s.feed", "server/server.go:45", "AUUP"),
        ("GET", "/ping", "<anonymous>", "server/server.go:32", "AUUP"),
    },
    "go-fiber-api": {
        ("DELETE", "/api/admin/products/{id}", "deleteProduct", "main.go:26", "PUUP"),
        ("PUT", "/api/admin/products/{id}", "updateProduct", "main.go:27", "PUUP"),
        ("POST", "/api/orders", "createOrder", "main.go:29", "AUUP"),
        ("GET", "/api/products", "listProducts", "main.go:22", "AUAP"),
        ("GET", "/health", "<anonymous>", "main.go:18", "AUUU"),
        ("POST", "/signup", "signup", "main.go:19", "AAUU"),
    },
    "go-gorilla-inventory": {
        ("DELETE", "/api/v1/admin/items/{sku}", "deleteItem", "main.go:28", "PUUU"),
        ("GET", "/api/v1/items", "listItems", "main.go:22", "AUAU"),
        ("POST", "/api/v1/items", "createItem", "main.go:23", "AAUU"),
        ("PATCH", "/api/v1/items/{sku}", "updateItem", "main.go:24", "AUUU"),
        ("PUT", "/api/v1/items/{sku}", "updateItem", "main.go:24", "AUUU"),
        ("ANY", "/assets/", "http.FileServer", "main.go:29", "AUUU"),
        ("GET", "/health", "health", "main.go:19", "AUUU"),
    },
    "go-nethttp-todo": {
        ("GET", "/api/stats", "a.stats", "internal/web/app.go:41", "AUUU"),
        ("GET", "/healthz", "a.health", "internal/web/app.go:31", "AUUU"),
        ("POST", "/imports", "a.importTodos", "internal/web/app.go:38", "AUUP"),
        ("ANY", "/static/", "http.FileServer", "internal/web/app.go:37", "AUUU"),
        ("GET", "/todos", "a.listTodos", "internal/web/app.go:32", "AUPU"),
        ("POST", "/todos", "a.createTodo", "internal/web/app.go:34", "APUU"),
        ("DELETE", "/todos/{id}", "a.deleteTodo", "internal/web/app.go:36", "AUUU"),
        ("GET", "/todos/{id}", "a.getTodo", "internal/web/app.go:33", "AUUU"),
        ("PUT", "/todos/{id}", "a.updateTodo", "internal/web/app.go:35", "PAUU"),
        ("ANY", "/version", "<anonymous>", "cmd/todo/main.go:16", "AUUU"),
    },
}


# ---------------------------------------------------------------- helpers

def scan(root: Path):
    config = Config(use_baseline=False, jobs=1)
    files, _ = discover(root, config)
    results = analyse_files(files, (), 1)
    errors = [d for r in results for d in r.diagnostics if d.kind in ("extractor-error", "too-deep")]
    assert not errors, errors
    return build_project(tuple(r.facts for r in results))


def inventory(root: Path):
    return scan(root).inventory.endpoints


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def routes_of(tmp_path: Path, files: dict[str, str]) -> dict[tuple[str, str], object]:
    return {(e.method, e.path): e for e in inventory(write(tmp_path, files))}


def states(endpoint) -> str:
    return "".join(f.state.value[0].upper() for f in (endpoint.auth, endpoint.validation, endpoint.pagination,
                                                      endpoint.rate_limit))


def row(endpoint) -> tuple:
    return (endpoint.method, endpoint.path, endpoint.handler,
            f"{endpoint.location.path}:{endpoint.location.line}", states(endpoint))


# ---------------------------------------------------------------- fixture apps

@pytest.mark.parametrize("app", sorted(EXPECTED))
def test_fixture_app_route_table(app: str) -> None:
    found = {row(e) for e in inventory(APPS / app)}
    expected = EXPECTED[app]
    assert found == expected, f"missing: {sorted(expected - found)}; extra: {sorted(found - expected)}"


def test_fixture_app_frameworks_and_mechanisms() -> None:
    shop = {(e.method, e.path): e for e in inventory(APPS / "go-gin-shop")}
    assert all(e.framework == "gin" for e in shop.values())
    assert shop[("GET", "/api/v1/orders")].auth.mechanism == "middleware.RequireAuth"
    assert shop[("GET", "/api/v1/orders")].rate_limit.mechanism == "middleware.RateLimit"
    assert shop[("DELETE", "/admin/cache")].auth.mechanism == "gin.BasicAuth"
    assert "binding tags" in shop[("POST", "/api/v1/products")].validation.mechanism
    assert shop[("GET", "/api/v1/orders")].pagination.evidence.path == "internal/handlers/orders.go"
    assert shop[("POST", "/api/v1/login")].public_by_nature
    chi = {(e.method, e.path): e for e in inventory(APPS / "go-chi-notes")}
    assert chi[("POST", "/notes")].auth.mechanism == "jwtauth.Verifier"
    assert chi[("PUT", "/settings")].auth.mechanism == "requireAdmin"
    assert chi[("GET", "/notes")].rate_limit.mechanism == "httprate.LimitByIP"
    echo = {(e.method, e.path): e for e in inventory(APPS / "go-echo-blog")}
    assert echo[("GET", "/api/posts")].auth.mechanism == "echojwt.JWT"
    assert echo[("DELETE", "/admin/posts/{id}")].auth.mechanism == "middleware.BasicAuth"
    assert echo[("POST", "/api/posts")].validation.mechanism == "c.Validate()"
    fiber = {(e.method, e.path): e for e in inventory(APPS / "go-fiber-api")}
    assert fiber[("PUT", "/api/admin/products/{id}")].auth.mechanism == "jwtware.New"
    todo = {(e.method, e.path): e for e in inventory(APPS / "go-nethttp-todo")}
    assert todo[("PUT", "/todos/{id}")].auth.mechanism == "a.requireToken"
    assert todo[("POST", "/imports")].rate_limit.mechanism == "tollbooth.LimitFuncHandler"
    assert todo[("ANY", "/version")].framework == "net/http"


def test_realworld_style_register_functions(tmp_path: Path) -> None:
    """gin register functions called from another package, `Use` order on the parent group."""
    found = routes_of(tmp_path, {
        "hello.go": """
            package main

            import (
                "github.com/gin-gonic/gin"
                "github.com/acme/app/users"
            )

            func main() {
                r := gin.Default()
                v1 := r.Group("/api")
                users.UsersRegister(v1.Group("/users"))
                v1.Use(users.AuthMiddleware(true))
                users.UserRegister(v1.Group("/user"))
                r.Run()
            }
        """,
        "users/routers.go": """
            package users

            import "github.com/gin-gonic/gin"

            func UsersRegister(router *gin.RouterGroup) {
                router.POST("/", UsersRegistration)
                router.POST("/login", UsersLogin)
            }

            func UserRegister(router *gin.RouterGroup) {
                router.GET("/", UserRetrieve)
                router.PUT("/", UserUpdate)
            }

            func AuthMiddleware(auto401 bool) gin.HandlerFunc { return func(c *gin.Context) { c.Next() } }
            func UsersRegistration(c *gin.Context) {}
            func UsersLogin(c *gin.Context)        {}
            func UserRetrieve(c *gin.Context)      {}
            func UserUpdate(c *gin.Context)        {}
        """,
    })
    assert set(found) == {("POST", "/api/users"), ("POST", "/api/users/login"), ("GET", "/api/user"),
                          ("PUT", "/api/user")}
    assert found[("POST", "/api/users")].auth.state is A          # registered before the Use
    assert found[("PUT", "/api/user")].auth.mechanism == "users.AuthMiddleware"
    assert found[("PUT", "/api/user")].handler == "UserUpdate"
    assert found[("PUT", "/api/user")].location.path == "users/routers.go"


def test_gin_group_middleware_and_order(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "main.go": """
            package main

            import "github.com/gin-gonic/gin"

            func main() {
                r := gin.New()
                r.POST("/before", h)
                early := r.Group("/early")
                r.Use(JWTAuth())
                r.POST("/after", h)
                early.POST("/x", h)
                admin := r.Group("/admin", RequireRole("admin"))
                admin.Use(Audit())
                admin.DELETE("/users/:id", h)
                r.Any("/anything", h)
                r.Handle("PATCH", "/handled", h)
                r.GET("/files/*filepath", h)
            }

            func h(c *gin.Context) {}
        """,
    })
    assert found[("POST", "/before")].auth.state is A
    assert found[("POST", "/after")].auth.mechanism == "JWTAuth"
    assert found[("POST", "/early/x")].auth.state is A            # the group copied the chain before Use
    assert found[("DELETE", "/admin/users/{id}")].auth.mechanism in ("JWTAuth", "RequireRole")
    assert found[("DELETE", "/admin/users/{id}")].handler == "h"
    assert ("ANY", "/anything") in found and ("PATCH", "/handled") in found
    assert ("GET", "/files/{filepath}") in found


def test_unknown_middleware_makes_auth_unknown(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "main.go": """
            package main

            import (
                "github.com/gin-gonic/gin"
                "github.com/acme/svc/internal/tenant"
            )

            func main() {
                r := gin.New()
                r.Use(gin.Logger(), gin.Recovery())
                r.POST("/open", h)
                r.Use(tenant.Resolve())
                r.POST("/maybe", h)
                r.POST("/checked", checked)
            }

            func h(c *gin.Context) {}

            func checked(c *gin.Context) {
                if c.GetHeader("Authorization") == "" {
                    c.AbortWithStatus(401)
                }
            }
        """,
    })
    assert found[("POST", "/open")].auth.state is A
    assert found[("POST", "/maybe")].auth.state is U
    assert found[("POST", "/checked")].auth.state is P


def test_chi_route_group_with_and_mount(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "router.go": """
            package api

            import (
                "net/http"

                "github.com/go-chi/chi/v5"
                "example.com/svc/internal/users"
            )

            func Routes() http.Handler {
                r := chi.NewRouter()
                r.Route("/v1", func(r chi.Router) {
                    r.With(Authenticate).Post("/orders", createOrder)
                    r.Route("/orders/{orderID}", func(r chi.Router) {
                        r.Get("/", getOrder)
                        r.Method(http.MethodDelete, "/", deleteOrder)
                    })
                })
                r.Mount("/users", users.Routes())
                h := users.NewHandler(nil)
                r.Mount("/profiles", h.Routes())
                return r
            }

            func Authenticate(next http.Handler) http.Handler { return next }
            func createOrder(w http.ResponseWriter, r *http.Request) {}
            func getOrder(w http.ResponseWriter, r *http.Request)    {}
            func deleteOrder(w http.ResponseWriter, r *http.Request) {}
        """,
        "internal/users/routes.go": """
            package users

            import (
                "net/http"

                "github.com/go-chi/chi/v5"
            )

            type Handler struct{}

            func NewHandler(db any) *Handler { return &Handler{} }

            func Routes() chi.Router {
                r := chi.NewRouter()
                r.Get("/", list)
                return r
            }

            func (h *Handler) Routes() chi.Router {
                r := chi.NewRouter()
                r.Put("/{id}", update)
                return r
            }

            func list(w http.ResponseWriter, r *http.Request)   {}
            func update(w http.ResponseWriter, r *http.Request) {}
        """,
    })
    assert set(found) == {("POST", "/v1/orders"), ("GET", "/v1/orders/{orderID}"),
                          ("DELETE", "/v1/orders/{orderID}"), ("GET", "/users"), ("PUT", "/profiles/{id}")}
    assert found[("POST", "/v1/orders")].auth.mechanism == "Authenticate"
    assert found[("GET", "/v1/orders/{orderID}")].auth.state is A


def test_nethttp_patterns_default_mux_and_wrappers(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "main.go": """
            package main

            import "net/http"

            const prefix = "/api"

            func main() {
                http.HandleFunc("/legacy", legacy)
                mux := http.NewServeMux()
                mux.HandleFunc("GET "+prefix+"/items/{id}", getItem)
                mux.HandleFunc("POST example.com/items", createItem)
                mux.Handle("DELETE /items/{id...}", authMiddleware(http.HandlerFunc(deleteItem)))
                mux.HandleFunc("GET /{$}", index)
                admin := http.NewServeMux()
                admin.HandleFunc("POST /purge", purge)
                mux.Handle("/admin/", http.StripPrefix("/admin", admin))
                http.ListenAndServe(":8080", mux)
            }

            func authMiddleware(next http.Handler) http.Handler { return next }
            func legacy(w http.ResponseWriter, r *http.Request)     {}
            func getItem(w http.ResponseWriter, r *http.Request)    {}
            func createItem(w http.ResponseWriter, r *http.Request) {}
            func deleteItem(w http.ResponseWriter, r *http.Request) {}
            func index(w http.ResponseWriter, r *http.Request)      {}
            func purge(w http.ResponseWriter, r *http.Request)      {}
        """,
    })
    assert set(found) == {("ANY", "/legacy"), ("GET", "/api/items/{id}"), ("POST", "/items"),
                          ("DELETE", "/items/{id}"), ("GET", "/"), ("POST", "/admin/purge")}
    assert found[("DELETE", "/items/{id}")].auth.mechanism == "authMiddleware"
    assert found[("DELETE", "/items/{id}")].handler == "deleteItem"
    assert found[("ANY", "/legacy")].framework == "net/http"


def test_server_wrapper_and_struct_field_router(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "server.go": """
            package server

            import (
                "net/http"

                "github.com/gorilla/mux"
            )

            type Server struct {
                router *mux.Router
            }

            func New() *Server {
                s := &Server{router: mux.NewRouter()}
                s.routes()
                return s
            }

            func (s *Server) routes() {
                s.router.HandleFunc("/orders", s.createOrder).Methods("POST")
                s.router.HandleFunc("/orders/{id:[0-9]+}", s.getOrder).Methods(http.MethodGet)
            }

            func (s *Server) Start() error {
                return http.ListenAndServe(":8080", RequireJWT(s.router))
            }

            func RequireJWT(next http.Handler) http.Handler { return next }
            func (s *Server) createOrder(w http.ResponseWriter, r *http.Request) {}
            func (s *Server) getOrder(w http.ResponseWriter, r *http.Request)    {}
        """,
    })
    assert set(found) == {("POST", "/orders"), ("GET", "/orders/{id}")}
    assert found[("POST", "/orders")].auth.mechanism == "RequireJWT"
    assert found[("POST", "/orders")].handler == "s.createOrder"


def test_handler_body_facets(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "main.go": """
            package main

            import (
                "encoding/json"
                "net/http"

                "github.com/go-playground/validator/v10"
                "github.com/labstack/echo/v4"
                "gorm.io/gorm"
            )

            var db *gorm.DB
            var validate = validator.New()

            type input struct {
                Name string `json:"name" validate:"required"`
            }

            func main() {
                e := echo.New()
                e.POST("/validated", func(c echo.Context) error {
                    var in input
                    if err := c.Bind(&in); err != nil {
                        return err
                    }
                    return validate.Struct(in)
                })
                e.POST("/unvalidated", func(c echo.Context) error {
                    var in input
                    return c.Bind(&in)
                })
                e.GET("/everything", func(c echo.Context) error {
                    var rows []input
                    db.Find(&rows)
                    return c.JSON(200, rows)
                })
                e.GET("/bounded", func(c echo.Context) error {
                    var rows []input
                    db.Limit(20).Find(&rows)
                    return c.JSON(200, rows)
                })
                e.GET("/things/:id", func(c echo.Context) error {
                    var rows []input
                    db.Find(&rows)
                    return c.JSON(200, rows)
                })
                http.HandleFunc("/raw", func(w http.ResponseWriter, r *http.Request) {
                    var in input
                    json.NewDecoder(r.Body).Decode(&in)
                })
            }
        """,
    })
    assert found[("POST", "/validated")].validation.state is P
    assert found[("POST", "/unvalidated")].validation.state is A
    assert found[("GET", "/everything")].pagination.state is A
    assert found[("GET", "/bounded")].pagination.state is P
    assert found[("GET", "/things/{id}")].pagination.state is U       # a single resource path
    assert found[("ANY", "/raw")].validation.state is A
    assert found[("GET", "/everything")].validation.state is U         # no body read


def test_rate_limiter_middleware_of_this_file(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "main.go": """
            package main

            import (
                "net/http"

                "github.com/go-chi/chi/v5"
                "golang.org/x/time/rate"
            )

            func throttle(next http.Handler) http.Handler {
                limiter := rate.NewLimiter(5, 10)
                return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
                    if !limiter.Allow() {
                        http.Error(w, "slow down", http.StatusTooManyRequests)
                        return
                    }
                    next.ServeHTTP(w, r)
                })
            }

            func main() {
                r := chi.NewRouter()
                r.Get("/open", open)
                r.With(throttle).Post("/search", open)
                http.ListenAndServe(":8080", r)
            }

            func open(w http.ResponseWriter, r *http.Request) {}
        """,
    })
    assert found[("POST", "/search")].rate_limit.state is P
    assert found[("GET", "/open")].rate_limit.state is U


def test_broken_and_odd_input_does_not_crash(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "broken.go": """
            package main

            import "github.com/gin-gonic/gin"

            func main() {
                r := gin.Default(
                r.GET("/x", func(c *gin.Context) {
                v := r.Group(
                v.POST(path, h)
                r.GET(, )
                var a, b = gin.New()
                r.Use()
                r.Run(
        """,
        "weird.go": """
            package main

            import (
                . "github.com/gin-gonic/gin"
                _ "net/http/pprof"
            )

            func helper[T any](r *RouterGroup, x T) { r.GET("/generic", nil) }
        """,
    })
    assert isinstance(found, dict)


# ---------------------------------------------------------------- units

def test_path_normalisation_and_patterns() -> None:
    assert normalise_path("/users/:id/posts/:postID") == "/users/{id}/posts/{postID}"
    assert normalise_path("/items/{id:[0-9]+}") == "/items/{id}"
    assert normalise_path("/codes/{code:[A-Z]{3}}") == "/codes/{code}"
    assert normalise_path("/files/*filepath") == "/files/{filepath}"
    assert normalise_path("/static/*") == "/static/*"
    assert normalise_path("/items/{path...}") == "/items/{path}"
    assert normalise_path("/{$}") == "/"
    assert split_pattern("GET /items/{id}") == ("GET", "/items/{id}")
    assert split_pattern("/items") == ("ANY", "/items")
    assert split_pattern("POST api.example.com/items") == ("POST", "/items")
    assert module_of("internal/users/routes.go") == "internal.users"
    assert module_of("main.go", "main") == "main"


@pytest.mark.parametrize(("name", "kind"), [
    ("users.AuthMiddleware", "auth"), ("middleware.JWT", "auth"), ("middleware.JWTWithConfig", "auth"),
    ("echojwt.JWT", "auth"), ("jwtauth.Verifier", "auth"), ("jwtauth.Authenticator", "auth"),
    ("middleware.KeyAuth", "auth"), ("middleware.BasicAuth", "auth"), ("gin.BasicAuth", "auth"),
    ("RequireLogin", "auth"), ("mw.Authenticate", "auth"), ("jwtware.New", "auth"),
    ("middleware.RateLimiter", "rate"), ("httprate.LimitByIP", "rate"), ("tollbooth_gin.LimitHandler", "rate"),
    ("limiter.New", "rate"), ("gin.Logger", "benign"), ("middleware.Recoverer", "benign"),
    ("cors.Default", "benign"), ("middleware.RequestID", "benign"), ("tenant.Resolve", ""),
    ("auth.RegisterRoutes", "auth"), ("paginate", "page"),
])
def test_middleware_names(name: str, kind: str) -> None:
    assert middleware_kind(name) == kind


def test_register_functions_are_not_wrappers(tmp_path: Path) -> None:
    """`auth.RegisterRoutes(r)` registers routes on r: a mount, not an auth middleware."""
    found = routes_of(tmp_path, {
        "main.go": """
            package main

            import (
                "github.com/gin-gonic/gin"
                "example.com/app/auth"
            )

            func main() {
                r := gin.New()
                auth.RegisterRoutes(r.Group("/auth"))
                r.DELETE("/items/:id", func(c *gin.Context) {})
            }
        """,
        "auth/routes.go": """
            package auth

            import "github.com/gin-gonic/gin"

            func RegisterRoutes(g *gin.RouterGroup) {
                g.POST("/login", func(c *gin.Context) {})
            }
        """,
    })
    assert set(found) == {("POST", "/auth/login"), ("DELETE", "/items/{id}")}
    assert found[("DELETE", "/items/{id}")].auth.state is A


def test_tree_sitter_go_grammar_is_available() -> None:
    tree = parse_source("package main\nfunc main() {}\n", "go")
    assert tree.root_node.type == "source_file"
