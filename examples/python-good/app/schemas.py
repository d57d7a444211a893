"""Request and response bodies: every field typed and bounded."""
from datetime import datetime
from enum import Enum

from pydantic import BaseModel, ConfigDict, EmailStr, Field

MAX_PAGE_SIZE = 100


class OrderStatus(str, Enum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"


class OrderItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str = Field(min_length=1, max_length=64, pattern=r"^[A-Z0-9-]+$")
    quantity: int = Field(ge=1, le=1000)
    unit_price_cents: int = Field(ge=0, le=10_000_000)


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    currency: str = Field(pattern=r"^[a-z]{3}$")
    payment_source: str = Field(min_length=1, max_length=255)
    items: list[OrderItemIn] = Field(min_length=1, max_length=100)


class OrderItemOut(BaseModel):
    sku: str
    quantity: int
    unit_price_cents: int


class OrderOut(BaseModel):
    id: int
    status: OrderStatus
    currency: str
    total_cents: int
    created_at: datetime
    items: list[OrderItemOut]


class Page(BaseModel):
    limit: int
    offset: int


class OrderPage(BaseModel):
    items: list[OrderOut]
    page: Page


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    password: str = Field(min_length=12, max_length=128)


class UserOut(BaseModel):
    id: int
    email: EmailStr
    created_at: datetime


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
