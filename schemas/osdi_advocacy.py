"""OSDI advocacy campaigns and outreaches: HAL resources out, the record-outreach helper in."""

import marshmallow as ma

from schemas import Schema
from schemas.actions import Text
from schemas.osdi import (
    OsdiDateTime,
    OsdiPersonInputSchema,
    OsdiReferrerDataInputSchema,
    OsdiResourceSchema,
    _Lenient,
    _page_schema,
    _tags,
)


class OsdiAdvocacyTargetSchema(Schema):
    given_name = ma.fields.String()
    family_name = ma.fields.String()
    name = ma.fields.String()
    title = ma.fields.String()
    organization = ma.fields.String()
    ocdid = ma.fields.String(metadata={"example": "ocd-division/country:us/state:la"})
    identifiers = ma.fields.List(ma.fields.String())


class OsdiAdvocacyCampaignSchema(OsdiResourceSchema):
    name = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String()
    template = ma.fields.String()
    browser_url = ma.fields.String()
    type = ma.fields.String(metadata={"enum": ["email", "phone"]})
    total_outreaches = ma.fields.Integer()
    targets = ma.fields.List(ma.fields.Nested(OsdiAdvocacyTargetSchema))


class OsdiOutreachReferrerSchema(Schema):
    source = ma.fields.String()
    referrer = ma.fields.String()
    website = ma.fields.String()
    url = ma.fields.String()


class OsdiOutreachSchema(OsdiResourceSchema):
    type = ma.fields.String(metadata={"enum": ["email", "phone"]})
    subject = ma.fields.String()
    message = ma.fields.String()
    duration = ma.fields.Integer(allow_none=True)
    targets = ma.fields.List(ma.fields.Nested(OsdiAdvocacyTargetSchema))
    action_date = OsdiDateTime()
    referrer_data = ma.fields.Nested(OsdiOutreachReferrerSchema)


OsdiAdvocacyCampaignPageSchema = _page_schema("advocacy_campaigns", OsdiAdvocacyCampaignSchema)
OsdiOutreachPageSchema = _page_schema("outreaches", OsdiOutreachSchema)


class OsdiTargetInputSchema(_Lenient):
    identifiers = ma.fields.List(Text(max_length=100), validate=ma.validate.Length(max=10))
    family_name = Text(max_length=100)
    given_name = Text(max_length=100)


class OsdiRecordOutreachSchema(_Lenient):
    person = ma.fields.Nested(OsdiPersonInputSchema, required=True)
    targets = ma.fields.List(
        ma.fields.Nested(OsdiTargetInputSchema),
        validate=ma.validate.Length(max=20),
        metadata={
            "description": "Which offered targets (by identifier such as bioguide:C001075, "
            "or family_name); default all the person's postal code gives"
        },
    )
    subject = Text(max_length=300)
    message = Text(max_length=2000, multiline=True)
    referrer_data = ma.fields.Nested(OsdiReferrerDataInputSchema)
    add_tags = _tags()
