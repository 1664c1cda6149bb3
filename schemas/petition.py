"""Petitions as the public reads them."""

import marshmallow as ma

from schemas import Schema


class PetitionTargetSchema(Schema):
    name = ma.fields.String()
    title = ma.fields.String()
    organization = ma.fields.String()


class PetitionSummarySchema(Schema):
    slug = ma.fields.String()
    title = ma.fields.String()
    goal = ma.fields.Integer()
    status = ma.fields.String(
        metadata={
            "enum": ["draft", "active", "closed"],
            "description": "`draft` only in reads made with an organizer token",
        }
    )
    signature_count = ma.fields.Integer()
    demands = ma.fields.Pluck("schemas.campaign.DemandSchema", "slug", many=True)


class PetitionSchema(PetitionSummarySchema):
    text = ma.fields.String()
    campaign = ma.fields.Pluck("schemas.campaign.CampaignRefSchema", "slug")
    targets = ma.fields.List(ma.fields.Nested(PetitionTargetSchema))
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()
