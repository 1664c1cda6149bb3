"""Work to do outside the request: the outbox, organizers' webhooks, confirmation tokens.

The outbox is written in the same transaction as the business change it announces, so a
committed signature always has its email or webhook delivery queued, and a rolled-back one
never has.
"""

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaign.models.base import db

from .types import AUTOINCREMENT, UTCDateTime, utcnow

# "skipped": settled by a worker with nothing sent (a confirmation no longer needed, or over
# the inbox's daily cap); "failed": out of attempts.
OUTBOX_STATUSES = ("pending", "delivered", "skipped", "failed")
OUTBOX_KINDS = ("confirmation", "webhook", "letter")
# The events an organizer's webhook may ask for.
WEBHOOK_EVENTS = ("signature.counted", "signup.created", "outreach.created")


class OutboxItem(db.Model):
    """One message to deliver at least once; receivers dedupe by ``idempotency_key``."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(f"status IN {OUTBOX_STATUSES}", name="outbox_status"),
        CheckConstraint(f"kind IN {OUTBOX_KINDS}", name="outbox_kind"),
        # The worker's claim query: due pending rows, oldest first.
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    # What the item is about ("signature:12"), to cap re-sent confirmation emails.
    ref: Mapped[str] = mapped_column(String(40), default="", index=True)
    # Erasing a person removes what is queued about them.
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), nullable=True, index=True
    )
    webhook_id: Mapped[int | None] = mapped_column(
        ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=True, index=True
    )
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A worker's lease: until then the row is its own; a killed worker's lease runs out.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claimed_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # When a worker last readied it to go (a confirmation: its token stored, committed before
    # the send): from then on it counts toward the inbox's daily cap, delivered or not yet.
    # Kinds with no preparing step leave it empty.
    prepared_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Webhook(db.Model):
    """An organizer's HTTPS endpoint and the events it wants."""

    __tablename__ = "webhooks"
    __table_args__ = AUTOINCREMENT

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[str] = mapped_column(String(200))
    # Kept as given: the worker needs it to sign each body (HMAC), so it cannot be hashed.
    secret: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # Failed attempts since the last success.
    failures: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def event_list(self) -> list[str]:
        return [e for e in self.events.split(",") if e]


class ConfirmationToken(db.Model):
    """A hash of one emailed confirmation token; the token itself is never stored."""

    __tablename__ = "confirmation_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    signature_id: Mapped[int] = mapped_column(
        ForeignKey("signatures.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
