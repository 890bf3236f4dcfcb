"""Write the example notebooks from the cells below, run, with their outputs stored:
python examples/make_notebooks.py (needs the notebooks extra: pip install -e '.[notebooks]').

The notebooks are generated so that they stay reviewable as plain Python here; they are
committed with their outputs so that they read on a web page; the repository's tests run
each one top to bottom again (tests/test_notebooks.py).
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
register files), the cycles, and the energy. This notebook runs AlexNet on Eyeriss — the
chip of Chen et al. (ISSCC 2016, JSSC 2017), 168 PEs, with its row-stationary dataflow —
and looks at where the energy goes."""),
    ("code", """%matplotlib inline
import accelsim
from accelsim.report import energy_breakdown, energy_totals
from accelsim.terminal.units import EnergyFormat

r = accelsim.run("alexnet", "eyeriss")          # the config's own dataflow: row stationary
t = r.totals()
fmt = EnergyFormat(r.energy_unit)               # Eyeriss' table: energies in multiples of one MAC
print(f"{r.workload} on {r.hardware}, dataflow {r.dataflow}")
print(f"{t['macs']:,} MACs in {t['cycles']:,} cycles, {t['utilization']:.0%} of the PEs busy")
print(f"energy {fmt.with_unit(t['energy_total'])}, {t['data_movement_share']:.0%} of it moving data")"""),
    ("md", """Almost all of the energy is spent moving data, not computing. The ring below splits the
network's energy by level: MAC is the arithmetic; RF, NoC, GLB and DRAM are data movement.
The RF slice is big because every MAC reads its operands from the PE's register file and
writes its partial sum back — four RF accesses per MAC, each as dear as the MAC itself."""),
    ("code", """energy_totals(r)"""),
    ("md", """Per layer, the conv layers do the MACs, but the fully connected layers (fc6–fc8) read
most of the weights — each used once per image at batch 1, so their energy is nearly all
DRAM (red). The bottom panel splits the same energy by data type."""),
    ("code", """energy_breakdown(r)"""),
    ("md", """Every dataflow the config can run, side by side. Row stationary should spend the least
(Chen et al., ISCA 2016, compare dataflows on AlexNet's conv layers the same way)."""),
    ("code", """runs = {df: accelsim.run("alexnet", "eyeriss", dataflow=df) for df in ("ws", "os", "is", "rs", "nlr")}
energy = {df: run.totals()["energy_total"] for df, run in runs.items()}
for df, e in energy.items():
    print(f"{df:4s} {fmt.with_unit(e):>16}")
best = min(energy, key=energy.get)
print("least energy:", best)"""),
    ("code", """from accelsim.report import dataflow_comparison
from accelsim.result import MultiResult

dataflow_comparison(MultiResult(tuple(runs.values())))"""),
    ("md", "The same from the command line: `accelsim run alexnet eyeriss --dataflow all`; a report with `--out DIR`; JSON with `--json`."),
    ("code", """import json
data = json.loads(r.to_json())
print(sorted(data))
print(data["energy_table"]["table"], "-", data["hardware_source"])"""),
]

