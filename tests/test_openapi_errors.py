"""The OpenAPI document describes errors as they are sent: application/problem+json."""

PROBLEM = "application/problem+json"


def _error_responses(document: dict):
    named = document["components"]["responses"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, response in operation["responses"].items():
                if code == "default" or code[0] in "45":
                    if "$ref" in response:
                        response = named[response["$ref"].rsplit("/", 1)[1]]
                    yield f"{method.upper()} {path} {code}", response


def test_every_documented_error_is_a_problem_document(client):
    document = client.get("/openapi.json").get_json()
    errors = dict(_error_responses(document))
    assert len(errors) > 50
    wrong = {
        name: sorted(response.get("content", {}))
        for name, response in errors.items()
        if list(response.get("content", {})) != [PROBLEM]
    }
    assert wrong == {}
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status"} <= set(problem["properties"])


def test_the_document_matches_what_an_error_sends(client):
    response = client.get("/api/v1/petitions/no-such-petition")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == PROBLEM
