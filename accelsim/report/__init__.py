"""Figures, reports and comparisons on top of a run's result (issue #8).

From a notebook::

    import accelsim
    from accelsim import report
    r = accelsim.run("googlenet", "eyeriss")
    report.energy_breakdown(r, group=True)      # a matplotlib Figure
    report.write_report(r, "out/")              # result.json, layers.csv, PNG+SVG, report.html

Every figure function returns a :class:`matplotlib.figure.Figure`; ``accelsim plot
RESULT.json`` draws the same from a result's JSON (:func:`load_result`).
"""
from __future__ import annotations

from .figures import (
    NetworkPoint,
    dataflow_comparison,
    energy_breakdown,
    energy_totals,
    latency,
    network_comparison,
    network_points,
    roofline,
    standard_figures,
)
from .load import load_result, result_from_dict
from .write import report_files, write_report

__all__ = [
    "NetworkPoint", "dataflow_comparison", "energy_breakdown", "energy_totals", "latency", "network_comparison",
    "network_points", "roofline", "standard_figures", "load_result", "result_from_dict", "report_files", "write_report",
]
