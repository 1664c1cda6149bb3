"""CSV exports: streamed, attachments, UTF-8, and safe to open in a spreadsheet."""

import csv
import io

import pytest

from campaign.services import catalog, exports
from tests.support import CAMPAIGN, PETITION, bearer, join, sign

SIGNERS_CSV = f"/api/v1/petitions/{PETITION}/signatures.csv"
SIGNUPS_CSV = f"/api/v1/campaigns/{CAMPAIGN}/signups.csv"


@pytest.fixture
def exporter(app):
    return bearer(app, "export")


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_signers_csv_is_a_streamed_utf8_attachment(app, client, exporter):
    sign(app, "ani@example.org", given_name="Անի", family_name="Սարգսյան", comment="Ազատություն")
    sign(app, "olga@example.org", given_name="Ольга", comment='Say "free", now,\nplease')
    response = client.get(SIGNERS_CSV, headers=exporter, buffered=False)
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{PETITION}-signatures.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    rows = rows_of(response)
    assert rows[0] == list(exports.SIGNATURE_HEADER)
    assert [r[1] for r in rows[1:]] == ["Անի", "Ольга"]
    assert rows[1][7] == "Ազատություն"
    assert rows[2][7] == 'Say "free", now,\nplease'  # quoting survives a round trip
    assert rows[1][10] == "counted"


def test_formula_cells_are_neutralised(app, client, exporter):
    sign(
        app,
        "eve@example.org",
        given_name='=HYPERLINK("http://evil.test","x")',
        family_name="+1+1",
        comment="-2+3",
        source="@SUM(A1)",
        referrer="\tx",
        postal_code="\r=1",
    )
    sign(app, "fine@example.org", given_name="Ani", comment="a = b, fine")
    rows = rows_of(client.get(SIGNERS_CSV, headers=exporter))
    header, evil, fine = rows
    cell = dict(zip(header, evil, strict=True))
    assert cell["given_name"] == '\'=HYPERLINK("http://evil.test","x")'
    assert cell["family_name"] == "'+1+1"
    assert cell["comment"] == "'-2+3"
    assert cell["source"] == "'@SUM(A1)"
    assert cell["referrer"] == "'\tx"
    assert cell["postal_code"] == "'\r=1"
    assert dict(zip(header, fine, strict=True))["comment"] == "a = b, fine"
    assert fine[1] == "Ani"


def test_bom_on_request_for_excel(app, client, exporter):
    sign(app, "ani@example.org")
    plain = client.get(SIGNERS_CSV, headers=exporter).get_data()
    with_bom = client.get(SIGNERS_CSV + "?bom=true", headers=exporter).get_data()
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert with_bom == b"\xef\xbb\xbf" + plain


def test_csv_needs_the_export_scope(app, client):
    assert client.get(SIGNERS_CSV).status_code == 401
    assert client.get(SIGNERS_CSV, headers=bearer(app, "read,manage")).status_code == 403
    assert client.get(SIGNUPS_CSV, headers=bearer(app, "read")).status_code == 403


def test_status_and_since_filter_the_csv(app, client, exporter):
    sign(app, "a@example.org")
    rows = rows_of(client.get(SIGNERS_CSV + "?status=invalidated", headers=exporter))
    assert rows == [list(exports.SIGNATURE_HEADER)]
    rows = rows_of(client.get(SIGNERS_CSV + "?since=2999-01-01T00:00:00Z", headers=exporter))
    assert len(rows) == 1
    assert client.get(SIGNERS_CSV + "?since=soon", headers=exporter).status_code == 422


def test_batches_walk_every_row_once(app):
    for i in range(7):
        sign(app, f"b{i}@example.org")
    with app.app_context():
        petition = catalog.find_petition(PETITION, drafts=True)
        for batch in (1, 2, 3, 7, 100):
            text = b"".join(exports.signatures_csv(petition, batch=batch)).decode()
            emails = [row[3] for row in csv.reader(io.StringIO(text))][1:]
            assert emails == [f"b{i}@example.org" for i in range(7)], batch


def test_signups_csv(app, client, exporter):
    join(app, "ani@example.org", given_name="Անի", source="=cmd|' /C calc'!A0")
    join(app, "bo@example.org", consent=False)
    response = client.get(SIGNUPS_CSV, headers=exporter)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{CAMPAIGN}-signups.csv"'
    )
    header, ani, bo = rows_of(response)
    assert header == list(exports.SIGNUP_HEADER)
    ani, bo = dict(zip(header, ani, strict=True)), dict(zip(header, bo, strict=True))
    assert ani["given_name"] == "Անի" and ani["consent"] == "true"
    assert ani["source"] == "'=cmd|' /C calc'!A0"
    assert bo["consent"] == "false"
