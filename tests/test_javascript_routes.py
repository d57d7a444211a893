"""The JavaScript/TypeScript endpoint inventory: Express, Fastify and NestJS routes, mounts, facets.

The differential tests install Express 4 with npm into a temporary directory, copy each fixture app
under tests/fixtures/apps/js-express-*/ next to it, load the app with node (tests/
express_routes_dump.js stubs `listen` and walks the router stacks) and compare the (method, path)
pairs Express registers with the table prodcheck reads statically. Test code runs the fixture apps;
prodcheck itself never runs node or the scanned code. Without node/npm or the npm registry these
tests fail with a message saying so: they are not skipped.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from prodcheck.config import Config
from prodcheck.discovery import discover
from prodcheck.facts.extractors.js_common import join_prefix, module_of, normalise_path, resolve_module
from prodcheck.facts.project import build_project
from prodcheck.model import FacetState
from prodcheck.pipeline import analyse_files

APPS = Path(__file__).parent / "fixtures" / "apps"
LOADER = Path(__file__).parent / "express_routes_dump.js"
EXPRESS_APPS = {"js-express-shop": "src/server.js", "js-express-blog": "src/index.js"}
P, A, U = FacetState.PRESENT, FacetState.ABSENT, FacetState.UNKNOWN


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


def table(endpoints) -> set[tuple[str, str]]:
    return {(e.method, e.path) for e in endpoints}


def states(endpoint) -> tuple:
    return (endpoint.auth.state, endpoint.validation.state, endpoint.pagination.state,
            endpoint.rate_limit.state)


def normalise(path: str) -> str:
    return normalise_path(path).rstrip("/") or "/"


# ---------------------------------------------------------------- differential (node + npm)

@pytest.fixture(scope="module")
def express_modules(tmp_path_factory) -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail("the Express differential test needs `node` and `npm` on PATH (it installs "
                    "express@4 from the npm registry); install Node.js >= 18", pytrace=False)
    target = tmp_path_factory.mktemp("express4")
    try:
        done = subprocess.run([npm, "install", "express@4", "--prefix", str(target), "--no-audit",
                               "--no-fund", "--loglevel=error"], capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        pytest.fail("`npm install express@4` timed out: is the npm registry reachable?", pytrace=False)
    if done.returncode != 0 or not (target / "node_modules" / "express").is_dir():
        pytest.fail(f"`npm install express@4` failed (is the npm registry reachable?):\n{done.stderr[-2000:]}",
                    pytrace=False)
    return target / "node_modules"


def runtime_routes(app: str, modules: Path, tmp_path: Path) -> set[tuple[str, str]]:
    work = tmp_path / "work"
    shutil.copytree(APPS / app, work / "app")
    (work / "node_modules").symlink_to(modules, target_is_directory=True)
    done = subprocess.run(["node", str(LOADER), str(work / "app"), EXPRESS_APPS[app]],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"loading {app} with node failed:\n{done.stderr}"
    return {(method, normalise(path)) for method, path in json.loads(done.stdout)}


@pytest.mark.parametrize("app", sorted(EXPRESS_APPS))
def test_express_inventory_matches_the_routes_express_registers(app, express_modules, tmp_path) -> None:
    static = {(method, normalise(path)) for method, path in table(inventory(APPS / app))}
    runtime = runtime_routes(app, express_modules, tmp_path)
    assert runtime, f"{app}: Express registered no routes (loader problem?)"
    assert static == runtime, f"missing: {sorted(runtime - static)}; extra: {sorted(static - runtime)}"


def test_express_fixture_facets() -> None:
    shop = {(e.method, e.path): e for e in inventory(APPS / "js-express-shop")}
    assert shop[("GET", "/api/orders")].auth.mechanism == "requireAuth"          # use() before the mount
    assert shop[("POST", "/api/orders")].validation.state is A                     # req.body, no schema
    assert shop[("GET", "/api/users")].pagination.state is A                       # findAll() whole table
    assert shop[("GET", "/api/products")].pagination.state is P                    # page/limit query
    assert shop[("GET", "/api/users/{id}")].pagination.state is U                  # single resource
    assert shop[("GET", "/admin/stats")].auth.mechanism == "requireAdmin"
    assert shop[("POST", "/admin/reindex")].auth.state is A
    assert shop[("POST", "/v2/orders")].auth.state is P
    assert shop[("DELETE", "/api/users/{id}")].handler == "src.routes.users.removeUser"
    assert shop[("GET", "/healthz")].location.path == "src/app.js"
    assert shop[("GET", "/healthz")].location.line == 9
    assert all(e.framework == "express" for e in shop.values())
    blog = {(e.method, e.path): e for e in inventory(APPS / "js-express-blog")}
    assert blog[("POST", "/api/v1/posts")].auth.mechanism == "authenticate"
    assert blog[("GET", "/api/v1/posts")].auth.state is A
    assert blog[("PATCH", "/api/latest/users/{id}")].handler == \
        "src.controllers.user.controller.UserController.update"
    assert blog[("POST", "/webhooks/mailer")].public_by_nature


# ---------------------------------------------------------------- modules

def test_module_names_and_resolution() -> None:
    assert module_of("src/routes/users.ts") == "src.routes.users"
    assert module_of("src/routes/index.js") == "src.routes"
    assert module_of("index.ts") == "index"
    assert module_of("src/types.d.ts") == "src.types"
    assert resolve_module("./users", "src/routes/index.js") == "src.routes.users"
    assert resolve_module("../lib/db.js", "src/routes/users.js") == "src.lib.db"
    assert resolve_module("./routes", "src/app.ts") == "src.routes"
    assert resolve_module("@/routes/users", "src/app.ts") == "routes.users"
    assert resolve_module("express", "src/app.ts") == ""
    assert resolve_module("@nestjs/common", "src/app.ts") == ""
    assert normalise_path("/users/:id(\\d+)/posts/:postId?") == "/users/{id}/posts/{postId}"
    assert join_prefix("api", "/cats") == "/api/cats"
    assert join_prefix("/api/", "/") == "/api"


# ---------------------------------------------------------------- Express

def test_express_typescript_imports_and_router_factories(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "src/app.ts": """
            import express, { Request, Response } from 'express';
            import usersRouter from './routes/users';
            import * as routes from './routes';
            import { buildOrders } from './routes/orders';
            import auth = require('./auth');

            const app = express();
            app.use('/users', usersRouter);
            app.use('/v1', routes.api);
            app.use('/orders', auth.requireUser, buildOrders(db));
            app.get('/', (req: Request, res: Response) => res.json({}));
            export default app;
        """,
        "src/routes/users.ts": """
            import { Router } from 'express';
            const router: Router = Router();
            router.get('/:id', (req, res) => res.json({ id: req.params.id as string }));
            export default router;
        """,
        "src/routes/index.ts": """
            import { Router } from 'express';
            export const api = Router();
            api.get('/ping', (_req, res) => res.send('pong'));
        """,
        "src/routes/orders.ts": """
            import { Router } from 'express';
            export function buildOrders(db: Db): Router {
              const router = Router();
              router.post('/', async (req, res) => { res.json(await db.orders.create(req.body)); });
              return router;
            }
        """,
    })
    assert set(found) == {("GET", "/users/{id}"), ("GET", "/v1/ping"), ("POST", "/orders"), ("GET", "/")}
    assert found[("POST", "/orders")].auth.mechanism == "auth.requireUser"


def test_express_middleware_order_and_unknown_imports(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "app.js": """
            const express = require('express');
            const session = require('express-session');
            const passport = require('passport');
            const { attachTenant } = require('./middleware/tenant');
            const app = express();
            app.use(session({ secret: process.env.SECRET }));
            app.use(passport.initialize());
            app.use(passport.session());
            app.post('/open', (req, res) => res.end());
            app.use(attachTenant);
            app.post('/after-tenant', (req, res) => res.end());
            app.post('/login', passport.authenticate('local'), (req, res) => res.end());
            app.use('/admin', passport.authenticate('jwt', { session: false }));
            app.delete('/admin/users/:id', (req, res) => res.end());
            app.delete('/other/:id', (req, res) => res.end());
            app.listen(3000);
        """,
    })
    assert found[("POST", "/open")].auth.state is A                 # session/initialize do not deny
    assert found[("POST", "/after-tenant")].auth.state is U         # an import that could authenticate
    assert found[("POST", "/login")].auth.mechanism == "passport.authenticate(...)"
    assert found[("DELETE", "/admin/users/{id}")].auth.state is P   # path-scoped use
    assert found[("DELETE", "/other/{id}")].auth.state is U


def test_express_validation_and_rate_limit_mechanisms(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "app.js": """
            const express = require('express');
            const rateLimit = require('express-rate-limit');
            const { celebrate, Joi, Segments } = require('celebrate');
            const { body, validationResult } = require('express-validator');
            const { z } = require('zod');
            const app = express();
            const limiter = rateLimit({ windowMs: 60000, max: 10 });
            const Item = z.object({ name: z.string() });
            app.post('/a', celebrate({ [Segments.BODY]: Joi.object({ name: Joi.string() }) }), (req, res) => res.json(req.body));
            app.post('/b', body('email').isEmail().normalizeEmail(), (req, res) => {
              const errors = validationResult(req);
              res.json(req.body);
            });
            app.post('/c', limiter, (req, res) => res.json(Item.parse(req.body)));
            app.post('/d', (req, res) => res.json(JSON.parse(req.body.raw)));
            app.post('/e', (req, res) => res.json({ ok: true }));
            app.listen(3000);
        """,
    })
    assert found[("POST", "/a")].validation.mechanism == "celebrate(...)"
    assert found[("POST", "/b")].validation.state is P
    assert found[("POST", "/c")].validation.mechanism == "Item.parse()"
    assert found[("POST", "/c")].rate_limit.state is P
    assert found[("POST", "/d")].validation.state is A               # JSON.parse is not a schema
    assert found[("POST", "/e")].validation.mechanism == "no body"
    assert found[("POST", "/a")].rate_limit.state is U


def test_express_pagination(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "app.js": """
            const express = require('express');
            const { PrismaClient } = require('@prisma/client');
            const prisma = new PrismaClient();
            const app = express();
            app.get('/users', async (req, res) => res.json(await prisma.user.findMany()));
            app.get('/posts', async (req, res) => {
              const take = Number(req.query.limit ?? 20);
              res.json(await prisma.post.findMany({ take }));
            });
            app.get('/orders', async (req, res) => {
              const rows = await Order.find({ status: 'open' }).sort({ createdAt: -1 });
              res.json({ items: rows });
            });
            app.get('/one', async (req, res) => res.json(await prisma.user.findFirst()));
            app.get('/sql', async (req, res) => {
              const { rows } = await pool.query('SELECT * FROM events');
              res.json(rows);
            });
            app.get('/sql-limited', async (req, res) => {
              const { rows } = await pool.query('SELECT * FROM events ORDER BY id LIMIT 50');
              res.json(rows);
            });
            app.listen(3000);
        """,
    })
    assert found[("GET", "/users")].pagination.state is A
    assert found[("GET", "/posts")].pagination.state is P
    assert found[("GET", "/orders")].pagination.state is A
    assert found[("GET", "/one")].pagination.state is U
    assert found[("GET", "/sql")].pagination.state is A
    assert found[("GET", "/sql-limited")].pagination.state is P


def test_express_auth_in_the_handler_and_wrappers(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "app.js": """
            const express = require('express');
            const jwt = require('jsonwebtoken');
            const asyncHandler = require('express-async-handler');
            const app = express();
            app.put('/me', (req, res) => {
              const claims = jwt.verify(req.headers.authorization, process.env.KEY);
              res.json(claims);
            });
            app.patch('/me', asyncHandler(async (req, res) => {
              if (!req.user) return res.status(401).end();
              res.end();
            }));
            app.delete('/me', withAuth(async (req, res) => res.end()));
            app.post('/x', controller.create);
            app.listen(3000);
        """,
    })
    assert found[("PUT", "/me")].auth.state is P
    assert found[("PATCH", "/me")].auth.state is P
    assert found[("DELETE", "/me")].auth.mechanism == "withAuth(...)"
    assert states(found[("POST", "/x")])[:2] == (A, U)              # opaque handler: chain visible


def test_routes_on_a_parameter_and_module_exports_object(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "server.js": """
            const express = require('express');
            const app = express();
            require('./routes')(app);
            const { admin } = require('./admin');
            app.use('/admin', admin);
            app.listen(3000);
        """,
        "routes.js": """
            module.exports = (app) => {
              app.get('/a', (req, res) => res.end());
            };
        """,
        "admin.js": """
            const express = require('express');
            const router = express.Router();
            router.post('/flush', (req, res) => res.end());
            module.exports = { admin: router };
        """,
    })
    assert set(found) == {("GET", "/a"), ("POST", "/admin/flush")}


def test_look_alikes_are_not_routes(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "cache.js": """
            const cache = new Map();
            cache.get('/users', fallback);
            const client = axios.create();
            client.post('/login', { user }, config);
            function handle(store) { store.delete('/key', cb); }
        """,
        "config.js": """
            const express = require('express');
            const app = express();
            app.get('env');
            app.set('trust proxy', 1);
        """,
    })
    assert found == {}


def test_broken_files_do_not_crash(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "app.js": """
            const express = require('express');
            const app = express();
            app.get('/ok', (req, res) => res.end());
            app.post('/broken', (req, res => { res.end(
            router.get(;
            app.use('/x', )
        """,
        "other.ts": "@Controller(\nclass { @Get( }\nexport default",
    })
    assert ("GET", "/ok") in found


# ---------------------------------------------------------------- NestJS

NEST_MAIN = """
    import { NestFactory } from '@nestjs/core';
    import { ValidationPipe } from '@nestjs/common';
    import { AppModule } from './app.module';

    async function bootstrap() {
      const app = await NestFactory.create(AppModule);
      app.setGlobalPrefix('api');
      app.useGlobalPipes(new ValidationPipe({ whitelist: true }));
      await app.listen(3000);
    }
    bootstrap();
"""


def test_nestjs_controllers_prefix_guards_and_pipes(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "package.json": '{"name": "nest", "dependencies": {"@nestjs/core": "^10.0.0"}}',
        "src/main.ts": NEST_MAIN,
        "src/app.module.ts": """
            import { Module } from '@nestjs/common';
            import { APP_GUARD } from '@nestjs/core';
            import { ThrottlerGuard } from '@nestjs/throttler';
            @Module({ providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }] })
            export class AppModule {}
        """,
        "src/cats/cats.controller.ts": """
            import { Body, Controller, Delete, Get, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
            import { AuthGuard } from '@nestjs/passport';
            import { Roles } from '../auth/roles.decorator';

            @Controller('cats')
            export class CatsController {
              constructor(private readonly cats: CatsService) {}

              @Get()
              findAll(@Query('page') page = 1): Promise<Cat[]> {
                return this.cats.page(page);
              }

              @Get('everything')
              everything(): Promise<Cat[]> {
                return this.cats.list();
              }

              @Get(':id')
              findOne(@Param('id') id: string) {
                return this.cats.findOne(id);
              }

              @Post()
              @UseGuards(AuthGuard('jwt'))
              create(@Body() dto: CreateCatDto) {
                return this.cats.create(dto);
              }

              @Put(':id')
              @Roles('admin')
              replace(@Param('id') id: string, @Body() dto: UpdateCatDto) {
                return this.cats.update(id, dto);
              }

              @Delete(':id')
              remove(@Param('id') id: string) {
                return this.cats.remove(id);
              }
            }
        """,
        "src/users/users.controller.ts": """
            import { Controller, Get, Patch, UseGuards, Body } from '@nestjs/common';
            import { JwtAuthGuard } from '../auth/jwt.guard';

            @UseGuards(JwtAuthGuard)
            @Controller({ path: 'users', version: '1' })
            export class UsersController {
              @Get('me')
              me() { return {}; }

              @Patch('me')
              update(@Body() body: any) { return body; }
            }
        """,
    })
    assert set(found) == {
        ("GET", "/api/cats"), ("GET", "/api/cats/everything"), ("GET", "/api/cats/{id}"),
        ("POST", "/api/cats"), ("PUT", "/api/cats/{id}"), ("DELETE", "/api/cats/{id}"),
        ("GET", "/api/v1/users/me"), ("PATCH", "/api/v1/users/me"),
    }
    cats = found[("POST", "/api/cats")]
    assert cats.framework == "nestjs" and cats.handler == "src.cats.cats.controller.CatsController.create"
    assert cats.auth.mechanism == "@UseGuards(AuthGuard)"
    assert cats.validation.mechanism == "global pipe ValidationPipe"
    assert cats.rate_limit.mechanism == "APP_GUARD provider ThrottlerGuard"
    assert found[("DELETE", "/api/cats/{id}")].auth.state is A
    assert found[("PUT", "/api/cats/{id}")].auth.state is U            # @Roles without a visible guard
    assert found[("GET", "/api/cats")].pagination.state is P
    assert found[("GET", "/api/cats/everything")].pagination.state is A  # declared Cat[] response
    assert found[("GET", "/api/cats/{id}")].pagination.state is U
    assert found[("PATCH", "/api/v1/users/me")].auth.mechanism == "@UseGuards(JwtAuthGuard)"


def test_nestjs_global_auth_guard_and_public_opt_out(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "src/main.ts": """
            import { NestFactory } from '@nestjs/core';
            import { AppModule } from './app.module';
            async function bootstrap() {
              const app = await NestFactory.create(AppModule);
              await app.listen(3000);
            }
            bootstrap();
        """,
        "src/app.module.ts": """
            import { Module } from '@nestjs/common';
            import { APP_GUARD } from '@nestjs/core';
            import { JwtAuthGuard } from './auth/jwt-auth.guard';
            @Module({ providers: [{ provide: APP_GUARD, useClass: JwtAuthGuard }] })
            export class AppModule {}
        """,
        "src/auth/public.decorator.ts": """
            import { SetMetadata } from '@nestjs/common';
            export const IS_PUBLIC_KEY = 'isPublic';
            export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
        """,
        "src/auth/auth.controller.ts": """
            import { Body, Controller, Post } from '@nestjs/common';
            import { Public } from './public.decorator';
            @Controller('auth')
            export class AuthController {
              @Public()
              @Post('signin')
              signIn(@Body() dto: SignInDto) { return dto; }

              @Post('rotate-keys')
              rotate() { return {}; }
            }
        """,
        "src/items/items.controller.ts": """
            import { Body, Controller, Post, UsePipes } from '@nestjs/common';
            import { ZodValidationPipe } from 'nestjs-zod';
            @Controller('items')
            export class ItemsController {
              @Post()
              @UsePipes(new ZodValidationPipe(schema))
              create(@Body() body: unknown) { return body; }

              @Post('raw')
              raw(@Body() body: Record<string, unknown>) { return body; }
            }
        """,
    })
    assert found[("POST", "/auth/signin")].auth.state is A
    assert found[("POST", "/auth/rotate-keys")].auth.mechanism == "APP_GUARD provider JwtAuthGuard"
    assert found[("POST", "/items")].validation.state is P
    assert found[("POST", "/items/raw")].validation.state is A
    assert found[("POST", "/items/raw")].auth.state is P


# ---------------------------------------------------------------- Fastify

def test_fastify_routes_plugins_hooks_and_schemas(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "package.json": '{"name": "fy", "dependencies": {"fastify": "^4.0.0"}}',
        "src/server.ts": """
            import Fastify from 'fastify';
            import rateLimit from '@fastify/rate-limit';
            import itemRoutes from './routes/items';
            import { adminRoutes } from './routes/admin';

            const app = Fastify({ logger: true });
            await app.register(rateLimit, { max: 100, timeWindow: '1 minute' });
            app.register(itemRoutes, { prefix: '/items' });
            app.register(adminRoutes, { prefix: '/admin' });
            app.get('/healthz', async () => ({ ok: true }));
            app.listen({ port: 3000 });
        """,
        "src/routes/items.ts": """
            import type { FastifyInstance } from 'fastify';
            const createItem = { body: { type: 'object', required: ['name'] } };
            export default async function itemRoutes(fastify: FastifyInstance) {
              fastify.get('/', {
                schema: { querystring: { type: 'object', properties: { cursor: { type: 'string' } } } },
              }, async (request) => fastify.db.item.findMany({ cursor: request.query.cursor }));
              fastify.get('/all', async () => fastify.prisma.item.findMany());
              fastify.post('/', { schema: createItem, preHandler: [fastify.authenticate] }, async (request) => request.body);
              fastify.route({
                method: ['PUT', 'PATCH'],
                url: '/:id',
                handler: async (request, reply) => { reply.send(request.body); },
              });
              fastify.delete('/:id', { config: { rateLimit: { max: 5 } } }, async (request, reply) => {
                await request.jwtVerify();
                reply.code(204).send();
              });
            }
        """,
        "src/routes/admin.ts": """
            import fp from 'fastify-plugin';
            import { FastifyPluginAsync } from 'fastify';
            export const adminRoutes: FastifyPluginAsync = async (app) => {
              app.addHook('onRequest', async (request, reply) => {
                if (request.headers['x-admin'] !== process.env.ADMIN_TOKEN) return reply.code(403).send();
              });
              app.post('/reindex', async () => ({ queued: true }));
            };
        """,
    })
    assert set(found) == {
        ("GET", "/items"), ("GET", "/items/all"), ("POST", "/items"), ("PUT", "/items/{id}"),
        ("PATCH", "/items/{id}"), ("DELETE", "/items/{id}"), ("POST", "/admin/reindex"), ("GET", "/healthz"),
    }
    assert all(e.framework == "fastify" for e in found.values())
    assert found[("GET", "/items")].pagination.mechanism == "`cursor` in schema.querystring"
    assert found[("GET", "/items/all")].pagination.state is A
    assert found[("POST", "/items")].validation.mechanism == "JSON schema (body)"
    assert found[("POST", "/items")].auth.mechanism == "fastify.authenticate"
    assert found[("PUT", "/items/{id}")].validation.state is A
    assert found[("PUT", "/items/{id}")].auth.state is A
    assert found[("DELETE", "/items/{id}")].auth.mechanism == "jwtVerify()"
    assert found[("DELETE", "/items/{id}")].rate_limit.mechanism == "config.rateLimit"
    assert found[("POST", "/admin/reindex")].auth.state is P         # onRequest hook of the plugin
    assert found[("GET", "/healthz")].rate_limit.state is P          # @fastify/rate-limit, global


# ---------------------------------------------------------------- signals for project rules

def test_service_signals(tmp_path: Path) -> None:
    project = scan(write(tmp_path, {
        "package.json": '{"name": "svc", "dependencies": {"express": "^4.19.0", "helmet": "^7.0.0"}}',
        "src/index.js": """
            require('express-async-errors');
            const express = require('express');
            const helmet = require('helmet');
            const app = express();
            app.use(helmet());
            app.get('/a', async (req, res) => { res.json(await load()); });
            app.use((err, req, res, next) => res.status(500).end());
            process.on('unhandledRejection', (reason) => { console.error(reason); process.exit(1); });
            console.log('listening');
            app.listen(3000);
        """,
    }))
    names = {s.name for f in project.files for s in f.signals}
    assert {"js-http-app", "js-security-headers", "js-error-middleware", "js-crash-handler",
            "js-async-errors-patch", "js-async-handler-unguarded", "js-console-call"} <= names


# ---------------------------------------------------------------- patterns found in real projects

def test_express_chained_routers_and_route_tables(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "src/main.ts": """
            import express from 'express';
            import routes from './routes';
            const app = express();
            app.use(routes);
            app.listen(3000);
        """,
        "src/routes.ts": """
            import { Router } from 'express';
            import tags from './tags';
            const api = Router().use(tags);
            export default Router().use('/api', api);
        """,
        "src/tags.ts": """
            import { Router } from 'express';
            const router = Router();
            router.get('/tags', (req, res) => res.json([]));
            export default router;
        """,
        "src/v1/index.js": """
            const express = require('express');
            const authRoute = require('./auth.route');
            const router = express.Router();
            const defaultRoutes = [
              { path: '/auth', route: authRoute },
            ];
            defaultRoutes.forEach((route) => {
              router.use(route.path, route.route);
            });
            module.exports = router;
        """,
        "src/v1/auth.route.js": """
            const express = require('express');
            const router = express.Router();
            router.post('/login', (req, res) => res.end());
            module.exports = router;
        """,
        "src/server.js": """
            const express = require('express');
            const v1 = require('./v1');
            const app = express();
            app.use('/v1', v1);
            app.listen(3001);
        """,
    })
    assert set(found) == {("GET", "/api/tags"), ("POST", "/v1/auth/login")}


def test_express_optional_auth_and_rate_limiter_names(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "app.js": """
            const express = require('express');
            const auth = require('./auth');
            const { authLimiter } = require('./limits');
            const app = express();
            app.post('/a', auth.optional, (req, res) => res.end());
            app.post('/b', authLimiter, (req, res) => res.end());
            app.listen(3000);
        """,
    })
    assert found[("POST", "/a")].auth.state is U
    assert found[("POST", "/b")].rate_limit.state is P
    assert found[("POST", "/b")].auth.state is A


def test_nestjs_module_middleware_for_routes(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "src/main.ts": NEST_MAIN,
        "src/articles/articles.module.ts": """
            import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
            import { ArticlesController } from './articles.controller';
            import { AuthMiddleware } from '../auth/auth.middleware';
            @Module({ controllers: [ArticlesController] })
            export class ArticlesModule implements NestModule {
              configure(consumer: MiddlewareConsumer) {
                consumer.apply(AuthMiddleware).forRoutes(
                  { path: 'articles', method: RequestMethod.POST },
                  { path: 'articles/:slug', method: RequestMethod.DELETE },
                );
              }
            }
        """,
        "src/articles/articles.controller.ts": """
            import { Controller, Delete, Get, Param, Post, Put, Body } from '@nestjs/common';
            @Controller('articles')
            export class ArticlesController {
              @Get() list() { return []; }
              @Post() create(@Body() dto: CreateArticleDto) { return dto; }
              @Put(':slug') update(@Param('slug') slug: string, @Body() dto: UpdateArticleDto) { return dto; }
              @Delete(':slug') remove(@Param('slug') slug: string) { return slug; }
            }
        """,
        "src/users/users.module.ts": """
            import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
            import { UsersController } from './users.controller';
            import { AuthMiddleware } from '../auth/auth.middleware';
            @Module({ controllers: [UsersController] })
            export class UsersModule implements NestModule {
              configure(consumer: MiddlewareConsumer) {
                consumer.apply(AuthMiddleware).forRoutes(UsersController);
              }
            }
        """,
        "src/users/users.controller.ts": """
            import { Controller, Delete, Param } from '@nestjs/common';
            @Controller('users')
            export class UsersController {
              @Delete(':id') remove(@Param('id') id: string) { return id; }
            }
        """,
    })
    assert found[("POST", "/api/articles")].auth.mechanism == "middleware AuthMiddleware"
    assert found[("DELETE", "/api/articles/{slug}")].auth.state is P
    assert found[("PUT", "/api/articles/{slug}")].auth.state is A
    assert found[("DELETE", "/api/users/{id}")].auth.state is P


def test_nestjs_identical_routes_in_two_controllers_are_not_multiplied(tmp_path: Path) -> None:
    endpoints = inventory(write(tmp_path, {
        "src/a/files.controller.ts": """
            import { Controller, Post } from '@nestjs/common';
            @Controller('files')
            export class FilesController { @Post('upload') upload() { return {}; } }
        """,
        "src/b/files.controller.ts": """
            import { Controller, Post } from '@nestjs/common';
            @Controller('files')
            export class FilesController { @Post('upload') upload() { return {}; } }
        """,
    }))
    assert sorted((e.method, e.path, e.location.path) for e in endpoints) == [
        ("POST", "/files/upload", "src/a/files.controller.ts"),
        ("POST", "/files/upload", "src/b/files.controller.ts"),
    ]


def test_fastify_autoload_directories_and_autohooks(tmp_path: Path) -> None:
    found = routes_of(tmp_path, {
        "src/app.ts": """
            import path from 'node:path';
            import autoload from '@fastify/autoload';
            import type { FastifyInstance } from 'fastify';
            export default async function app(fastify: FastifyInstance) {
              fastify.register(autoload, {
                dir: path.join(import.meta.dirname, 'routes'),
                autoHooks: true,
                cascadeHooks: true,
              });
            }
        """,
        "src/routes/home.ts": """
            import type { FastifyPluginAsync } from 'fastify';
            const plugin: FastifyPluginAsync = async (fastify) => {
              fastify.post('/contact', async () => ({}));
            };
            export default plugin;
        """,
        "src/routes/api/autohooks.ts": """
            import type { FastifyInstance } from 'fastify';
            export default async function (fastify: FastifyInstance) {
              fastify.addHook('onRequest', async (request, reply) => {
                if (!request.session.user) reply.code(401).send();
              });
            }
        """,
        "src/routes/api/tasks/index.ts": """
            import type { FastifyPluginAsync } from 'fastify';
            const plugin: FastifyPluginAsync = async (fastify) => {
              fastify.delete('/:id', async () => ({}));
            };
            export default plugin;
        """,
        "src/routes/api/users/_id/index.js": """
            module.exports = async function (fastify) {
              fastify.get('/', async (request) => ({ id: request.params.id }));
            };
        """,
    })
    assert set(found) == {("POST", "/contact"), ("DELETE", "/api/tasks/{id}"), ("GET", "/api/users/{id}")}
    assert found[("DELETE", "/api/tasks/{id}")].auth.state is P      # cascaded autohooks
    assert found[("POST", "/contact")].auth.state is A


def test_truncated_and_garbled_sources_never_crash(tmp_path: Path) -> None:
    """Every JS/TS fixture cut short or with a stray token, plus pathological nesting, through the
    extractors and every JS/TS rule: no extractor or rule may fail."""
    import random

    from harness import run

    rng = random.Random(11)
    sources = sorted(p for root in (APPS, Path(__file__).parent / "fixtures" / "rules")
                     for p in root.rglob("*") if p.suffix in (".js", ".ts", ".mjs")
                     and ("js-" in p.as_posix() or "/JS-" in p.as_posix()))
    for index, source in enumerate(sources):
        text = source.read_text(encoding="utf-8")
        cut = rng.randrange(len(text) + 1)
        noise = rng.choice(["(", "{", "[", "=>", "@", ")", "}", "`${", "'", "/*", "<T>"])
        (tmp_path / f"cut{index}{source.suffix}").write_text(text[:cut], encoding="utf-8")
        (tmp_path / f"noise{index}{source.suffix}").write_text(text[:cut] + noise + text[cut:], encoding="utf-8")
    (tmp_path / "deep.js").write_text(
        "const express = require('express');\nconst app = express();\n"
        + "const s = " + " + ".join(["'a'"] * 3000) + ";\n"
        + "app.use(" + "[" * 400 + "auth" + "]" * 400 + ");\n"
        + "app.use(express.json({ limit: " + "*".join(["1024"] * 2000) + " }));\n"
        + "const token = " + "(" * 500 + "Math.random()" + ")" * 500 + ";\n", encoding="utf-8")
    (tmp_path / "tsconfig.json").write_text('{ "extends": ["./a", 3, null], "compilerOptions": {', encoding="utf-8")
    (tmp_path / "a.json").write_text('{ "extends": "./tsconfig.json" }', encoding="utf-8")
    report = run(tmp_path, ("JS", "GEN-SEC-120", "GEN-API-101", "GEN-REL-101"))
    crashes = [f"{d.path}: {d.kind}: {d.message}" for d in report.diagnostics
               if d.kind in ("rule-error", "extractor-error", "worker-crash", "too-deep")]
    assert not crashes, "\n".join(crashes[:10])
