"""Property-based test of the API against its own OpenAPI description (schemathesis): every
generated request, valid or not, gets a documented answer and never a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from monitor.web.app import create_app

from .conftest import World

EXAMPLES = 40


@pytest.mark.parametrize(
    "mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
)
def test_api_conforms_to_its_description(world: World, mode: schemathesis.GenerationMode) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(world.ctx))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {
        "/api/v1/changes",
        "/api/v1/changes/{change_id}",
        "/api/v1/sources",
        "/api/v1/pages",
        "/api/v1/pages/{page_id}/versions/{version}",
        "/api/v1/status",
        "/api/v1/recrawl",
        "/feed.atom",
    }
    exercised = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate()

        try:
            check()
        except Unsatisfiable:
            # Nothing to get wrong: an operation without parameters has no invalid requests.
            assert mode is schemathesis.GenerationMode.NEGATIVE, operation.label
            continue
        exercised.append(operation.label)
    assert len(exercised) >= 6, exercised
