"""SCALE-Sim's three report files, byte for byte in its format (``simulator.generate_reports``).

Each row is ``LayerID, v1, v2, ...,`` — values joined by ``", "``, a trailing comma, ``\\n``;
integers printed as integers, start/stop cycles as floats (``1.0``: SCALE-Sim takes them from
numpy float arrays), ratios with Python's shortest round-trip ``repr``.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..writing import Outputs
from .run import CompatResult

COMPUTE_REPORT = "COMPUTE_REPORT.csv"
BANDWIDTH_REPORT = "BANDWIDTH_REPORT.csv"
DETAILED_ACCESS_REPORT = "DETAILED_ACCESS_REPORT.csv"
REPORT_FILES = (COMPUTE_REPORT, BANDWIDTH_REPORT, DETAILED_ACCESS_REPORT)

COMPUTE_HEADER = (
    "LayerID, Total Cycles (incl. prefetch), Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %,"
    " Compute Util %,\n"
)
BANDWIDTH_HEADER = (
    "LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, "
    "Avg IFMAP DRAM BW, Avg FILTER DRAM BW, Avg OFMAP DRAM BW,\n"
)
DETAILED_HEADER = (
    "LayerID, "
    "SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, "
    "SRAM Filter Start Cycle, SRAM Filter Stop Cycle, SRAM Filter Reads, "
    "SRAM OFMAP Start Cycle, SRAM OFMAP Stop Cycle, SRAM OFMAP Writes, "
    "DRAM IFMAP Start Cycle, DRAM IFMAP Stop Cycle, DRAM IFMAP Reads, "
    "DRAM Filter Start Cycle, DRAM Filter Stop Cycle, DRAM Filter Reads, "
    "DRAM OFMAP Start Cycle, DRAM OFMAP Stop Cycle, DRAM OFMAP Writes,\n"
)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _row(layer_id: int, values: list[object]) -> str:
    return f"{layer_id}, " + ", ".join(_fmt(v) for v in values) + ",\n"


def report_texts(result: CompatResult) -> dict[str, str]:
    """The three reports as text, keyed by file name."""
    compute = [COMPUTE_HEADER]
    bandwidth = [BANDWIDTH_HEADER]
    detail = [DETAILED_HEADER]
    for r in result.layers:
        compute.append(_row(r.layer_id, r.compute_row()))
        bandwidth.append(_row(r.layer_id, r.bandwidth_row()))
        detail.append(_row(r.layer_id, r.detail_row()))
    return {
        COMPUTE_REPORT: "".join(compute),
        BANDWIDTH_REPORT: "".join(bandwidth),
        DETAILED_ACCESS_REPORT: "".join(detail),
    }


def write_reports(result: CompatResult, directory: str | os.PathLike[str], also: Outputs | None = None) -> list[Path]:
    """Write COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv and DETAILED_ACCESS_REPORT.csv into ``directory``,
    the folder swapped in whole with the other outputs ``also`` holds."""
    return (also if also is not None else Outputs()).folder(directory, report_texts(result)).write()
