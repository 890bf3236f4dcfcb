"""Timeloop v0.4 YAML: the safe, duplicate-refusing loader plus the node tags of an architecture.

Timeloop's front end writes ``!Container``, ``!Component``, ``!Parallel`` and ``!Hierarchical`` on
the nodes of an architecture; each is read as a plain mapping with the tag under ``"!"``. Any
other tag is refused, so nothing but data is ever built from a file.
"""
from __future__ import annotations

import os
from typing import Any

import yaml

from ..errors import AccelsimError, Where
from ..yamlio import _UniqueKeyLoader, expect_mapping, load_yaml_unique

TAGS = ("Container", "Component", "Parallel", "Hierarchical", "Nothing")


class _TimeloopLoader(_UniqueKeyLoader):
    pass


def _node(tag: str):  # type: ignore[no-untyped-def]
    def construct(loader: _TimeloopLoader, node: yaml.Node) -> dict[str, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(None, None, f"!{tag} must tag a mapping", node.start_mark)
        d = loader.construct_mapping(node, deep=True)
        d["!"] = tag
        return d
    return construct


for _t in TAGS:
    _TimeloopLoader.add_constructor(f"!{_t}", _node(_t))


def load_timeloop_yaml(path: str | os.PathLike[str]) -> Any:
    """A Timeloop YAML file as plain data; a syntax error, a duplicate key or an unknown tag is one
    AccelsimError naming the file and the line."""
    try:
        return load_yaml_unique(path, _TimeloopLoader)
    except AccelsimError as exc:
        if "could not determine a constructor for the tag" not in exc.message:
            raise
        raise AccelsimError(exc.message + " (a Timeloop architecture node is one of " + ", ".join(f"!{t}" for t in TAGS) + ")",
                            file=exc.file) from None


def section(data: Any, file: str, key: str, what: str, expected: str) -> tuple[Where, Any]:
    """The value under a Timeloop file's top ``key`` (problem, architecture, mapping) and where it is."""
    at = Where(file)
    top = expect_mapping(data, at, f"a Timeloop {what} file (a mapping with the key '{key}')")
    if key not in top:
        raise at.error(f"no '{key}' key: not a Timeloop {what} file", expected=expected,
                       found=", ".join(map(str, top)) or "an empty mapping")
    return at.at(key), top[key]
