"""Tallies: a petition's public counter, and a campaign's aggregate breakdowns."""

from datetime import UTC

import marshmallow as ma

from schemas import Schema


class TallySchema(Schema):
    signature_count = ma.fields.Integer()
    goal = ma.fields.Integer()
    percent = ma.fields.Float(
        allow_none=True, metadata={"description": "signature_count as a percentage of goal"}
    )
    next_milestone = ma.fields.Integer(
        allow_none=True, metadata={"description": "The next count that will be a milestone"}
    )
    updated_at = ma.fields.AwareDateTime()


class IntervalQuerySchema(Schema):
    interval = ma.fields.String(
        load_default="day",
        validate=ma.validate.OneOf(["hour", "day"]),
        metadata={"description": "Bucket size of `series`"},
    )


class TalliesQuerySchema(IntervalQuerySchema):
    since = ma.fields.AwareDateTime(
        default_timezone=UTC,
        metadata={"description": "Only buckets ending after this time (UTC if no zone)"},
    )
    until = ma.fields.AwareDateTime(
        default_timezone=UTC,
        metadata={"description": "Only buckets starting before this time (UTC if no zone)"},
    )

    @ma.validates_schema
    def since_before_until(self, data, **_kwargs):
        if "since" in data and "until" in data and data["since"] >= data["until"]:
            raise ma.ValidationError("Must be later than since.", "until")


class SlugCountSchema(Schema):
    slug = ma.fields.String()
    signature_count = ma.fields.Integer()


class CodeCountSchema(Schema):
    code = ma.fields.String()
    count = ma.fields.Integer()


class SourceCountSchema(Schema):
    source = ma.fields.String()
    count = ma.fields.Integer()


class SeriesPointSchema(Schema):
    start = ma.fields.AwareDateTime(metadata={"description": "Start of the hour or day (UTC)"})
    count = ma.fields.Integer()


class MilestoneSchema(Schema):
    petition = ma.fields.String(metadata={"description": "The petition's slug"})
    threshold = ma.fields.Integer()
    reached_at = ma.fields.AwareDateTime()


class TalliesSchema(Schema):
    signature_count = ma.fields.Integer(
        metadata={"description": "Counted signatures on all the campaign's petitions"}
    )
    petitions = ma.fields.List(ma.fields.Nested(SlugCountSchema))
    demands = ma.fields.List(ma.fields.Nested(SlugCountSchema))
    signup_count = ma.fields.Integer()
    people_count = ma.fields.Integer(
        metadata={"description": "Distinct people who signed or joined the campaign"}
    )
    by_country = ma.fields.List(ma.fields.Nested(CodeCountSchema))
    by_region = ma.fields.List(ma.fields.Nested(CodeCountSchema))
    by_source = ma.fields.List(ma.fields.Nested(SourceCountSchema))
    interval = ma.fields.String(metadata={"enum": ["hour", "day"]})
    series = ma.fields.List(ma.fields.Nested(SeriesPointSchema))
    milestones = ma.fields.List(ma.fields.Nested(MilestoneSchema))
