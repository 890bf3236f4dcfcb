"""Assignment 4 — a deliberately wrong submission: RF words counted as bytes (psums are 4 bytes), energy alone minimised, and a front that keeps dominated points.

Choose the PE array, the RF and the global buffer of an edge accelerator, under an on-chip
storage budget, to minimise energy x delay on the head of MobileNet v2. ``make_config`` is
given; fill in the rest, then run ``python dse.py`` to see your Pareto front.
"""
from __future__ import annotations

from pathlib import Path

import yaml

import accelsim
from accelsim.hardware import hardware_from_dict
from accelsim.paths import config_dir

HERE = Path(__file__).resolve().parent
WORKLOAD = HERE / "mobilenet_v2_head.yaml"

ARRAYS = ((8, 8), (16, 16))                                   # PE rows x columns
RFS = {                                                       # words per PE, per data type
    "small": {"weight": 32, "ifmap": 8, "psum": 8},
    "large": {"weight": 128, "ifmap": 32, "psum": 32},
}
GLB_KIB = (32, 64, 128)                                       # one shared global buffer
WORD_BYTES = {"weight": 1, "ifmap": 1, "psum": 4}             # INT8 weights and ifmaps, 32-bit psums
BUDGET_BYTES = 100 * 1024                                     # all RFs + the GLB

Point = tuple[int, int, str, int]                             # (rows, cols, rf name, GLB KiB)


def make_config(rows: int, cols: int, rf: str, glb_kib: int):
    """The edge_16x16 accelerator (INT8, Horowitz 45 nm energies — bigger SRAMs cost more
    per access) with this array, RF and GLB. Given: you need not change it."""
    d = yaml.safe_load((config_dir("hw_configs") / "edge_16x16.yaml").read_text())
    d["name"] = f"edge_{rows}x{cols}_{rf}_{glb_kib}k"
    d["array"] = {"rows": rows, "cols": cols, "kind": "spatial"}
    d["rf"] = {"split": dict(RFS[rf])}
    d["glbs"][0]["size"] = f"{glb_kib} KiB"
    return hardware_from_dict(d, file=d["name"])


def storage_bytes(rows, cols, rf, glb_kib):
    per_pe = sum(RFS[rf].values())  # wrong: words, not bytes
    return rows * cols * per_pe + glb_kib * 1024


def feasible_points(budget=BUDGET_BYTES):
    return [(r, c, rf, g) for (r, c) in ARRAYS for rf in RFS for g in GLB_KIB if storage_bytes(r, c, rf, g) <= budget]


def evaluate(point):
    t = accelsim.run(WORKLOAD, make_config(*point)).totals()
    return t["energy_total"], t["cycles"]


def explore(budget=BUDGET_BYTES):
    return {p: evaluate(p) for p in feasible_points(budget)}


def pareto_front(results):
    def beaten(p):
        e, c = results[p]
        return any(e2 < e and c2 < c for e2, c2 in results.values()) and e > min(x for x, _ in results.values()) * 10  # wrong
    return sorted((p for p in results if not beaten(p)), key=lambda p: results[p][1])


def best_edp(results):
    return min(results, key=lambda p: results[p][0])  # wrong: energy only


def plot_front(results, front, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 4))
    ax.scatter([c for _, c in results.values()], [e for e, _ in results.values()], label="design points")
    ax.plot([results[p][1] for p in front], [results[p][0] for p in front], "r-o", label="Pareto front")
    ax.set_xlabel("cycles")
    ax.set_ylabel("energy (pJ)")
    ax.legend()
    fig.savefig(path, format="png")
    plt.close(fig)


if __name__ == "__main__":
    res = explore()
    front = pareto_front(res)
    plot_front(res, front, HERE / "pareto.png")
    print("best energy x delay:", best_edp(res))
