"""ONNX in: readable, unique layer names from the nodes' names and PyTorch's module scopes."""
from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

# ---------------------------------------------------------------- names


_SAFE = re.compile(r"[^A-Za-z0-9_.\-]+")


def _scope(node: Any) -> tuple[list[str], str] | None:
    """PyTorch's module scope of a node and its own part: '/layer1/layer1.0/conv1/Conv' (the
    TorchScript exporter) → (['layer1', 'layer1.0', 'layer1.0.conv1'], 'Conv'),
    '/stage2/stage2.0/branch1/branch1.0/Conv' → [… 'stage2.0.branch1', 'stage2.0.branch1.0']; the dynamo
    exporter's ``pkg.torch.onnx.name_scopes`` ['', 'se', 'se.fc1', 'conv2d_2'] → (['se',
    'se.fc1'], 'conv2d_2')."""
    for p in node.metadata_props:
        if p.key == "pkg.torch.onnx.name_scopes":
            try:
                scopes = [str(s) for s in ast.literal_eval(p.value)]
            except (ValueError, SyntaxError):
                break
            if scopes:
                return [s for s in scopes[:-1] if s], scopes[-1]
    name = node.name
    if name.startswith("/"):
        parts = [q for q in name.split("/") if q]
        path: list[str] = []   # each scope's full dotted module name
        raw: list[str] = []    # as the exporter wrote it: a Sequential's child repeats its parent's part
        bases: list[str] = []  # what each part was appended to
        for q in parts[:-1]:
            base = bases[-1] if raw and q.startswith(raw[-1] + ".") else (path[-1] if path else "")
            path.append(f"{base}.{q}" if base else q)
            raw.append(q)
            bases.append(base)
        return path, parts[-1] if parts else node.op_type
    return None


def _layer_names(nodes: Sequence[Any]) -> dict[int, str]:
    """Readable unique names for the nodes that become layers (keys: index into ``nodes``)."""
    scoped = {i: _scope(n) for i, n in enumerate(nodes)}
    paths = [tuple(s[0]) for s in scoped.values() if s]
    containers = {p[:k] for p in paths for k in range(1, len(p))}
    per_scope = Counter(p for p in paths)
    names: dict[int, str] = {}
    used: set[str] = set()
    for i, node in enumerate(nodes):
        s = scoped[i]
        if s:
            path, own = s
            key = tuple(path)
            if not path:
                base = own.lower()
            elif key in containers or per_scope[key] > 1:
                base = f"{path[-1]}.{own.lower()}"
            else:
                base = path[-1]
        else:
            base = node.name or (node.output[0] if node.output else node.op_type)
        base = _SAFE.sub("_", base).strip("_.") or node.op_type.lower()
        name, k = base, 2
        while name in used or name == "input":
            name, k = f"{base}_{k}", k + 1
        used.add(name)
        names[i] = name
    return names
