// One bounded pg pool for the process, with connect and statement timeouts.
import { Pool } from 'pg';

import { config } from './config';
import { logger } from './logger';

export const pool = new Pool({
  connectionString: config.databaseUrl,
  max: config.dbPoolMax,
  connectionTimeoutMillis: 5_000,
  idleTimeoutMillis: 30_000,
  statement_timeout: 5_000,
});

// An idle client that loses its connection emits here instead of crashing the process.
pool.on('error', (err) => logger.error({ err }, 'idle database client failed'));
