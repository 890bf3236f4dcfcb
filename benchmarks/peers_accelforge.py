"""accelsim next to AccelForge on AccelForge's own shipped Eyeriss example.

    python benchmarks/peers_accelforge.py [--accelforge PYTHON] [--layers conv3]

The machine is AccelForge's ``examples/arches/eyeriss.yaml`` (Accelergy-Project/accelforge,
the accelforge 1.0.467 wheel on PyPI; 65 nm): LPDDR4 main memory; a 1 Mb (128 KiB) global
buffer holding every tensor, 64-bit reads and writes, 32 of them per cycle at 200 MHz; a
14 × 12 PE array whose 14-way fan-out must reuse weights (a spatial loop over dims the
weights do not depend on) and whose 12-way fan-out must reuse outputs (a reduction); per PE
an input scratchpad of 12 × 16 bits, a weight scratchpad of 192 × 16 bits and an output
scratchpad of 16 × 16 bits; an 8-bit × 16-bit integer MAC. The job is ZigZag's AlexNet
(``benchmarks/peers_zigzag.py``: the same layers, so both peers see one job), 8-bit
values as AccelForge's examples state them (``bits_per_value: {All: 8}``), each layer
unfused (every tensor kept in main memory, as AccelForge's mapper tutorial does to switch
fusion off), AccelForge's mapper minimising energy. AccelForge reads padding as data (a
layer's input is the rows its windows touch), so accelsim's layers here take the padded input
as H × W with no padding: the same loop nest, the same MACs.

Energy: AccelForge's energies come from its component models (hwcomponents: CACTI for the
SRAMs, a library IntMAC, an LPDDR4 table), not a table; ``ACTIONS`` below are the per-action
energies those models gave for this file (``Spec.calculate_component_costs()``, read
2026-12-02), and accelsim is priced with them per 8-bit element: main memory 8 pJ per bit;
global buffer read / write 90.56 / 91.22 pJ per 64-bit action, an eighth of it per element;
scratchpads per bit × 8; MAC 1.281 pJ; no network cost (the file has no network component).
Leakage (AccelForge's ``leak_power`` per component) becomes accelsim's per-cycle static
energy at 200 MHz (``pe_static`` the MAC's, ``rf_static`` the three scratchpads', ``glb_static``
the buffer's). Bandwidths as AccelForge takes them: main memory 3,355,443,200 bits per second
(the LPDDR4 model's throughput: 0.419 GB/s, 2.1 B per cycle), the buffer 32 actions of 64 bits
per cycle (the file's ``total_latency``), the MAC one per cycle; no network limit [A].

AccelForge's own output for this job: ``AF`` below (run here with ``--accelforge`` in a
separate Python 3.12 venv — hwcomponents needs 3.12 — with hwcomponents-cacti's CACTI rebuilt
from its shipped sources, the shipped binary needing a newer glibc than this machine's; one
mapper thread, 2026-12-02). ``--accelforge PYTHON`` runs it again with that interpreter (a
benchmark may; no test needs it). No AccelForge code is here: the job script below only calls
its public API.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

from peers_zigzag import LAYERS, MACS, workload

BITS = 8
MHZ = 200
# accelforge 1.0.467's component models on examples/arches/eyeriss.yaml, J per action and
# bits per action, and leakage in W per instance (Spec.calculate_component_costs())
ACTIONS: dict[str, dict[str, Any]] = {
    "MainMemory": {"read": (8e-12, 1), "write": (8e-12, 1), "leak_W": 0.0, "bits_per_s": 3355443200.0},
    "GlobalBuffer": {"read": (9.056430298994264e-11, 64), "write": (9.122346940403464e-11, 64),
                     "leak_W": 2.5508039081958506e-04},
    "InputScratchpad": {"read": (2.2733893884485344e-14, 1), "write": (3.1554801000964905e-14, 1),
                        "leak_W": 4.3815839033400895e-07},
    "WeightScratchpad": {"read": (4.0152965248454046e-14, 1), "write": (6.235570339922515e-14, 1),
                         "leak_W": 7.663684917510134e-07},
    "OutputScratchpad": {"read": (2.6247402328781873e-14, 1), "write": (3.728731056542402e-14, 1),
                         "leak_W": 4.4143907783400897e-07},
    "MAC": {"compute": (1.2813796807700769e-12, None), "leak_W": 8.851870775236185e-06},
}
# AccelForge's output per layer, recorded from the runs described above (energy and latency of
# its mapper's energy-best mapping, leakage over that latency included; CPU of the mapper)
AF: dict[str, Any] = {
    "conv3": {"energy_J": 0.0004480840671562834, "latency_s": 0.004423679783940315, "cpu_s": 1707.26,
              "per_component_J": {"MainMemory": 6.337331190190329e-05, "GlobalBuffer": 6.381841209813664e-05,
                                  "InputScratchpad": 2.3538252207799815e-05, "WeightScratchpad": 5.7382568519103614e-05,
                                  "OutputScratchpad": 7.01426833984442e-05, "MAC": 0.00016982883155598622}},
    "fc8": {"energy_J": 0.00029449732650311226, "latency_s": 0.009777775034308434, "cpu_s": 25.24,
            "per_component_J": {"MainMemory": 0.0002624701439989525, "GlobalBuffer": 3.221269707864849e-06,
                                "InputScratchpad": 1.465726199967321e-06, "WeightScratchpad": 4.6178916048952206e-06,
                                "OutputScratchpad": 2.933095402113395e-06, "MAC": 1.9789199589318962e-05}},
}

JOB = r'''
import json, resource, sys, time
import accelforge as af

layers = json.loads(sys.argv[1])
lines = ["workload:", "  bits_per_value: {All: %s}" % sys.argv[3], "  einsums:"]
for i, (name, k, c, g, o, f, u, pad) in enumerate(layers):
    gi = "g%d, " % i if g > 1 else ""
    lines.append(f'  - einsum: "O{i}[{gi}p{i}, q{i}, m{i}] = I{i}[{gi}c{i}, H{i}: p{i} * {u} + r{i}, '
                 f'W{i}: q{i} * {u} + s{i}] * W{i}[{gi}r{i}, s{i}, c{i}, m{i}]"')
    lines.append("    iteration_space_shape:")
    dims = [(f"p{i}", o), (f"q{i}", o), (f"c{i}", c), (f"m{i}", k), (f"r{i}", f), (f"s{i}", f)]
    for d, n in dims + ([(f"g{i}", g)] if g > 1 else []):
        lines.append(f"    - 0 <= {d} < {n}")
    lines.append(f"    renames: {{output: O{i}, input: I{i}, weight: W{i}}}")
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
af.set_n_parallel_jobs(1, print_message=False)
t = time.process_time()
spec = af.Spec.from_yaml(af.examples.arches.eyeriss, sys.argv[2])
for node in spec.arch.nodes:
    if isinstance(node, af.arch.Memory):
        node.tensors.keep = "All"  # every tensor in main memory: no fusion
        break
spec.mapper.metrics = af.mapper.Metrics.ENERGY
mapping = spec.map_workload_to_arch()
cpu = time.process_time() - t
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print("AF-JSON " + json.dumps({
    "energy_J": float(mapping.energy()), "latency_s": float(mapping.latency()),
    "cpu_s": cpu + kids.ru_utime + kids.ru_stime,
    "per_component_J": {str(k): float(v) for k, v in mapping.energy(per_component=True).items()}}))
'''


def run_accelforge(python: str, layers: list[tuple]) -> dict[str, Any]:
    """AccelForge's mapper on ``layers`` in another interpreter: its energy, latency and CPU."""
    with tempfile.TemporaryDirectory() as d:
        script, wl = os.path.join(d, "job.py"), os.path.join(d, "workload.yaml")
        with open(script, "w") as f:
            f.write(JOB)
        out = subprocess.run([python, script, json.dumps(layers), wl, str(BITS)], capture_output=True, text=True, check=True)
    line = next(l for l in out.stdout.splitlines() if l.startswith("AF-JSON "))
    return json.loads(line[len("AF-JSON "):])


