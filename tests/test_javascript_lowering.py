"""The JavaScript/TypeScript taint adapter: the IR `taint/javascript_lowering.py` produces for small
programs, and the flows the engine then finds with the JavaScript spec."""
from __future__ import annotations

import textwrap

from prodcheck.parsing.treesitter import parse_source
from prodcheck.taint.engine import find_flows
from prodcheck.taint.ir import Assign, CallSite, FunctionSummary
from prodcheck.taint.javascript_lowering import lower_file
from prodcheck.taint.specs import load_spec


def lower(source: str, path: str = "src/app.js") -> dict[str, FunctionSummary]:
    grammar = "typescript" if path.endswith(".ts") else "javascript"
    tree = parse_source(textwrap.dedent(source), grammar)
    return {fn.qualname: fn for fn in lower_file(tree.root_node, path)}


def calls(fn: FunctionSummary) -> list[CallSite]:
    return [s for s in fn.steps if isinstance(s, CallSite)]


def call(fn: FunctionSummary, callee: str) -> CallSite:
    found = [c for c in calls(fn) if c.callee == callee]
    assert found, f"no call to {callee}: {[c.callee for c in calls(fn)]}"
    return found[0]


def flows(files: dict[str, str]) -> list[tuple[str, str, int]]:
    functions = [fn for path, source in files.items() for fn in lower(source, path).values()]
    return sorted((f.sink_kind, f.sink.path, f.sink.line) for f in find_flows(functions, load_spec("javascript")))


def one(source: str, path: str = "src/app.js") -> list[tuple[str, int]]:
    return [(kind, line) for kind, _, line in flows({path: source})]


# --- qualification of callees -------------------------------------------------------------------

def test_callees_are_qualified_through_require_and_esm_imports() -> None:
    fns = lower("""
        import axios from 'axios';
        import * as fs from 'node:fs';
        import { exec as run } from 'child_process';
        const { promisify } = require('util');
        const cp = require('child_process');
        const escape = require('escape-html');
        const runAsync = promisify(cp.exec);
        function f(x) {
          axios.get(x);
          fs.readFile(x);
          run(x);
          cp.spawn(x);
          escape(x);
          runAsync(x);
          eval(x);
          Object.assign({}, x);
          x.query(x);
          new RegExp(x);
        }
    """)
    names = [c.callee for c in calls(fns["src.app.f"])]
    assert names == ["axios.get", "node:fs.readFile", "child_process.exec", "child_process.spawn",
                     "escape-html", "child_process.exec", "eval", "Object.assign", ".query", "RegExp"]


def test_project_modules_resolve_to_qualnames() -> None:
    fns = lower("""
        const users = require('../services/users');
        import { find } from './repo';
        import Repo from './repo';
        export function f(x) {
          users.byName(x);
          find(x);
          Repo(x);
        }
    """, "src/routes/index.js")
    assert [c.callee for c in calls(fns["src.routes.f"])] == [
        "src.services.users.byName", "src.routes.repo.find", "src.routes.repo.default"]


def test_functions_methods_and_exports_get_qualnames() -> None:
    fns = lower("""
        function a() {}
        const b = () => {};
        exports.c = function (req, res) {};
        class D { m() {} static s() {} }
        const api = { e() {}, f: async () => {} };
        export default function g() {}
    """, "lib/x.js")
    assert {"lib.x.<module>", "lib.x.a", "lib.x.b", "lib.x.c", "lib.x.D.m", "lib.x.D.s", "lib.x.api.e",
            "lib.x.api.f", "lib.x.default"} <= set(fns)
    assert fns["lib.x.D.m"].params == ("this",)
    assert fns["lib.x.D.s"].params == ()
    assert fns["lib.x.c"].is_handler


# --- sources --------------------------------------------------------------------------------------

