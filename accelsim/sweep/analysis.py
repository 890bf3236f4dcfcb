"""What a sweep's table says: Pareto fronts, the best design per workload, a metric over two axes.

Pure functions over the rows of :mod:`accelsim.sweep.table` (failed rows are left out).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

METRIC = {"energy": "energy", "latency": "latency_s", "edp": "edp"}


def ok(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if not r.get("error")]


def by_workload(rows: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in ok(rows):
        out.setdefault(r["workload"], []).append(r)
    return out


def pareto(rows: Sequence[dict[str, Any]], x: str, y: str) -> list[dict[str, Any]]:
    """The rows no other row beats on both x and y (both minimised), sorted by x; of rows
    with equal (x, y) the first is kept."""
    front: list[dict[str, Any]] = []
    best_y = math.inf
    for r in sorted(rows, key=lambda r: (r[x], r[y])):
        if r[y] < best_y:
            front.append(r)
            best_y = r[y]
    return front


def best(rows: Sequence[dict[str, Any]], objective: str) -> dict[str, dict[str, Any]]:
    """Per workload, the row with the least objective (ties: the lowest design number)."""
    m = METRIC[objective]
    return {w: min(rs, key=lambda r: (r[m], r["design"])) for w, rs in by_workload(rows).items()}


def grid(rows: Sequence[dict[str, Any]], x_axis: str, x_values: Sequence[Any], y_axis: str, y_values: Sequence[Any],
         metric: str) -> list[list[float]]:
    """metric[y][x]: the least value over every other axis, dataflow and batch (NaN where no row)."""
    xi = {repr(v): i for i, v in enumerate(x_values)}
    yi = {repr(v): i for i, v in enumerate(y_values)}
    cells = [[math.nan] * len(x_values) for _ in y_values]
    for r in ok(rows):
        i, j = yi[repr(r[y_axis])], xi[repr(r[x_axis])]
        if math.isnan(cells[i][j]) or r[metric] < cells[i][j]:
            cells[i][j] = r[metric]
    return cells
