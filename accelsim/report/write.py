"""Everything ``--out DIR`` writes: ``result.json``, ``layers.csv``, each figure as PNG and
SVG, and ``report.html`` — rendered in memory first, then the folder built beside DIR and
swapped in whole with any other outputs of the same command (:mod:`accelsim.writing`)."""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..result import MultiResult, RunResult
from .figures import standard_figures
from .html import report_html
from ..writing import Outputs
from .output import render_all


def report_files(
    result: RunResult | MultiResult, data_files: bool = True, data: dict | None = None, none: RunResult | None = None
) -> dict[str, bytes | str]:
    """``{file name: content}`` of the report for a result (figures, page and, with
    ``data_files``, ``result.json`` — ``data`` if given, e.g. with ``run --ideal``'s bound
    added — and ``layers.csv``)."""
    from matplotlib.figure import Figure

    figs: dict[str, Figure] = standard_figures(result)
    if none is not None and isinstance(result, RunResult):  # the same run with --fusion none beside it
        from .fusion import fusion_traffic

        figs["fusion_dram"] = fusion_traffic(result, none)
    files: dict[str, bytes | str] = {}
    if data_files:
        files["result.json"] = json.dumps(result.to_dict() if data is None else data, indent=1) + "\n"
        files["layers.csv"] = result.to_csv()
    rendered = render_all(figs)
    files.update(rendered)
    pngs = {stem: rendered[f"{stem}.png"] for stem in figs}
    files["report.html"] = report_html(result, pngs)
    return files


def write_report(
    result: RunResult | MultiResult, out: str | os.PathLike[str], data_files: bool = True, data: dict | None = None,
    also: Outputs | None = None,
    none: RunResult | None = None,
) -> list[Path]:
    """Write the report into ``out``, with the outputs ``also`` holds (``run --out D --json F
    --csv G``: all or none); returns the paths written. Without ``data_files`` (``plot``) the
    folder's result.json and layers.csv are kept. ``none``: the same run with ``--fusion
    none``, for the figure of DRAM traffic between and inside layers."""
    outputs = also if also is not None else Outputs()
    keep = () if data_files else ("result.json", "layers.csv")
    return outputs.folder(out, report_files(result, data_files, data, none), keep=keep).write()