def per_element(component: str, action: str) -> float:
    """pJ per 8-bit element of one action of ``component``."""
    joules, bits = ACTIONS[component][action]
    return joules * 1e12 * (BITS if bits == 1 else BITS / bits if bits else 1)


def per_cycle(*components: str) -> float:
    """pJ per 200 MHz cycle of the components' leakage."""
    return sum(ACTIONS[c]["leak_W"] for c in components) / (MHZ * 1e6) * 1e12


def hardware(weights_in_glb: bool = True) -> dict[str, Any]:
    """The machine; ``weights_in_glb=False``: the weights bypass the buffer (DRAM <-> PEs), a
    choice AccelForge's mapper makes per tensor and layer and accelsim states on the hardware."""
    e = per_element
    costs = {
        "mac": e("MAC", "compute"), "noc_transfer": 0.0, "simd_op": 0.0,
        "rf_read.ifmap": e("InputScratchpad", "read"), "rf_write.ifmap": e("InputScratchpad", "write"),
        "rf_read.weight": e("WeightScratchpad", "read"), "rf_write.weight": e("WeightScratchpad", "write"),
        "rf_read.psum": e("OutputScratchpad", "read"), "rf_write.psum": e("OutputScratchpad", "write"),
        "rf_read.ofmap": e("OutputScratchpad", "read"), "rf_write.ofmap": e("OutputScratchpad", "write"),
        "rf_read": e("InputScratchpad", "read"), "rf_write": e("InputScratchpad", "write"),
        "glb_read": e("GlobalBuffer", "read"), "glb_write": e("GlobalBuffer", "write"),
        "dram_read": e("MainMemory", "read"), "dram_write": e("MainMemory", "write"),
        "pe_static": per_cycle("MAC"),
        "rf_static": per_cycle("InputScratchpad", "WeightScratchpad", "OutputScratchpad"),
        "glb_static": per_cycle("GlobalBuffer"), "simd_static": 0.0,
    }
    return {
        "name": "accelforge_eyeriss",
        "description": "AccelForge's examples/arches/eyeriss.yaml in accelsim's terms (benchmarks/peers_accelforge.py)",
        "source": "Accelergy-Project/accelforge 1.0.467 examples/arches/eyeriss.yaml",
        "clock_mhz": MHZ,
        "dataflow": "rs",
        "word_bits": {t: BITS for t in ("weight", "ifmap", "psum", "ofmap")},
        "array": {"rows": 12, "cols": 14, "kind": "spatial"},
        "rf": {"split": {"ifmap": 12 * 16 // BITS, "weight": 192 * 16 // BITS, "psum": 16 * 16 // BITS}},
        "noc": {"kind": "multicast", "bw": 64},
        "glbs": [{"name": "glb", "holds": ["ifmap", "psum", "ofmap"] + (["weight"] if weights_in_glb else []),
                  "size": "128 KiB", "word_bits": BITS, "bw": 32 * 64 // BITS}],
        **({} if weights_in_glb else {"glb_bypass": ["weight"]}),
        "dram": {"word_bits": BITS, "bw_GBps": ACTIONS["MainMemory"]["bits_per_s"] / 8 / 1e9},
        "simd": {"lanes": 1},
        "energy": {"unit": "pJ", "name": "AccelForge eyeriss.yaml component models, per element", "costs": costs,
                   "source": "accelforge 1.0.467 Spec.calculate_component_costs() on examples/arches/eyeriss.yaml "
                             "(65 nm), per 8-bit element; leakage at 200 MHz [A]"},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accelforge", metavar="PYTHON", help="run AccelForge again with this interpreter")
    ap.add_argument("--layers", default="conv3,fc8", help="comma-separated layers of ZigZag's AlexNet (AccelForge: "
                    "about an hour of CPU for a conv layer here, half a minute for fc8)")
    args = ap.parse_args()
    from accelsim.api import run
    from accelsim.hardware import hardware_from_dict
    from accelsim.workload import workload_from_dict

    names = args.layers.split(",")
    print(f"load average {os.getloadavg()[0]:.2f} (2 cores)")
    wl = workload(tuple(names), padding_as_data=True)
    net = workload_from_dict({**wl, "name": "accelforge_alexnet", "description": "ZigZag's AlexNet as AccelForge reads it"})
    machines = {"weights in the buffer": hardware_from_dict(hardware()),
                "weights bypass it": hardware_from_dict(hardware(weights_in_glb=False))}
    run("alexnet", "eyeriss", "rs")  # numba's kernels loaded before timing
    ours: dict[str, dict[str, Any]] = {}  # dataflow -> per layer (energy pJ, cycles, machine), CPU-s
    for df in machines["weights in the buffer"].dataflows:
        t = time.process_time()
        runs = {m: run(net, hw, df, fusion="none") for m, hw in machines.items()}
        cpu = time.process_time() - t
        per = {}
        for i, name in enumerate(names):
            m = min(runs, key=lambda m: runs[m].layers[i].total_energy)  # the cheaper keep choice, as AccelForge's
            per[name] = (runs[m].layers[i].total_energy, runs[m].layers[i].cycles, m, runs[m].layers[i].energy)
        ours[df] = {"layers": per, "cpu": cpu}
        assert [l.macs for l in runs[m].layers] == [mc for (n, *_), mc in zip(LAYERS, MACS) if n in names]  # the same job
    af_runs = {n: AF[n] for n in names if n in AF}
    if args.accelforge:
        for n in names:
            af_runs[n] = run_accelforge(args.accelforge, [l for l in LAYERS if l[0] == n])
            print(f"AccelForge {n}: " + json.dumps(af_runs[n]))
    missing = [n for n in names if n not in af_runs]
    if missing:
        sys.exit(f"no AccelForge figures recorded for {', '.join(missing)}: run with --accelforge PYTHON")
    af_e = sum(a["energy_J"] for a in af_runs.values()) * 1e12
    af_cpu = sum(a["cpu_s"] for a in af_runs.values())
    af_cycles = sum(a["latency_s"] for a in af_runs.values()) * MHZ * 1e6
    print(f"AccelForge ({', '.join(names)}): {af_e:.4e} pJ, {af_cycles:,.0f} cycles, {af_cpu:,.1f} CPU-s"
          + ("" if args.accelforge else " (recorded; --accelforge PYTHON runs it)"))
    print("accelsim, each layer on the cheaper of its two keep choices (both runs' CPU counted):")
    print(f"{'dataflow':9} {'energy pJ':>11} {'/ AccelForge':>12} {'cycles':>12} {'CPU-s':>7} {'AccelForge CPU / ours':>22}")
    for df, o in ours.items():
        e = sum(v[0] for v in o["layers"].values())
        c = sum(v[1] for v in o["layers"].values())
        print(f"{df:9} {e:11.4e} {e / af_e:12.3f} {c:12,} {o['cpu']:7.2f} {af_cpu / o['cpu']:21,.0f}x")
    for n, a in af_runs.items():
        best = min(ours, key=lambda d: ours[d]["layers"][n][0])
        e, c, m, by_level = ours[best]["layers"][n]
        print(f"{n}: AccelForge {a['energy_J'] * 1e12:.4e} pJ in {a['latency_s'] * MHZ * 1e6:,.0f} cycles, {a['cpu_s']:.1f} CPU-s; "
              f"accelsim {best} ({m}) {e:.4e} pJ = {e / (a['energy_J'] * 1e12):.3f}x in {c:,} cycles")
        print("  AccelForge by component (pJ): " + ", ".join(f"{k} {v * 1e12:.4g}" for k, v in a["per_component_J"].items()))
        print("  accelsim by level (pJ, static in MAC/RF/GLB): " + ", ".join(f"{k} {v:.4g}" for k, v in by_level.items()))


if __name__ == "__main__":
    main()
