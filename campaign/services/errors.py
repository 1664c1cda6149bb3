"""What the domain refuses, in its own words. Services raise these and speak no HTTP; the
API layer's one error handler (``campaign.errors``) turns each kind into a problem document."""


class Refused(Exception):
    """A request the domain will not carry out. ``slug`` names the problem type and
    ``errors`` maps field names to messages where the fault lies in given fields."""

    def __init__(self, detail: str, *, slug: str, errors: dict | None = None, headers=None):
        super().__init__(detail)
        self.detail = detail
        self.slug = slug
        self.errors = errors
        self.headers = headers or {}


class NotFound(Refused):
    """Nothing is published (or, for organizers, stored) under that name."""


class Conflict(Refused):
    """The thing exists but its state forbids the request (a closed petition, say)."""


class Invalid(Refused):
    """The request is well formed but some fields are not acceptable."""


class Malformed(Refused):
    """The request cannot be read as asked (a filter or header that does not parse)."""
