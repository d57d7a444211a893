// Structured JSON logs; credentials never reach the log pipeline.
import pino from 'pino';

import { config } from './config';

export const logger = pino({
  level: config.logLevel,
  redact: ['req.headers.authorization', 'req.headers.cookie', '*.password'],
});
