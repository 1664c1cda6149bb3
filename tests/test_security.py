"""Hostile input and what leaks: every public answer is free of other people's data, organizer
routes refuse bad tokens, injection strings are harmless, spoofed addresses change nothing,
oversized requests are refused, and no error shows a stack trace or SQL.

Routes are found from the URL map and the OpenAPI document, so routes added later are
covered without editing this file.
"""

import json
import os
import re
import socket
import sys
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from campaign.models import Campaign, Petition
from campaign.models.base import db
from campaign.services import tokens
from tests.servers import listening_socket, running
from tests.support import token

PAYLOADS = [
    "' OR '1'='1",
    "1' OR 1=1--",
    "'; DROP TABLE signatures; --",
    '" OR ""="',
    "1 UNION SELECT email, given_name FROM people--",
    "$(sleep 5)",
    "../../../../etc/passwd",
    "..\\..\\..\\windows\\win.ini",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "....//....//etc/passwd",
    "/etc/passwd\x00.json",
    "a\x00b",
    "{{7*7}}${7*7}",
    "<script>alert(1)</script>",
    "%_%",
    "Ա" * 300,
]
LEAK_MARKERS = re.compile(
    r"Traceback|File \"|sqlalchemy|psycopg|sqlite3|\bSELECT\b|\bINSERT\b|\bUPDATE\b .* SET|"
    r"OperationalError|ProgrammingError|IntegrityError|/site-packages/",
    re.IGNORECASE,
)
PERSON_A = {
    "given_name": "Zabelqx",
    "family_name": "Ter-Mkrtchyanqx",
    "email": "zabel.qxprivate@example.org",
    "postal_code": "QX 4417",
    "country": "AM",
    "consent": True,
}
PERSON_B = {
    "given_name": "Bob",
    "family_name": "Other",
    "email": "bob.other@example.net",
    "postal_code": "1000",
    "country": "NL",
}
A_ADDR = {"REMOTE_ADDR": "198.51.100.7"}
B_ADDR = {"REMOTE_ADDR": "198.51.100.99"}
SKIPPED_RULES = ("/metrics", "/docs/assets/", "/static/")


def assert_clean(response, sent: str = "") -> None:
    """No stack trace, driver name or SQL in the body; server errors never happen.

    The caller's own string may be echoed back (a 404 names the slug asked for); only what
    the server adds is searched.
    """
    body = response.get_data(as_text=True)
    assert response.status_code < 500, (response.status, body[:500])
    if response.status_code >= 400 and sent:
        for form in (sent, json.dumps(sent)[1:-1], repr(sent)[1:-1], quote(sent, safe="/")):
            body = body.replace(form, "")
    if response.status_code >= 400:
        assert not LEAK_MARKERS.search(body), body[:500]


def slugs(app) -> dict[str, str]:
    with app.app_context():
        petition = db.session.scalars(sa.select(Petition.slug).order_by(Petition.id)).first()
        campaign = db.session.scalars(sa.select(Campaign.slug).order_by(Campaign.id)).first()
    return {"petition": petition, "campaign": campaign}


def fill(rule: str, found: dict[str, str], value: str | None = None) -> str:
    """The rule's path with each variable replaced by a real slug (or by ``value``)."""

    def replace(match: re.Match) -> str:
        if value is not None:
            return quote(value, safe="")
        if match.group(0).startswith("<int:") or match.group(0).endswith("_id>"):
            return "1"
        segment = rule[: match.start()].rstrip("/").split("/")[-1]
        return found["petition"] if "petition" in segment else found["campaign"]

    return re.sub(r"<(?:[a-z]+:)?[a-z_]+>", replace, rule)


def rules(app, method: str):
    for rule in app.url_map.iter_rules():
        if method in rule.methods and not rule.rule.startswith(SKIPPED_RULES):
            yield rule.rule


def post_rule(app, suffix: str) -> str:
    """The first POST route ending in ``suffix``; a renamed route fails here, never skips."""
    found = [r for r in rules(app, "POST") if r.endswith(suffix)]
    assert found, f"no POST route ends in {suffix}"
    return found[0]


