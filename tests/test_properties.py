"""Property tests over the parsers, extractors and rules of every language.

Random text, random bytes and random-but-plausible source (built from fragments of real backend
code, then mutated) go through `pipeline.analyse_file` on a real file: it never raises, returns a
picklable result, and reports only the diagnostic kinds the per-file phase knows, none of which is a
bug of ours. `parse_suppressions` and the YAML loader never raise; fingerprints do not move when
blank lines are inserted above a finding.

Hypothesis runs derandomized with a bounded number of examples and no example database (nothing
is written into the checkout): the `ci` profile below.
"""
from __future__ import annotations

import pickle
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prodcheck.config import Config
from prodcheck.discovery import SourceFile, classify
from prodcheck.parsing import ParsedFile
from prodcheck.parsing.yamldoc import YList, YMap, parse_yaml
from prodcheck.pipeline import FileResult, analyse_file, scan
from prodcheck.rules.base import ProjectRule, TaintRule
from prodcheck.rules.catalog import load_catalog
from prodcheck.suppress import parse_suppressions

settings.register_profile("ci", max_examples=50, deadline=None, derandomize=True, database=None,
                          print_blob=False, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
CI = settings.get_profile("ci")
FEW = settings(CI, max_examples=15)          # for the properties that run a whole scan per example

PER_FILE_KINDS = frozenset({"syntax-error", "binary-file", "encoding", "file-too-large", "unreadable",
                            "parse-timeout", "too-deep", "too-complex", "sql-parse-error", "bad-suppression",
                            "minified"})
OUR_BUGS = frozenset({"rule-error", "extractor-error", "analysis-error", "worker-crash"})

NAMES = {
    "python": ("app/views.py", "migrations/0001_initial.py", "alembic/versions/1a2b_add.py", "setup.py",
               "tests/test_api.py", "manage.py"),
    "javascript": ("src/server.js", "src/routes/users.mjs", "web/App.jsx"),
    "typescript": ("src/app.ts", "src/users/users.controller.ts", "web/View.tsx"),
    "go": ("cmd/api/main.go", "internal/handlers/user.go", "internal/handlers/user_test.go"),
    "dockerfile": ("Dockerfile", "deploy/Dockerfile.prod"),
    "yaml": ("k8s/deployment.yaml", "docker-compose.yml", ".github/workflows/ci.yml", "openapi.yaml"),
    "sql": ("migrations/0001_init.sql", "db/migrations/20240101000000_users.sql",
            "prisma/migrations/20240101_init/migration.sql", "schema.sql"),
    "json": ("package.json", "tsconfig.json", "composer.json", "package-lock.json", "config/app.json"),
    "toml": ("pyproject.toml", "Pipfile", "config/settings.toml"),
    "env": (".env", ".env.production"),
    "other": ("go.mod", "go.sum", "requirements.txt", "setup.cfg", "Procfile", ".npmrc", "main.tf",
              "schema.prisma", "README.md", "CLAUDE.md", "api.proto", "schema.graphql", "deploy.sh"),
}
ALL_NAMES = tuple(name for names in NAMES.values() for name in names)


def per_file_rule_ids() -> tuple[str, ...]:
    return tuple(r.id for r in load_catalog().select(Config()) if not isinstance(r, (ProjectRule, TaintRule)))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


def analyse(root: Path, rel: str, content: str | bytes) -> FileResult:
    """`analyse_file` on a real file at `rel` (classified by its name, as discovery does)."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    path.write_bytes(data)
    language, kind = classify(rel)
    result = analyse_file(SourceFile(rel, str(path), language, kind, len(data)), per_file_rule_ids())
    check_result(result, rel, data)
    return result


def check_result(result: FileResult, rel: str, data: bytes) -> None:
    assert isinstance(result, FileResult)
    kinds = {d.kind for d in result.diagnostics}
    assert not kinds & OUR_BUGS, [d for d in result.diagnostics if d.kind in OUR_BUGS]
    assert kinds <= PER_FILE_KINDS, kinds - PER_FILE_KINDS
    assert result.facts.path == rel
    lines = data.count(b"\n") + data.count(b"\r") + 2
    for finding in result.findings:
        assert finding.location.path == rel
        assert 1 <= finding.location.start.line <= lines, finding
        assert finding.message.strip()
    pickle.loads(pickle.dumps(result))            # results cross process boundaries


# ---------------------------------------------------------------- mutation of any text

NASTY = ("(", ")", "{", "}", "[", "]", "'", '"', "`", "\\", "\n", "\t", "\r", "\r\n", ":", ";", ",",
         "${", "#{", "{{", "}}", "/*", "*/", "<!--", "#", "//", "--", "\x00", "\ufeff", "\u2028",
         "\ud800", "é", "🙂", "\x85", "=", "=>", "...", "@", "*", "&", "|", "<<EOF\n", "\\\n")


@st.composite
def mutated(draw, text: str) -> str:
    """`text` with up to three random edits: deletions, insertions of nasty tokens, duplications."""
    for _ in range(draw(st.sampled_from((0, 0, 0, 1, 2, 3)))):          # half of the inputs stay whole
        if not text:
            text = draw(st.sampled_from(NASTY))
            continue
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 40)))
        edit = draw(st.sampled_from(("delete", "insert", "duplicate")))
        if edit == "delete":
            text = text[:start] + text[end:]
        elif edit == "insert":
            text = text[:start] + draw(st.sampled_from(NASTY)) + text[start:]
        else:
            text = text[:end] + text[start:end] + text[end:]
    return text


def lines_of(blocks: list[list[str]]) -> str:
    return "\n".join(line for block in blocks for line in block) + "\n"


# ---------------------------------------------------------------- Python

PY_IMPORTS = ("import os", "import requests", "import httpx", "import subprocess", "import sqlite3", "import pickle",
              "import yaml", "import hashlib", "import random", "import logging", "import jwt",
              "from flask import Flask, request, redirect, render_template_string",
              "from fastapi import FastAPI, APIRouter, Depends", "from django.db import models, migrations",
              "from django.http import HttpResponse", "from functools import lru_cache",
              "from tenacity import retry", "from alembic import op", "import sqlalchemy as sa",
              "from .models import User", "from __future__ import annotations")
PY_EXPRS = ("requests.get(url)", "requests.post(url, json=data, timeout=5)", "httpx.get(url)",
            "urllib.request.urlopen(url)", "subprocess.run(cmd, shell=True)", "os.system(cmd)", "eval(data)",
            "pickle.loads(blob)", "yaml.load(text)", 'db.execute(f"SELECT * FROM t WHERE id = {uid}")',
            'cursor.execute("SELECT * FROM t WHERE id = %s" % uid)', "hashlib.md5(pw).hexdigest()",
            "random.random()", "jwt.decode(token, options={'verify_signature': False})", "print(x)",
            "logging.error(exc)", "request.args.get('next')", "redirect(request.args['next'])",
            "open(request.args['path']).read()", "time.sleep(1)", "render_template_string(request.form['t'])",
            "User.objects.filter(name=name)", "x", "None", "1", "'text'", "f'{x}-{y!r:>{width}}'",
            "[i for i in items if i]", "{k: v for k, v in d.items()}", "lambda: x", "x if y else z",
            "a.b.c(d)(e)[f]", "os.environ['SECRET_KEY']", "op.add_column('t', sa.Column('c', sa.Integer(), "
            "nullable=False))", "models.CharField(max_length=10)", "Flask(__name__)", "FastAPI()",
            "APIRouter(prefix='/v1')", "app.run(debug=True, host='0.0.0.0')", "(yield)", "(y := f(x))",
            "print(*a, **k)", "x[1:2, ...]", "not -x ** 2 @ b", "lambda *a, **k: 0", "await asyncio.gather(*tasks)",
            "b'\\x00' + rb'\\d'", "0xFF + 1j", "{**a, 'b': 1}", "[*a, *b]", "requests.Session().get(url)",
            "sa.text('SELECT * FROM t WHERE a = ' + a)", "session.execute(text(f'DELETE FROM t WHERE id={i}'))")
PY_DECORATORS = ("@app.route('/items', methods=['POST'])", "@app.get('/items/{item_id}')", "@router.post('/u')",
                 "@app.delete('/x')", "@login_required", "@lru_cache(maxsize=None)", "@retry", "@staticmethod",
                 "@csrf_exempt", "@api_view(['POST'])", "@property")


@st.composite
def py_block(draw, depth: int = 0) -> list[str]:
    pad = "    " * depth
    expr = draw(st.sampled_from(PY_EXPRS))
    choice = draw(st.integers(0, 12 if depth < 3 else 5))
    if choice == 0:
        return [pad + draw(st.sampled_from(PY_IMPORTS))]
    if choice in (1, 2):
        return [pad + draw(st.sampled_from(("x", "app", "password", "API_KEY", "rows", "self.db"))) + " = " + expr]
    if choice == 3:
        return [pad + draw(st.sampled_from(("return ", "", "await ", "raise ", "assert ", "yield "))) + expr]
    if choice == 4:
        return [pad + draw(st.sampled_from(("pass", "break", "continue", "global x", "nonlocal x", "...",
                                            "a, *b = c", "self.x: int = 1", "x += 1", "x: list[int]",
                                            "type(x).attr = 1", "del x[0]")))]
    if choice == 5:
        key = draw(st.text("abcdef0123456789", min_size=8, max_size=40))
        return [pad + f'SECRET_KEY = "django-insecure-{key}"']
    body = [line for _ in range(draw(st.integers(1, 3))) for line in draw(py_block(depth + 1))]
    if choice in (6, 7):
        decorators = [pad + d for d in draw(st.lists(st.sampled_from(PY_DECORATORS), max_size=2))]
        head = draw(st.sampled_from(("def", "async def")))
        params = draw(st.sampled_from(("", "request", "self, request, pk=None", "item_id: int, db=Depends(get_db)",
                                       "*args, **kwargs", "request, /, *, q: str = ''")))
        return [*decorators, f"{pad}{head} handler_{depth}_{choice}({params}):", *body]
    if choice == 8:
        return [f"{pad}class Model{depth}({draw(st.sampled_from(('models.Model', 'object', 'Base', '')))}):", *body]
    if choice == 9:
        handler = draw(st.sampled_from(("except Exception:", "except:", "except (ValueError, KeyError) as e:",
                                        "finally:")))
        after = draw(st.sampled_from(("pass", "logging.error(e)")))
        return [f"{pad}try:", *body, f"{pad}{handler}", f"{pad}    {after}"]
    if choice == 10:
        return [f"{pad}for item in {expr}:", *body]
    if choice == 11:
        return [f"{pad}with {expr} as handle:", *body] if draw(st.booleans()) else \
            [f"{pad}match {expr}:", f"{pad}    case {{'k': [1, *rest]}} | Point(x=0) if rest:",
             *("    " + b for b in body), f"{pad}    case _:", f"{pad}        pass"]
    return [f"{pad}if {expr}:", *body]


python_source = st.lists(py_block(), min_size=1, max_size=8).map(lines_of)


# ---------------------------------------------------------------- JavaScript / TypeScript

JS_STATEMENTS = (
    "import express from 'express';", "const express = require('express');", "const app = express();",
    "const router = express.Router();", "app.use(express.json());", "app.use(helmet());",
    "app.use(cors({ origin: '*', credentials: true }));",
    "import axios from 'axios';", "import Fastify from 'fastify';", "const fastify = Fastify({ logger: true });",
    "fastify.register(require('@fastify/autoload'), { dir: path.join(__dirname, 'plugins') });",
    "fetch(url);", "await axios.get(url);", "await db.query('SELECT * FROM t WHERE id = ' + req.params.id);",
    "eval(req.body.code);", "jwt.decode(token);", "const id = Math.random().toString(36);",
    "crypto.createHash('md5').update(pw).digest('hex');", "console.log(req.body);", "res.json(rows);",
    "process.on('uncaughtException', (e) => {});", "app.listen(3000);", "export default app;",
    "module.exports = router;", "const { Router } = require('express');", "let x = `a${b}c${`d${e}`}`;",
    "for (const x of xs) { await db.query(x); }", "try { risky(); } catch (e) {}", "const re = /[a-z]+\\//g;",
    "<div onClick={() => fetch('/api')}>{items.map(i => <li key={i}>{i}</li>)}</div>;",
    "const password = 'hunter2hunter2hunter2';", "bcrypt.hash(pw, 4);", "res.redirect(req.query.next);",
)
JS_ROUTES = ("app.post('/users', async (req, res) => {{ {body} }});",
             "router.get('/:id', (req, res, next) => {{ {body} }});",
             "fastify.delete('/x/:id', async function (request, reply) {{ {body} }});",
             "app.put('/v1/items', auth, validate(schema), async (req, res) => {{ {body} }});",
             "function handler(req, res) {{ {body} }}", "const f = async () => {{ {body} }};",
             "class UsersController {{ async create(req, res) {{ {body} }} }}",
             "promise.then((r) => {{ {body} }}).catch(() => {{}});")
TS_ONLY = ("@Controller('users')\nexport class UsersController {\n  @Post()\n"
           "  create(@Body() dto: CreateUserDto) { return dto; }\n"
           "  @Get(':id')\n  find(@Param('id') id: string): Promise<User> { return this.svc.find(+id); }\n}",
           "interface User { id: number; name?: string }", "type Id = string | number;",
           "enum Role { Admin = 'admin' }", "const x = y as unknown as Z;",
           "function f<T extends object>(a: T): T { return a!; }")


@st.composite
def js_source(draw, typescript: bool = False) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 10))):
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(JS_STATEMENTS)))
        else:
            body = " ".join(draw(st.lists(st.sampled_from(JS_STATEMENTS[11:]), min_size=1, max_size=4)))
            parts.append(draw(st.sampled_from(JS_ROUTES)).format(body=body))
        if typescript and draw(st.integers(0, 3)) == 0:
            parts.append(draw(st.sampled_from(TS_ONLY)))
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------- Go

GO_IMPORTS = ('"net/http"', '"database/sql"', '"fmt"', '"crypto/md5"', '"math/rand"', '"crypto/tls"', '"os"',
              '_ "net/http/pprof"', '"github.com/gin-gonic/gin"', 'jwt "github.com/golang-jwt/jwt/v5"', '"log"')
GO_STATEMENTS = ('resp, err := http.Get(url)', '_ = resp', 'rows, _ := db.Query("SELECT * FROM t WHERE id = " + id)',
                 'http.HandleFunc("/x", handler)', 'http.ListenAndServe(":8080", nil)',
                 'srv := &http.Server{Addr: ":8080"}', 'fmt.Println(r.URL.Query().Get("q"))',
                 'for _, x := range xs { db.Exec(x) }', 'if err != nil { return }', 'go func() { panic("x") }()',
                 'defer rows.Close()', 'cfg := &tls.Config{InsecureSkipVerify: true}', 'sum := md5.Sum([]byte(pw))',
                 'n := rand.Intn(10)', 'jwt.Parse(token, nil)', 'r := gin.Default()', 'r.POST("/u", create)',
                 'r.Run()', 'client := &http.Client{}', '_ = err', 'log.Fatal(err)', 'x := []int{1, 2, 3}',
                 'switch v := x.(type) { case int: _ = v }', 'select {}', 'ch := make(chan int)')


@st.composite
def go_source(draw) -> str:
    imports = draw(st.lists(st.sampled_from(GO_IMPORTS), unique=True, max_size=5))
    lines = [f"package {draw(st.sampled_from(('main', 'handlers', 'api')))}", "", "import ("]
    lines += [f"\t{i}" for i in imports] + [")", ""]
    for index in range(draw(st.integers(1, 5))):
        signature = draw(st.sampled_from(("handler{i}(w http.ResponseWriter, r *http.Request)", "main()",
                                          "create{i}(c *gin.Context)", "(s *Server) Serve{i}() error",
                                          "helper{i}[T any](x T) T")))
        body = draw(st.lists(st.sampled_from(GO_STATEMENTS), min_size=1, max_size=6))
        lines += [f"func {signature.format(i=index)} {{", *(f"\t{b}" for b in body), "}", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- Dockerfile

DOCKER_LINES = ("FROM python:3.12-slim", "FROM node:latest", "FROM golang:1.22 AS build", "FROM scratch",
                "FROM ${BASE_IMAGE}", "FROM --platform=$BUILDPLATFORM alpine:3.19 AS base", "from ubuntu",
                "RUN apt-get update && apt-get install -y curl", "RUN pip install flask", "RUN npm install",
                "RUN curl -fsSL https://example.com/install.sh | sh", "RUN <<EOF\napt-get update\nEOF",
                "USER root", "USER app", "USER 1000:1000", "ENV SECRET_KEY=supersecretvalue123456",
                "ENV PATH=/app/bin:$PATH", "ARG NPM_TOKEN", "ARG VERSION=1.0", "COPY . /app",
                "COPY --from=build /out /app",
                "ADD https://example.com/app.tar.gz /tmp/", "HEALTHCHECK CMD curl -f http://localhost/health || exit 1",
                "HEALTHCHECK NONE", 'CMD ["python", "app.py"]', "CMD python manage.py runserver 0.0.0.0:8000",
                'ENTRYPOINT ["node", "server.js"]', "ENTRYPOINT npm run dev", "EXPOSE 8080", "WORKDIR /app",
                "ONBUILD RUN make", "# syntax=docker/dockerfile:1", "# escape=`", "# a comment", "",
                "RUN echo a \\", "    && echo b", "SHELL [\"/bin/bash\", \"-c\"]", "LABEL a=b", "STOPSIGNAL SIGTERM",
                "VOLUME /data", "MAINTAINER someone")
dockerfile_source = st.lists(st.sampled_from(DOCKER_LINES), min_size=1, max_size=14).map("\n".join)


# ---------------------------------------------------------------- YAML

YAML_LINES = ("apiVersion: apps/v1", "kind: Deployment", "kind: Pod", "metadata:", "  name: api", "spec:",
              "  replicas: 3", "  template:", "    spec:", "      containers:", "        - name: api",
              "          image: ghcr.io/acme/api:latest", "          image: nginx", "          securityContext:",
              "            privileged: true", "            runAsUser: 0", "          resources: {}",
              "          livenessProbe:", "            httpGet: {path: /healthz, port: 8080}",
              "services:", "  web:", "    build: .", "    environment:", "      DATABASE_PASSWORD: hunter2hunter2",
              "      - API_TOKEN=abcdef0123456789abcdef", "    ports: ['8000:8000']", "    command: npm run dev",
              "base: &base {a: 1}", "derived:", "  <<: *base", "  ref: *base", "? [complex, key]", ": value",
              "? {a: 1}", "tagged: !!str 123", "custom: !Ref Thing", "created: 2020-13-45", "count: !!int three",
              "ratio: !!float x", "blob: !!binary '%%%'", "when: 2001-12-14t21:59:43.10-25:00", "---", "...",
              "%YAML 1.2", "list:", "- a", "- [1, 2", "- {x: y}", "\tindented: tab", "key: 'unterminated",
              'multi: |', "  line one", "  line two", "anchor: &a", "alias: *a", "empty:", "null_key: ~",
              "py: !!python/object/apply:os.system ['true']", "on: [push, pull_request]", "jobs:", "  build:",
              "    runs-on: ubuntu-latest", "    steps:", "      - run: echo ${{ secrets.TOKEN }}")
CONTAINER_FIELDS = {
    "image": st.sampled_from(("nginx", "nginx:latest", "ghcr.io/acme/api:1.8.2", "api@sha256:" + "a" * 64, "")),
    "securityContext": st.fixed_dictionaries({}, optional={
        "privileged": st.booleans(), "allowPrivilegeEscalation": st.booleans(),
        "runAsUser": st.sampled_from((0, 1000)), "runAsNonRoot": st.booleans()}),
    "resources": st.sampled_from(({}, {"limits": {"cpu": "1", "memory": "256Mi"}}, {"requests": {"cpu": "100m"}})),
    "livenessProbe": st.sampled_from(({"httpGet": {"path": "/healthz", "port": 8080}},
                                      {"exec": {"command": ["true"]}})),
    "readinessProbe": st.just({"httpGet": {"path": "/ready", "port": "http"}}),
    "env": st.lists(st.sampled_from(({"name": "DATABASE_PASSWORD", "value": "hunter2hunter2"},
                                     {"name": "API_KEY", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
                                     {"name": "DEBUG", "value": "true"})), max_size=3),
    "ports": st.just([{"containerPort": 8080}]),
}
k8s_document = st.fixed_dictionaries({
    "apiVersion": st.sampled_from(("apps/v1", "v1", "batch/v1")),
    "kind": st.sampled_from(("Deployment", "Pod", "StatefulSet", "CronJob", "Service")),
    "metadata": st.just({"name": "api"}),
}, optional={"spec": st.lists(st.fixed_dictionaries({"name": st.just("api")}, optional=CONTAINER_FIELDS),
                              min_size=1, max_size=2).map(
    lambda containers: {"template": {"spec": {"containers": containers}}})})
compose_document = st.fixed_dictionaries({"services": st.dictionaries(
    st.sampled_from(("web", "db", "worker")),
    st.fixed_dictionaries({}, optional={
        "image": st.sampled_from(("postgres", "redis:7", "node:latest")), "build": st.just("."),
        "environment": st.sampled_from(({"POSTGRES_PASSWORD": "hunter2hunter2"}, ["API_TOKEN=abcdef0123456789abcd"],
                                        {"SECRET_KEY": "${SECRET_KEY}"})),
        "command": st.sampled_from(("npm run dev", "gunicorn app:app", ["python", "manage.py", "runserver"])),
        "privileged": st.booleans(), "ports": st.just(["8000:8000"]),
        "healthcheck": st.just({"test": ["CMD", "curl", "-f", "http://localhost/health"]})}),
    min_size=1, max_size=3)})


def as_yaml(documents: list) -> str:
    import yaml
    return "---\n".join(yaml.safe_dump(d, sort_keys=False) for d in documents)


yaml_source = (st.lists(st.sampled_from(YAML_LINES), min_size=1, max_size=16).map("\n".join)
               | st.lists(k8s_document | compose_document, min_size=1, max_size=3).map(as_yaml))


# ---------------------------------------------------------------- SQL

SQL_STATEMENTS = (
    "CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, amount float, created timestamp);",
    "ALTER TABLE users ADD COLUMN email varchar(255) NOT NULL;", "ALTER TABLE users ADD COLUMN c int DEFAULT now();",
    "ALTER TABLE users ALTER COLUMN amount TYPE numeric(12, 2);", "ALTER TABLE users ALTER COLUMN name SET NOT NULL;",
    "CREATE INDEX idx_users_email ON users (email);", "CREATE INDEX CONCURRENTLY idx2 ON users (name);",
    "DROP INDEX idx_users_email;", "DROP TABLE users;", "ALTER TABLE users DROP COLUMN amount;",
    "ALTER TABLE users RENAME COLUMN name TO full_name;", "ALTER TABLE users RENAME TO people;",
    "ALTER TABLE orders ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id);",
    "ALTER TABLE users ADD CONSTRAINT uq UNIQUE (email);", "VACUUM FULL users;", "CLUSTER users;", "BEGIN;",
    "COMMIT;", "SET lock_timeout = '5s';", "-- migrate:up", "-- migrate:down", "-- +goose Up", "-- +goose Down",
    "-- +goose StatementBegin", "-- +goose StatementEnd", "/* block comment */",
    "CREATE TABLE `t` (id int AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;", "INSERT INTO t VALUES ({{ value }});",
    "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql;",
    "DO $$ BEGIN PERFORM 1; END $$;", "SELECT 'unterminated;", "UPDATE users SET name = 'x' WHERE id = 1;",
    "CREATE TYPE mood AS ENUM ('sad', 'ok');", "ALTER TYPE mood ADD VALUE 'happy';", "GO", ";;;")
sql_source = st.lists(st.sampled_from(SQL_STATEMENTS), min_size=1, max_size=10).map("\n".join)


# ---------------------------------------------------------------- manifests and configuration

json_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                          lambda children: st.lists(children, max_size=4)
                          | st.dictionaries(st.sampled_from(("name", "dependencies", "devDependencies", "scripts",
                                                             "start", "express", "require", "version", "main",
                                                             "compilerOptions", "strict", "packages", "")),
                                            children, max_size=5), max_leaves=20)


def as_json(value: object) -> str:
    import json
    return json.dumps(value)


package_json = st.fixed_dictionaries({"name": st.just("app")}, optional={
    "dependencies": st.dictionaries(st.sampled_from(("express", "fastify", "@nestjs/core", "pg", "axios")),
                                    st.sampled_from(("^4.18.2", "*", "latest", "1.2.3", "git+https://x/y.git", ""))),
    "devDependencies": st.dictionaries(st.sampled_from(("jest", "typescript")), st.just("^1.0.0")),
    "scripts": st.dictionaries(st.sampled_from(("start", "dev", "postinstall")),
                               st.sampled_from(("node server.js", "nodemon", "ts-node src/main.ts"))),
    "compilerOptions": st.dictionaries(st.sampled_from(("strict", "noImplicitAny")), st.booleans()),
})
TOML_LINES = ('[project]', 'name = "x"', 'dependencies = ["flask", "requests>=2", "django==5.0"]',
              '[project.optional-dependencies]', 'test = ["pytest==8.0"]', '[tool.poetry.dependencies]',
              'python = "^3.11"', 'fastapi = {version = "*", extras = ["all"]}', '[tool.prodcheck]',
              'exclude = ["x"]', 'tool = 1', '[packages]', 'flask = "*"', '[dev-packages]', 'a = [', '[[bin]]')
OTHER_LINES = ("module example.com/app", "go 1.22", "require (", "\tgithub.com/gin-gonic/gin v1.9.1", ")",
               "require github.com/x/y v0.0.0-2020", "replace a => ../a", "flask==3.0.0", "requests",
               "-r base.txt", "-e git+https://github.com/x/y.git#egg=y", "django>=4 ; python_version > '3.8'",
               "web: gunicorn app:app", "[metadata]", "install_requires =", "    flask",
               "//registry.npmjs.org/:_authToken=x",
               "resource \"aws_s3_bucket\" \"b\" { acl = \"public-read\" }", "model User { id Int @id }",
               "-----BEGIN RSA PRIVATE KEY-----", "MIIEowIBAAKCAQEA", "-----END RSA PRIVATE KEY-----")
ENV_LINES = ("SECRET_KEY=abcdef0123456789abcdef", "export API_TOKEN='ghp_abcdefghijklmnopqrstuvwxyz0123456789'",
             "DEBUG=true", "DATABASE_URL=postgres://user:hunter2@db/app", "# comment", "EMPTY=", "QUOTED=\"a b\" # c",
             "=novalue", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")


# ---------------------------------------------------------------- the properties

@CI
@given(name=st.sampled_from(ALL_NAMES), text=st.text(max_size=3000))
def test_random_text_never_breaks_the_per_file_phase(workdir: Path, name: str, text: str) -> None:
    analyse(workdir, name, text)


@CI
@given(name=st.sampled_from(ALL_NAMES), data=st.binary(max_size=3000))
def test_random_bytes_never_break_the_per_file_phase(workdir: Path, name: str, data: bytes) -> None:
    analyse(workdir, name, data)


PLAUSIBLE = {
    "python": python_source,
    "javascript": js_source(),
    "typescript": js_source(typescript=True),
    "go": go_source(),
    "dockerfile": dockerfile_source,
    "yaml": yaml_source,
    "sql": sql_source,
    "json": (json_value | package_json).map(as_json),
    "toml": st.lists(st.sampled_from(TOML_LINES), min_size=1, max_size=10).map("\n".join),
    "env": st.lists(st.sampled_from(ENV_LINES), min_size=1, max_size=8).map("\n".join),
    "other": st.lists(st.sampled_from(OTHER_LINES), min_size=1, max_size=10).map("\n".join),
}


@pytest.mark.parametrize("language", sorted(PLAUSIBLE))
def test_plausible_source_never_breaks_the_per_file_phase(workdir: Path, language: str) -> None:
    @CI
    @given(name=st.sampled_from(NAMES[language]), source=PLAUSIBLE[language].flatmap(mutated))
    def check(name: str, source: str) -> None:
        analyse(workdir, name, source)

    check()


SUPPRESSION_PIECES = ("# prodcheck: ignore", "// prodcheck: ignore-next", "-- prodcheck:ignore", "prodcheck:",
                      "[", "]", "[]", "[,]", "GEN-OPS-101", "dockerfile-runs-as-root", "OPS", ",", " ", "\n",
                      "reason text", "#", "//", "--", "ignore-next", "ignore", "\t", "\r", "[[", "]]", "é")


@CI
@given(text=st.lists(st.sampled_from(SUPPRESSION_PIECES) | st.text(max_size=5), max_size=40).map("".join))
def test_parse_suppressions_never_raises(text: str) -> None:
    suppressions, diagnostics = parse_suppressions("a.py", text)
    line_count = len(text.split("\n"))
    for suppression in suppressions:
        assert suppression.selectors and all(s.strip() for s in suppression.selectors)
        assert suppression.line in (suppression.comment_line, suppression.comment_line + 1)
        assert 1 <= suppression.comment_line <= line_count
    assert {d.kind for d in diagnostics} <= {"bad-suppression"}
    assert all(1 <= d.line <= line_count for d in diagnostics)


@CI
@given(selectors=st.lists(st.from_regex(r"[A-Z]{2,4}-[A-Z]{2,4}-[0-9]{3}|[a-z][a-z0-9-]{1,20}", fullmatch=True),
                          min_size=1, max_size=3),
       reason=st.text(st.characters(blacklist_categories=("Cs", "Zl", "Zp", "Cc")), max_size=30),
       marker=st.sampled_from(("#", "//", "--")), verb=st.sampled_from(("ignore", "ignore-next")),
       above=st.integers(0, 4), code=st.sampled_from(("", "x = 1  ", "FROM a:1 ", "SELECT 1; ")))
def test_a_well_formed_suppression_is_read_back(selectors, reason, marker, verb, above, code) -> None:
    text = "\n" * above + f"{code}{marker} prodcheck: {verb}[{', '.join(selectors)}] {reason}\nnext = 2\n"
    suppressions, diagnostics = parse_suppressions("a.py", text)
    assert not diagnostics
    [suppression] = suppressions
    assert suppression.selectors == tuple(selectors)
    assert suppression.reason == reason.strip()
    assert suppression.comment_line == above + 1
    assert suppression.line == above + (2 if verb == "ignore-next" else 1)


@CI
@given(text=yaml_source.flatmap(mutated) | st.text(max_size=500))
def test_the_yaml_loader_never_raises(text: str) -> None:
    parsed = ParsedFile(SourceFile("k8s/x.yaml", "/nonexistent/k8s/x.yaml", "yaml", "config", len(text)), text)
    documents = parse_yaml(parsed)
    assert documents is None or isinstance(documents, list)
    assert {d.kind for d in parsed.diagnostics} <= {"syntax-error", "too-complex"}
    assert (documents is None) == bool(parsed.diagnostics) or "{{" in text or "{%" in text
    for document in documents or ():
        stack = [document]
        while stack:                      # every mapping knows its lines; keys are hashable
            node = stack.pop()
            if isinstance(node, YMap):
                assert node.line >= 1 and all(line >= 1 for line in node.key_lines.values())
                stack.extend(node.values())
            elif isinstance(node, YList):
                assert len(node.item_lines) == len(node)
                stack.extend(node)


# Fingerprints: a file made of top-level blocks; blank lines go between two blocks above a finding.
FINDING_BLOCKS = {
    "app.py": (["import requests", "import subprocess"], ["def fetch(url):", "    return requests.get(url)"],
               ["def run(cmd):", "    subprocess.run(cmd, shell=True)"], ["x = 1"],
               ["def swallow():", "    try:", "        fetch('u')", "    except Exception:", "        pass"]),
    "server.ts": (["import axios from 'axios';"], ["export async function a(u: string) { return axios.get(u); }"],
                  ["const id = Math.random().toString(36);"], ["export const n = 1;"]),
    "main.go": (['package main\n\nimport "net/http"'], ['func get(u string) { http.Get(u) }'],
                ['func serve() { http.ListenAndServe(":80", nil) }'], ['var x = 1']),
    "Dockerfile": (["FROM python:latest"], ["RUN pip install flask"], ["ENV PATH=/x"], ['CMD ["python", "a.py"]']),
    "k8s/deploy.yaml": (["apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api"],
                        ["spec:\n  template:\n    spec:\n      containers:\n        - name: api\n"
                         "          image: nginx:latest\n          securityContext:\n            privileged: true"],),
    "migrations/0002_users.sql": (["CREATE INDEX idx_a ON users (a);"], ["ALTER TABLE users DROP COLUMN b;"],
                                  ["ALTER TABLE users RENAME COLUMN c TO d;"], ["SELECT 1;"]),
}


@st.composite
def file_with_a_gap(draw) -> tuple[str, list[str], int, int]:
    name = draw(st.sampled_from(sorted(FINDING_BLOCKS)))
    blocks = FINDING_BLOCKS[name]
    order = [blocks[0], *draw(st.permutations(blocks[1:]))] if name != "k8s/deploy.yaml" else list(blocks)
    texts = ["\n".join(block) for block in order]
    return name, texts, draw(st.integers(0, len(texts))), draw(st.integers(1, 5))


@FEW
@given(case=file_with_a_gap())
def test_fingerprints_do_not_move_with_blank_lines_above_a_finding(tmp_path_factory, case) -> None:
    name, texts, gap, blanks = case
    root = tmp_path_factory.mktemp("fingerprints")
    config = Config(jobs=1, use_baseline=False)
    try:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("\n".join(texts) + "\n", encoding="utf-8")
        before = scan(root, config).findings
        boundary = sum(text.count("\n") + 1 for text in texts[:gap])           # lines above the gap
        spread = texts[:gap] + [""] * blanks + texts[gap:] if gap else [""] * blanks + texts
        (root / name).write_text("\n".join(spread) + "\n", encoding="utf-8")
        after = scan(root, config).findings
    finally:
        shutil.rmtree(root, ignore_errors=True)
    assert Counter((f.rule_id, f.fingerprint) for f in before) == Counter((f.rule_id, f.fingerprint) for f in after)
    moved = {(f.rule_id, f.fingerprint): f.location.start.line for f in after}
    for finding in before:
        line = finding.location.start.line
        assert moved[(finding.rule_id, finding.fingerprint)] == (line + blanks if line > boundary else line)


PROJECT_FILES = {"app/views.py": "python", "app/models.py": "python", "src/server.ts": "typescript",
                 "src/routes.js": "javascript", "cmd/api/main.go": "go", "Dockerfile": "dockerfile",
                 "k8s/deploy.yaml": "yaml", "docker-compose.yml": "yaml", "migrations/0001_init.sql": "sql",
                 "package.json": "json", "pyproject.toml": "toml", ".env": "env", "requirements.txt": "other"}


@st.composite
def project(draw) -> dict[str, str]:
    names = draw(st.lists(st.sampled_from(sorted(PROJECT_FILES)), min_size=1, max_size=5, unique=True))
    return {name: draw(PLAUSIBLE[PROJECT_FILES[name]].flatmap(mutated)) for name in names}


@settings(CI, max_examples=25)
@given(files=project())
def test_plausible_projects_scan_without_errors_of_ours(tmp_path_factory, files: dict[str, str]) -> None:
    """The project phase too: facts joined, project and taint rules run on whatever the files said."""
    root = tmp_path_factory.mktemp("project")
    try:
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(text.encode("utf-8", "surrogatepass"))
        report = scan(root, Config(jobs=1, use_baseline=False))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    assert not [d for d in report.diagnostics if d.kind in OUR_BUGS]
    for finding in report.findings:
        assert finding.location.path in files or finding.location.path == "."
