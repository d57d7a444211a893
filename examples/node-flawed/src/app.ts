// Orders service: the Express application, its routers and the server.
import express from 'express';

import { PORT } from './config';
import { ordersRouter } from './routes/orders';
import { usersRouter } from './routes/users';

const app = express();  // expect: JS-REL-004, JS-SEC-031, JS-OBS-003
app.use(express.json());
app.use('/orders', ordersRouter);
app.use('/users', usersRouter);

app.listen(PORT, () => {  // expect: GEN-REL-101, JS-REL-005, GEN-TEST-101, JS-REL-007
  console.log(`orders service listening on ${PORT}`);  // expect: JS-OBS-001
});
