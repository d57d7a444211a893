"""Users: registration, login, profile."""
from datetime import datetime, timedelta, timezone

import jwt
from fastapi import APIRouter, HTTPException
from passlib.context import CryptContext
from pydantic import BaseModel

from app.config import JWT_ALGORITHM, JWT_SECRET
from app.db import get_connection

passwords = CryptContext(schemes=["bcrypt"], deprecated="auto")
router = APIRouter()


class Credentials(BaseModel):
    email: str
    password: str


@router.post("/register", status_code=201)
def register(credentials: Credentials):  # expect: PY-SEC-035
    conn = get_connection()
    cur = conn.cursor()
    cur.execute(
        "INSERT INTO users (email, password_hash) VALUES (%s, %s) RETURNING id",
        (credentials.email, passwords.hash(credentials.password)),
    )
    user_id = cur.fetchone()[0]
    conn.commit()
    conn.close()
    return {"id": user_id, "email": credentials.email}


@router.post("/login")
def login(credentials: Credentials):  # expect: PY-SEC-035
    conn = get_connection()
    cur = conn.cursor()
    cur.execute("SELECT id, password_hash FROM users WHERE email = %s", (credentials.email,))
    row = cur.fetchone()
    conn.close()
    if row is None or not passwords.verify(credentials.password, row[1]):
        raise HTTPException(status_code=401, detail="invalid credentials")
    expires = datetime.now(timezone.utc) + timedelta(minutes=15)
    token = jwt.encode({"sub": str(row[0]), "exp": expires}, JWT_SECRET, algorithm=JWT_ALGORITHM)
    return {"access_token": token, "token_type": "bearer"}


@router.delete("/{user_id}", status_code=204)
def delete_user(user_id: int):  # expect: GEN-SEC-120
    conn = get_connection()
    cur = conn.cursor()
    cur.execute("DELETE FROM users WHERE id = %s", (user_id,))
    conn.commit()
    conn.close()
