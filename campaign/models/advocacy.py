"""Advocacy campaigns: letters and calls to constituents' own members of Congress or to fixed
targets, and each outreach (one person's letter or call to one target)."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.models.base import db

from .content import CAMPAIGN_STATUSES, Campaign, Timestamped
from .types import AUTOINCREMENT, UTCDateTime, utcnow

ADVOCACY_TYPES = ("letter", "call")
TARGETINGS = ("senators", "representative", "congress", "fixed")
OUTREACH_STATUSES = ("counted", "invalidated")
CALL_OUTCOMES = ("talked", "voicemail", "no-answer")


class AdvocacyCampaign(Timestamped, db.Model):
    __tablename__ = "advocacy_campaigns"
    __table_args__ = (
        CheckConstraint(f"status IN {CAMPAIGN_STATUSES}", name="advocacy_status"),
        CheckConstraint(f"type IN {ADVOCACY_TYPES}", name="advocacy_type"),
        CheckConstraint(f"targeting IN {TARGETINGS}", name="advocacy_targeting"),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(String(10), default="letter")
    targeting: Mapped[str] = mapped_column(String(20), default="senators")
    subject: Mapped[str] = mapped_column(String(300), default="")
    template: Mapped[str] = mapped_column(Text, default="")
    script: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    position: Mapped[int] = mapped_column(Integer, default=0)

    campaign: Mapped[Campaign] = relationship()
    targets: Mapped[list["AdvocacyTarget"]] = relationship(
        back_populates="advocacy_campaign",
        order_by="AdvocacyTarget.position",
        cascade="all, delete-orphan",
    )

    @property
    def is_open(self) -> bool:
        return self.status == "active" and self.campaign.status == "active"


class AdvocacyTarget(db.Model):
    """A fixed target of an advocacy campaign (targeting ``fixed``)."""

    __tablename__ = "advocacy_targets"
    __table_args__ = (db.UniqueConstraint("advocacy_campaign_id", "slug"), AUTOINCREMENT)

    id: Mapped[int] = mapped_column(primary_key=True)
    advocacy_campaign_id: Mapped[int] = mapped_column(
        ForeignKey("advocacy_campaigns.id", ondelete="CASCADE")
    )
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    organization: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    contact_form: Mapped[str] = mapped_column(String(2048), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    advocacy_campaign: Mapped[AdvocacyCampaign] = relationship(back_populates="targets")


class Outreach(db.Model):
    """One person's letter or call to one target; what they typed is kept on the row."""

    __tablename__ = "outreaches"
    __table_args__ = (
        db.UniqueConstraint(
            "advocacy_campaign_id", "person_id", "target_id", name="one_outreach_per_target"
        ),
        CheckConstraint(f"status IN {OUTREACH_STATUSES}", name="outreach_status"),
        Index("ix_outreaches_advocacy_campaign_id_id", "advocacy_campaign_id", "id"),
        Index("ix_outreaches_person_id", "person_id"),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    advocacy_campaign_id: Mapped[int] = mapped_column(
        ForeignKey("advocacy_campaigns.id", ondelete="CASCADE")
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    # "bioguide:M000133" or a fixed target's slug; name and office as they were then.
    target_id: Mapped[str] = mapped_column(String(90))
    target_name: Mapped[str] = mapped_column(String(200), default="")
    target_title: Mapped[str] = mapped_column(String(200), default="")
    chamber: Mapped[str] = mapped_column(String(10), default="")
    state: Mapped[str] = mapped_column(String(2), default="")
    district: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="counted")
    given_name: Mapped[str] = mapped_column(String(100), default="")
    family_name: Mapped[str] = mapped_column(String(100), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    subject: Mapped[str] = mapped_column(String(300), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(12), default="")
    duration: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source: Mapped[str] = mapped_column(String(64), default="")
    referrer: Mapped[str] = mapped_column(String(2048), default="")
    ip_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    advocacy_campaign: Mapped[AdvocacyCampaign] = relationship()


class AdvocacyParticipant(db.Model):
    """A person with at least one counted outreach in an advocacy campaign: the participants
    count, exact under concurrency because the insert that wins is the one that counts."""

    __tablename__ = "advocacy_participants"

    advocacy_campaign_id: Mapped[int] = mapped_column(
        ForeignKey("advocacy_campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
