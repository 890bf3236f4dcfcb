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
from .config import ScaleSimConfig, config_to_hardware_dict, load_config, parse_config
from .model import FoldMapping, fold_mapping
from .reports import REPORT_FILES, report_texts, write_reports
from .run import CompatResult, LayerResult, run_compat, run_layer, run_topology
from .topology import ScaleSimLayer, ScaleSimWarning, Topology, load_topology, parse_topology


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    """The importer is loaded on first use: it needs the workload layer (networkx), which a
    compatible-mode run does not."""
    if name in ("import_scalesim", "topology_to_workload_dict"):
        from . import importer

        return getattr(importer, name)
    raise AttributeError(f"module 'accelsim.scalesim' has no attribute {name!r}")


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
