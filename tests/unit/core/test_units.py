"""The unit state flow."""

from __future__ import annotations

import pytest

from slipway.core.errors import ValidationError
from slipway.core.units import UnitState, in_service, parse_state, transition

S = UnitState


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (S.CREATED, S.BUILDING),
        (S.CREATED, S.STARTING),
        (S.BUILDING, S.ERROR),
        (S.STARTING, S.STARTED),
        (S.STARTING, S.ERROR),
        (S.ERROR, S.STARTED),
        (S.STARTED, S.ERROR),
        (S.STARTED, S.STOPPED),
        (S.STOPPED, S.STARTING),
        (S.STARTED, S.STARTED),
    ],
)
def test_allowed_moves(current: UnitState, new: UnitState) -> None:
    assert transition(current, new) == new


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (S.CREATED, S.STARTED),
        (S.BUILDING, S.STARTED),
        (S.STOPPED, S.STARTED),
        (S.STARTED, S.BUILDING),
        (S.ERROR, S.CREATED),
    ],
)
def test_refused_moves(current: UnitState, new: UnitState) -> None:
    with pytest.raises(ValidationError, match=f"from {current} to {new}"):
        transition(current, new)


def test_parse_and_service() -> None:
    assert parse_state("started") == S.STARTED
    with pytest.raises(ValidationError, match="invalid unit status 'running'"):
        parse_state("running")
    assert in_service(S.STARTED)
    assert not in_service(S.STARTING)
