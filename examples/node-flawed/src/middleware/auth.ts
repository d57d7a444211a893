// Bearer-token authentication for the routes that use it.
import { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';

import { JWT_SECRET } from '../config';

export function requireAuth(req: Request, res: Response, next: NextFunction) {
  const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
  try {
    const claims = jwt.verify(token, JWT_SECRET, { algorithms: ['HS256'] }) as { sub: string };
    res.locals.userId = Number(claims.sub);
    next();
  } catch {
    res.status(401).json({ error: 'unauthorized' });
  }
}
