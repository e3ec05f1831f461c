"""Unit states and the moves between them (tsuru's unit state flow)."""

from __future__ import annotations

from enum import StrEnum

from .errors import ValidationError


class UnitState(StrEnum):
    CREATED = "created"
    BUILDING = "building"
    STARTING = "starting"
    STARTED = "started"
    ERROR = "error"
    STOPPED = "stopped"


TRANSITIONS: dict[UnitState, frozenset[UnitState]] = {
    UnitState.CREATED: frozenset({UnitState.BUILDING, UnitState.STARTING}),
    UnitState.BUILDING: frozenset({UnitState.ERROR}),
    UnitState.STARTING: frozenset({UnitState.STARTED, UnitState.ERROR, UnitState.STOPPED}),
    UnitState.STARTED: frozenset({UnitState.ERROR, UnitState.STOPPED}),
    UnitState.ERROR: frozenset({UnitState.STARTED, UnitState.STOPPED}),
    UnitState.STOPPED: frozenset({UnitState.STARTING}),
}


def parse_state(value: object) -> UnitState:
    try:
        return UnitState(str(value))
    except ValueError:
        names = ", ".join(state.value for state in UnitState)
        raise ValidationError(f"invalid unit status {value!r}: use one of {names}") from None


def transition(current: UnitState, new: UnitState) -> UnitState:
    """``new`` if a unit in ``current`` may move there (staying put is allowed)."""
    if new != current and new not in TRANSITIONS[current]:
        raise ValidationError(f"a unit cannot go from {current} to {new}")
    return new


def in_service(state: UnitState) -> bool:
    return state == UnitState.STARTED
