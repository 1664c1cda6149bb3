"""The text fields' control-character rule, checked against Unicode's own categories."""

import sys
import unicodedata

import marshmallow as ma
import pytest

from schemas.actions import REFUSED, REFUSED_BUT_LINES, Text


def test_refused_ranges_are_exactly_the_control_and_surrogate_categories():
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        refused = unicodedata.category(char) in {"Cc", "Cs"}
        assert bool(REFUSED.search(char)) is refused, hex(code)
        assert bool(REFUSED_BUT_LINES.search(char)) is (refused and char not in "\t\n"), hex(code)


@pytest.mark.parametrize("value", ["a\x00b", "a\x1bb", "a\x85b", "a\ud800b", "a\rb"])
def test_a_single_line_text_refuses_controls(value):
    with pytest.raises(ma.ValidationError, match="Control characters"):
        Text(max_length=50).deserialize(value)


def test_a_multiline_text_keeps_tabs_and_line_breaks_in_one_form():
    field = Text(max_length=50, multiline=True)
    assert field.deserialize(" one\r\ntwo\tthree\n") == "one\ntwo\tthree"
    with pytest.raises(ma.ValidationError, match="Control characters"):
        field.deserialize("one\rtwo")


def test_format_characters_such_as_the_zero_width_joiner_pass():
    assert Text(max_length=50).deserialize("👩\u200d💻 Անահիտ") == "👩\u200d💻 Անահիտ"
