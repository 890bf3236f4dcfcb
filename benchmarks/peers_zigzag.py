"""accelsim next to ZigZag on ZigZag's own shipped example: AlexNet on its Eyeriss-like machine.

    python benchmarks/peers_zigzag.py [--zigzag]

The job is ZigZag's: ``zigzag/inputs/workload/alexnet.onnx`` (its 5 conv + 3 fc layers, 8-bit
weights and inputs, 16-bit psums, as ZigZag reads them) on
``zigzag/inputs/hardware/eyeriss_like.yaml`` with ``zigzag/inputs/mapping/default.yaml``
(KULeuven-MICAS/zigzag at commit 3d12a96e, 2026-01-15, the same files in the zigzag-dse 3.9.1
wheel). Its figures below are facts read from those files; no ZigZag code is here.

The machine, in accelsim's terms: 14 × 12 PEs; per PE an ifmap and a weight RF of 64 B
and a psum RF of 16 B; a 64 KB weight buffer and a 1 MB buffer for ifmaps and outputs;
DRAM. ZigZag also has an 8 KB output buffer between the psum RFs and the 1 MB one: accelsim
has one global-buffer level per data type, so outputs go from the RFs to the 1 MB buffer [A].
Energy, priced with ZigZag's own table turned into a cost per element: ZigZag charges
``r_cost``/``w_cost`` per access of a port's width, so an element of b bits costs
cost × b / port bits where a port holds several, a whole access where it holds one [A]: MAC 0.5 pJ; ifmap and weight RF 1.0 read / 1.5 write per 8-bit
access; psum RF 1.5 / 2.0 per 24-bit access (one 16-bit psum each); 64 KB: 20 / 25 per 128 bits; 1 MB: 100 / 130
per 384 bits; DRAM 1000 per 64 bits; no NoC cost (ZigZag has none). accelsim's mapper then
searches its own mappings (every dataflow the spatial array runs; ZigZag's default mapping
unrolls K × C, weight-stationary in accelsim's words).

ZigZag's own output for this job (zigzag-dse 3.9.1 installed from PyPI in a separate venv
and run here, 2026-12-02, ``api.get_hardware_performance_zigzag(alexnet.onnx,
eyeriss_like.yaml, default.yaml, opt="energy")``, load average 1 on 2 cores): 1.2371e10 pJ,
13,021,482 cycles, 119.6 CPU-s. ``--zigzag`` runs it again if ``zigzag`` imports (a
benchmark may; no test needs it).
"""
from __future__ import annotations

import argparse
import time
from typing import Any

# ZigZag's AlexNet as ZigZag reads alexnet.onnx: (name, K, C per group, groups, OX=OY, FX=FY, stride, pad)
LAYERS: tuple[tuple[str, int, int, int, int, int, int, int], ...] = (
    ("conv1", 96, 3, 1, 54, 11, 4, 0),
    ("conv2", 128, 48, 2, 26, 5, 1, 2),
    ("conv3", 384, 256, 1, 12, 3, 1, 1),
    ("conv4", 192, 192, 2, 12, 3, 1, 1),
    ("conv5", 128, 192, 2, 12, 3, 1, 1),
    ("fc6", 4096, 9216, 1, 1, 1, 1, 0),
    ("fc7", 4096, 4096, 1, 1, 1, 1, 0),
    ("fc8", 1000, 4096, 1, 1, 1, 1, 0),
)
# ZigZag's run above: per layer (total pJ, MAC pJ, cycles), in LAYERS' order
ZIGZAG = {
    "total_pJ": 12370796270.0, "cycles": 13021482, "cpu_s": 119.6,
    "layers": (
        (673398710.0, 50808384.0, 2769302), (1515228360.0, 103833600.0, 1627741),
        (991630652.0, 63700992.0, 891647), (750447744.0, 47775744.0, 647686),
        (503692800.0, 31850496.0, 462682), (5112377776.0, 18874368.0, 4389136),
        (2272249414.0, 8388608.0, 1792449), (551770814.0, 2048000.0, 440839),
    ),
}
MACS = (101616768, 207667200, 127401984, 95551488, 63700992, 37748736, 16777216, 4096000)  # ZigZag's counts


def workload(names: tuple[str, ...] | None = None, padding_as_data: bool = False) -> dict[str, Any]:
    """ZigZag's AlexNet (or the ``names`` layers of it); ``padding_as_data``: each layer's
    padded input as H × W and no padding (AccelForge's reading): the same MACs."""
    layers = []
    for name, k, c, g, o, f, u, pad in LAYERS:
        if names is not None and name not in names:
            continue
        if padding_as_data:
            pad = 0
        h = (o - 1) * u + f - 2 * pad
        d: dict[str, Any] = {"name": name, "type": "conv", "C": c * g, "H": h, "W": h, "M": k * g, "R": f, "S": f,
                             "bias": False}
        if u != 1:
            d["stride"] = u
        if pad:
            d["pad"] = pad
        if g != 1:
            d["groups"] = g
        layers.append(d)
    return {"name": "zigzag_alexnet", "description": "ZigZag's alexnet.onnx as ZigZag reads it", "layers": layers}


def per_element(cost: float, bits: int, port_bits: int) -> float:
    return cost * bits / port_bits


