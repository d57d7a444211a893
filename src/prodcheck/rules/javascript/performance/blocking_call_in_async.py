"""
## What it does
Flags synchronous, event-loop-blocking calls made while serving a request:
- file system `fs.*Sync` (`readFileSync`, `writeFileSync`, `readdirSync`, `statSync`, ...,
  also from `fs-extra` and named imports such as `import { readFileSync } from 'fs'`);
- `child_process.execSync/execFileSync/spawnSync`;
- CPU-heavy crypto and compression: `crypto.pbkdf2Sync/scryptSync/generateKeyPairSync`,
  `bcrypt.hashSync/compareSync/genSaltSync` (bcrypt, bcryptjs), `zlib.*Sync`
  (`gzipSync`, `brotliCompressSync`, ...).

"Serving a request" means inside a route handler registered in the file (Express, Fastify,
NestJS `@Get()`/`@Post()` methods, Next.js route handlers), a function shaped like one
(`(req, res)`), a NestJS `@Injectable()` service method, or a function of the same file those
call. Module-level code and startup functions are not reported, nor are values cached on first
use (`cache ??= readFileSync(...)`, assigned to a module variable or a `this.` field).

## Why it matters
Node serves every request on one thread. A `readFileSync` of a large file, a `pbkdf2Sync` with
100 000 iterations (tens of milliseconds) or an `execSync` stops every other request in the
process for that time: latency climbs for all users, health checks time out and the instance is
killed under load that it could otherwise serve.

## Example
    import express from 'express';
    import fs from 'node:fs';

    const app = express();

    app.get('/reports/:name', (req, res) => {
      const body = fs.readFileSync(`/data/reports/${req.params.name}.csv`, 'utf8');
      res.type('text/csv').send(body);
    });

## Use instead
    import express from 'express';
    import fs from 'node:fs/promises';

    const app = express();

    app.get('/reports/:name', async (req, res, next) => {
      try {
        const body = await fs.readFile(`/data/reports/${req.params.name}.csv`, 'utf8');
        res.type('text/csv').send(body);
      } catch (err) {
        next(err);
      }
    });

## Known limitations
Handlers registered in another module are recognised only by their shape (`(req, res)`
parameters) or by NestJS decorators; helpers in other modules are not followed. `existsSync` and
`statSync` are cheap on local disks and are reported with MEDIUM confidence. Large synchronous
`JSON.parse`/`JSON.stringify` and CPU loops are not detected.
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import callee
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.data_helpers import cached_result, request_function, server_file
from prodcheck.rules.javascript.helpers import view

FS_PACKAGES = frozenset({"fs", "node:fs", "fs-extra", "graceful-fs"})
PROCESS_PACKAGES = frozenset({"child_process", "node:child_process"})
CRYPTO_PACKAGES = frozenset({"crypto", "node:crypto"})
ZLIB_PACKAGES = frozenset({"zlib", "node:zlib"})
BCRYPT_PACKAGES = frozenset({"bcrypt", "bcryptjs"})
PROCESS_CALLS = frozenset({"execSync", "execFileSync", "spawnSync"})
CRYPTO_CALLS = frozenset({"pbkdf2Sync", "scryptSync", "generateKeyPairSync", "generatePrimeSync",
                          "hkdfSync"})
BCRYPT_CALLS = frozenset({"hashSync", "compareSync", "genSaltSync"})
CHEAP_FS = frozenset({"existsSync", "statSync", "lstatSync", "accessSync", "realpathSync"})


def check(call, ctx):
    if not server_file(ctx):
        return
    label, family = _blocking(call, ctx)
    if not label:
        return
    found = request_function(call, ctx)
    if found is None or cached_result(call, ctx):
        return
    func, kind, _ = found
    where = {"handler": "a route handler", "nest": "a controller method", "next": "a route handler",
             "shaped": "a request handler", "service": "a service method",
             "called": "a function called by a request handler", "background": "a scheduled or event job"}[kind]
    confidence = Confidence.MEDIUM if family == "fs" and label.rsplit(".", 1)[-1] in CHEAP_FS \
        or kind in ("service", "background") else None
    yield ctx.finding(
        RULE, call, f"`{label}()` blocks the event loop inside {where}: every other request waits",
        related=(func,), confidence=confidence)


def _blocking(call, ctx) -> tuple[str, str]:
    v = view(ctx)
    receiver, method = view(ctx).call_parts(call)
    if receiver is None:
        function = callee(call)
        if function is None or function.type != "identifier":
            return "", ""
        binding = v.binding(text_of(function), call)
        if binding is None:
            return "", ""
        return _family(binding.spec, binding.name, text_of(function))
    names = view(ctx).member_names(receiver)
    if len(names) != 1:
        return "", ""
    binding = v.binding(names[0], call)
    if binding is None:
        return "", ""
    if binding.name not in ("default", "*") and binding.spec not in FS_PACKAGES:
        return "", ""
    return _family(binding.spec, method, f"{names[0]}.{method}")


def _family(spec: str, name: str, label: str) -> tuple[str, str]:
    if spec in FS_PACKAGES and name.endswith("Sync"):
        return label, "fs"
    if spec in PROCESS_PACKAGES and name in PROCESS_CALLS:
        return label, "process"
    if spec in CRYPTO_PACKAGES and name in CRYPTO_CALLS:
        return label, "crypto"
    if spec in ZLIB_PACKAGES and name.endswith("Sync"):
        return label, "zlib"
    if spec in BCRYPT_PACKAGES and name in BCRYPT_CALLS:
        return label, "bcrypt"
    return "", ""


RULE = NodeRule(
    id="JS-PERF-001", slug="blocking-call-in-async", area=Area.PERF,
    title="Blocking synchronous call while serving a request",
    fix="Use the asynchronous API (`fs.promises.readFile`, `execFile` with a callback or "
        "`util.promisify`, `crypto.pbkdf2`/`crypto.scrypt` with a callback, `bcrypt.hash`, "
        "`zlib.gzip`), or read the file once at startup.",
    rows=("PERF-01",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="app.ts", visits=("call_expression",), check=check,
    coverage="partial",
    coverage_note="sync fs/child_process/crypto/zlib/bcrypt calls in request-path functions of the same file",
)
