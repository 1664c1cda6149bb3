"""Inputs that once answered 500 answer a 4xx problem, and arbitrary input never a 5xx.

The named cases are the security review's; the property-based test posts arbitrary JSON,
headers and query strings to every write and filter endpoint.
"""

import json
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import NO_LIMITS, SIGNATURE_FIELDS, token

PETITION = "release-the-prisoners"
CAMPAIGN = "nagorno-karabakh-political-prisoners"
SIGN = f"/api/v1/petitions/{PETITION}/signatures"
PROBLEM = "application/problem+json"


@pytest.fixture
def open_app(make_app):
    return make_app(**NO_LIMITS, METRICS_TOKEN="metrics-secret")


@pytest.fixture
def secret(open_app):
    return token(open_app)


def post_raw(client, body: str):
    return client.post(SIGN, data=body.encode(), content_type="application/json")


def assert_problem(response, status: int, caplog) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Type"] == PROBLEM
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


BASE = '{"given_name": "Ani", "email": "ani@example.org", '


@pytest.mark.parametrize(
    "body",
    [
        BASE + '"consent": ' + "9" * 4400 + "}",
        BASE + '"website": ' + "9" * 4400 + "}",
        BASE + '"website": ' + "[" * 5000 + "]" * 5000 + "}",
        "[" * 5000 + "]" * 5000,
    ],
    ids=["digits", "digits-honeypot", "deep", "deep-top"],
)
def test_bodies_the_parser_cannot_take_are_400(open_app, body, caplog):
    response = post_raw(open_app.test_client(), body)
    assert_problem(response, 400, caplog)
    assert response.get_json()["type"].endswith("invalid-json")


@pytest.mark.parametrize(
    "encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-32"], ids=lambda name: name
)
def test_json_not_in_utf8_is_400_invalid_json(open_app, encoding, caplog):
    body = (BASE + '"postal_code": "0010"}').encode(encoding)
    response = open_app.test_client().post(SIGN, data=body, content_type="application/json")
    assert_problem(response, 400, caplog)
    assert response.get_json()["type"].endswith("invalid-json")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (BASE + '"website": "\\ud800"}', "website"),
        (BASE + '"website": {"a": ["\\ud800"]}}', "website"),
        (BASE + '"comment": "\\udfff"}', "comment"),
        ('{"\\ud800": 1}', "\\ud800"),
    ],
    ids=["honeypot", "honeypot-nested", "comment", "key"],
)
def test_lone_surrogates_are_422_naming_the_field(open_app, body, field, caplog):
    response = post_raw(open_app.test_client(), body)
    assert_problem(response, 422, caplog)
    assert list(response.get_json()["errors"]) == [field]


def test_the_osdi_helpers_refuse_them_too(open_app, caplog):
    client = open_app.test_client()
    for path in ("/osdi/v1/people", f"/osdi/v1/petitions/{PETITION}/signatures"):
        body = '{"person": {"email_addresses": [{"address": "a@example.org"}]}, "x": "\\ud800"}'
        response = client.post(path, data=body, content_type="application/json")
        assert_problem(response, 422, caplog)


@pytest.mark.parametrize("value", ["Bearer caf\u00e9", "Bearer cat_\u00e9\u00e9", "Bearer \u00ff"])
def test_non_ascii_bearer_tokens_are_401(open_app, value, caplog):
    client = open_app.test_client()
    for path in ("/metrics", f"/api/v1/petitions/{PETITION}/signatures", "/osdi/v1/people"):
        assert_problem(client.get(path, headers={"Authorization": value}), 401, caplog)
    response = client.get("/osdi/v1/people", headers={"OSDI-API-Token": value[7:]})
    assert_problem(response, 401, caplog)


@pytest.mark.parametrize(
    "text",
    [
        "created_date eq '9999-12-31'",
        "created_date gt '0001-01-01T00:00:00+23:59'",
        "modified_date lt '9999-12-31T23:59:59-23:59'",
        "modified_date eq '9999-12-31T23:59:59'",
    ],
)
def test_osdi_filters_at_the_ends_of_time_are_400(open_app, secret, text, caplog):
    client = open_app.test_client()
    for path in (
        "/osdi/v1/people",
        "/osdi/v1/petitions",
        f"/osdi/v1/petitions/{PETITION}/signatures",
    ):
        response = client.get(
            path, query_string={"filter": text}, headers={"Authorization": f"Bearer {secret}"}
        )
        assert_problem(response, 400, caplog)
        assert response.get_json()["type"].endswith("bad-filter")


# -- arbitrary input ------------------------------------------------------------------------

