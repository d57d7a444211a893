// Charges through the payment provider's HTTP API: one client with a timeout, and an
// Idempotency-Key on every charge so that a retried request never charges twice.
import axios from 'axios';

import { config } from '../config';
import { PaymentDeclined, UpstreamUnavailable } from '../errors';
import { logger } from '../logger';

const provider = axios.create({
  baseURL: config.stripeBaseUrl,
  timeout: config.paymentsTimeoutMs,
  auth: { username: config.stripeApiKey, password: '' },
});

export async function charge(amountCents: number, currency: string, source: string,
                             idempotencyKey: string): Promise<string> {
  try {
    const response = await provider.post<{ id: string }>( // ok: JS-REL-001
      '/charges',
      new URLSearchParams({ amount: String(amountCents), currency, source }),
      { headers: { 'Idempotency-Key': idempotencyKey } },
    );
    return response.data.id;
  } catch (err) {
    if (axios.isAxiosError(err) && err.response?.status === 402) {
      throw new PaymentDeclined();
    }
    logger.warn({ err, status: axios.isAxiosError(err) ? err.response?.status : undefined },
      'payment provider unavailable');
    throw new UpstreamUnavailable('the payment provider is unavailable, retry later');
  }
}