ENERGY = [
    ("md", """# Where the energy goes: GoogLeNet on Eyeriss

Eyeriss's energy table (Chen et al., ISCA 2016, Table IV) prices one DRAM access at 200
MACs, a global-buffer access at 6, the NoC at 2 and the RF at 1. Moving data, not
computing on it, is what costs. This notebook sums GoogLeNet's energy by level and by data
type, finds the layers that spend it, and sets AlexNet beside it."""),
    ("code", """%matplotlib inline
import math
import accelsim
from accelsim.report import energy_breakdown
from accelsim.terminal.units import EnergyFormat

r = accelsim.run("googlenet", "eyeriss", dataflow="rs")
fmt = EnergyFormat(r.energy_unit)
levels = ("MAC", "RF", "NoC", "GLB", "DRAM", "SIMD")
by_level = {k: math.fsum(l.energy.get(k, 0.0) for l in r.layers) for k in levels}
total = math.fsum(by_level.values())
for k, v in by_level.items():
    print(f"{k:5s} {fmt(v):>8}  {v / total:6.1%}")
print(f"moving data: {r.totals()['data_movement_share']:.1%}")"""),
    ("md", """GoogLeNet has few weights (6.6 M, a tenth of AlexNet's) but large feature maps in its
early layers and nine Inception modules: per block, the energy goes to the feature maps
(ifmap, psum, ofmap) more than to the weights."""),
    ("code", """types = ("weight", "ifmap", "psum", "ofmap")
by_type = {t: math.fsum(l.energy_by_type.get(t, 0.0) for l in r.layers) for t in types}
print({t: f"{v / total:.0%}" for t, v in by_type.items()})
print(max(by_type, key=by_type.get), "dominates")
energy_breakdown(r, group=True)"""),
    ("md", "The ten most energy-hungry layers, and their energy per MAC — the 3×3 convs of the stem and of the wide Inception branches:"),
    ("code", """top = sorted((l for l in r.layers if l.macs), key=lambda l: l.total_energy, reverse=True)[:10]
for l in top:
    print(f"{l.name:32s} {fmt(l.total_energy):>8}  {l.total_energy / l.macs:6.2f} per MAC  DRAM {l.energy['DRAM'] / l.total_energy:4.0%}")"""),
    ("md", "AlexNet is different: most of its weights sit in the fully connected layers, used once per image at batch 1, so weights dominate its energy."),
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
a NumPy convolution before counting anything (the kit's `assignments/GUIDE.md` gives every
field). Here: weight stationary, as the kit's worked example writes it."""),
    ("code", """%matplotlib inline
import accelsim
from accelsim.dataflow import Dataflow
from accelsim.dataflow.plugin import from_class
from accelsim.errors import AccelsimError
from accelsim.reference.check import check_dataflow


class WeightStationary(Dataflow):
    name = "my-ws"
    rows = ("C",)                                  # input channels down the PE rows
    cols = ("M",)                                  # filters across the PE columns
    rf_order = ("N", "E", "F", "R", "S")
    keep = {"weight": "pass", "ifmap": "mac", "psum": "F"}   # the weights stay for the pass
    pass_order = ("G", "M", "C", "R", "S", "N", "E", "F")
    full_in_pass = ("R", "S")

    def order(self, extent):
        for n in range(extent["N"]):
            for e in range(extent["E"]):
                for f in range(extent["F"]):
                    for r in range(extent["R"]):
                        for s in range(extent["S"]):
                            yield n, e, f, r, s


check_dataflow(from_class(WeightStationary))   # what accelsim.run does first
print("correct on every random layer")"""),
    ("md", """A mistake in the loop nest — here the innermost loop stops one short — is caught before
any counting, and the error names the layer, the mapping and the first wrong output element:"""),
    ("code", """class Broken(WeightStationary):
    name = "broken"

    def order(self, extent):
        for n, e, f, r, s in super().order(extent):
            if s < extent["S"] - 1 or extent["S"] == 1:
                yield n, e, f, r, s


try:
    accelsim.run("alexnet", "eyeriss", dataflow=Broken)
except AccelsimError as exc:
    print(exc)"""),
    ("md", """The correct one runs like a shipped dataflow; its counts are the engine's. Next to the
shipped weight stationary and row stationary, on SqueezeNet: keeping the weights in the
PE saves weight traffic, but every input is sent to the PEs again for every MAC."""),
    ("code", """from accelsim.terminal.units import EnergyFormat

runs = {"mine": accelsim.run("squeezenet1_1", "eyeriss", dataflow=WeightStationary)}
runs.update({df: accelsim.run("squeezenet1_1", "eyeriss", dataflow=df) for df in ("ws", "rs")})
fmt = EnergyFormat(runs["rs"].energy_unit)
for name, run in runs.items():
    t = run.totals()
    noc = {k: v["reads"] + v["writes"] for k, v in t["accesses"]["NoC"].items()}
    print(f"{name:5s} {run.dataflow:6s} energy {fmt.with_unit(t['energy_total']):>16}  NoC {noc}")"""),
    ("code", """from accelsim.report import latency

latency(runs["mine"])"""),
]


def notebook(cells) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


NOTEBOOKS = {"quick_tour.ipynb": QUICK_TOUR, "energy_breakdown.ipynb": ENERGY, "writing_a_dataflow.ipynb": DATAFLOW}

def executed(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook run top to bottom, outputs stored (so that it reads on a web page)."""
    import nbclient

    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}).execute()
    for c in nb.cells:
        c.get("metadata", {}).pop("execution", None)
    return nb


if __name__ == "__main__":
    for name, cells in NOTEBOOKS.items():
        nbformat.write(executed(notebook(cells)), HERE / name)
        print("wrote", HERE / name, "(run, with its outputs)")
