"""Safe YAML reading and the small validation helpers shared by every input format.

YAML is only ever read with ``yaml.safe_load``. Syntax errors are turned into an
:class:`~accelsim.errors.AccelsimError` that gives the file and the line.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from .errors import AccelsimError, Where, did_you_mean


def read_text(path: str | os.PathLike[str], what: str = "a YAML file") -> str:
    """A text file's contents (a leading BOM dropped); any problem is one AccelsimError."""
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AccelsimError("no such file", file=str(p)) from None
    except IsADirectoryError:
        raise AccelsimError(f"is a directory, expected {what}", file=str(p)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AccelsimError(f"cannot be read ({exc})", file=str(p)) from None


def load_yaml(path: str | os.PathLike[str]) -> Any:
    """Read a YAML file safely; any problem becomes one AccelsimError naming the file."""
    return parse_yaml(read_text(path), str(path))


def parse_yaml(text: str, name: str = "<string>") -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        what = exc.problem or exc.context or "invalid YAML"
        raise AccelsimError(f"YAML syntax error at {line}: {what}", file=name) from None
    except yaml.YAMLError as exc:
        raise AccelsimError(f"YAML syntax error: {exc}", file=name) from None


def dump_yaml(data: Any) -> str:
    """YAML text in block style with keys in the order given (for generated files)."""
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=None, width=100)


def expect_mapping(value: Any, at: Where, what: str = "a mapping") -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise at.error("wrong kind of value", expected=what, found=_kind(value))
    return value


def check_keys(
    mapping: Mapping[str, Any],
    at: Where,
    *,
    allowed: Iterable[str],
    required: Iterable[str] = (),
) -> None:
    """Reject unknown keys (with a did-you-mean) and report missing required ones."""
    allowed = list(allowed)
    for key in mapping:
        if key not in allowed:
            raise at.error(
                f"unknown key '{key}'{did_you_mean(key, allowed)}",
                expected="one of " + ", ".join(allowed),
                found=key,
            )
    for key in required:
        if key not in mapping:
            raise at.error(f"missing required key '{key}'")


def get_int(
    mapping: Mapping[str, Any],
    key: str,
    at: Where,
    *,
    default: int | None = None,
    minimum: int | None = 1,
) -> int:
    """An integer field (bools rejected), at least ``minimum``; ``default`` if absent."""
    if key not in mapping or mapping[key] is None:
        if default is None:
            raise at.error(f"missing required key '{key}'")
        return default
    value = mapping[key]
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise at.at(key).error("not a whole number", expected="an integer", found=value)
    if minimum is not None and value < minimum:
        raise at.at(key).error("out of range", expected=f"an integer >= {minimum}", found=value)
    return value


def get_number(
    mapping: Mapping[str, Any],
    key: str,
    at: Where,
    *,
    default: float | None = None,
    positive: bool = True,
) -> float:
    """A real-valued field; with ``positive`` it must be > 0 (else >= 0)."""
    if key not in mapping or mapping[key] is None:
        if default is None:
            raise at.error(f"missing required key '{key}'")
        return default
    value = mapping[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise at.at(key).error("not a number", expected="a number", found=value)
    if (positive and not value > 0) or (not positive and value < 0):
        raise at.at(key).error("out of range", expected="a number > 0" if positive else "a number >= 0", found=value)
    return float(value)


def get_str(
    mapping: Mapping[str, Any],
    key: str,
    at: Where,
    *,
    default: str | None = None,
    choices: Iterable[str] | None = None,
) -> str:
    if key not in mapping or mapping[key] is None:
        if default is None:
            raise at.error(f"missing required key '{key}'")
        return default
    value = mapping[key]
    if not isinstance(value, str):
        raise at.at(key).error("not a string", expected="a string", found=value)
    if choices is not None:
        choices = list(choices)
        if value not in choices:
            raise at.at(key).error(
                f"unknown value '{value}'{did_you_mean(value, choices)}",
                expected="one of " + ", ".join(choices),
                found=value,
            )
    return value


def get_bool(mapping: Mapping[str, Any], key: str, at: Where, *, default: bool) -> bool:
    if key not in mapping or mapping[key] is None:
        return default
    value = mapping[key]
    if not isinstance(value, bool):
        raise at.at(key).error("not a boolean", expected="true or false", found=value)
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (empty)"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write a file so that it is either complete or absent: never half-written."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, p)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """:func:`atomic_write_bytes` of ``text`` in UTF-8."""
    atomic_write_bytes(path, text.encode("utf-8"))


class _UniqueKeyLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a mapping stating the same key twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}' (first at line {seen[key] + 1})", key_node.start_mark)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def load_yaml_unique(path: str | os.PathLike[str], loader: type[_UniqueKeyLoader] = _UniqueKeyLoader) -> Any:
    """:func:`load_yaml`, and a key stated twice in one mapping is an error naming its line
    (``loader``: a subclass that also reads some tags, e.g. Timeloop's)."""
    text, name = read_text(path), str(path)
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        raise AccelsimError(f"YAML error at {line}: {exc.problem or exc.context or 'invalid YAML'}", file=name) from None
    except yaml.YAMLError as exc:
        raise AccelsimError(f"YAML syntax error: {exc}", file=name) from None
