"""tree-sitter parsing (JavaScript, TypeScript, TSX, Go) and the JS/TS and Go basics extractors."""
from __future__ import annotations

from pathlib import Path

import pytest

from prodcheck.discovery import SourceFile, classify
from prodcheck.facts.extractors.go_basics import default_package_name
from prodcheck.parsing import parse
from prodcheck.parsing.treesitter import (
    ParseTimeout, first_error_line, grammar_for, language, parse_source, string_value, text_of, walk,
)
from prodcheck.pipeline import analyse_file


def _source(tmp_path: Path, name: str, text: str) -> SourceFile:
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    lang, kind = classify(name)
    return SourceFile(name, str(target), lang, kind, target.stat().st_size)


def _facts(tmp_path: Path, name: str, text: str):
    result = analyse_file(_source(tmp_path, name, text), ())
    return result.facts, result.diagnostics


# --- the parser ------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "lang", "grammar"), [
    ("a.js", "javascript", "javascript"), ("a.jsx", "javascript", "javascript"),
    ("a.ts", "typescript", "typescript"), ("a.tsx", "typescript", "tsx"), ("a.go", "go", "go"),
    ("a.py", "python", None),
])
def test_grammar_is_chosen_by_language_and_extension(path, lang, grammar) -> None:
    assert grammar_for(path, lang) == grammar


def test_languages_are_loaded_once() -> None:
    assert language("go") is language("go")
    with pytest.raises(ValueError):
        language("cobol")


def test_jsx_and_tsx_parse_without_errors() -> None:
    jsx = "const App = () => <div className='x'>{items.map(i => <Item key={i} />)}</div>;\n"
    tsx = "const App = (p: Props): JSX.Element => <div>{p.name as string}</div>;\n"
    assert not parse_source(jsx, "javascript").root_node.has_error
    assert not parse_source(tsx, "tsx").root_node.has_error
    assert parse_source("const x = <T,>(v: T) => v;\n", "typescript").root_node is not None


def test_node_text_and_string_values() -> None:
    tree = parse_source('const a = "x\\"y"; const b = `t`; const c = `${d}`;\n', "javascript")
    strings = [n for n in walk(tree.root_node) if n.type in ("string", "template_string")]
    assert [string_value(s) for s in strings] == ['x"y', "t", None]
    assert text_of(tree.root_node).startswith("const a")
    go_tree = parse_source('package p\nimport "net/http"\n', "go")
    literal = next(n for n in walk(go_tree.root_node) if n.type == "interpreted_string_literal")
    assert string_value(literal) == "net/http"


def test_syntax_error_is_a_diagnostic_and_the_tree_is_kept(tmp_path: Path) -> None:
    source = _source(tmp_path, "src/broken.js", "const ok = 1;\nfunction (\n  app.listen(3000\n")
    parsed = parse(source)
    assert parsed.tree is not None
    errors = [d for d in parsed.diagnostics if d.kind == "syntax-error"]
    assert len(errors) == 1 and errors[0].line == 2


def test_first_error_line_of_a_clean_tree_is_zero() -> None:
    assert first_error_line(parse_source("package main\n", "go").root_node) == 0


def test_time_budget_abandons_the_parse() -> None:
    deep = "let a = " + "[" * 5000 + "]" * 5000 + ";\n"
    with pytest.raises(ParseTimeout):
        parse_source(deep * 20, "javascript", budget=-1.0)


def test_timeout_becomes_a_diagnostic(tmp_path: Path, monkeypatch) -> None:
    import prodcheck.parsing.treesitter as ts
    monkeypatch.setattr(ts, "PARSE_BUDGET_SECONDS", -1.0)
    parsed = parse(_source(tmp_path, "big.ts", "const x: number = 1;\n" * 2000))
    assert parsed.tree is None
    assert [d.kind for d in parsed.diagnostics] == ["parse-timeout"]


def test_odd_input_never_crashes(tmp_path: Path) -> None:
    for name, text in [("a.js", "\x00\x01garbage"), ("b.go", "}}}{{{"), ("c.tsx", "<<<>>>"),
                       ("d.ts", "é" * 1000), ("e.js", "")]:
        facts, diagnostics = _facts(tmp_path, name, text)
        assert not [d for d in diagnostics if d.kind in ("extractor-error", "rule-error")]


# --- JavaScript / TypeScript basics ------------------------------------------------------------

JS_IMPORTS = """\
import express from "express";
import { Router, json as parseJson } from "express";
import * as pg from 'pg';
import "reflect-metadata";
import type { Redis } from "ioredis";
const stripe = require("stripe")(key);
const { Kafka } = require('kafkajs');
const mod = await import("./local.js");
export { thing } from "@acme/shared/sub";
import legacy = require("legacy-lib");
"""


def test_js_imports(tmp_path: Path) -> None:
    facts, _ = _facts(tmp_path, "src/app.ts", JS_IMPORTS)
    got = [(i.module, i.name, i.line) for i in facts.imports]
    assert got == [
        ("express", "", 1), ("express", "Router", 2), ("express", "json", 2), ("pg", "", 3),
        ("reflect-metadata", "", 4), ("ioredis", "Redis", 5), ("stripe", "", 6), ("kafkajs", "", 7),
        ("./local.js", "", 8), ("@acme/shared/sub", "", 9), ("legacy-lib", "", 10),
    ]