def test_request_members_are_sources_with_descriptions() -> None:
    fns = lower("""
        function h(req, res) {
          const a = req.query.name;
          const { id } = req.params;
          const b = req.get('x-token');
          const c = req.cookies['sid'];
        }
    """)
    fn = fns["src.app.h"]
    described = {}
    for step in fn.steps:
        if isinstance(step, Assign) and step.value.sources:
            described[step.target] = (step.value.sources[0].kind, step.value.sources[0].description)
    assert described["a"] == ("query", "req.query.name")
    assert described["id"] == ("path", "req.params.id")
    assert described["c"] == ("cookie", "req.cookies.sid")
    assert described["b"] == ("header", "req.get()")


def test_request_is_recognised_by_shape_name_type_and_route() -> None:
    assert one("""
        const { exec } = require('child_process');
        fastify.get('/a', async (request, reply) => { exec(request.query.cmd); });
        function typed(r: Request) { exec(r.body.cmd); }
        function helper(req) { exec(req.headers.cmd); }
        function notHttp(request) { exec(request.body.cmd); }
        function shadow(req, res) { const req2 = { query: { cmd: 'ls' } }; exec(req2.query.cmd); }
    """, "src/app.ts") == [("command", 3), ("command", 4), ("command", 5)]


def test_nest_decorated_parameters_are_sources_and_pipes_clean_them() -> None:
    fns = lower("""
        import { Controller, Get, Query, Param, ParseIntPipe, Req } from '@nestjs/common';
        @Controller('x')
        export class XController {
          @Get(':id')
          get(@Param('id', ParseIntPipe) id: number, @Query('q') q: string, @Req() req: Request) {
            return req.body;
          }
        }
    """, "src/x.controller.ts")
    fn = fns["src.x.controller.XController.get"]
    assert fn.is_handler
    assert [(name, s.kind) for name, s in fn.param_sources] == [("q", "query")]
    assert fn.steps[-1].value.sources[0].description == "req.body"


# --- propagation ---------------------------------------------------------------------------------

def test_strings_objects_spread_await_and_conditionals_propagate() -> None:
    assert one("""
        const db = require('./db');
        app.post('/', async (req, res) => {
          const { name } = req.body;
          const parts = [`'${name}'`, ...req.body.more];
          const where = { clause: 'name = ' + parts[0] };
          const text = (await Promise.resolve(where.clause)) || 'x';
          const sql = req.query.all ? 'SELECT 1' : 'SELECT * FROM t WHERE ' + text;
          await db.query(sql);
        });
    """) == [("sql", 9)]


def test_ssa_strong_update_forgets_overwritten_values() -> None:
    fns = lower("""
        function h(req, res) {
          let q = req.query.q;
          q = 'SELECT 1';
          db.query(q);
          q = req.query.other;
          db.query(q);
        }
    """)
    targets = [s.target for s in fns["src.app.h"].steps if isinstance(s, Assign)]
    assert targets[:3] == ["q", "q#2", "q#3"]
    assert one("""
        function h(req, res) {
          let q = req.query.q;
          q = 'SELECT 1';
          db.query(q);
          q = req.query.other;
          db.query(q);
        }
    """) == [("sql", 7)]


def test_branches_join_and_loops_carry_values_round() -> None:
    assert one("""
        function h(req, res) {
          let sql = 'SELECT * FROM t';
          if (req.query.a) {
            sql = sql + ' WHERE a = ' + req.query.a;
          }
          db.query(sql);
          let acc = '';
          for (const part of req.body.parts) {
            db.query(acc);
            acc += part;
          }
        }
    """) == [("sql", 7), ("sql", 10)]


def test_closures_read_the_enclosing_variables() -> None:
    assert one("""
        function h(req, res) {
          const name = req.query.name;
          items.forEach((item) => {
            db.query(`UPDATE t SET n = '${name}' WHERE id = ${item.id}`);
          });
          return rows.map((row) => row.id).then((ids) => db.query('x' + ids));
        }
    """) == [("sql", 5)]


