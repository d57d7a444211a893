// Load an Express 4 app without serving it and print its routes as JSON: [[METHOD, path], ...].
//
//   node express_routes_dump.js <app dir> <entry file>
//
// Used by tests/test_javascript_routes.py (differential test of the static route table). Express is
// resolved from the app's own directory (node_modules installed next to it); `listen` is stubbed so
// nothing binds a port. Mount paths are recorded by wrapping Router#use and app.use before the app
// is loaded, then every router stack is walked from the root apps.
'use strict';

const path = require('path');
const Module = require('module');
const { pathToFileURL } = require('url');

const appDir = path.resolve(process.argv[2]);
const entry = path.resolve(appDir, process.argv[3]);
const requireFromApp = Module.createRequire(entry);
const express = requireFromApp('express');
const http = requireFromApp('http');

const apps = [];
const subApps = new Set();

const originalInit = express.application.init;
express.application.init = function init() {
  apps.push(this);
  return originalInit.apply(this, arguments);
};
const fakeServer = { close() {}, on() { return this; }, once() { return this; }, address() { return { port: 0 }; } };
express.application.listen = function listen() { return fakeServer; };
http.Server.prototype.listen = function listen() { return this; };

function splitPath(args) {
  let first = args[0];
  while (Array.isArray(first) && first.length) first = first[0];
  if (typeof first === 'function') return ['/', Array.prototype.slice.call(args)];
  return [args[0], Array.prototype.slice.call(args, 1)];
}

function flat(list) {
  const out = [];
  for (const item of list) {
    if (Array.isArray(item)) out.push(...flat(item));
    else out.push(item);
  }
  return out;
}

const proto = express.Router;
const originalRouterUse = proto.use;
proto.use = function use() {
  const [mountPath] = splitPath(arguments);
  const before = this.stack.length;
  const result = originalRouterUse.apply(this, arguments);
  for (let i = before; i < this.stack.length; i += 1) this.stack[i].__mountPath = mountPath;
  return result;
};

const originalAppUse = express.application.use;
express.application.use = function use() {
  const [, fns] = splitPath(arguments);
  this.lazyrouter();
  const before = this._router.stack.length;
  const result = originalAppUse.apply(this, arguments);
  const callbacks = flat(fns);
  for (let i = before, k = 0; i < this._router.stack.length; i += 1, k += 1) {
    const fn = callbacks[k];
    if (fn && fn.handle && fn.set) {
      this._router.stack[i].__subApp = fn;
      subApps.add(fn);
    }
  }
  return result;
};

function join(prefix, piece) {
  if (!piece || piece === '/') return prefix || '/';
  return (prefix || '').replace(/\/+$/, '') + '/' + String(piece).replace(/^\/+/, '');
}

function walk(router, prefix, out) {
  if (!router || !Array.isArray(router.stack)) return;
  for (const layer of router.stack) {
    const mounts = Array.isArray(layer.__mountPath) ? layer.__mountPath : [layer.__mountPath || '/'];
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      // app.all() marks `_all` (Express < 4.22) or every known method (4.22+): report it as ALL
      const methods = Object.keys(layer.route.methods);
      const all = methods.includes('_all') || methods.length >= http.METHODS.length;
      for (const method of all ? ['ALL'] : methods) {
        for (const p of paths) out.push([method.toUpperCase(), join(prefix, p)]);
      }
    } else if (layer.__subApp) {
      for (const m of mounts) walk(layer.__subApp._router, join(prefix, m), out);
    } else if (layer.handle && Array.isArray(layer.handle.stack)) {
      for (const m of mounts) walk(layer.handle, join(prefix, m), out);
    }
  }
}

import(pathToFileURL(entry).href).then(() => new Promise((resolve) => setImmediate(resolve))).then(() => {
  const out = [];
  for (const app of apps) {
    if (!subApps.has(app)) walk(app._router, '', out);
  }
  const unique = Array.from(new Set(out.map((pair) => JSON.stringify(pair)))).sort().map((s) => JSON.parse(s));
  process.stdout.write(JSON.stringify(unique) + '\n');
  process.exit(0);
}).catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + '\n');
  process.exit(2);
});
