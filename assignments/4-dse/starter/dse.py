"""Assignment 4 — design-space exploration (../handout.md).

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


def storage_bytes(rows: int, cols: int, rf: str, glb_kib: int) -> int:
    """On-chip storage of a design point: every PE's RF plus the GLB, in bytes."""
    raise NotImplementedError


def feasible_points(budget: int = BUDGET_BYTES) -> list[Point]:
    """Every point of the grid ARRAYS x RFS x GLB_KIB whose storage fits the budget."""
    raise NotImplementedError


def evaluate(point: Point) -> tuple[float, int]:
    """(energy, cycles) of WORKLOAD on the design point (the config's default dataflow)."""
    raise NotImplementedError


def explore(budget: int = BUDGET_BYTES) -> dict[Point, tuple[float, int]]:
    """evaluate() of every feasible point."""
    raise NotImplementedError


def pareto_front(results: dict[Point, tuple[float, int]]) -> list[Point]:
    """The points no other point beats in both energy and cycles (ties: not beaten)."""
    raise NotImplementedError


def best_edp(results: dict[Point, tuple[float, int]]) -> Point:
    """The point with the least energy x cycles."""
    raise NotImplementedError


def plot_front(results: dict[Point, tuple[float, int]], front: list[Point], path: str | Path) -> None:
    """Save a PNG: every point (cycles vs energy), the front drawn as a line."""
    raise NotImplementedError


if __name__ == "__main__":
    res = explore()
    front = pareto_front(res)
    plot_front(res, front, HERE / "pareto.png")
    print("best energy x delay:", best_edp(res))
