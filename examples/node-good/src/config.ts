// Configuration from the environment, validated once at start-up: secrets have no default, the
// service refuses to start without them instead of running with a placeholder.
import { z } from 'zod';

const schema = z.object({
  PORT: z.coerce.number().int().positive().default(3000),
  DATABASE_URL: z.string().url(),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(50).default(10),
  STRIPE_API_KEY: z.string().min(1),
  STRIPE_BASE_URL: z.string().url().default('https://api.stripe.com/v1'),
  PAYMENTS_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5_000),
  JWT_SECRET: z.string().min(32),
  JWT_AUDIENCE: z.string().default('orders-api'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

const env = schema.parse(process.env);

export const config = {
  port: env.PORT,
  databaseUrl: env.DATABASE_URL,
  dbPoolMax: env.DB_POOL_MAX,
  stripeApiKey: env.STRIPE_API_KEY,
  stripeBaseUrl: env.STRIPE_BASE_URL,
  paymentsTimeoutMs: env.PAYMENTS_TIMEOUT_MS,
  jwtSecret: env.JWT_SECRET, // ok: GEN-SEC-102
  jwtAudience: env.JWT_AUDIENCE,
  logLevel: env.LOG_LEVEL,
} as const;
