"""Personal-data rights and confirmation settings: what organizers send and get back."""

import marshmallow as ma

from schemas import Schema


class EmailArgsSchema(Schema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=320))


class ErasureSchema(Schema):
    person_id = ma.fields.Integer()
    signatures = ma.fields.Integer(metadata={"description": "Signatures deleted"})
    signups = ma.fields.Integer(metadata={"description": "Sign-ups deleted"})
    outreaches = ma.fields.Integer(metadata={"description": "Letters and calls deleted"})


class PersonExportSchema(Schema):
    """Everything held about one person; the nested records are passed through as kept."""

    person = ma.fields.Dict()
    signatures = ma.fields.List(ma.fields.Dict())
    signups = ma.fields.List(ma.fields.Dict())
    campaigns = ma.fields.List(ma.fields.String())
    outreaches = ma.fields.List(ma.fields.Dict())
    messages = ma.fields.List(ma.fields.Dict())


class ConfirmationSettingSchema(Schema):
    requires_confirmation = ma.fields.Boolean(required=True)


class ConfirmationCountsSchema(Schema):
    petition = ma.fields.String()
    requires_confirmation = ma.fields.Boolean()
    signature_count = ma.fields.Integer(metadata={"description": "Confirmed, counted"})
    pending_count = ma.fields.Integer(metadata={"description": "Waiting for confirmation"})
