"""Orders service: the FastAPI application and its routers."""
from fastapi import FastAPI

from app.api import orders, users

app = FastAPI(title="orders")  # expect: GEN-REL-101, GEN-TEST-101, PY-OBS-003, PY-REL-004
app.include_router(orders.router, prefix="/orders", tags=["orders"])
app.include_router(users.router, prefix="/users", tags=["users"])
