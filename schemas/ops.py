"""Operator endpoint bodies."""

import marshmallow as ma

from schemas import Schema


class HealthSchema(Schema):
    status = ma.fields.String(metadata={"example": "ok"})