def hardware() -> dict[str, Any]:
    e = per_element
    costs = {
        "mac": 0.5, "noc_transfer": 0.0, "simd_op": 0.0,
        "rf_read": 1.0, "rf_write": 1.5,  # ifmap and weight RFs, one 8-bit element per access
        # the psum RF's 24-bit port holds one 16-bit psum per access: a whole access each
        "rf_read.psum": 1.5, "rf_write.psum": 2.0, "rf_read.ofmap": 1.5, "rf_write.ofmap": 2.0,
        "w_glb_read": e(20, 8, 128), "w_glb_write": e(25, 8, 128),
        "io_glb_read": e(100, 8, 384), "io_glb_write": e(130, 8, 384),
        "io_glb_read.psum": e(100, 16, 384), "io_glb_write.psum": e(130, 16, 384),
        "dram_read": e(1000, 8, 64), "dram_write": e(1000, 8, 64),
        "dram_read.psum": e(1000, 16, 64), "dram_write.psum": e(1000, 16, 64),
    }
    return {
        "name": "zigzag_eyeriss_like",
        "description": "ZigZag's eyeriss_like.yaml in accelsim's terms (benchmarks/peers_zigzag.py)",
        "source": "KULeuven-MICAS/zigzag 3d12a96e zigzag/inputs/hardware/eyeriss_like.yaml",
        "clock_mhz": 200,
        "dataflow": "ws",
        "word_bits": {"weight": 8, "ifmap": 8, "psum": 16, "ofmap": 8},
        "array": {"rows": 12, "cols": 14, "kind": "spatial"},
        "rf": {"split": {"ifmap": 64, "weight": 64, "psum": 8}},
        "noc": {"kind": "multicast", "bw": 16},
        "glbs": [
            {"name": "w_glb", "holds": ["weight"], "size": "64 KiB", "word_bits": 8, "bw": 16},
            {"name": "io_glb", "holds": ["ifmap", "psum", "ofmap"], "size": "1 MiB", "word_bits": 8, "bw": 48},
        ],
        "dram": {"word_bits": 8, "bw_GBps": 1.6},
        "simd": {"lanes": 1},
        "energy": {"unit": "pJ", "name": "ZigZag eyeriss_like per element", "costs": costs,
                   "source": "ZigZag eyeriss_like.yaml r_cost/w_cost x element bits / port bits [A]"},
    }


def run_zigzag() -> tuple[float, float, float]:
    import os

    import zigzag
    from zigzag import api

    base = os.path.join(os.path.dirname(zigzag.__file__), "inputs")
    t = time.process_time()
    energy, latency, _ = api.get_hardware_performance_zigzag(
        workload=os.path.join(base, "workload", "alexnet.onnx"),
        accelerator=os.path.join(base, "hardware", "eyeriss_like.yaml"),
        mapping=os.path.join(base, "mapping", "default.yaml"), opt="energy")
    return float(energy), float(latency), time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--zigzag", action="store_true", help="run ZigZag again (needs zigzag-dse installed)")
    args = ap.parse_args()
    import os

    from accelsim.api import run
    from accelsim.hardware import hardware_from_dict
    from accelsim.workload import workload_from_dict

    print(f"load average {os.getloadavg()[0]:.2f} (2 cores)")
    net = workload_from_dict(workload())
    hw = hardware_from_dict(hardware())
    ours = {}
    for df in hw.dataflows:
        run("alexnet", "eyeriss", "rs")  # numba's kernels loaded before timing
        t = time.process_time()
        r = run(net, hw, df, fusion="none")
        ours[df] = (r, time.process_time() - t)
    macs = [l.macs for l in ours[hw.dataflow][0].layers]
    assert macs == list(MACS), (macs, MACS)  # the same job: ZigZag's MAC count per layer
    zz_e, zz_c, zz_cpu = ZIGZAG["total_pJ"], ZIGZAG["cycles"], ZIGZAG["cpu_s"]
    if args.zigzag:
        zz_e, zz_c, zz_cpu = run_zigzag()
    print(f"ZigZag: {zz_e:.4e} pJ, {zz_c:,.0f} cycles, {zz_cpu:.1f} CPU-s"
          + ("" if args.zigzag else " (recorded, module docstring; --zigzag runs it)"))
    print(f"{'dataflow':9} {'energy pJ':>11} {'/ ZigZag':>9} {'cycles':>12} {'CPU-s':>7} {'ZigZag CPU / ours':>18}")
    for df, (r, cpu) in ours.items():
        t = r.totals()
        print(f"{df:9} {t['energy_total']:11.4e} {t['energy_total'] / zz_e:9.3f} {t['cycles']:12,} {cpu:7.2f} "
              f"{zz_cpu / cpu:17,.0f}x")
    best = min(ours, key=lambda d: ours[d][0].totals()["energy_total"])
    for df in dict.fromkeys(("ws", best)):  # ws: ZigZag's default mapping unrolls K x C, weight-stationary
        print(f"per layer, accelsim {df} / ZigZag:")
        for layer, (e, mac, c) in zip(ours[df][0].layers, ZIGZAG["layers"]):
            print(f"  {layer.name:6} energy {layer.total_energy / e:6.3f}   MAC energy "
                  f"{layer.energy.get('MAC', 0) / mac:5.3f}   cycles {layer.cycles / c:6.3f}")

if __name__ == "__main__":
    main()