@pytest.mark.parametrize(("name", "code", "expected"), [
    ("server.js", 'const express = require("express");\nconst app = express();\napp.listen(3000);\n',
     [("listen", "express", 3)]),
    ("server.ts", 'import Fastify from "fastify";\nconst f = Fastify();\nawait f.listen({ port: 3 });\n',
     [("listen", "fastify", 3)]),
    ("main.ts", 'import { NestFactory } from "@nestjs/core";\nasync function boot() {\n'
                '  const app = await NestFactory.create(AppModule);\n  await app.listen(3000);\n}\n',
     [("app-object", "nestjs", 3), ("listen", "nestjs", 4)]),
    ("index.ts", 'import { serve } from "@hono/node-server";\nimport { Hono } from "hono";\n'
                 'const app = new Hono();\nserve({ fetch: app.fetch, port: 3000 });\n',
     [("listen", "hono", 4)]),
    ("bun.ts", "Bun.serve({ fetch(req) { return new Response('ok'); } });\n", [("listen", "bun", 1)]),
    ("raw.js", 'const http = require("http");\nhttp.createServer(handler).listen(8080);\n',
     [("listen", "node-http", 2)]),
    ("plain.js", "server.listen(80);\n", [("listen", "node", 1)]),
    ("worker.ts", 'import { Hono } from "hono";\nconst app = new Hono();\n\nexport default app;\n',
     [("export-default", "hono", 4)]),
    ("bun-hono.ts", 'import { Hono } from "hono/quick";\nconst app = new Hono();\n'
                    "export default { port: 3000, fetch: app.fetch };\n", [("fetch-handler", "hono", 3)]),
    ("cf.js", "export default {\n  async fetch(request, env) { return new Response('ok'); },\n};\n",
     [("fetch-handler", "workers", 1)]),
    ("lib.js", "const x = 1;\nexport default x;\nexport default { port: 1 };\n", []),
])
def test_js_entrypoints(tmp_path: Path, name, code, expected) -> None:
    facts, _ = _facts(tmp_path, f"src/{name}", code)
    assert [(e.kind, e.framework, e.location.line) for e in facts.entrypoints] == expected


def test_js_non_entrypoints(tmp_path: Path) -> None:
    code = 'emitter.listen("x");\nfunction serve(x) {}\nserve(1);\nrequire(name);\n'
    facts, _ = _facts(tmp_path, "src/lib.js", code)
    assert facts.entrypoints == ()
    assert facts.imports == ()
    test_facts, _ = _facts(tmp_path, "src/app.test.js",
                           'const express = require("express");\nexpress().listen(1);\n')
    assert test_facts.entrypoints == () and test_facts.imports


# --- Go basics ------------------------------------------------------------------------------

GO_GIN = """\
package main

import (
\t"log"
\t"net/http"

\t"github.com/gin-gonic/gin"
\tredis "github.com/redis/go-redis/v9"
\t_ "github.com/lib/pq"
)

func main() {
\tr := gin.Default()
\t_ = redis.NewClient(nil)
\tlog.Fatal(r.Run(":8080"))
}
"""


def test_go_imports_and_gin_entrypoint(tmp_path: Path) -> None:
    facts, diagnostics = _facts(tmp_path, "cmd/api/main.go", GO_GIN)
    assert not diagnostics
    assert [(i.module, i.line) for i in facts.imports] == [
        ("log", 4), ("net/http", 5), ("github.com/gin-gonic/gin", 7), ("github.com/redis/go-redis/v9", 8),
        ("github.com/lib/pq", 9)]
    assert [(e.kind, e.framework, e.location.line) for e in facts.entrypoints] == [
        ("listen", "gin", 15), ("main", "go", 12)]


@pytest.mark.parametrize(("code", "expected"), [
    ('package main\nimport "net/http"\nfunc main() {\n\thttp.ListenAndServe(":80", nil)\n}\n',
     [("listen-and-serve", "net/http", 4), ("main", "go", 3)]),
    ('package server\nimport "net/http"\nfunc Start(srv *http.Server) error {\n\treturn srv.ListenAndServeTLS("c", "k")\n}\n',
     [("listen-and-serve", "net/http", 4)]),
    ('package main\nimport "github.com/labstack/echo/v4"\nfunc run() {\n\te := echo.New()\n\te.Start(":1")\n}\n',
     [("listen", "echo", 5)]),
    ('package main\nimport "github.com/gofiber/fiber/v2"\nfunc run() {\n\tapp := fiber.New()\n\tapp.Listen(":3")\n}\n',
     [("listen", "fiber", 5)]),
    ('package main\nimport "google.golang.org/grpc"\nfunc run() {\n\ts := grpc.NewServer()\n\ts.Serve(lis)\n}\n',
     [("listen", "grpc", 5)]),
    ('package tool\nfunc main() {}\n', []),
    ('package main\nfunc main(args []string) {}\nfunc (c *Cmd) Run() { c.Run() }\n', []),
])
def test_go_entrypoints(tmp_path: Path, code, expected) -> None:
    facts, _ = _facts(tmp_path, "svc/main.go", code)
    assert [(e.kind, e.framework, e.location.line) for e in facts.entrypoints] == expected


def test_go_test_files_have_no_entrypoints(tmp_path: Path) -> None:
    facts, _ = _facts(tmp_path, "svc/main_test.go", 'package main\nimport "net/http"\nfunc main() {\n'
                                                     '\thttp.ListenAndServe(":80", nil)\n}\n')
    assert facts.entrypoints == () and facts.imports


@pytest.mark.parametrize(("path", "name"), [
    ("github.com/labstack/echo/v4", "echo"), ("gopkg.in/yaml.v3", "yaml"), ("net/http", "http"),
    ("github.com/go-chi/chi/v5", "chi"),
])
def test_default_package_name(path, name) -> None:
    assert default_package_name(path) == name
