// Entry point: start the server, drain it on SIGTERM, and log and exit on a crash so that the
// orchestrator restarts a clean process.
import { app } from './app';
import { config } from './config';
import { pool } from './db';
import { logger } from './logger';

const SHUTDOWN_GRACE_MS = 10_000;

const server = app.listen(config.port, () => { // ok: GEN-REL-101, JS-REL-005, GEN-TEST-101
  logger.info({ port: config.port }, 'orders service listening');
});
server.headersTimeout = 10_000;
server.requestTimeout = 30_000;
server.keepAliveTimeout = 65_000;

let shuttingDown = false;

function shutdown(reason: string, exitCode: number): void {
  if (shuttingDown) {
    return;
  }
  shuttingDown = true;
  logger.info({ reason }, 'shutting down');
  setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
  server.close(() => {
    pool.end().finally(() => process.exit(exitCode));
  });
}

process.on('SIGTERM', () => shutdown('SIGTERM', 0));
process.on('SIGINT', () => shutdown('SIGINT', 0));
process.on('unhandledRejection', (reason) => {
  logger.fatal({ err: reason }, 'unhandled rejection');
  shutdown('unhandledRejection', 1);
});
process.on('uncaughtException', (err) => {
  logger.fatal({ err }, 'uncaught exception');
  process.exit(1);
});
