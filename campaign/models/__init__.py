"""SQLAlchemy models: campaign content, constituents and their actions, and operational tables."""

from .actions import CampaignPerson, Person, Signature, Signup
from .advocacy import AdvocacyCampaign, AdvocacyParticipant, AdvocacyTarget, Outreach
from .content import (
    Campaign,
    Demand,
    Legislation,
    Petition,
    Prisoner,
    Target,
    petition_demands,
    petition_targets,
)
from .ops import ApiToken, Counter, IdempotencyKey, Milestone
from .outbox import ConfirmationToken, OutboxItem, Webhook

__all__ = [
    "AdvocacyCampaign",
    "AdvocacyParticipant",
    "AdvocacyTarget",
    "Outreach",
    "ApiToken",
    "Campaign",
    "CampaignPerson",
    "ConfirmationToken",
    "Counter",
    "Demand",
    "IdempotencyKey",
    "Legislation",
    "Milestone",
    "OutboxItem",
    "Person",
    "Petition",
    "Prisoner",
    "Signature",
    "Signup",
    "Target",
    "Webhook",
    "petition_demands",
    "petition_targets",
]
