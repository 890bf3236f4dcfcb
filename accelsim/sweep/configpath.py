"""A hardware config field by its YAML path: ``array.rows``, ``glbs.fmap_glb.size``, ``rf.split.weight``.

A path is the keys from the top of the config, joined by dots; in a list of named
mappings (``glbs``) a segment is the item's ``name`` (or its index). Reading a path the
config lacks is an :class:`~accelsim.errors.AccelsimError` with the nearest existing path
(did you mean …); setting one returns a new dict and leaves the old one as it was.
"""
from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import AccelsimError, did_you_mean


def _child(node: Any, seg: str) -> tuple[bool, Any]:
    """(found, value) of one path segment below ``node``."""
    if isinstance(node, Mapping):
        return (True, node[seg]) if seg in node else (False, None)
    if isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, Mapping) and item.get("name") == seg:
                return True, item
        if seg.isdigit() and int(seg) < len(node):
            return True, node[int(seg)]
    return False, None


def paths(node: Any, prefix: str = "") -> Iterator[str]:
    """Every path in a config, leaves and inner nodes alike (for did-you-mean)."""
    if isinstance(node, Mapping):
        items: list[tuple[str, Any]] = [(str(k), v) for k, v in node.items()]
    elif isinstance(node, list):
        items = [(str(it["name"]) if isinstance(it, Mapping) and "name" in it else str(i), it) for i, it in enumerate(node)]
    else:
        return
    for key, value in items:
        path = f"{prefix}.{key}" if prefix else key
        yield path
        yield from paths(value, path)


def get_path(config: Mapping[str, Any], path: str, file: str, where: str) -> Any:
    """The value at ``path``; an error naming the nearest path the config has if it lacks it."""
    node: Any = config
    for seg in path.split("."):
        found, node = _child(node, seg)
        if not found:
            raise AccelsimError(
                f"the config has no field '{path}'{did_you_mean(path, paths(config))}",
                file=file, where=where,
                expected="the YAML path of a field of the base config (keys joined by dots; a GLB by its name)",
                found=path,
            )
    return node


def set_path(config: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``config`` with ``path`` set to ``value`` (the path must exist: see get_path)."""
    out = copy.deepcopy(dict(config))
    segs = path.split(".")
    node: Any = out
    for seg in segs[:-1]:
        node = _child(node, seg)[1]
    last = segs[-1]
    if isinstance(node, list):
        idx = next((i for i, it in enumerate(node) if isinstance(it, Mapping) and it.get("name") == last), None)
        node[int(last) if idx is None else idx] = copy.deepcopy(value)
    else:
        node[last] = copy.deepcopy(value)
    return out
