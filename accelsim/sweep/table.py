"""The tidy results table: one row per task — every axis value, every total, the wall time, the error.

``results.csv`` always; ``results.parquet`` too when pyarrow is installed (the same
columns; a column whose values mix kinds, such as sizes given as ``64 KiB`` and as bytes,
is stored as text there).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from ..result import ENERGY_LEVELS, LEVELS

TASK_COLUMNS = ("design", "workload", "dataflow", "batch", "compress")
FIGURE_COLUMNS = ("pes", "onchip_bytes", "onchip_bytes.RF", "onchip_bytes.GLB", "peak_macs_per_s")
METRIC_COLUMNS = (
    "energy", "latency_s", "edp", "cycles", "stall_cycles", "macs", "utilization", "data_movement_share",
    *(f"energy_{k}" for k in ENERGY_LEVELS), *(f"{lv}_accesses" for lv in LEVELS), "energy_unit",
)
TAIL_COLUMNS = ("wall_s", "cpu_s", "error", "key")
# What differs between two runs of the same sweep (the rest must be equal, on any backend).
VOLATILE = ("wall_s", "cpu_s")


def columns(axis_paths: Sequence[str], extra_figures: Sequence[str] = ()) -> list[str]:
    figs = list(FIGURE_COLUMNS) + [f for f in extra_figures if f not in FIGURE_COLUMNS]
    return ["design", *axis_paths, *TASK_COLUMNS[1:], *figs, *METRIC_COLUMNS, *TAIL_COLUMNS]


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v)


def to_csv(rows: Sequence[dict[str, Any]], cols: Sequence[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in cols])
    return buf.getvalue()


def to_parquet(rows: Sequence[dict[str, Any]], cols: Sequence[str]) -> bytes | None:
    """The table as Parquet bytes, or None without pyarrow."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return None
    data: dict[str, list[Any]] = {}
    for c in cols:
        values = [r.get(c) for r in rows]
        kinds = {type(v) for v in values if v is not None}
        if kinds == {int, float}:
            values = [None if v is None else float(v) for v in values]
        elif len(kinds) > 1:
            values = [None if v is None else str(v) for v in values]
        data[c] = values
    buf = io.BytesIO()
    pq.write_table(pa.table(data), buf)
    return buf.getvalue()
