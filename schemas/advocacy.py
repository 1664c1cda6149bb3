"""Advocacy campaigns (letters and calls to members of Congress or fixed targets): what the
public reads and sends, and what organizers create, edit and report on."""

import marshmallow as ma

from campaign.models.advocacy import ADVOCACY_TYPES, CALL_OUTCOMES, TARGETINGS
from schemas import Schema
from schemas.actions import ActionSchema, Text, WholeNumber
from schemas.tally import CodeCountSchema, SeriesPointSchema

TARGET_ID = {"description": "bioguide:<id> for members of Congress, the slug for fixed targets"}


class LookupTargetSchema(Schema):
    id = ma.fields.String(metadata=TARGET_ID)
    name = ma.fields.String()
    title = ma.fields.String()
    chamber = ma.fields.String(metadata={"enum": ["senate", "house", ""]})
    state = ma.fields.String()
    district = ma.fields.Integer(allow_none=True, metadata={"description": "0 is at-large"})
    party = ma.fields.String()
    phone = ma.fields.String()
    contact_form = ma.fields.String()


class FixedTargetSchema(Schema):
    slug = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^[a-z0-9-]{1,80}$"))
    name = Text(max_length=200)
    title = Text(max_length=200)
    organization = Text(max_length=200)
    email = ma.fields.Email()
    phone = Text(max_length=40)
    contact_form = ma.fields.Url(schemes={"http", "https"})


class AdvocacyCampaignSchema(Schema):
    slug = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String()
    type = ma.fields.String(metadata={"enum": list(ADVOCACY_TYPES)})
    targeting = ma.fields.String(metadata={"enum": list(TARGETINGS)})
    subject = ma.fields.String()
    template = ma.fields.String(metadata={"description": "The letter"})
    script = ma.fields.String(metadata={"description": "What to say on a call"})
    status = ma.fields.String()
    total_outreaches = ma.fields.Integer(metadata={"description": "One per target reached"})
    targets = ma.fields.Method("_targets", metadata={"description": "Fixed targets only"})

    def _targets(self, advocacy) -> list[dict]:
        return [
            {k: getattr(t, k) for k in ("slug", "name", "title", "organization")}
            | {"id": t.slug, "phone": t.phone, "contact_form": t.contact_form}
            for t in advocacy.targets
        ]


class AdvocacySummarySchema(Schema):
    slug = ma.fields.String()
    title = ma.fields.String()
    type = ma.fields.String()
    targeting = ma.fields.String()
    status = ma.fields.String()
    total_outreaches = ma.fields.Integer()


class LookupArgsSchema(Schema):
    postal_code = Text(max_length=20, load_default="")
    country = Text(max_length=2, load_default="US")


class LookupSchema(Schema):
    postal_code = ma.fields.String()
    country = ma.fields.String()
    states = ma.fields.List(ma.fields.String())
    districts = ma.fields.List(ma.fields.String(), metadata={"example": ["MA-7", "MA-8"]})
    ambiguous = ma.fields.Boolean(metadata={"description": "The ZIP spans several areas"})
    targets = ma.fields.List(ma.fields.Nested(LookupTargetSchema))
    data_as_of = ma.fields.String()
    reason = ma.fields.String(metadata={"description": "Why there are no targets, if none"})


class OutreachInputSchema(ActionSchema):
    message = Text(max_length=2000, multiline=True)
    targets = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=90)),
        validate=ma.validate.Length(max=20),
        metadata={"description": "Target ids, a subset of the lookup's; default all"},
    )
    outcome = ma.fields.String(validate=ma.validate.OneOf(CALL_OUTCOMES))
    duration = WholeNumber(
        validate=ma.validate.Range(min=0, max=86400),
        metadata={"description": "Seconds"},
    )


class ReachSchema(Schema):
    id = ma.fields.String(metadata=TARGET_ID)
    name = ma.fields.String()
    title = ma.fields.String()
    phone = ma.fields.String()
    phone_url = ma.fields.String(metadata={"example": "tel:+12022245824"})
    contact_form = ma.fields.String()
    email = ma.fields.String()
    subject = ma.fields.String()
    body = ma.fields.String(metadata={"description": "The letter to paste, or the call script"})


class OutreachReceiptSchema(Schema):
    """The same whether the person had written before or not."""

    advocacy_campaign = ma.fields.String()
    targets = ma.fields.List(ma.fields.Nested(ReachSchema))


class CountSchema(Schema):
    id = ma.fields.String()
    code = ma.fields.String()
    count = ma.fields.Integer()


class TargetCountSchema(Schema):
    id = ma.fields.String(metadata={"description": TARGET_ID["description"] + ", or `other`"})
    count = ma.fields.Integer()


class AdvocacyTalliesSchema(Schema):
    advocacy_campaign = ma.fields.String()
    total_outreaches = ma.fields.Integer()
    participants = ma.fields.Integer()
    by_target = ma.fields.List(ma.fields.Nested(TargetCountSchema))
    by_state = ma.fields.List(ma.fields.Nested(CodeCountSchema))
    interval = ma.fields.String(metadata={"enum": ["hour", "day"]})
    series = ma.fields.List(ma.fields.Nested(SeriesPointSchema))


class AdvocacyEditSchema(Schema):
    """What organizers set; on PATCH every field is optional."""

    slug = ma.fields.String(validate=ma.validate.Regexp(r"^[a-z0-9-]{1,80}$"))
    title = Text(min_length=1, max_length=300)
    description = Text(max_length=10000, multiline=True)
    type = ma.fields.String(validate=ma.validate.OneOf(ADVOCACY_TYPES))
    targeting = ma.fields.String(validate=ma.validate.OneOf(TARGETINGS))
    subject = Text(max_length=300)
    template = Text(max_length=20000, multiline=True)
    script = Text(max_length=20000, multiline=True)
    status = ma.fields.String(validate=ma.validate.OneOf(("draft", "active", "closed")))
    targets = ma.fields.List(
        ma.fields.Nested(FixedTargetSchema), validate=ma.validate.Length(max=50)
    )


CREATE_REQUIRED = ("slug", "title", "type", "targeting")


class AdvocacyCreateSchema(AdvocacyEditSchema):
    @ma.post_load
    def required(self, data, **kwargs):
        missing = [f for f in CREATE_REQUIRED if f not in data]
        if missing:
            raise ma.ValidationError({f: ["Missing data for required field."] for f in missing})
        return data


class ReportTargetSchema(Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    title = ma.fields.String()
    chamber = ma.fields.String()
    state = ma.fields.String()
    letters = ma.fields.Integer()
    calls = ma.fields.Integer()
    total = ma.fields.Integer()
    by_postal_code = ma.fields.List(ma.fields.Dict())


class ReportSchema(Schema):
    advocacy_campaign = ma.fields.String()
    type = ma.fields.String()
    targets = ma.fields.List(ma.fields.Nested(ReportTargetSchema))


class OutreachInvalidationSchema(Schema):
    id = ma.fields.Integer()
    status = ma.fields.String()
    invalidated = ma.fields.Integer(metadata={"description": "1 if it left the counts now"})
