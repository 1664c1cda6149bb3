"""URL converters: ids in paths stay within the database's integer range.

Werkzeug's ``int`` accepts any number of digits; one past the range of the id columns would
reach the driver and fail there (a 500) instead of simply naming nothing (a 404).
"""

from flask import Flask
from werkzeug.routing import IntegerConverter

# Id columns are INTEGER on PostgreSQL (32-bit signed); SQLite's are wider.
MAX_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register(app: Flask) -> None:
    """Before any route is added: rules pick their converters when they are added."""
    app.url_map.converters["int"] = BoundedIntegerConverter
