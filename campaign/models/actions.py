"""Constituents and what they do: people, petition signatures, campaign sign-ups."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false as sa_false

from campaign.models.base import db

from .types import AUTOINCREMENT, UTCDateTime, utcnow

SIGNATURE_STATUSES = ("counted", "pending", "invalidated")


class Person(db.Model):
    __tablename__ = "people"
    __table_args__ = AUTOINCREMENT

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    # Unique on the canonical form so that case, Gmail dots and +tags cannot sign twice.
    email_canonical: Mapped[str] = mapped_column(String(320), unique=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )


class Signature(db.Model):
    __tablename__ = "signatures"
    __table_args__ = (
        db.UniqueConstraint("petition_id", "person_id", name="one_signature_per_person"),
        CheckConstraint(f"status IN {SIGNATURE_STATUSES}", name="signature_status"),
        Index("ix_signatures_petition_id_id", "petition_id", "id"),
        Index("ix_signatures_person_id", "person_id"),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default="counted")
    # What the signer typed, kept on the action: a public write never rewrites the person,
    # and breakdowns stay exact when the person moves later.
    given_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    family_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="", server_default="")
    consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    country: Mapped[str] = mapped_column(String(2), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(64), default="")
    referrer: Mapped[str] = mapped_column(String(2048), default="")
    ip_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When it entered the counts: its hour bucket comes from this, so removal is exact.
    counted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    person: Mapped["Person"] = relationship()
    petition = relationship("Petition")


class Signup(db.Model):
    __tablename__ = "signups"
    __table_args__ = (
        db.UniqueConstraint("campaign_id", "person_id", name="one_signup_per_person"),
        Index("ix_signups_campaign_id_id", "campaign_id", "id"),
        Index("ix_signups_person_id", "person_id"),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    # What the person typed with this sign-up (see Signature).
    given_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    family_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="", server_default="")
    country: Mapped[str] = mapped_column(String(2), default="", server_default="")
    region: Mapped[str] = mapped_column(String(100), default="", server_default="")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(64), default="")
    referrer: Mapped[str] = mapped_column(String(2048), default="")
    ip_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped["Person"] = relationship()
    campaign = relationship("Campaign")


class CampaignPerson(db.Model):
    """A person who has signed or joined a campaign, once: what ``people_count`` counts.

    The primary key makes "is this person new to the campaign?" exact under concurrency:
    the insert that wins counts, the others find the row and do not.
    """

    __tablename__ = "campaign_people"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
