// Charges through the payment provider's HTTP API.
import axios from 'axios';

import { STRIPE_API_KEY } from '../config';

const CHARGES_URL = 'https://api.stripe.com/v1/charges';

export async function charge(amountCents: number, currency: string, source: string): Promise<string> {
  const response = await axios.post( // expect: JS-REL-001
    CHARGES_URL,
    new URLSearchParams({ amount: String(amountCents), currency, source }),
    { auth: { username: STRIPE_API_KEY, password: '' } },
  );
  return response.data.id;
}
