"""Marshmallow schemas: one module per resource, plus the problem document."""
