"""`@record`: a read-only data class, declared like a frozen dataclass, that costs nothing to define.

    @record
    class Problem:
        file: str
        message: str
        fix: str | None = None
        seen: list[str] = Factory(list)    # a fresh list for each record
        order: dict | None = Aside(None)   # set like any field, left out of ==, hash and repr

Why not `@dataclass(frozen=True)`: it writes the source of `__init__`, `__eq__`, `__repr__`,
`__hash__`, `__setattr__` and `__delattr__` for each class and compiles it, about 0.7 ms a class.
The two dozen records a headless run or the first question needs made that a fifth of the time
a launch spends in wizard's own code. Here the methods are shared functions that read the
class's field list, so defining a record costs what defining a class costs.

What it does, as a frozen dataclass does: fields in declaration order (a base record's first),
positional or keyword arguments, defaults and `Factory` defaults, a `__post_init__` hook,
comparison and hashing by value, a repr, and no assignment after construction. A method the
class defines itself is kept. `as_dict` and
`replace` stand in for `dataclasses.asdict` and `dataclasses.replace`.
"""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")
_MISSING = object()


class Factory:
    """A default made afresh for each record, like `field(default_factory=...)`."""

    def __init__(self, make: Any) -> None:
        self.make = make


class Aside:
    """A field with a default, left out of comparison, hashing and repr, like
    `field(default=..., compare=False, hash=False, repr=False)`."""

    def __init__(self, default: Any) -> None:
        self.default = default


def record(cls: type[T]) -> type[T]:
    fields: dict[str, Any] = {}
    for base in reversed(cls.__mro__[1:]):
        fields.update(getattr(base, "__record_defaults__", {}))
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
            continue
        default = cls.__dict__.get(name, _MISSING)
        fields[name] = default
        if isinstance(default, (Factory, Aside)):
            delattr(cls, name)
    cls.__record_fields__ = tuple(fields)  # type: ignore[attr-defined]
    cls.__record_defaults__ = fields  # type: ignore[attr-defined]
    cls.__record_compared__ = tuple(name for name, default in fields.items() if not isinstance(default, Aside))  # type: ignore[attr-defined]
    for name, method in _METHODS.items():
        if name not in cls.__dict__:
            setattr(cls, name, method)
    return cls


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    cls = type(self)
    names = cls.__record_fields__
    if len(args) > len(names):
        raise TypeError(f"{cls.__name__}() takes {len(names)} arguments but {len(args)} were given")
    values = dict(zip(names, args))
    for name, value in kwargs.items():
        if name not in cls.__record_defaults__:
            raise TypeError(f"{cls.__name__}() got an unexpected keyword argument '{name}'")
        if name in values:
            raise TypeError(f"{cls.__name__}() got multiple values for argument '{name}'")
        values[name] = value
    for name in names:
        if name not in values:
            default = cls.__record_defaults__[name]
            if default is _MISSING:
                raise TypeError(f"{cls.__name__}() missing required argument: '{name}'")
            if isinstance(default, Factory):
                default = default.make()
            elif isinstance(default, Aside):
                default = default.default
            values[name] = default
        object.__setattr__(self, name, values[name])
    post_init = getattr(self, "__post_init__", None)
    if post_init is not None:
        post_init()


def _values(self: Any) -> tuple:
    """The values that make two records equal: every field but those set `Aside`."""
    return tuple(getattr(self, name) for name in type(self).__record_compared__)


def _eq(self: Any, other: object) -> bool:
    if type(other) is not type(self):
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash((type(self).__name__, _values(self)))


def _repr(self: Any) -> str:
    return f"{type(self).__name__}({', '.join(f'{name}={getattr(self, name)!r}' for name in type(self).__record_compared__)})"


def _setattr(self: Any, name: str, value: object) -> None:
    raise AttributeError(f"cannot assign to field '{name}': {type(self).__name__} is read-only")


def _delattr(self: Any, name: str) -> None:
    raise AttributeError(f"cannot delete field '{name}': {type(self).__name__} is read-only")


_METHODS = {"__init__": _init, "__eq__": _eq, "__hash__": _hash, "__repr__": _repr, "__setattr__": _setattr, "__delattr__": _delattr}


def is_record(value: object) -> bool:
    return hasattr(type(value), "__record_fields__")


def as_dict(value: Any) -> Any:
    """A record as a dict, recursively (records inside lists, tuples and dicts too)."""
    if is_record(value):
        return {name: as_dict(getattr(value, name)) for name in type(value).__record_fields__}
    if isinstance(value, (list, tuple)):
        return type(value)(as_dict(item) for item in value)
    if isinstance(value, dict):
        return {key: as_dict(item) for key, item in value.items()}
    return value


def replace(value: T, **changes: Any) -> T:
    """A copy of a record with some fields changed."""
    fields = {name: getattr(value, name) for name in type(value).__record_fields__}  # type: ignore[attr-defined]
    return type(value)(**{**fields, **changes})
