"""Safe YAML reading and the small validation helpers shared by every input format.

YAML is read with a hardened :class:`yaml.SafeLoader` (:class:`_Loader`): no tags at all
(``!!python/object`` is refused as a tag, not as a syntax error), no key twice in one
mapping, at most :data:`MAX_DEPTH` levels of nesting and at most :data:`MAX_NODES` values
once aliases are expanded (an alias bomb stops at once). Only regular files are read (a
FIFO or a device would block or never end), at most :data:`MAX_FILE_BYTES`. Every problem
is an :class:`~accelsim.errors.AccelsimError` that gives the file and the line.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

import yaml
import yaml.composer
import yaml.constructor
import yaml.resolver

try:
    import yaml.cyaml
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    pass

from .errors import AccelsimError, Where, cut, did_you_mean

MAX_DEPTH = 64            # levels of nested lists / mappings
MAX_NODES = 2_000_000     # values in a document, aliases expanded (a 20,000-layer workload has ~300,000)
from .textio import MAX_FILE_BYTES, _decode, read_bytes, read_text  # noqa: F401 - (kept importable from here)


def load_yaml(path: str | os.PathLike[str]) -> Any:
    """Read a YAML file safely; any problem becomes one AccelsimError naming the file."""
    return parse_yaml(read_text(path), str(path))


class _Refused(yaml.MarkedYAMLError):
    """A construct the hardened loader does not accept (tag, duplicate key, depth, size)."""


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


class _Hardened:
    """What the loader adds to a safe one: no tags, duplicate keys, deep nesting or alias bombs.
    The composer is PyYAML's Python one (so that these checks see every node), over libyaml's
    C parser where it is installed (ten times faster than the Python scanner)."""

    _depth = 0
    get_single_node = yaml.composer.Composer.get_single_node
    get_node = yaml.composer.Composer.get_node
    check_node = yaml.composer.Composer.check_node

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and not isinstance(event, yaml.AliasEvent):
            raise _Refused(None, None, f"YAML tags are not allowed (found the tag '{_cut(_short_tag(tag))}')", event.start_mark)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> Any:
        node = super().compose_document()
        _count_nodes(node)
        return node

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node)
                if key in seen:
                    first = seen[key].line + 1
                    raise _Refused(None, None, f"the key '{_cut(key)}' appears twice in one mapping (first on line {first}); "
                                   "a later one would silently win", key_node.start_mark)
                seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep)


if getattr(yaml, "__with_libyaml__", False):
    class _Loader(_Hardened, yaml.cyaml.CParser, yaml.composer.Composer, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
else:  # pragma: no cover - PyYAML without libyaml
    class _Loader(_Hardened, yaml.SafeLoader):  # type: ignore[no-redef]
        pass


def _count_nodes(root: Any) -> None:
    """Refuse a document whose values, aliases expanded, number more than MAX_NODES."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:  # post-order without recursion; a shared (aliased) node is counted each time it is used
        node, done = stack.pop()
        if id(node) in sizes and not done:
            continue
        kids = [] if isinstance(node, yaml.ScalarNode) else (
            [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else list(node.value))
        if not done:
            stack.append((node, True))
            stack.extend((k, False) for k in kids if id(k) not in sizes)
            continue
        total = 1 + sum(sizes.get(id(k), 1) for k in kids)
        sizes[id(node)] = total
        if total > MAX_NODES:
            raise _Refused(None, None, f"its aliases expand to more than {MAX_NODES:,} values (an alias bomb?)", node.start_mark)


def _cut(value: object, limit: int = 60) -> str:
    return cut(value, limit)


def parse_yaml(text: str, name: str = "<string>") -> Any:
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except _Refused as exc:
        mark = exc.problem_mark
        line = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        raise AccelsimError(f"{line}: {exc.problem}", file=name) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        what = exc.problem or exc.context or "invalid YAML"
        raise AccelsimError(f"YAML syntax error at {line}: {_cut(what, 200)}", file=name) from None
    except yaml.YAMLError as exc:
        raise AccelsimError(f"YAML syntax error: {_cut(exc, 200)}", file=name) from None
    except RecursionError:
        raise AccelsimError(f"nested too deeply (more than {MAX_DEPTH} levels)", file=name) from None
    finally:
        loader.dispose()


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
    maximum: int | None = None,
) -> int:
    """An integer field (bools rejected), at least ``minimum`` and at most ``maximum``
    (default: :data:`accelsim.limits.MAX_FIELD`, 2³¹ − 1); ``default`` if absent."""
    if key not in mapping or mapping[key] is None:
        if default is None:
            raise at.error(f"missing required key '{key}'")
        return default
    value = mapping[key]
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
            value = int(value)
        else:
            raise at.at(key).error("not a whole number", expected="an integer", found=value)
    if minimum is not None and value < minimum:
        raise at.at(key).error("out of range", expected=f"an integer >= {minimum}", found=value)
    if maximum is None:
        from .limits import MAX_FIELD as maximum
    if value > maximum:
        raise at.at(key).error("larger than accelsim accepts", expected=f"an integer <= {maximum:,} (accelsim/limits.py)",
                               found=value)
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
    """Write a file so that it is either complete or absent: never half-written, never a
    device replaced (:func:`accelsim.writing.write_file`)."""
    from .writing import write_file

    write_file(path, data)


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
