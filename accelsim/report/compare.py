"""Across networks: run several workloads on one config and put them side by side
(``accelsim compare W1 W2 ... H``)."""
from __future__ import annotations

from collections.abc import Sequence

from ..errors import AccelsimError
from ..result import RunResult
from .data import dram_accesses


def compare_networks(workloads: Sequence[str], hardware: str, dataflow: str | None = None, batch: int = 1,
                     objective: str = "energy") -> list[RunResult]:
    """One run per workload on the same hardware and dataflow."""
    from ..api import run
    from ..hardware import load_hardware
    from ..paths import resolve_hardware_path, resolve_workload

    if dataflow == "all":
        raise AccelsimError("compare runs one dataflow for every network", where="--dataflow",
                            expected="ws, os, is, rs or nlr (default: the config's)", found="all")
    spec = load_hardware(resolve_hardware_path(hardware))
    nets = [resolve_workload(w) for w in workloads]  # every input checked before any run
    return [run(n, spec, dataflow, batch, objective) for n in nets]


def comparison_rows(results: Sequence[RunResult]) -> list[dict[str, float | int | str]]:
    """Per network: energy, weights, MACs, energy per MAC, DRAM accesses, data movement share."""
    rows = []
    for r in results:
        t = r.totals()
        rows.append({
            "workload": r.workload,
            "hardware": r.hardware,
            "energy": t["energy_total"],
            "weights": r.weights,
            "macs": t["macs"],
            "energy_per_mac": t["energy_total"] / t["macs"] if t["macs"] else 0.0,
            "dram_accesses": dram_accesses(r),
            "data_movement_share": t["data_movement_share"],
            "cycles": t["cycles"],
        })
    return rows
