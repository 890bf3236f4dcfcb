"""Timeloop v0.4 YAML: the safe, duplicate-refusing loader plus the node tags of an architecture.

Timeloop's front end writes ``!Container``, ``!Component``, ``!Parallel`` and ``!Hierarchical`` on
the nodes of an architecture; each is read as a plain mapping with the tag under ``"!"``. Any
other tag is refused, so nothing but data is ever built from a file.
"""
from __future__ import annotations

import os
from typing import Any

import yaml

from ..errors import AccelsimError
from ..yamlio import _UniqueKeyLoader, read_text

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
    text, name = read_text(path), str(path)
    try:
        return yaml.load(text, Loader=_TimeloopLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        what = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor for the tag" in what:
            what += " (a Timeloop architecture node is one of " + ", ".join(f"!{t}" for t in TAGS) + ")"
        raise AccelsimError(f"YAML error at {line}: {what}", file=name) from None
    except yaml.YAMLError as exc:
        raise AccelsimError(f"YAML syntax error: {exc}", file=name) from None
