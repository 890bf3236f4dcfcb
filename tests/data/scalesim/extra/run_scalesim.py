"""Run SCALE-Sim 3.0.0 (the PyPI wheel) on a topology + config; keep only its three CSV reports.

This is the script that produced the reports under tests/data/scalesim/extra/reports/ (see
../README.md). It is not part of accelsim and is not run by the tests.

usage: python run_scalesim.py TOPOLOGY.csv CONFIG.cfg OUTDIR [gemm]

SCALE-Sim 3.0.0 needs a layout file to exist even when no custom layout is used, so an empty one
(a header line) is made; traces are not written (save_disk_space=True).
"""
import os
import resource
import shutil
import sys
import tempfile
import time

from scalesim.scale_sim import scalesim

topo, cfg, out = sys.argv[1:4]
gemm = len(sys.argv) > 4 and sys.argv[4] == "gemm"
with tempfile.TemporaryDirectory() as tmp:
    layout = os.path.join(tmp, "layout.csv")
    with open(layout, "w") as f:
        f.write("Layer name, dummy,\n")
    t0 = time.process_time()
    s = scalesim(save_disk_space=True, verbose=False, config=cfg, topology=topo, layout=layout,
                 input_type_gemm=gemm)
    s.run_scale(top_path=tmp)
    cpu = time.process_time() - t0
    run_dir = os.path.join(tmp, s.config.get_run_name())
    os.makedirs(out, exist_ok=True)
    for name in ("COMPUTE_REPORT.csv", "BANDWIDTH_REPORT.csv", "DETAILED_ACCESS_REPORT.csv"):
        shutil.copy(os.path.join(run_dir, name), os.path.join(out, name))
print(f"{out}: cpu {cpu:.1f}s maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f} MB")
