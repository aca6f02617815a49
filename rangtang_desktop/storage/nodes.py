"""This installation (its node row with keys and sequence counter), other known nodes, and users."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from ..core.dates import utc_now_text


@dataclass(frozen=True)
class Node:
    node_id: str
    role: str
    unit_code: str
    signing_public: bytes
    encryption_public: bytes
    next_seq: int


@dataclass(frozen=True)
class User:
    user_id: str
    display_name: str
    role: str
    unit_code: str


def self_node(db: sqlite_utils.Database) -> Node | None:
    rows = list(db.query("SELECT * FROM node WHERE is_self = 1"))
    if not rows:
        return None
    row = rows[0]
    return Node(row["node_id"], row["role"], row["unit_code"], row["signing_public"], row["encryption_public"], row["next_seq"])


def create_self_node(db: sqlite_utils.Database, node_id: str, role: str, unit_code: str, keys) -> None:
    db.execute(
        """INSERT INTO node (node_id, role, unit_code, signing_public, encryption_public,
                             signing_private, encryption_private, is_self, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)""",
        [node_id, role, unit_code, keys.signing_public, keys.encryption_public,
         keys.signing_private, keys.encryption_private, utc_now_text()],
    )


def set_node_unit(db: sqlite_utils.Database, role: str, unit_code: str) -> None:
    db.execute("UPDATE node SET role = ?, unit_code = ? WHERE is_self = 1", [role, unit_code])


def users(db: sqlite_utils.Database, *, local_only: bool = False) -> list[User]:
    """Users by creation; ``local_only``: the users of this computer, not the authors of changes
    received from other computers."""
    where = "WHERE home_node = ''" if local_only else ""
    return [
        User(r["user_id"], r["display_name"], r["role"], r["unit_code"])
        for r in db.query(f"SELECT * FROM user {where} ORDER BY created_at")
    ]


def add_user(db: sqlite_utils.Database, user: User) -> None:
    db.execute(
        "INSERT INTO user (user_id, display_name, role, unit_code, created_at) VALUES (?, ?, ?, ?, ?)",
        [user.user_id, user.display_name, user.role, user.unit_code, utc_now_text()],
    )


def user_names(db: sqlite_utils.Database) -> dict[str, str]:
    return {r["user_id"]: r["display_name"] for r in db.query("SELECT user_id, display_name FROM user")}


def update_user(db: sqlite_utils.Database, user_id: str, display_name: str, role: str) -> None:
    db.execute("UPDATE user SET display_name = ?, role = ? WHERE user_id = ?", [display_name, role, user_id])


def self_signing_private(db: sqlite_utils.Database) -> bytes:
    """This installation's raw Ed25519 private key, for signing what it writes."""
    row = db.execute("SELECT signing_private FROM node WHERE is_self = 1").fetchone()
    if row is None or not row[0]:
        raise LookupError("this database has no signing key")
    return bytes(row[0])


# -- login (issue 7 part 2; the rules are ``services.users`` and ``services.permissions``) ---------


def user_row(db: sqlite_utils.Database, user_id: str) -> dict | None:
    """The user's row (with ``active``, ``password_verifier`` and ``home_node``), or ``None``."""
    rows = list(db.query("SELECT * FROM user WHERE user_id = ?", [user_id]))
    return rows[0] if rows else None


def set_user_active(db: sqlite_utils.Database, user_id: str, active: bool) -> None:
    db.execute("UPDATE user SET active = ? WHERE user_id = ?", [1 if active else 0, user_id])


def set_password_verifier(db: sqlite_utils.Database, user_id: str, verifier: str) -> None:
    db.execute("UPDATE user SET password_verifier = ? WHERE user_id = ?", [verifier, user_id])


def user_groups(db: sqlite_utils.Database, user_id: str) -> list[str]:
    return [r[0] for r in db.execute("SELECT unit_code FROM user_group WHERE user_id = ? ORDER BY unit_code", [user_id])]


def set_user_groups(db: sqlite_utils.Database, user_id: str, group_codes: list[str]) -> None:
    db.execute("DELETE FROM user_group WHERE user_id = ?", [user_id])
    for code in sorted(set(group_codes)):
        db.execute("INSERT INTO user_group (user_id, unit_code) VALUES (?, ?)", [user_id, code])
