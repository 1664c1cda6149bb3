"""Operational tables: counters, milestones, idempotency keys, organizer tokens."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaign.models.base import db

from .types import AUTOINCREMENT, UTCDateTime, utcnow


class Counter(db.Model):
    """One shard of a count kept as data.

    ``subject`` names what is counted ("petition:7", "demand:3", "campaign:1"), ``dimension``
    the breakdown ("total", "country", "region", "source", "hour", "signups", "people") and
    ``key`` its value ("AM", "2024-04-04T13"). A count is the sum over its shards, so that
    concurrent writers to one popular petition update different rows.
    """

    __tablename__ = "counters"

    subject: Mapped[str] = mapped_column(String(40), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True, default="")
    shard: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Milestone(db.Model):
    """When a petition's count first reached a threshold."""

    __tablename__ = "milestones"

    petition_id: Mapped[int] = mapped_column(
        ForeignKey("petitions.id", ondelete="CASCADE"), primary_key=True
    )
    threshold: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    reached_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyKey(db.Model):
    """The first response to a write made with an ``Idempotency-Key`` header."""

    __tablename__ = "idempotency_keys"

    scope: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ApiToken(db.Model):
    """An organizer's bearer token; only a keyed hash of the secret is kept."""

    __tablename__ = "api_tokens"
    __table_args__ = AUTOINCREMENT

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(s for s in self.scopes.split(",") if s)
