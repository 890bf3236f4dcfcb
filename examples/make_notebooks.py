"""Write the example notebooks (no outputs) from the cells below: python examples/make_notebooks.py

The notebooks are generated so that they stay reviewable as plain Python here; the
repository's tests run each one top to bottom (tests/test_notebooks.py).
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

QUICK_TOUR = [
    ("md", """# accelsim: a quick tour

accelsim maps every layer of a CNN onto an accelerator and counts, exactly, the MACs and
the reads and writes of every data type at every level (DRAM, global buffer, NoC,
register files), the cycles, and the energy. This notebook runs AlexNet on Eyeriss."""),
    ("code", """import accelsim
import matplotlib.pyplot as plt

r = accelsim.run("alexnet", "eyeriss")          # the config's own dataflow: row stationary
t = r.totals()
print(f"{r.workload} on {r.hardware}, dataflow {r.dataflow}")
print(f"{t['macs']:,} MACs in {t['cycles']:,} cycles, {t['utilization']:.0%} of the PEs busy")
print(f"energy {t['energy_total']:.3g} ({r.energy_unit}), {t['data_movement_share']:.0%} of it moving data")"""),
    ("md", "Per layer: the conv layers do the MACs, the fully connected layers read the weights."),
    ("code", """for l in r.layers:
    if l.macs:
        print(f"{l.name:8s} {l.macs:>12,} MACs  {l.cycles:>11,} cycles  energy {l.total_energy:.3g}  moving {l.data_movement_share:.0%}")"""),
    ("md", "Every dataflow the config can run, side by side:"),
    ("code", """runs = {df: accelsim.run("alexnet", "eyeriss", dataflow=df) for df in ("ws", "os", "is", "rs", "nlr")}
energy = {df: run.totals()["energy_total"] for df, run in runs.items()}
fig, ax = plt.subplots(figsize=(5, 3))
ax.bar(list(energy), list(energy.values()))
ax.set_ylabel(f"energy ({r.energy_unit})")
ax.set_title("AlexNet on Eyeriss")
best = min(energy, key=energy.get)
print("least energy:", best)"""),
    ("md", "The same from the command line: `accelsim run alexnet eyeriss --dataflow all`; JSON with `--json`."),
    ("code", """import json
data = json.loads(r.to_json())
print(sorted(data))"""),
]

ENERGY = [
    ("md", """# Where the energy goes: GoogLeNet on Eyeriss

Eyeriss's energy table (Chen et al., ISCA 2016, Table IV) prices one DRAM access at 200
MACs, a global-buffer access at 6, the NoC at 2 and the RF at 1. Moving data, not
computing on it, is what costs."""),
    ("code", """import math
import accelsim
import matplotlib.pyplot as plt

r = accelsim.run("googlenet", "eyeriss", dataflow="rs")
levels = ("MAC", "RF", "NoC", "GLB", "DRAM", "SIMD")
by_level = {k: math.fsum(l.energy.get(k, 0.0) for l in r.layers) for k in levels}
total = math.fsum(by_level.values())
for k, v in by_level.items():
    print(f"{k:5s} {v:10.3g}  {v / total:6.1%}")
print(f"moving data: {r.totals()['data_movement_share']:.1%}")"""),
    ("code", """types = ("weight", "ifmap", "psum", "ofmap")
by_type = {t: math.fsum(l.energy_by_type.get(t, 0.0) for l in r.layers) for t in types}
fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3))
a.bar(list(by_level), list(by_level.values())); a.set_title("by level")
b.bar(list(by_type), list(by_type.values())); b.set_title("by data type")
print(max(by_type, key=by_type.get), "dominates")"""),
    ("md", "The ten most energy-hungry layers, and their energy per MAC:"),
    ("code", """top = sorted((l for l in r.layers if l.macs), key=lambda l: l.total_energy, reverse=True)[:10]
for l in top:
    print(f"{l.name:32s} {l.total_energy:10.3g}  {l.total_energy / l.macs:6.2f} per MAC  DRAM {l.energy['DRAM'] / l.total_energy:4.0%}")"""),
    ("md", "AlexNet is different: most of its weights sit in the fully connected layers, used once per image at batch 1."),
    ("code", """a = accelsim.run("alexnet", "eyeriss", dataflow="rs")
ea = {t: math.fsum(l.energy_by_type.get(t, 0.0) for l in a.layers) for t in types}
print({t: f"{v / math.fsum(ea.values()):.0%}" for t, v in ea.items()})"""),
]

DATAFLOW = [
    ("md", """# Writing a dataflow

A dataflow is a subclass of `accelsim.dataflow.Dataflow` that declares its loop nest: the
dims spread across PE rows and columns, the loops inside one PE (`rf_order`), what the RF
keeps of each data type, and the order of the array passes. `order()` may spell the PE's
loop nest out; accelsim's reference model runs it literally and checks the output against
a NumPy convolution before counting anything (docs/teaching.md)."""),
    ("code", """import accelsim
from accelsim.dataflow import Dataflow
from accelsim.dataflow.plugin import from_class
from accelsim.errors import AccelsimError
from accelsim.reference.check import check_dataflow


class OutputStationary(Dataflow):
    name = "my-os"
    rows = ("E",)                                  # output rows down the PE rows
    cols = ("F",)                                  # output columns across
    rf_order = ("N", "M", "C", "R", "S")
    keep = {"weight": "mac", "ifmap": "mac", "psum": "M"}   # the psum stays
    pass_order = ("G", "N", "M", "E", "F", "C", "R", "S")

    def order(self, extent):
        for n in range(extent["N"]):
            for m in range(extent["M"]):
                for c in range(extent["C"]):
                    for r in range(extent["R"]):
                        for s in range(extent["S"]):
                            yield n, m, c, r, s


check_dataflow(from_class(OutputStationary))   # what accelsim.run does first
print("correct on every random layer")"""),
    ("md", "An off-by-one in the loop nest is caught, naming the first wrong output element:"),
    ("code", """class Broken(OutputStationary):
    name = "broken"

    def order(self, extent):
        for n, m, c, r, s in super().order(extent):
            if s < extent["S"] - 1 or extent["S"] == 1:
                yield n, m, c, r, s


try:
    accelsim.run("alexnet", "eyeriss", dataflow=Broken)
except AccelsimError as exc:
    print(exc)"""),
    ("md", "The correct one runs like a shipped dataflow; its counts are the engine's:"),
    ("code", """mine = accelsim.run("squeezenet1_1", "eyeriss", dataflow=OutputStationary)
ws = accelsim.run("squeezenet1_1", "eyeriss", dataflow="ws")
for run in (mine, ws):
    t = run.totals()
    noc = {k: v["reads"] + v["writes"] for k, v in t["accesses"]["NoC"].items()}
    print(f"{run.dataflow:6s} energy {t['energy_total']:.3g}  NoC {noc}")"""),
]


def notebook(cells) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


NOTEBOOKS = {"quick_tour.ipynb": QUICK_TOUR, "energy_breakdown.ipynb": ENERGY, "writing_a_dataflow.ipynb": DATAFLOW}

if __name__ == "__main__":
    for name, cells in NOTEBOOKS.items():
        nbformat.write(notebook(cells), HERE / name)
        print("wrote", HERE / name)