def organizer_operations(client):
    spec = client.get("/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            security = operation.get("security") if isinstance(operation, dict) else None
            # A {} alternative means the token is optional: the operation is public.
            if security and {} not in security:
                yield path, method.upper(), operation


def openapi_path(path: str, found: dict[str, str], value: str | None = None) -> str:
    return fill(re.sub(r"{([a-z_]+)}", r"<\1>", path), found, value)


@pytest.fixture
def signed(app, client):
    """Person A has signed a petition and joined the campaign; B signed too."""
    sign = post_rule(app, "/signatures")
    join = post_rule(app, "/signups")
    found = slugs(app)
    a = client.post(fill(sign, found), json=PERSON_A, environ_base=A_ADDR)
    assert a.status_code == 201, a.get_data(as_text=True)
    joined = client.post(fill(join, found), json=PERSON_A, environ_base=A_ADDR)
    assert joined.status_code == 201, joined.get_data(as_text=True)
    b = client.post(fill(sign, found), json=PERSON_B, environ_base=B_ADDR)
    assert b.status_code == 201
    return found


def a_traces(text: str) -> list[str]:
    text = text.lower()
    needles = [
        PERSON_A["email"],
        PERSON_A["email"].split("@")[0],
        PERSON_A["given_name"],
        PERSON_A["family_name"],
        PERSON_A["postal_code"],
        PERSON_A["postal_code"].replace(" ", ""),
    ]
    return [needle for needle in needles if needle.lower() in text]


def test_no_public_response_carries_another_persons_data(app, client, signed):
    seen = 0
    for rule in rules(app, "GET"):
        for query in ("", "?format=csv", "?limit=100"):
            response = client.get(fill(rule, signed) + query, environ_base=B_ADDR)
            headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
            # Images (the link-preview card) are read as text too, undecodable bytes replaced.
            body = response.get_data().decode("utf-8", "replace")
            assert not a_traces(body + headers), (rule, query)
            seen += response.status_code == 200
    assert seen >= 4
    # B's own writes answer with nothing of A's either.
    for suffix in ("/signatures", "/signups"):
        rule = post_rule(app, suffix)
        response = client.post(fill(rule, signed), json=PERSON_B, environ_base=B_ADDR)
        assert not a_traces(response.get_data(as_text=True))


def test_signing_with_someone_elses_email_reveals_nothing(app, client, signed):
    rule = post_rule(app, "/signatures")
    fresh = dict(PERSON_B, email="carol.new@example.com")
    first = client.post(fill(rule, signed), json=fresh, environ_base=B_ADDR)
    impostor = dict(PERSON_B, email=PERSON_A["email"])
    again = client.post(fill(rule, signed), json=impostor, environ_base=B_ADDR)
    assert first.status_code == again.status_code
    assert set(first.get_json()) == set(again.get_json())
    assert not a_traces(again.get_data(as_text=True).replace(PERSON_A["email"], ""))


def _tokens(app):
    made = {scope: token(app, scope) for scope in tokens.SCOPES}
    made["all"] = token(app)
    made["revoked"] = token(app, name="revoked")
    with app.app_context():
        tokens.revoke("revoked")
        db.session.commit()
    return made


def test_organizer_operations_refuse_missing_wrong_revoked_and_underscoped_tokens(app, client):
    found = slugs(app)
    operations = list(organizer_operations(client))
    assert operations
    made = _tokens(app)
    bad = {
        "missing": {},
        "wrong": {"Authorization": "Bearer cat_" + "x" * 43},
        "not bearer": {"Authorization": "Basic " + made["manage"]},
        "empty": {"Authorization": "Bearer "},
        "revoked": {"Authorization": f"Bearer {made['revoked']}"},
    }
    for path, method, _ in operations:
        url = openapi_path(path, found)
        for name, headers in bad.items():
            response = client.open(url, method=method, headers=headers, json={})
            assert response.status_code == 401, (method, path, name, response.status_code)
            assert response.content_type == "application/problem+json"
            assert not a_traces(response.get_data(as_text=True))
        refused = [
            scope
            for scope in tokens.SCOPES
            if client.open(
                url, method=method, json={}, headers={"Authorization": f"Bearer {made[scope]}"}
            ).status_code
            == 403
        ]
        # Scopes are disjoint: a one-scope token lacking the needed one is refused.
        assert refused, (method, path)


def test_injection_and_traversal_in_path_parameters_are_harmless(app, client):
    found = slugs(app)
    for rule in rules(app, "GET"):
        if "<" not in rule:
            continue
        for payload in PAYLOADS:
            response = client.get(fill(rule, found, payload))
            assert_clean(response, payload)
            assert response.status_code != 200 or "passwd" not in payload, rule
    for rule in [r for r in rules(app, "POST") if "<" in r]:
        for payload in PAYLOADS:
            assert_clean(client.post(fill(rule, found, payload), json=PERSON_B), payload)
    _database_intact(app, client, found)


def test_injection_strings_in_every_body_field_are_harmless(app, client):
    found = slugs(app)
    posted = [post_rule(app, "/signatures"), post_rule(app, "/signups")]
    fields = [*PERSON_A.keys(), "region", "comment", "source", "referrer", "website"]
    for rule in posted:
        for number, field in enumerate(fields):
            for payload in PAYLOADS:
                body = dict(PERSON_B, email=f"inject{number}@example.org")
                body[field] = payload
                response = client.post(
                    fill(rule, found), json=body, headers={"Idempotency-Key": payload[:60]}
                )
                assert_clean(response, payload)
                if response.status_code >= 400:
                    assert response.content_type == "application/problem+json"
    _database_intact(app, client, found)


def test_injection_strings_in_query_parameters_are_harmless(app, client):
    found = slugs(app)
    made = _tokens(app)
    everything = {"Authorization": f"Bearer {made['all']}"}
    spec = client.get("/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "get" or not isinstance(operation, dict):
                continue
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            for name in names:
                for payload in PAYLOADS:
                    response = client.get(
                        openapi_path(path, found), query_string={name: payload}, headers=everything
                    )
                    assert_clean(response, payload)
    _database_intact(app, client, found)


def _string_properties(spec: dict, operation: dict) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = next(iter(content.values()), {}).get("schema", {})
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    properties = schema.get("properties", {})
    return [name for name, prop in properties.items() if prop.get("type") == "string"]


def test_injection_strings_in_organizer_bodies_are_harmless(app, client):
    found = slugs(app)
    everything = {"Authorization": f"Bearer {_tokens(app)['all']}"}
    spec = client.get("/openapi.json").get_json()
    sent = 0
    for path, method, operation in organizer_operations(client):
        for name in _string_properties(spec, operation):
            for payload in PAYLOADS:
                url = openapi_path(path, found)
                response = client.open(url, method=method, json={name: payload}, headers=everything)
                assert_clean(response, payload)
                sent += 1
    assert sent, "no organizer operation takes a JSON body with strings"
    _database_intact(app, client, found)


def _database_intact(app, client, found) -> None:
    assert client.get(f"/api/v1/petitions/{found['petition']}").status_code == 200
    with app.app_context():
        inspector = sa.inspect(db.engine)
        for table in ("signatures", "people", "petitions", "counters"):
            assert inspector.has_table(table), table


def test_x_forwarded_for_is_ignored_without_trusted_proxies(make_app):
    app = make_app(SIGNATURE_RATE_LIMIT="2/minute", TRUSTED_PROXY_HOPS=0)
    rule = post_rule(app, "/signatures")
    client = app.test_client()
    url = fill(rule, slugs(app))
    codes = []
    for n in range(4):
        spoof = {
            "X-Forwarded-For": f"203.0.113.{n}",
            "X-Real-IP": f"203.0.113.{n}",
            "Forwarded": f"for=203.0.113.{n}",
        }
        response = client.post(
            url,
            json=dict(PERSON_B, email=f"spoof{n}@example.org"),
            headers=spoof,
            environ_base=B_ADDR,
        )
        codes.append(response.status_code)
    assert codes == [201, 201, 429, 429]


def test_bodies_over_the_limit_are_refused(app, client):
    found = slugs(app)
    limit = app.config["MAX_BODY_BYTES"]
    for rule in [*rules(app, "POST"), "/api/v1/campaigns"]:
        big = '{"comment": "' + "x" * (limit + 10) + '"}'
        response = client.post(fill(rule, found), data=big, content_type="application/json")
        # Refused before routing: a GET-only path gets 413 too, not 405.
        assert response.status_code == 413, rule
        assert_clean(response)


def test_every_response_has_security_headers(app, client):
    found = slugs(app)
    urls = [fill(rule, found) for rule in rules(app, "GET")]
    urls += ["/nowhere", "/api/v1/petitions/nope", "/docs"]
    for url in urls:
        response = client.get(url)
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers.get("Referrer-Policy"), url
        csp = response.headers.get("Content-Security-Policy", "")
        assert csp, url
        if response.mimetype == "text/html":
            assert re.search(r"default-src '(none|self)'", csp), (url, csp)
            assert "unsafe-eval" not in csp and "default-src *" not in csp, (url, csp)
    refused = client.post("/api/v1/campaigns", data="x", content_type="text/plain")
    assert refused.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unexpected_error_shows_no_trace_or_sql(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    def explode():
        raise RuntimeError("SELECT email FROM people WHERE given_name = 'secret'")

    def explode_in_sql():
        db.session.execute(sa.text("SELECT no_such_column FROM people"))

    app.add_url_rule("/test-only/explode", "explode", explode)
    app.add_url_rule("/test-only/sql", "explode_sql", explode_in_sql)
    client = app.test_client()
    # A bad statement is a bug, not an outage: 500 on SQLite (OperationalError) and
    # PostgreSQL (ProgrammingError) alike. Neither shows the SQL.
    for url in ("/test-only/explode", "/test-only/sql"):
        response = client.get(url)
        assert response.status_code == 500, url
        assert response.content_type == "application/problem+json"
        body = response.get_data(as_text=True)
        assert response.get_json()["status"] == response.status_code
        assert not LEAK_MARKERS.search(body), body
        assert "secret" not in body and "no_such_column" not in body
        assert response.headers["X-Request-ID"]


def test_writes_while_the_database_is_down_get_503_without_internals(app, app_without_database):
    found = slugs(app)
    client = app_without_database.test_client()
    assert client.get("/healthz").status_code == 200
    public_writes = [
        r
        for r in rules(app_without_database, "POST")
        if r.startswith("/api/") and r.endswith(("/signatures", "/signups"))
    ]
    for rule in [*public_writes, f"/api/v1/petitions/{found['petition']}"]:
        if "<" in rule:
            response = client.post(fill(rule, found), json=PERSON_B)
        else:
            response = client.get(rule)
        assert response.status_code == 503, (rule, response.status_code)
        assert response.headers["Retry-After"].isdigit()
        assert response.content_type == "application/problem+json"
        assert not LEAK_MARKERS.search(response.get_data(as_text=True))


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture
def gunicorn_server(make_app, database_url, tmp_path):
    """The app under gunicorn (one worker) on this test's database, on a free local port."""
    make_app()  # seeds the database the server will use
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        SECRET_KEY="test-secret",
        RATELIMIT_STORAGE_URI="memory://",
        INSTANCE_PATH=str(tmp_path / "instance"),
        LOG_LEVEL="WARNING",
    )
    with listening_socket() as sock:
        port, fd = sock.getsockname()[1], sock.fileno()
        command = [sys.executable, "-m", "gunicorn", "--bind", f"fd://{fd}", "--workers", "1"]
        with running(
            [*command, "wsgi:app"], env, tmp_path / "gunicorn.log", port, "gunicorn", (fd,)
        ):
            yield port, make_app()


def test_oversized_headers_and_chunked_bodies_are_refused_by_the_server(gunicorn_server):
    port, app = gunicorn_server
    huge_header = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
    status = _raw(port, huge_header).split(b"\r\n", 1)[0]
    assert status == b"HTTP/1.1 431 Request Header Fields Too Large"
    many = b"".join(b"X-H%d: v\r\n" % n for n in range(500))
    status = _raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n").split(b"\r\n")[0]
    assert status == b"HTTP/1.1 431 Request Header Fields Too Large"
    long_line = b"GET /healthz?" + b"q" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    status = _raw(port, long_line).split(b"\r\n", 1)[0]
    assert status == b"HTTP/1.1 414 URI Too Long"
    # A body with no declared length is cut off at the limit while it is read.
    payload = b'{"comment": "' + b"x" * 100_000 + b'"}'
    target = fill(post_rule(app, "/signatures"), slugs(app))
    chunked = (
        b"POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        % target.encode()
        + b"%x\r\n" % len(payload)
        + payload
        + b"\r\n0\r\n\r\n"
    )
    answer = _raw(port, chunked)
    status = answer.split(b"\r\n", 1)[0]
    assert status.startswith(b"HTTP/1.1 413 "), status
    assert not LEAK_MARKERS.search(answer.decode("latin-1"))
