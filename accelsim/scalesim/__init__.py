"""A SCALE-Sim 3.0.0-compatible systolic mode: SCALE-Sim's inputs, figures and reports.

Public API:

- :func:`run_compat` (topology CSV, config .cfg) -> :class:`CompatResult` with one
  :class:`LayerResult` per layer (``.layers``), every figure of SCALE-Sim's three reports;
- :func:`write_reports` (result, directory): COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv and
  DETAILED_ACCESS_REPORT.csv in SCALE-Sim's exact format;
- :func:`load_topology`, :func:`load_config` (-> :class:`Topology`, :class:`ScaleSimConfig`),
  :func:`run_topology`, :func:`run_layer`;
- :func:`import_scalesim` (topology, config, directory): the equivalent accelsim workload and
  hardware YAML files.

How each figure is computed, and every SCALE-Sim quirk reproduced, is in docs/scalesim.md.
"""
import importlib
from typing import Any

from ..kernel_cache import drop_stale

drop_stale("scalesim")  # before any kernel module loads its cached kernels (accelsim/kernel_cache.py)

# name -> the module that defines it, imported on first use: the main CLI registers the
# SCALE-Sim commands on every start, and neither the simulator (numba) nor the importer
# (the workload layer, networkx) is needed for that
_EXPORTS = {
    **dict.fromkeys(("ScaleSimConfig", "config_to_hardware_dict", "load_config", "parse_config"), "config"),
    **dict.fromkeys(("import_scalesim", "topology_to_workload_dict"), "importer"),
    **dict.fromkeys(("FoldMapping", "fold_mapping"), "model"),
    **dict.fromkeys(("REPORT_FILES", "report_texts", "write_reports"), "reports"),
    **dict.fromkeys(("CompatResult", "LayerResult", "run_compat", "run_layer", "run_topology"), "run"),
    **dict.fromkeys(("ScaleSimLayer", "ScaleSimWarning", "Topology", "load_topology", "parse_topology"), "topology"),
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)


__all__ = [
    "REPORT_FILES",
    "CompatResult",
    "FoldMapping",
    "LayerResult",
    "ScaleSimConfig",
    "ScaleSimLayer",
    "ScaleSimWarning",
    "Topology",
    "config_to_hardware_dict",
    "fold_mapping",
    "import_scalesim",
    "load_config",
    "load_topology",
    "parse_config",
    "parse_topology",
    "report_texts",
    "run_compat",
    "run_layer",
    "run_topology",
    "topology_to_workload_dict",
    "write_reports",
]
