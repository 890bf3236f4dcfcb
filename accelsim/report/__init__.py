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

import importlib
from typing import Any

# name -> the module that defines it; imported on first use, so that building the CLI's
# parser (which registers `plot` and `compare`) does not load matplotlib
_EXPORTS = {
    **dict.fromkeys(("NetworkPoint", "dataflow_comparison", "energy_breakdown", "energy_totals", "latency",
                     "network_comparison", "network_points", "roofline", "standard_figures"), "figures"),
    **dict.fromkeys(("load_result", "result_from_dict"), "load"),
    **dict.fromkeys(("report_files", "write_report"), "write"),
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)


__all__ = list(_EXPORTS)
