"""Write dram_traces.json: SHA-256 and line count of SCALE-Sim 3.0.0's own trace files.

Usage: python digest_traces.py OUT_DIR [OUT_DIR ...] > dram_traces.json
where each OUT_DIR holds <run_name>/layer<i>/*_TRACE.csv as written by
``python -m scalesim.scale -c <run_name>.cfg -t <topology> -p OUT_DIR -s Y [-i gemm]``.
Runs whose SRAM traces are already pinned by sram_traces.json get only their DRAM traces here;
the others (the runs added with the DRAM traces) get all six files per layer. The topology of a
run is the part of its name before the first underscore (``<topology>.csv`` in this folder).
"""
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
SRAM = json.loads((HERE / "sram_traces.json").read_text())

manifest: dict = {}
for out in sys.argv[1:]:
    for run in sorted(p for p in Path(out).iterdir() if p.is_dir()):
        pattern = "*_DRAM_TRACE.csv" if run.name in SRAM else "*_TRACE.csv"
        layers = {}
        for layer in sorted(run.glob("layer*"), key=lambda p: int(p.name[5:])):
            layers[layer.name] = {
                f.name: {"sha256": hashlib.sha256(f.read_bytes()).hexdigest(), "lines": f.read_bytes().count(b"\n")}
                for f in sorted(layer.glob(pattern))
            }
        manifest[run.name] = layers
json.dump(manifest, sys.stdout, indent=1, sort_keys=True)
sys.stdout.write("\n")
