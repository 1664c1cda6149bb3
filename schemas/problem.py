"""The RFC 9457 problem document every error is returned as."""

import marshmallow as ma

from schemas import Schema


class ProblemSchema(Schema):
    class Meta:
        # RFC 9457 lets a problem carry extension members (OSDI's ``osdi:error``, for one).
        unknown = ma.INCLUDE

    type = ma.fields.String(
        metadata={"description": "URI naming the kind of problem; about:blank for plain HTTP"}
    )
    title = ma.fields.String(metadata={"description": "Short summary of the status"})
    status = ma.fields.Integer(metadata={"description": "HTTP status code"})
    detail = ma.fields.String(metadata={"description": "What went wrong with this request"})
    instance = ma.fields.String(metadata={"description": "The path that was requested"})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        metadata={"description": "Field name to list of messages, for invalid input"},
    )
