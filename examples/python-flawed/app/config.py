"""Settings of the orders service."""
import os

DATABASE_URL = os.environ.get("DATABASE_URL", "dbname=orders")

# Payment provider credentials and the token signing key, committed with the code
# (made-up values in the real formats: prodcheck must recognise them, nobody can use them).
STRIPE_API_KEY = "sk_live_51PrOdChEcKdEmO4kR9vXw2LmQ7tZs8YnBe3"  # expect: GEN-SEC-101
JWT_SECRET = "q8Fz2LmR7vXc4TnB9wKe3HsD"  # expect: GEN-SEC-102
JWT_ALGORITHM = "HS256"
