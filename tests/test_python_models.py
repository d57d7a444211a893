"""Inventory: Python data models and external calls."""
from __future__ import annotations

from pathlib import Path

from prodcheck.config import Config
from prodcheck.pipeline import scan

SOURCE = '''
import requests
import redis
from django.db import models
from pydantic import BaseModel
from sqlalchemy import Column, Integer, ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, mapped_column, Mapped
from sqlmodel import SQLModel, Field


class Base(DeclarativeBase):
    pass


class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), index=True)
    note: Mapped[str] = mapped_column(String(200), nullable=True)


class Customer(models.Model):
    name = models.CharField(max_length=100)
    team = models.ForeignKey("Team", on_delete=models.CASCADE)


class Hero(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)


class HeroIn(SQLModel):
    name: str


class OrderIn(BaseModel):
    sku: str
    quantity: int


class Helper:
    x = 1


def sync(url):
    cache = redis.Redis(host="cache")
    response = requests.get(url, timeout=5)
    response.json()
    return cache
'''


def test_models_and_external_calls(tmp_path: Path) -> None:
    (tmp_path / "models.py").write_text(SOURCE, encoding="utf-8")
    report = scan(tmp_path, Config(only=("GEN-OPS-101",), use_baseline=False, jobs=1))
    models = {m.name: m for m in report.inventory.models}
    assert sorted(models) == ["Customer", "Hero", "Order", "OrderIn"]
    assert models["Order"].kind == "sqlalchemy" and models["Order"].table == "orders"
    assert [f.name for f in models["Order"].fields] == ["id", "customer_id", "note"]
    assert "foreign-key" in models["Order"].fields[1].attributes
    assert models["Customer"].kind == "django" and models["Hero"].kind == "sqlmodel"
    assert models["OrderIn"].kind == "pydantic"
    calls = [(c.kind, c.target) for c in report.inventory.external_calls]
    assert calls == [("cache", "redis.Redis"), ("http", "requests.get")]
