"""`@record` behaves as the frozen dataclasses it replaces on the start-up path."""

from __future__ import annotations

import pickle

import pytest

from wizard.record import Aside, Factory, as_dict, record, replace


@record
class Point:
    x: int
    y: int = 0
    tags: list[str] = Factory(list)
    order: dict | None = Aside(None)


@record
class Code:
    code: str
    order: dict | None = Aside(None)


@record
class Segment:
    start: Point
    end: Point


def test_fields_take_positions_keywords_and_defaults() -> None:
    assert Point(1, 2) == Point(x=1, y=2) == Point(1, y=2)
    assert Point(1).y == 0 and Point(1).tags == []
    assert Point(1).tags is not Point(1).tags  # a fresh list each time


def test_wrong_arguments_fail_as_a_dataclass_does() -> None:
    with pytest.raises(TypeError, match="missing required argument: 'x'"):
        Point()
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        Point(1, z=3)
    with pytest.raises(TypeError, match="multiple values for argument 'x'"):
        Point(1, x=2)
    with pytest.raises(TypeError, match="takes 4 arguments but 5"):
        Point(1, 2, [], None, 5)


def test_records_are_read_only_and_compare_by_value_but_aside_fields() -> None:
    point = Point(1, 2, order={"a": 1})
    with pytest.raises(AttributeError, match="read-only"):
        point.x = 3  # type: ignore[misc]
    with pytest.raises(AttributeError, match="read-only"):
        del point.x
    assert point == Point(1, 2) and point != Point(1, 3)
    assert {Code("M54.50", order={"M54.50": 1}), Code("M54.50")} == {Code("M54.50")}  # hashed alike
    assert hash(Code("M54.50")) != hash(Code("M54.51"))
    assert repr(point) == "Point(x=1, y=2, tags=[])"
    assert point != (1, 2, [])


def test_as_dict_replace_and_pickle() -> None:
    segment = Segment(Point(0, 0), Point(3, 4, ["end"]))
    assert as_dict(segment) == {"start": {"x": 0, "y": 0, "tags": [], "order": None}, "end": {"x": 3, "y": 4, "tags": ["end"], "order": None}}
    assert replace(segment.end, y=5) == Point(3, 5, ["end"])
    assert pickle.loads(pickle.dumps(segment)) == segment
