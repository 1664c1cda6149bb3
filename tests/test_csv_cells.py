"""CSV cells a spreadsheet would evaluate are neutralised, fullwidth and hidden ones too."""

import csv
import io

import pytest
from sqlalchemy import update

from campaign.models import Signature
from campaign.models.base import db
from campaign.services.exports import safe_cell
from tests.support import ALL_DEMANDS, bearer, signer

PETITION = ALL_DEMANDS
URL = f"/api/v1/petitions/{PETITION}/signatures"


@pytest.mark.parametrize(
    "text",
    [
        '\uff1dHYPERLINK("https://evil.example")',
        "\uff0b1+1",
        "\uff0d1+1",
        "\uff20SUM(A1)",
        "\u200b=1+1",
        "\ufeff+1+1",
        "\u2060-1+1",
        "\u180e@SUM(A1)",
        "\u200b\u200b\uff1d1",
    ],
)
def test_hidden_and_fullwidth_formula_starts_are_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Anahit", "\u200bAnahit", "Ａｎａｈｉｔ", "1\uff1d1"])
def test_plain_text_is_left_alone(text):
    assert safe_cell(text) == text


def test_export_quotes_a_fullwidth_formula_in_a_comment(make_app):
    app = make_app()
    client = app.test_client()
    assert client.post(URL, json=signer()).status_code == 201
    with app.app_context():
        db.session.execute(update(Signature).values(comment="\u200b\uff1dcmd|' /C calc'!A0"))
        db.session.commit()
    text = client.get(f"/api/v1/petitions/{PETITION}/signatures.csv", headers=bearer(app)).get_data(
        as_text=True
    )
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["comment"] == "'\u200b\uff1dcmd|' /C calc'!A0"
