"""Schemathesis against the app's own /openapi.json: every operation, with the document's
examples and generated cases, must never answer 5xx and must answer what it documents.

Runs in-process through the WSGI app on a fresh seeded database, with an organizer token of
every scope so that organizer operations are exercised past their authentication, and with
rate limits raised so that 429s do not stand in for real answers. Schemathesis's own engine
runs the examples, coverage, fuzzing and stateful phases (links inferred from the document
and from Location headers), as its command line would.
"""

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events

from tests.support import NO_LIMITS, token

# Generated cases per operation in the fuzzing phase. With no time budget Schemathesis runs
# each phase once (examples, coverage, fuzzing, stateful) and stops: the same depth on a slow
# machine as on a fast one, in about 25 s on one core. A time budget would instead repeat
# fuzzing and stateful rounds until it ran out, and cover less on a busy machine.
MAX_EXAMPLES = 20


@pytest.fixture
def fuzz_app(make_app):
    return make_app(**NO_LIMITS)


def fuzz_config(secret: str) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": 7,
            "cache": {"enabled": False},
            "headers": {"Authorization": f"Bearer {secret}"},
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": False},
            "checks": {
                "enabled": False,
                "not_a_server_error": {"enabled": True},
                "response_schema_conformance": {"enabled": True},
                "content_type_conformance": {"enabled": True},
                "status_code_conformance": {"enabled": True},
            },
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": True, "max-steps": 10},
            },
        }
    )


@pytest.mark.slow
def test_every_operation_answers_as_documented(fuzz_app):
    schema = schemathesis.openapi.from_wsgi(
        "/openapi.json", fuzz_app, config=fuzz_config(token(fuzz_app))
    )
    failures, errors, tested, ran = [], [], set(), {}
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            tested.add(event.recorder.label)
            for check in event.recorder.checks.values():
                for c in check:
                    ran[c.name] = ran.get(c.name, 0) + 1
                failures += [
                    f"{event.recorder.label}: {c.failure_info}" for c in check if c.failure_info
                ]
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            errors.append(repr(event.exception))
    assert not errors, "\n".join(errors[:10])
    assert not failures, "\n".join(sorted(set(failures))[:20])
    operations = {
        f"{method.upper()} {path}"
        for path, item in schema.raw_schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert not operations - tested, sorted(operations - tested)
    assert ran.get("response_schema_conformance", 0) > 2 * len(operations), ran
    assert ran.get("content_type_conformance", 0) > 2 * len(operations), ran
    assert ran.get("status_code_conformance", 0) > 2 * len(operations), ran
