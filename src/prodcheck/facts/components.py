"""The component catalog, as data: which package or import means which framework, database, ORM,
queue, cache, third-party API or observability tool.

Each row of `_TABLE` is `keys | category | display name`; `keys` are `namespace:key` pairs:

- `pypi:` distribution names (compared after PEP 503 normalisation), `py:` Python import paths
  (a dotted prefix matches: `py:django.db` matches `django.db.models`),
- `npm:` package names (also what JS/TS import specifiers reduce to),
- `go:` module and import paths (a path prefix matches: `go:github.com/labstack/echo` matches
  `github.com/labstack/echo/v4/middleware`),
- `cargo:`, `rubygems:`, `maven:` (`group:artifact`), `hex:`, `nuget:`, `packagist:` for the
  stacks prodcheck does not analyse (reported in `Stack.unsupported`).

A key ending in `*` matches every name that starts with the rest (`npm:@aws-sdk/*`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType

CATEGORIES = ("framework", "database", "orm", "queue", "cache", "third-party", "observability")


@dataclass(frozen=True, slots=True, order=True)
class Kind:
    """What a package or import is evidence of: one component of the stack."""
    category: str
    name: str


_TABLE = """
# --- web frameworks -------------------------------------------------------------------------
pypi:fastapi py:fastapi                               | framework | FastAPI
pypi:django py:django                                 | framework | Django
pypi:djangorestframework py:rest_framework            | framework | Django REST framework
pypi:flask py:flask                                   | framework | Flask
pypi:starlette py:starlette                           | framework | Starlette
py:aiohttp.web                                        | framework | aiohttp
pypi:sanic py:sanic                                   | framework | Sanic
pypi:litestar py:litestar                             | framework | Litestar
pypi:quart py:quart                                   | framework | Quart
pypi:tornado py:tornado                               | framework | Tornado
pypi:falcon py:falcon                                 | framework | Falcon
pypi:grpcio py:grpc                                   | framework | gRPC
npm:express                                           | framework | Express
npm:@nestjs/core npm:@nestjs/common                   | framework | NestJS
npm:fastify                                           | framework | Fastify
npm:koa                                               | framework | Koa
npm:hono npm:@hono/node-server                        | framework | Hono
npm:@hapi/hapi                                        | framework | hapi
npm:restify                                           | framework | Restify
npm:@apollo/server npm:apollo-server                  | framework | Apollo Server
npm:@grpc/grpc-js                                     | framework | gRPC
go:github.com/gin-gonic/gin                           | framework | Gin
go:github.com/labstack/echo                           | framework | Echo
go:github.com/go-chi/chi                              | framework | chi
go:github.com/gofiber/fiber                           | framework | Fiber
go:github.com/gorilla/mux                             | framework | gorilla/mux
go:github.com/julienschmidt/httprouter                | framework | httprouter
go:github.com/valyala/fasthttp                        | framework | fasthttp
go:google.golang.org/grpc                             | framework | gRPC
# --- frameworks of stacks prodcheck does not analyse ----------------------------------------
cargo:actix-web                                       | framework | Actix Web
cargo:axum                                            | framework | Axum
cargo:rocket                                          | framework | Rocket
cargo:warp                                            | framework | warp
maven:org.springframework.boot:*                      | framework | Spring Boot
maven:org.springframework:spring-webmvc               | framework | Spring MVC
maven:io.quarkus:*                                    | framework | Quarkus
maven:io.micronaut:*                                  | framework | Micronaut
nuget:microsoft.aspnetcore.*                          | framework | ASP.NET Core
nuget:microsoft.net.sdk.web                           | framework | ASP.NET Core
hex:phoenix                                           | framework | Phoenix
rubygems:rails rubygems:railties                      | framework | Ruby on Rails
rubygems:sinatra                                      | framework | Sinatra
rubygems:hanami                                       | framework | Hanami
packagist:laravel/framework                           | framework | Laravel
packagist:symfony/framework-bundle                    | framework | Symfony
# --- databases (drivers name the database) --------------------------------------------------
pypi:psycopg2 pypi:psycopg2-binary py:psycopg2        | database | PostgreSQL
pypi:psycopg pypi:psycopg-binary py:psycopg           | database | PostgreSQL
pypi:asyncpg py:asyncpg pypi:pg8000 py:pg8000         | database | PostgreSQL
npm:pg npm:postgres npm:pg-promise                    | database | PostgreSQL
npm:@neondatabase/serverless npm:@vercel/postgres     | database | PostgreSQL
go:github.com/lib/pq go:github.com/jackc/pgx          | database | PostgreSQL
go:gorm.io/driver/postgres                            | database | PostgreSQL
pypi:mysqlclient py:mysqldb pypi:pymysql py:pymysql   | database | MySQL
pypi:aiomysql py:aiomysql pypi:asyncmy py:asyncmy     | database | MySQL
pypi:mysql-connector-python py:mysql.connector        | database | MySQL
npm:mysql npm:mysql2                                  | database | MySQL
go:github.com/go-sql-driver/mysql go:gorm.io/driver/mysql | database | MySQL
py:sqlite3 pypi:aiosqlite py:aiosqlite                | database | SQLite
npm:sqlite3 npm:better-sqlite3 npm:sqlite             | database | SQLite
go:github.com/mattn/go-sqlite3 go:modernc.org/sqlite go:gorm.io/driver/sqlite | database | SQLite
pypi:pymongo py:pymongo pypi:motor py:motor           | database | MongoDB
npm:mongodb npm:mongoose                              | database | MongoDB
go:go.mongodb.org/mongo-driver                        | database | MongoDB
pypi:mongoengine py:mongoengine pypi:beanie py:beanie | database | MongoDB
pypi:cassandra-driver py:cassandra npm:cassandra-driver go:github.com/gocql/gocql | database | Cassandra
pypi:elasticsearch py:elasticsearch npm:@elastic/elasticsearch | database | Elasticsearch
go:github.com/elastic/go-elasticsearch | database | Elasticsearch
npm:@aws-sdk/client-dynamodb npm:@aws-sdk/lib-dynamodb | database | DynamoDB
go:github.com/aws/aws-sdk-go-v2/service/dynamodb       | database | DynamoDB
# --- ORMs and query builders ----------------------------------------------------------------
pypi:sqlalchemy py:sqlalchemy pypi:flask-sqlalchemy py:flask_sqlalchemy | orm | SQLAlchemy
pypi:sqlmodel py:sqlmodel                             | orm | SQLModel
py:django.db                                          | orm | Django ORM
pypi:tortoise-orm py:tortoise                         | orm | Tortoise ORM
pypi:peewee py:peewee                                 | orm | Peewee
pypi:mongoengine py:mongoengine                       | orm | MongoEngine
pypi:beanie py:beanie                                 | orm | Beanie
npm:prisma npm:@prisma/client                         | orm | Prisma
npm:typeorm                                           | orm | TypeORM
npm:sequelize                                         | orm | Sequelize
npm:mongoose                                          | orm | Mongoose
npm:knex                                              | orm | Knex
npm:drizzle-orm                                       | orm | Drizzle
npm:@mikro-orm/core                                   | orm | MikroORM
npm:objection                                         | orm | Objection.js
npm:kysely                                            | orm | Kysely
go:gorm.io/gorm                                       | orm | GORM
go:github.com/jmoiron/sqlx                            | orm | sqlx
go:entgo.io/ent                                       | orm | ent
go:github.com/uptrace/bun                             | orm | Bun
# --- queues and brokers ---------------------------------------------------------------------
pypi:celery py:celery                                 | queue | Celery
pypi:rq py:rq                                         | queue | RQ
pypi:dramatiq py:dramatiq                             | queue | Dramatiq
pypi:arq py:arq                                       | queue | arq
pypi:huey py:huey                                     | queue | Huey
pypi:pika py:pika pypi:aio-pika py:aio_pika           | queue | RabbitMQ
npm:amqplib npm:amqp-connection-manager               | queue | RabbitMQ
go:github.com/rabbitmq/amqp091-go go:github.com/streadway/amqp | queue | RabbitMQ
pypi:kafka-python py:kafka pypi:confluent-kafka py:confluent_kafka | queue | Kafka
pypi:aiokafka py:aiokafka npm:kafkajs npm:@confluentinc/kafka-javascript | queue | Kafka
go:github.com/segmentio/kafka-go go:github.com/ibm/sarama go:github.com/shopify/sarama | queue | Kafka
go:github.com/confluentinc/confluent-kafka-go          | queue | Kafka
pypi:nats-py py:nats npm:nats go:github.com/nats-io/nats.go | queue | NATS
npm:bullmq                                            | queue | BullMQ
npm:bull npm:bee-queue                                | queue | Bull
npm:@aws-sdk/client-sqs npm:sqs-consumer              | queue | SQS
go:github.com/aws/aws-sdk-go-v2/service/sqs           | queue | SQS
pypi:google-cloud-pubsub py:google.cloud.pubsub npm:@google-cloud/pubsub | queue | Google Pub/Sub
go:cloud.google.com/go/pubsub | queue | Google Pub/Sub
go:github.com/hibiken/asynq                           | queue | Asynq
# --- caches ---------------------------------------------------------------------------------
pypi:redis py:redis pypi:aioredis py:aioredis pypi:django-redis py:django_redis | cache | Redis
npm:redis npm:ioredis npm:@upstash/redis npm:@redis/client | cache | Redis
go:github.com/redis/go-redis go:github.com/go-redis/redis go:github.com/gomodule/redigo | cache | Redis
pypi:pymemcache py:pymemcache pypi:python-memcached py:memcache pypi:pylibmc py:pylibmc | cache | Memcached
npm:memcached npm:memjs go:github.com/bradfitz/gomemcache | cache | Memcached
# --- third-party APIs -----------------------------------------------------------------------
pypi:stripe py:stripe npm:stripe go:github.com/stripe/stripe-go | third-party | Stripe
pypi:twilio py:twilio npm:twilio go:github.com/twilio/twilio-go | third-party | Twilio
pypi:sendgrid py:sendgrid npm:@sendgrid/mail go:github.com/sendgrid/sendgrid-go | third-party | SendGrid
pypi:boto3 py:boto3 pypi:botocore py:botocore pypi:aioboto3 py:aioboto3 | third-party | AWS SDK
npm:aws-sdk npm:@aws-sdk/* go:github.com/aws/aws-sdk-go | third-party | AWS SDK
go:github.com/aws/aws-sdk-go-v2 | third-party | AWS SDK
pypi:google-cloud-* py:google.cloud npm:@google-cloud/* npm:googleapis | third-party | Google Cloud SDK
go:cloud.google.com/go | third-party | Google Cloud SDK
pypi:azure-* py:azure npm:@azure/* go:github.com/azure/azure-sdk-for-go | third-party | Azure SDK
pypi:openai py:openai npm:openai go:github.com/sashabaranov/go-openai | third-party | OpenAI
go:github.com/openai/openai-go | third-party | OpenAI
pypi:anthropic py:anthropic npm:@anthropic-ai/sdk | third-party | Anthropic
go:github.com/anthropics/anthropic-sdk-go | third-party | Anthropic
pypi:slack-sdk py:slack_sdk pypi:slack-bolt py:slack_bolt npm:@slack/web-api | third-party | Slack
npm:@slack/bolt go:github.com/slack-go/slack | third-party | Slack
pypi:pygithub py:github npm:@octokit/rest npm:@octokit/core npm:octokit | third-party | GitHub
go:github.com/google/go-github | third-party | GitHub
pypi:firebase-admin py:firebase_admin npm:firebase-admin go:firebase.google.com/go | third-party | Firebase
pypi:mailgun py:mailgun npm:mailgun.js npm:postmark pypi:postmarker | third-party | Email delivery API
pypi:paypalrestsdk npm:@paypal/checkout-server-sdk    | third-party | PayPal
pypi:plaid-python py:plaid npm:plaid                  | third-party | Plaid
pypi:algoliasearch py:algoliasearch npm:algoliasearch | third-party | Algolia
pypi:google-generativeai py:google.generativeai pypi:google-genai | third-party | Google Gemini
py:google.genai npm:@google/generative-ai npm:@google/genai | third-party | Google Gemini
# --- observability --------------------------------------------------------------------------
pypi:opentelemetry-* py:opentelemetry npm:@opentelemetry/* | observability | OpenTelemetry
go:go.opentelemetry.io/otel | observability | OpenTelemetry
pypi:prometheus-client py:prometheus_client | observability | Prometheus
pypi:prometheus-fastapi-instrumentator py:prometheus_fastapi_instrumentator | observability | Prometheus
npm:prom-client go:github.com/prometheus/client_golang | observability | Prometheus
pypi:sentry-sdk py:sentry_sdk npm:@sentry/* go:github.com/getsentry/sentry-go | observability | Sentry
pypi:structlog py:structlog                           | observability | structlog
pypi:python-json-logger py:pythonjsonlogger           | observability | python-json-logger
pypi:loguru py:loguru                                 | observability | loguru
pypi:ddtrace py:ddtrace npm:dd-trace go:gopkg.in/datadog/dd-trace-go.v1 | observability | Datadog
go:github.com/datadog/dd-trace-go | observability | Datadog
pypi:newrelic py:newrelic npm:newrelic go:github.com/newrelic/go-agent | observability | New Relic
npm:pino npm:pino-http npm:nestjs-pino                | observability | pino
npm:winston npm:nest-winston                          | observability | winston
npm:bunyan                                            | observability | bunyan
go:go.uber.org/zap                                    | observability | zap
go:github.com/rs/zerolog                              | observability | zerolog
go:github.com/sirupsen/logrus                         | observability | logrus
go:log/slog                                           | observability | slog
"""

# A component that another one already implies is not listed beside it (FastAPI is built on Starlette,
# NestJS runs on Express by default).
IMPLIED_BY = MappingProxyType({
    Kind("framework", "Starlette"): Kind("framework", "FastAPI"),
    Kind("framework", "Express"): Kind("framework", "NestJS"),
})
# Manifests of the stacks prodcheck analyses: a directory holding one is a manifest root.
SERVICE_MANIFESTS = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "pipfile", "package.json", "go.mod"})
# Seed 004's stacks prodcheck detects but does not analyse: manifest name -> language shown.
UNSUPPORTED_MANIFESTS = MappingProxyType({
    "cargo.toml": "Rust", "pom.xml": "Java (Maven)", "build.gradle": "Java/Kotlin (Gradle)",
    "build.gradle.kts": "Java/Kotlin (Gradle)", "mix.exs": "Elixir", "gemfile": "Ruby",
    "composer.json": "PHP", "program.cs": ".NET (C#)",
})
UNSUPPORTED_SUFFIXES = MappingProxyType({".csproj": ".NET (C#)", ".fsproj": ".NET (F#)"})
# Lock files by ecosystem (file names, lower case).
LOCKFILES = MappingProxyType({
    "pypi": ("poetry.lock", "uv.lock", "pipfile.lock", "pdm.lock"),
    "npm": ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb"),
    "go": ("go.sum", "go.work.sum"),
})


def _build(table: str):
    exact: dict[str, dict[str, list[Kind]]] = {}
    wildcards: dict[str, list[tuple[str, Kind]]] = {}
    for raw in table.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keys, category, name = (part.strip() for part in line.split("|"))
        kind = Kind(category, name)
        for key in keys.split():
            namespace, _, value = key.partition(":")
            value = _normalise(namespace, value)
            if value.endswith("*"):
                wildcards.setdefault(namespace, []).append((value[:-1], kind))
            else:
                exact.setdefault(namespace, {}).setdefault(value, []).append(kind)
    frozen_exact = MappingProxyType({ns: MappingProxyType({k: tuple(v) for k, v in keys.items()})
                                     for ns, keys in exact.items()})
    frozen_wild = MappingProxyType({ns: tuple(v) for ns, v in wildcards.items()})
    return frozen_exact, frozen_wild


def _normalise(namespace: str, value: str) -> str:
    value = value.strip().lower()
    if namespace == "pypi":
        return re.sub(r"[-_.]+", "-", value)
    return value


_EXACT, _WILDCARDS = _build(_TABLE)
_SEPARATORS = {"py": ".", "go": "/"}


def _lookup(namespace: str, key: str) -> tuple[Kind, ...]:
    key = _normalise(namespace, key)
    table = _EXACT.get(namespace, {})
    found: list[Kind] = []
    separator = _SEPARATORS.get(namespace)
    if separator:                              # every prefix along the path: longest first
        parts = key.split(separator)
        for end in range(len(parts), 0, -1):
            found.extend(table.get(separator.join(parts[:end]), ()))
    else:
        found.extend(table.get(key, ()))
    found.extend(kind for prefix, kind in _WILDCARDS.get(namespace, ()) if key.startswith(prefix))
    return tuple(dict.fromkeys(found))


def for_dependency(ecosystem: str, name: str) -> tuple[Kind, ...]:
    """The components a declared dependency is evidence of (ecosystem: pypi, npm, go, cargo, ...)."""
    return _lookup(ecosystem, name)


def for_import(language: str, module: str, name: str = "") -> tuple[Kind, ...]:
    """The components an import is evidence of; relative and unknown imports give nothing."""
    if language == "python":
        return _lookup("py", f"{module}.{name}" if name and name != "*" else module)
    if language in ("javascript", "typescript"):
        package = npm_package(module)
        return _lookup("npm", package) if package else ()
    if language == "go":
        return _lookup("go", module)
    return ()


def npm_package(specifier: str) -> str:
    """The package a JS import specifier names (`@scope/pkg/sub` -> `@scope/pkg`), "" for relative
    paths, URLs and node built-ins."""
    if not specifier or specifier.startswith((".", "/", "node:", "http:", "https:", "#", "~")):
        return ""
    parts = specifier.split("/")
    if specifier.startswith("@"):
        return "/".join(parts[:2]) if len(parts) > 1 else ""
    return parts[0]


def unsupported_stack(path: str) -> str:
    """The stack a manifest or marker file belongs to when prodcheck does not analyse it, else ""."""
    name = path.rpartition("/")[2].lower()
    dot = name.rfind(".")
    return UNSUPPORTED_MANIFESTS.get(name) or (UNSUPPORTED_SUFFIXES.get(name[dot:], "") if dot > 0 else "")


def lock_ecosystem(path: str) -> str:
    """The ecosystem a lock file pins (pypi, npm, go), or ""."""
    name = path.rpartition("/")[2].lower()
    return next((eco for eco, names in LOCKFILES.items() if name in names), "")


__all__ = ["CATEGORIES", "IMPLIED_BY", "Kind", "LOCKFILES", "SERVICE_MANIFESTS", "UNSUPPORTED_MANIFESTS",
           "for_dependency", "for_import", "lock_ecosystem", "npm_package", "unsupported_stack"]
