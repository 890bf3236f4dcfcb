"""Design-space exploration: ``accelsim sweep``.

A spec (:func:`load_spec`) names a base config, axes over its fields by YAML path,
workloads, dataflows, batch sizes and constraints; :func:`run_sweep` runs one task per
design × workload × dataflow × batch (× compression) on a local process pool or a Dask
cluster, resumably (every finished task is kept in DIR/sweep.sqlite by a key of its
inputs' contents); :func:`write_sweep` writes the tidy table, the Pareto fronts, a heat
map and report.html.

Layers, top to bottom: cli → report → figures/analysis/table → runner (search) →
local/cluster → task → store/spec/designs → configpath; accelsim's API below them all.
The names below are imported on first use, so that building the CLI's parser stays light.
"""
from importlib import import_module
from typing import Any

_WHERE = {"write_sweep": "report", "SweepResult": "runner", "run_sweep": "runner", "SweepSpec": "spec", "load_spec": "spec"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = sorted(_WHERE)
