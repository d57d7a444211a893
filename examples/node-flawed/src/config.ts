// Settings of the orders service.
export const PORT = Number(process.env.PORT ?? 3000);
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://localhost:5432/orders';

// Payment provider credentials and the token signing key, committed with the code
// (made-up values in the real formats: prodcheck must recognise them, nobody can use them).
export const STRIPE_API_KEY = 'sk_live_51NoDeFlAwEdDeMo7Hq3vXz8LmR2tKs9YpWc4'; // expect: GEN-SEC-101
export const JWT_SECRET = 'Vt6nR2qLx9Zm4Kc8Wb3Hs7Dp'; // expect: GEN-SEC-102
