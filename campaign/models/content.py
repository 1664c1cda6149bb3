"""What a campaign says: the letter, its demands, targets, prisoners, petitions, legislation."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.models.base import db

from .types import AUTOINCREMENT, UTCDateTime, utcnow

CAMPAIGN_STATUSES = ("draft", "active", "closed")
PRISONER_STATUSES = ("detained", "released")


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Campaign(Timestamped, db.Model):
    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint(f"status IN {CAMPAIGN_STATUSES}", name="campaign_status"),
        CheckConstraint("goal >= 0", name="campaign_goal"),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    goal: Mapped[int] = mapped_column(Integer, default=0)
    letter_date: Mapped[date | None] = mapped_column(nullable=True)
    letter_title: Mapped[str] = mapped_column(String(300), default="")
    letter_senders: Mapped[list] = mapped_column(JSON, default=list)
    letter_addressee: Mapped[str] = mapped_column(String(300), default="")
    letter_text: Mapped[str] = mapped_column(Text, default="")

    demands: Mapped[list["Demand"]] = relationship(
        back_populates="campaign", order_by="Demand.position", cascade="all, delete-orphan"
    )
    targets: Mapped[list["Target"]] = relationship(
        back_populates="campaign", order_by="Target.position", cascade="all, delete-orphan"
    )
    prisoners: Mapped[list["Prisoner"]] = relationship(
        back_populates="campaign", order_by="Prisoner.position", cascade="all, delete-orphan"
    )
    petitions: Mapped[list["Petition"]] = relationship(
        back_populates="campaign", order_by="Petition.position", cascade="all, delete-orphan"
    )
    legislation: Mapped[list["Legislation"]] = relationship(
        back_populates="campaign", order_by="Legislation.position", cascade="all, delete-orphan"
    )

    @property
    def public_petitions(self) -> list["Petition"]:
        return [p for p in self.petitions if p.status in ("active", "closed")]

    @property
    def letter(self) -> dict:
        return {
            "date": self.letter_date,
            "title": self.letter_title,
            "senders": self.letter_senders,
            "addressee": self.letter_addressee,
            "text": self.letter_text,
        }


class Demand(db.Model):
    __tablename__ = "demands"
    __table_args__ = (db.UniqueConstraint("campaign_id", "slug"), AUTOINCREMENT)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="demands")


class Target(db.Model):
    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200))
    organization: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="targets")
    __table_args__ = (db.UniqueConstraint("campaign_id", "slug"), AUTOINCREMENT)


class Prisoner(Timestamped, db.Model):
    __tablename__ = "prisoners"
    __table_args__ = (
        db.UniqueConstraint("campaign_id", "slug"),
        CheckConstraint(f"status IN {PRISONER_STATUSES}", name="prisoner_status"),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    former_office: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(10), default="detained")
    position: Mapped[int] = mapped_column(Integer, default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="prisoners")


class Legislation(db.Model):
    __tablename__ = "legislation"
    __table_args__ = (db.UniqueConstraint("campaign_id", "slug"), AUTOINCREMENT)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="legislation")


petition_demands = Table(
    "petition_demands",
    db.metadata,
    Column("petition_id", ForeignKey("petitions.id", ondelete="CASCADE"), primary_key=True),
    Column("demand_id", ForeignKey("demands.id", ondelete="CASCADE"), primary_key=True),
)

petition_targets = Table(
    "petition_targets",
    db.metadata,
    Column("petition_id", ForeignKey("petitions.id", ondelete="CASCADE"), primary_key=True),
    Column("target_id", ForeignKey("targets.id", ondelete="CASCADE"), primary_key=True),
)


class Petition(Timestamped, db.Model):
    __tablename__ = "petitions"
    __table_args__ = (
        CheckConstraint(f"status IN {CAMPAIGN_STATUSES}", name="petition_status"),
        CheckConstraint("goal >= 0", name="petition_goal"),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    goal: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Signatures start pending and count once the signer confirms by email.
    requires_confirmation: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    campaign: Mapped[Campaign] = relationship(back_populates="petitions")
    demands: Mapped[list[Demand]] = relationship(
        secondary=petition_demands, order_by=Demand.position
    )
    targets: Mapped[list[Target]] = relationship(
        secondary=petition_targets, order_by=Target.position
    )

    @property
    def is_open(self) -> bool:
        return self.status == "active" and self.campaign.status == "active"