WRITES = [
    ("POST", SIGN),
    ("POST", f"/api/v1/campaigns/{CAMPAIGN}/signups"),
    ("POST", "/osdi/v1/people"),
    ("POST", f"/osdi/v1/petitions/{PETITION}/signatures"),
    ("PATCH", f"/api/v1/petitions/{PETITION}"),
    ("PATCH", f"/api/v1/campaigns/{CAMPAIGN}"),
    ("PUT", f"/api/v1/petitions/{PETITION}/confirmation"),
    ("POST", f"/api/v1/petitions/{PETITION}/signatures/invalidate"),
    ("POST", "/api/v1/people/erase"),
    ("POST", "/api/v1/webhooks"),
]
FILTERS = [
    "/osdi/v1/people",
    "/osdi/v1/petitions",
    f"/osdi/v1/petitions/{PETITION}/signatures",
    "/osdi/v1/people/1/signatures",
    f"/api/v1/campaigns/{CAMPAIGN}/tallies",
    f"/api/v1/petitions/{PETITION}/signatures",
    f"/api/v1/petitions/{PETITION}/signatures.csv",
    f"/api/v1/campaigns/{CAMPAIGN}/signups",
    f"/api/v1/campaigns/{CAMPAIGN}/signups.csv",
]
FIELDS = [
    *SIGNATURE_FIELDS,
    "website",
    "person",
    "email_addresses",
    "address",
    "postal_addresses",
    "add_lists",
    "comments",
    "referrer_data",
    "title",
    "goal",
    "status",
    "summary",
    "required",
    "url",
    "events",
    "signature_ids",
    "created_after",
]
PARAMS = [
    "filter",
    "page",
    "per_page",
    "limit",
    "starting_after",
    "since",
    "until",
    "status",
    "interval",
    "bom",
]
# Any code point, lone surrogates included: JSON can spell them as \\udXXX escapes.
any_text = st.text(st.characters(codec=None), max_size=30)
latin1 = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=40)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | any_text
    | st.sampled_from(["a@example.org", "AM", "2024-04-01T00:00:00Z", "counted"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | any_text, inner, max_size=5)
    ),
    max_leaves=12,
)
bodies = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8) | json_values
headers = st.dictionaries(
    st.sampled_from(
        [
            "Authorization",
            "OSDI-API-Token",
            "X-Widget-Key",
            "Idempotency-Key",
            "Origin",
            "X-Forwarded-For",
            "X-Request-ID",
            "If-None-Match",
        ]
    ),
    latin1,
    max_size=3,
)
query = st.dictionaries(
    st.sampled_from(PARAMS),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
    max_size=4,
)
filters = st.sampled_from(["created_date", "modified_date"]).flatmap(
    lambda field: st.builds(
        lambda op, moment: f"{field} {op} '{moment}'",
        st.sampled_from(["gt", "lt", "eq"]),
        st.datetimes(timezones=st.timezones() | st.none()).map(lambda d: d.isoformat())
        | st.dates().map(str),
    )
)


# Hypothesis's settings for both fuzzers: many cases, no per-case deadline on a shared machine.
MANY_EXAMPLES = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@MANY_EXAMPLES
@given(
    write=st.sampled_from(WRITES),
    body=bodies,
    sent_headers=headers,
    authorised=st.booleans(),
    raw_json=st.booleans(),
)
def test_arbitrary_writes_never_answer_5xx(
    open_app, secret, write, body, sent_headers, authorised, raw_json
):
    method, path = write
    if authorised:
        sent_headers = {**sent_headers, "Authorization": f"Bearer {secret}"}
    data = json.dumps(body, ensure_ascii=raw_json is False)
    response = open_app.test_client().open(
        path,
        method=method,
        data=data.encode("utf-8", "surrogatepass"),
        content_type="application/json",
        headers=sent_headers,
    )
    assert response.status_code < 500, (method, path, data[:200], response.get_data()[:300])


@MANY_EXAMPLES
@given(
    path=st.sampled_from(FILTERS),
    params=query,
    filter_text=st.none() | filters,
    sent_headers=headers,
    authorised=st.booleans(),
)
def test_arbitrary_filters_never_answer_5xx(
    open_app, secret, path, params, filter_text, sent_headers, authorised
):
    if filter_text is not None:
        params = {**params, "filter": filter_text}
    if authorised:
        sent_headers = {**sent_headers, "Authorization": f"Bearer {secret}"}
    response = open_app.test_client().get(path, query_string=params, headers=sent_headers)
    assert response.status_code < 500, (path, params, response.get_data()[:300])