def test_calls_between_modules_follow_summaries() -> None:
    found = flows({
        "src/routes/users.js": """
            const service = require('../services/users');
            exports.list = (req, res) => service.search(req.query.term).then((rows) => res.json(rows));
        """,
        "src/services/users.js": """
            const { pool } = require('../db');
            function clause(term) { return `name LIKE '%${term}%'`; }
            exports.search = (term) => pool.query('SELECT * FROM users WHERE ' + clause(term));
        """,
    })
    assert found == [("sql", "src/services/users.js", 4)]


def test_nest_service_calls_resolve_through_constructor_injection() -> None:
    found = flows({
        "src/users/users.controller.ts": """
            import { Controller, Get, Query } from '@nestjs/common';
            import { UsersService } from './users.service';
            @Controller('users')
            export class UsersController {
              constructor(private readonly users: UsersService) {}
              @Get() find(@Query('name') name: string) { return this.users.byName(name); }
            }
        """,
        "src/users/users.service.ts": """
            export class UsersService {
              constructor(private readonly ds: DataSource) {}
              byName(name: string) { return this.ds.query(`SELECT * FROM u WHERE n = '${name}'`); }
            }
        """,
    })
    assert found == [("sql", "src/users/users.service.ts", 4)]


# --- sanitizers and guards -------------------------------------------------------------------------

def test_sanitizers_and_guards_make_values_safe() -> None:
    assert one("""
        const SORTS = ['name', 'date'];
        function h(req, res) {
          const n = parseInt(req.query.n, 10);
          db.query('SELECT * FROM t LIMIT ' + n);
          const sort = req.query.sort;
          if (!SORTS.includes(sort)) {
            return res.status(400).end();
          }
          db.query('SELECT * FROM t ORDER BY ' + sort);
          const dir = req.query.dir;
          if (dir === 'asc' || dir === 'desc') {
            db.query('SELECT * FROM t ORDER BY id ' + dir);
          }
          db.query('SELECT * FROM t ORDER BY id ' + dir);
        }
    """) == [("sql", 15)]


def test_fixed_origins_tagged_templates_and_json_bodies_are_not_sinks() -> None:
    assert one("""
        const API = 'https://api.example.com';
        function h(req, res) {
          fetch(`${API}/items/${req.params.id}`);
          res.redirect('/orders/' + req.params.id);
          sql`SELECT * FROM t WHERE id = ${req.params.id}`;
          res.send({ id: req.params.id });
          res.send(req.body);
          fetch(req.query.url);
        }
    """) == [("ssrf", 9)]


def test_a_handler_does_not_leak_its_writes_to_module_code() -> None:
    assert one("""
        const _ = require('lodash');
        const settings = { theme: 'light' };
        app.post('/s', (req, res) => { Object.assign(settings, req.body); });
        const copy = _.merge({}, settings);
    """) == []


def test_options_objects_are_literal_keyword_arguments() -> None:
    fn = lower("""
        const { spawn } = require('child_process');
        function h(req, res) { spawn('ls', [req.query.dir], { shell: true, cwd: dir }); }
    """)["src.app.h"]
    assert call(fn, "child_process.spawn").literal_kwargs == (("shell", "true"), ("cwd", "<expression>"))


def test_parameterless_nested_functions_read_the_enclosing_variables() -> None:
    assert one("""
        function h(req, res) {
          const term = req.body.term;
          const criteria = () => ({ $where: `this.name == '${term}'` });
          function none() { return { name: 'x' }; }
          users.find(criteria());
          users.find(none());
        }
    """) == [("nosql", 6)]


def test_constructor_functions_define_methods_on_this() -> None:
    found = flows({
        "app/data/users-dao.js": """
            function UsersDAO(db) {
              this.byName = (name) => db.query("SELECT * FROM users WHERE name = '" + name + "'");
            }
            module.exports = { UsersDAO };
        """,
        "app/routes/users.js": """
            const { UsersDAO } = require('../data/users-dao');
            function UsersHandler(db) {
              const dao = new UsersDAO(db);
              this.find = (req, res) => dao.byName(req.query.name);
            }
            module.exports = UsersHandler;
        """,
    })
    assert found == [("sql", "app/data/users-dao.js", 3)]
