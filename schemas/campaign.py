"""Campaigns as the public reads them: the letter, demands, targets, prisoners, petitions."""

import marshmallow as ma

from schemas import Schema
from schemas.advocacy import AdvocacySummarySchema
from schemas.petition import PetitionSummarySchema


class LetterSchema(Schema):
    date = ma.fields.Date(allow_none=True)
    title = ma.fields.String()
    senders = ma.fields.List(ma.fields.String())
    addressee = ma.fields.String()
    text = ma.fields.String()


class DemandSchema(Schema):
    slug = ma.fields.String()
    title = ma.fields.String()
    text = ma.fields.String()
    position = ma.fields.Integer()


class TargetSchema(Schema):
    slug = ma.fields.String()
    name = ma.fields.String(metadata={"description": "Empty where the source names no person"})
    title = ma.fields.String()
    organization = ma.fields.String()


class PrisonerSchema(Schema):
    slug = ma.fields.String()
    name = ma.fields.String()
    former_office = ma.fields.String()
    status = ma.fields.String(metadata={"enum": ["detained", "released"]})
    updated_at = ma.fields.AwareDateTime()


class LegislationSchema(Schema):
    slug = ma.fields.String()
    title = ma.fields.String()
    summary = ma.fields.String()


class CampaignSchema(Schema):
    slug = ma.fields.String()
    title = ma.fields.String()
    summary = ma.fields.String()
    status = ma.fields.String(
        metadata={
            "enum": ["draft", "active", "closed"],
            "description": "`draft` only in reads made with an organizer token",
        }
    )
    goal = ma.fields.Integer()
    signature_count = ma.fields.Integer(
        metadata={"description": "Counted signatures on all the campaign's petitions"}
    )
    signup_count = ma.fields.Integer()
    letter = ma.fields.Nested(LetterSchema)
    demands = ma.fields.List(ma.fields.Nested(DemandSchema))
    targets = ma.fields.List(ma.fields.Nested(TargetSchema))
    prisoners = ma.fields.List(ma.fields.Nested(PrisonerSchema))
    petitions = ma.fields.List(
        ma.fields.Nested(PetitionSummarySchema), attribute="listed_petitions"
    )
    legislation = ma.fields.List(ma.fields.Nested(LegislationSchema))
    advocacy_campaigns = ma.fields.List(
        ma.fields.Nested(AdvocacySummarySchema),
        metadata={"description": "Published letter and call campaigns"},
    )
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()


class CampaignListSchema(Schema):
    data = ma.fields.List(ma.fields.Nested(CampaignSchema))


class CampaignRefSchema(Schema):
    slug = ma.fields.String()
