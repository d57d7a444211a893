"""Services and stack detection with evidence, the manifests extractor and the component catalog."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness import run
from prodcheck.discovery import SourceFile, classify
from prodcheck.facts.components import Kind, for_dependency, for_import, npm_package, unsupported_stack
from prodcheck.facts.extractors.manifests import npm_pinned, pip_pinned
from prodcheck.facts.stack import go_module_name, service_of
from prodcheck.pipeline import analyse_file

ONLY = ("GEN-SEC-106",)


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def _stack(root: Path, files: dict[str, str]):
    return run(_write(root, files), ONLY).stack


def _evidence(service, category: str, name: str) -> list[str]:
    component = next(c for c in service.components if c.category == category and c.name == name)
    return [str(e) for e in component.evidence]


POLYGLOT = {
    # Python FastAPI service
    "api/pyproject.toml": (
        '[project]\nname = "orders-api"\ndependencies = [\n    "fastapi>=0.110",\n'
        '    "sqlalchemy[asyncio]~=2.0",\n    "asyncpg==0.29.0",\n    "celery[redis]>=5.3",\n]\n\n'
        '[project.optional-dependencies]\ndev = ["pytest>=8", "testcontainers>=4"]\n'),
    "api/app/__init__.py": "",
    "api/app/main.py": ("from fastapi import FastAPI\nimport sqlalchemy\nimport stripe\nimport sentry_sdk\n\n"
                        "app = FastAPI()\n"),
    "api/app/db.py": "from sqlalchemy.ext.asyncio import create_async_engine\n",
    "api/tests/test_main.py": "import testcontainers\nfrom fastapi import FastAPI\nwrong = FastAPI()\n",
    "api/scripts/demo.py": "from fastapi import FastAPI\ndemo = FastAPI()\n",
    # Node Express service
    "web/package.json": (
        '{\n  "name": "web-gateway",\n  "dependencies": {\n    "express": "^4.19.2",\n'
        '    "ioredis": "5.4.1",\n    "pino": "^9.0.0"\n  },\n  "devDependencies": {\n'
        '    "jest": "^29.0.0"\n  }\n}\n'),
    "web/package-lock.json": '{"lockfileVersion": 3}\n',
    "web/src/server.ts": ('import express from "express";\nimport Redis from "ioredis";\n'
                          'const { Kafka } = require("kafkajs");\nconst app = express();\napp.listen(3000);\n'),
    "web/src/server.test.ts": 'import request from "supertest";\n',
    # Go gin service
    "inventory/go.mod": ("module github.com/acme/inventory/v2\n\ngo 1.22\n\n"
                         "require github.com/gin-gonic/gin v1.10.0\n\nrequire (\n"
                         "\tgorm.io/gorm v1.25.10\n\tgolang.org/x/net v0.25.0 // indirect\n)\n"),
    "inventory/go.sum": "",
    "inventory/cmd/server/main.go": ('package main\n\nimport (\n\t"github.com/gin-gonic/gin"\n\t"gorm.io/gorm"\n)\n\n'
                                     'func main() {\n\tr := gin.Default()\n\t_ = gorm.Open\n\tr.Run(":8080")\n}\n'),
    "inventory/cmd/server/main_test.go": 'package main\n\nimport "testing"\n',
    # a library: a manifest, no entry point
    "libs/shared/setup.py": 'from setuptools import setup\nsetup(name="shared", install_requires=["requests>=2"])\n',
    "libs/shared/shared/http.py": "import requests\nimport boto3\n",
    # repository-level tests, stacks prodcheck does not analyse, standards files
    "tests/test_e2e.py": "from fastapi import FastAPI\napp = FastAPI()\n",
    "Gemfile": 'source "https://rubygems.org"\ngem "rails", "~> 7.1"\n',
    "tools/Cargo.toml": '[package]\nname = "tool"\n\n[dependencies]\naxum = "0.7"\n',
    "CLAUDE.md": "# How we work\n",
    "CONTRIBUTING.md": "# Contributing\n",
    ".flake8": "[flake8]\nmax-line-length = 100\n",
    "README.md": "# Monorepo\n",
}


@pytest.fixture(scope="module")
def polyglot(tmp_path_factory):
    return _stack(tmp_path_factory.mktemp("polyglot"), POLYGLOT)


def test_services_roots_names_languages_entrypoints(polyglot) -> None:
    got = [(s.name, s.root, s.language, str(s.entrypoint), s.manifests) for s in polyglot.services]
    assert got == [
        ("orders-api", "api", "python", "api/app/main.py:6", ("api/pyproject.toml",)),
        ("inventory", "inventory", "go", "inventory/cmd/server/main.go:11", ("inventory/go.mod",)),
        ("web-gateway", "web", "typescript", "web/src/server.ts:5", ("web/package.json",)),
    ]


def test_languages_unsupported_and_standards(polyglot) -> None:
    assert polyglot.languages == ("go", "python", "typescript")
    assert [(c.category, c.name, [str(e) for e in c.evidence]) for c in polyglot.unsupported] == [
        ("language", "Ruby", ["Gemfile:1"]),
        ("language", "Rust", ["tools/Cargo.toml:1"]),
        ("framework", "Axum", ["tools/Cargo.toml:5"]),
        ("framework", "Ruby on Rails", ["Gemfile:2"]),
    ]
    assert polyglot.standards_files == (".flake8", "CLAUDE.md", "CONTRIBUTING.md")


def test_python_components_with_evidence(polyglot) -> None:
    api = polyglot.services[0]
    assert [(c.category, c.name) for c in api.components] == [
        ("framework", "FastAPI"), ("database", "PostgreSQL"), ("orm", "SQLAlchemy"), ("queue", "Celery"),
        ("third-party", "Stripe"), ("observability", "Sentry"),
    ]
    assert _evidence(api, "framework", "FastAPI") == [
        "api/pyproject.toml:4", "api/app/main.py:1", "api/scripts/demo.py:1"]
    assert _evidence(api, "orm", "SQLAlchemy") == ["api/pyproject.toml:5", "api/app/db.py:1", "api/app/main.py:2"]
    assert _evidence(api, "database", "PostgreSQL") == ["api/pyproject.toml:6"]
    assert _evidence(api, "third-party", "Stripe") == ["api/app/main.py:3"]


def test_node_and_go_components(polyglot) -> None:
    inventory, web = polyglot.services[1], polyglot.services[2]
    assert [(c.category, c.name) for c in web.components] == [
        ("framework", "Express"), ("queue", "Kafka"), ("cache", "Redis"), ("observability", "pino")]
    assert _evidence(web, "cache", "Redis") == ["web/package.json:5", "web/src/server.ts:2"]
    assert _evidence(web, "queue", "Kafka") == ["web/src/server.ts:3"]
    assert [(c.category, c.name) for c in inventory.components] == [("framework", "Gin"), ("orm", "GORM")]
    assert _evidence(inventory, "framework", "Gin") == ["inventory/go.mod:5", "inventory/cmd/server/main.go:4"]
    assert _evidence(inventory, "orm", "GORM") == ["inventory/go.mod:8", "inventory/cmd/server/main.go:5"]


def test_dev_dependencies_tests_and_libraries_give_no_components(polyglot) -> None:
    names = {c.name for s in polyglot.services for c in s.components}
    assert "AWS SDK" not in names            # only the library imports boto3
    assert not any("testcontainers" in n.lower() for n in names)
    assert all(s.root != "libs/shared" for s in polyglot.services)


def test_service_of_uses_the_deepest_root(polyglot) -> None:
    assert service_of("api/app/main.py", polyglot) == "orders-api"
    assert service_of("web/src/server.ts", polyglot) == "web-gateway"
    assert service_of("libs/shared/shared/http.py", polyglot) == ""
    assert service_of("apiary/x.py", polyglot) == ""


def test_nested_service_roots_take_their_own_files(tmp_path: Path) -> None:
    stack = _stack(tmp_path, {
        "pyproject.toml": '[project]\nname = "core"\ndependencies = ["flask>=3"]\n',
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
        "admin/package.json": '{"name": "admin", "dependencies": {"koa": "^2.15.0"}}\n',
        "admin/server.js": 'const Koa = require("koa");\nnew Koa().listen(3000);\n',
    })
    assert [(s.name, s.root, s.language) for s in stack.services] == [
        ("core", ".", "python"), ("admin", "admin", "javascript")]
    assert [c.name for c in stack.services[0].components] == ["Flask"]
    assert [c.name for c in stack.services[1].components] == ["Koa"]
    assert service_of("admin/server.js", stack) == "admin"
    assert service_of("app.py", stack) == "core"


def test_entrypoints_without_manifest_make_one_service_at_the_root(tmp_path: Path) -> None:
    stack = _stack(tmp_path, {
        "app/main.py": "import fastapi\napp = fastapi.FastAPI()\n",
        "app/models.py": "import pymongo\n",
    })
    assert [(s.name, s.root, str(s.entrypoint), s.manifests) for s in stack.services] == [
        ("app", ".", "app/main.py:2", ())]
    assert [c.name for c in stack.services[0].components] == ["FastAPI", "MongoDB"]


def test_django_manage_py_is_an_entrypoint(tmp_path: Path) -> None:
    stack = _stack(tmp_path, {
        "requirements.txt": "Django==5.0.6\ndjangorestframework==3.15.1\npsycopg[binary]==3.1.19\n",
        "manage.py": ("import os\nimport sys\n\n\ndef main():\n"
                      "    from django.core.management import execute_from_command_line\n"
                      "    execute_from_command_line(sys.argv)\n"),
        "shop/models.py": "from django.db import models\n",
        "shop/views.py": "from rest_framework import viewsets\n",
    })
    [shop] = stack.services
    assert (shop.root, shop.entrypoint.path) == (".", "manage.py")
    assert [(c.category, c.name) for c in shop.components] == [
        ("framework", "Django"), ("framework", "Django REST framework"), ("database", "PostgreSQL"),
        ("orm", "Django ORM")]
    assert _evidence(shop, "orm", "Django ORM") == ["shop/models.py:1"]


def test_implied_frameworks_are_not_listed_twice(tmp_path: Path) -> None:
    stack = _stack(tmp_path, {
        "package.json": '{"dependencies": {"@nestjs/core": "10.3.0", "@nestjs/platform-express": "10.3.0"}}\n',
        "src/main.ts": ('import { NestFactory } from "@nestjs/core";\nimport type { Request } from "express";\n'
                        "const app = await NestFactory.create(AppModule);\n"),
        "py/requirements.txt": "fastapi==0.111.0\n",
        "py/main.py": "from fastapi import FastAPI\nfrom starlette.middleware.cors import CORSMiddleware\napp = FastAPI()\n",
    })
    assert [(s.root, [c.name for c in s.components]) for s in stack.services] == [
        (".", ["NestJS"]), ("py", ["FastAPI"])]


def test_start_script_with_a_framework_is_weak_evidence(tmp_path: Path) -> None:
    stack = _stack(tmp_path, {
        "api/package.json": ('{\n  "name": "legacy",\n  "scripts": {\n    "start": "node ./bin/www"\n  },\n'
                             '  "dependencies": {"express": "~4.16.1"}\n}\n'),
        "api/app.js": 'const express = require("express");\nmodule.exports = express();\n',
        "api/bin/www": "#!/usr/bin/env node\nrequire('../app').listen(3000);\n",
        "ui/package.json": '{"scripts": {"start": "react-scripts start"}, "dependencies": {"react": "18.3.1"}}\n',
        "ui/src/index.js": 'import React from "react";\n',
    })
    assert [(s.name, s.root, str(s.entrypoint)) for s in stack.services] == [("legacy", "api", "api/package.json:4")]


def test_go_main_alone_is_a_tool_not_a_service(tmp_path: Path) -> None:
    stack = _stack(tmp_path, {
        "go.mod": "module example.com/cli\n\ngo 1.22\n",
        "main.go": 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n',
    })
    assert stack.services == ()
    assert stack.languages == ("go",)


def test_go_main_with_a_framework_elsewhere_is_a_service(tmp_path: Path) -> None:
    stack = _stack(tmp_path, {
        "go.mod": "module example.com/api\n\ngo 1.22\n\nrequire github.com/go-chi/chi/v5 v5.0.12\n",
        "go.sum": "",
        "cmd/api/main.go": 'package main\n\nimport "example.com/api/internal/server"\n\nfunc main() { server.Run() }\n',
        "internal/server/router.go": ('package server\n\nimport "github.com/go-chi/chi/v5"\n\n'
                                      'func Router() *chi.Mux { return chi.NewRouter() }\n'),
    })
    [api] = stack.services
    assert (api.name, str(api.entrypoint)) == ("api", "cmd/api/main.go:5")
    assert _evidence(api, "framework", "chi") == ["go.mod:5", "internal/server/router.go:3"]


def test_duplicate_service_names_fall_back_to_the_root(tmp_path: Path) -> None:
    stack = _stack(tmp_path, {
        "a/package.json": '{"name": "api"}\n', "a/index.js": "app.listen(1);\n",
        "b/package.json": '{"name": "api"}\n', "b/index.js": "app.listen(2);\n",
    })
    assert [(s.name, s.root) for s in stack.services] == [("api", "a"), ("b", "b")]


def test_unsupported_stacks_of_seed_004(tmp_path: Path) -> None:
    stack = _stack(tmp_path, {
        "java/pom.xml": ("<project>\n  <parent>\n    <groupId>org.springframework.boot</groupId>\n"
                         "    <artifactId>spring-boot-starter-parent</artifactId>\n  </parent>\n</project>\n"),
        "kotlin/build.gradle.kts": 'plugins {\n    id("org.springframework.boot") version "3.2.0"\n}\n',
        "dotnet/Api.csproj": '<Project Sdk="Microsoft.NET.Sdk.Web">\n</Project>\n',
        "dotnet/Program.cs": "var app = WebApplication.Create(args);\n",
        "ex/mix.exs": 'defp deps do\n  [{:phoenix, "~> 1.7"}]\nend\n',
        "rb/Gemfile": "gem 'sinatra'\n",
        "spec/fixtures/Gemfile": "gem 'rails'\n",
    })
    got = {(c.category, c.name): [str(e) for e in c.evidence] for c in stack.unsupported}
    assert got == {
        ("language", ".NET (C#)"): ["dotnet/Api.csproj:1", "dotnet/Program.cs:1"],
        ("language", "Elixir"): ["ex/mix.exs:1"],
        ("language", "Java (Maven)"): ["java/pom.xml:1"],
        ("language", "Java/Kotlin (Gradle)"): ["kotlin/build.gradle.kts:1"],
        ("language", "Ruby"): ["rb/Gemfile:1"],
        ("framework", "ASP.NET Core"): ["dotnet/Api.csproj:1"],
        ("framework", "Phoenix"): ["ex/mix.exs:2"],
        ("framework", "Sinatra"): ["rb/Gemfile:1"],
        ("framework", "Spring Boot"): ["java/pom.xml:2", "kotlin/build.gradle.kts:2"],
    }
    assert stack.services == ()


def test_invalid_manifests_do_not_crash(tmp_path: Path) -> None:
    report = run(_write(tmp_path, {
        "package.json": "{ not json",
        "pyproject.toml": "[project\nname = ",
        "go.mod": "require (\n",
        "requirements.txt": "===\n-r\n[extra]\n\\\n",
        "Pipfile": "[packages]\nx = 1\n",
        "server.js": "app.listen(1);\n",
    }), ONLY)
    kinds = {d.kind for d in report.diagnostics}
    assert not kinds & {"extractor-error", "rule-error", "worker-crash"}
    assert "syntax-error" in kinds
    assert [s.root for s in report.stack.services] == ["."]


# --- the manifests extractor ------------------------------------------------------------------

def _deps(tmp_path: Path, name: str, text: str):
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    language, kind = classify(name)
    facts = analyse_file(SourceFile(name, str(target), language, kind, target.stat().st_size), ()).facts
    return facts


def _rows(facts):
    return [(d.name, d.spec, d.location.line, d.pinned, d.dev) for d in facts.dependencies]


def test_requirements_file(tmp_path: Path) -> None:
    facts = _deps(tmp_path, "requirements-dev.txt", (
        "-r requirements.txt\n-c constraints.txt\n--index-url https://pypi.example/simple\n"
        "-e ./localpkg\n# a comment\n"
        "pytest[testing]>=8.0 ; python_version >= '3.9' \\\n    --hash=sha256:abc \\\n    --hash=sha256:def\n"
        "black==24.4.2 # formatter\nhttps://example.com/pkg-1.0.whl\n./wheels/foo.whl\n"
        "pkg @ git+https://github.com/a/b@0123456789abcdef0123456789abcdef01234567\nmypy (==1.10.*)\n"))
    assert _rows(facts) == [
        ("pytest", ">=8.0", 6, False, True),
        ("black", "==24.4.2", 9, True, True),
        ("pkg", "@ git+https://github.com/a/b@0123456789abcdef0123456789abcdef01234567", 12, True, True),
        ("mypy", "==1.10.*", 13, False, True),
    ]
    assert all(d.ecosystem == "pypi" for d in facts.dependencies)


def test_pyproject_pep621_poetry_and_groups(tmp_path: Path) -> None:
    facts = _deps(tmp_path, "pyproject.toml", (
        '[project]\nname = "svc"\ndependencies = [\n  "fastapi>=0.110",\n  "uvicorn[standard]==0.30.1",\n]\n'
        '[project.optional-dependencies]\ntest = ["pytest>=8"]\n\n'
        '[dependency-groups]\nlint = ["ruff>=0.4", {include-group = "test"}]\n\n'
        '[tool.poetry.dependencies]\npython = "^3.11"\n"redis" = "^5"\ndjango = "5.0.6"\n'
        'lib = { git = "https://github.com/a/b.git", rev = "abc" }\n\n'
        '[tool.poetry.group.dev.dependencies]\nmypy = "^1"\n'))
    assert sorted(_rows(facts), key=lambda r: r[2]) == [
        ("fastapi", ">=0.110", 4, False, False),
        ("uvicorn", "==0.30.1", 5, True, False),
        ("pytest", ">=8", 8, False, True),
        ("ruff", ">=0.4", 11, False, True),
        ("redis", "^5", 15, False, False),
        ("django", "5.0.6", 16, True, False),
        ("lib", "https://github.com/a/b.git@abc", 17, True, False),
        ("mypy", "^1", 20, False, True),
    ]
    assert [(s.name, s.detail, s.location.line) for s in facts.signals if s.name == "package-name"] == [
        ("package-name", "svc", 2)]


def test_pipfile_and_setup_cfg(tmp_path: Path) -> None:
    pipfile = _deps(tmp_path, "Pipfile", '[packages]\nrequests = "*"\ndjango = "==5.0.6"\n'
                                         'local = {path = "./local", editable = true}\n\n'
                                         '[dev-packages]\npytest = {version = ">=8"}\n')
    assert _rows(pipfile) == [("requests", "*", 2, False, False), ("django", "==5.0.6", 3, True, False),
                              ("local", "./local", 4, True, False), ("pytest", ">=8", 7, False, True)]
    cfg = _deps(tmp_path, "setup.cfg", "[metadata]\nname = legacy\n\n[options]\npackages = find:\n"
                                       "install_requires =\n    click>=8\n    attrs==23.2.0  # pinned\n"
                                       "python_requires = >=3.9\n")
    assert _rows(cfg) == [("click", ">=8", 7, False, False), ("attrs", "==23.2.0", 8, True, False)]


def test_package_json(tmp_path: Path) -> None:
    facts = _deps(tmp_path, "package.json", (
        '{\n  "name": "@acme/api",\n  "dependencies": {\n    "express": "^4.19.2",\n    "pg": "8.11.3",\n'
        '    "alias": "npm:left-pad@1.3.0"\n  },\n  "devDependencies": {\n    "express": "4.19.2"\n  },\n'
        '  "peerDependencies": {\n    "react": ">=18"\n  }\n}\n'))
    assert _rows(facts) == [
        ("express", "^4.19.2", 4, False, False), ("pg", "8.11.3", 5, True, False),
        ("alias", "npm:left-pad@1.3.0", 6, True, False), ("express", "4.19.2", 9, True, True),
        ("react", ">=18", 12, False, True),
    ]
    assert facts.signals[0].detail == "@acme/api"


def test_go_mod(tmp_path: Path) -> None:
    facts = _deps(tmp_path, "go.mod", (
        "module github.com/acme/orders/v2\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n\nrequire (\n"
        "\tgithub.com/gin-gonic/gin v1.10.0\n\tgolang.org/x/net v0.25.0 // indirect\n)\n\n"
        "replace github.com/lib/pq => ../pq\n"))
    assert _rows(facts) == [("github.com/lib/pq", "v1.10.9", 5, True, False),
                            ("github.com/gin-gonic/gin", "v1.10.0", 8, True, False)]
    assert facts.dependencies[0].location.start.column == 9
    assert go_module_name(facts.signals[0].detail) == "orders"


def test_lock_files_are_recorded_not_read(tmp_path: Path) -> None:
    facts = _deps(tmp_path, "poetry.lock", '[[package]]\nname = "fastapi"\nversion = "0.111.0"\n' * 50)
    assert facts.dependencies == ()
    assert [(s.name, s.detail) for s in facts.signals] == [("lockfile", "pypi")]


@pytest.mark.parametrize(("spec", "pinned"), [
    ("==1.2.3", True), ("===1.0", True), ("==1.*", False), (">=1", False), ("~=1.2", False), ("", False),
    (">=1,==1.2.3", True),
])
def test_pip_pinned(spec, pinned) -> None:
    assert pip_pinned(spec) is pinned


@pytest.mark.parametrize(("spec", "pinned"), [
    ("1.2.3", True), ("=1.2.3", True), ("v1.2.3-beta.1", True), ("^1.2.3", False), ("~1.2", False),
    ("*", False), ("latest", False), ("1.x", False), ("workspace:*", True), ("file:../x", True),
    ("github:u/r#0123456789abcdef0123456789abcdef01234567", True), ("github:u/r#main", False),
    ("git+https://x/y.git", False), ("https://registry/x.tgz", True), ("npm:y@^1", False),
])
def test_npm_pinned(spec, pinned) -> None:
    assert npm_pinned(spec) is pinned


# --- the component catalog --------------------------------------------------------------------

def test_catalog_lookups() -> None:
    assert for_dependency("pypi", "Psycopg2_Binary") == (Kind("database", "PostgreSQL"),)
    assert Kind("queue", "SQS") in for_dependency("npm", "@aws-sdk/client-sqs")
    assert Kind("third-party", "AWS SDK") in for_dependency("npm", "@aws-sdk/client-sqs")
    assert for_dependency("pypi", "google-cloud-storage") == (Kind("third-party", "Google Cloud SDK"),)
    assert for_import("go", "github.com/labstack/echo/v4/middleware") == (Kind("framework", "Echo"),)
    assert for_import("python", "aiohttp", "web") == (Kind("framework", "aiohttp"),)
    assert for_import("python", "aiohttp") == ()
    assert for_import("python", "django.db", "models") == (Kind("orm", "Django ORM"), Kind("framework", "Django"))
    assert set(for_import("typescript", "mongoose")) == {Kind("database", "MongoDB"), Kind("orm", "Mongoose")}
    assert for_import("javascript", "./express") == ()
    assert for_dependency("maven", "org.springframework.boot:spring-boot-starter-web") == (
        Kind("framework", "Spring Boot"),)


@pytest.mark.parametrize(("specifier", "package"), [
    ("express", "express"), ("@nestjs/core", "@nestjs/core"), ("firebase-admin/app", "firebase-admin"),
    ("@aws-sdk/client-s3/dist", "@aws-sdk/client-s3"), ("./x", ""), ("node:http", ""), ("@scope", ""),
])
def test_npm_package(specifier, package) -> None:
    assert npm_package(specifier) == package


def test_unsupported_stack_names() -> None:
    assert unsupported_stack("svc/Cargo.toml") == "Rust"
    assert unsupported_stack("src/Api.csproj") == ".NET (C#)"
    assert unsupported_stack("package.json") == ""
