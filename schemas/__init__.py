"""Marshmallow schemas: one module per resource, plus the problem document.

Every schema derives from ``Schema`` below.
"""

import copy

import marshmallow as ma

# What every input refuses in its text, in one set of words: the schemas' fields and the
# request checks that run before them (campaign.hardening) say the same.
CONTROL_MESSAGE = "Control characters, line breaks and lone surrogates are not allowed."


class Schema(ma.Schema):
    """A marshmallow schema whose deep copy is a shallow one, as marshmallow's fields' are.

    flask-smorest and apispec deep-copy the documentation of every view, schema instances
    included, each time an app registers its blueprints; a schema is not changed after it is
    built, so copying its fields and their options over again buys nothing and took a
    quarter of building the app (82 against 60 ms), which every worker and every test pays.
    """

    def __deepcopy__(self, memo):
        return copy.copy(self)
