"""The compressed run's second mapper search (api._narrowed), pick by pick.

    python benchmarks/narrow_picks.py [--networks alexnet,googlenet] [--config eyeriss] [--baseline DIR]

For every zoo network on one config, the dense run and the run with benchmarks/compression.py's
``quantized`` compression (8-bit weights and ifmaps, so every conv/fc layer is mapped again
on the machine at 8 bits): how many narrow picks there are, how many equal the layer's dense
pick, and the conv/fc picks of both runs in all. With ``--baseline DIR`` (another checkout,
e.g. a worktree of main) the same runs are made there in a fresh process, and every pick and
every whole result (the results' JSON) is compared: a speed-up of the search may change no
pick and no number.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def picks(networks: list[str], config: str) -> dict[str, dict]:
    """Per network: each conv/fc layer's dense and narrow pick (the mapping as the result
    describes it, without how it was chosen or what bounds it) and both whole results."""
    sys.path.insert(0, str(HERE))
    from compression import QUANTIZED

    from accelsim.api import run
    from accelsim.hardware import load_hardware
    from accelsim.paths import resolve_hardware_path
    from accelsim.workload.zoo import build

    spec = load_hardware(resolve_hardware_path(config))
    out = {}
    for n in networks:
        net = build(n)
        dense, quant = run(net, spec), run(net, spec, compress=QUANTIZED)
        mapped = [l.name for l in quant.layers if l.compressed is not None and l.macs > 0]
        out[n] = {
            "dense": {l.name: _pick(l.mapping) for l in dense.layers if l.name in mapped},
            "narrow": {l.name: _pick(l.mapping) for l in quant.layers if l.name in mapped},
            "results": {"dense": json.dumps(dense.to_dict(), sort_keys=True), "quantized": json.dumps(quant.to_dict(), sort_keys=True)},
        }
    return out


def _pick(mapping: dict) -> dict:
    return {k: v for k, v in mapping.items() if k not in ("chosen_by", "bound_by", "glb_beside")}


def main() -> None:
    from accelsim.workload.zoo import ZOO

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--networks", default=",".join(ZOO))
    ap.add_argument("--config", default="eyeriss")
    ap.add_argument("--baseline", help="another checkout whose picks and results must be the same")
    ap.add_argument("--dump", action="store_true", help=argparse.SUPPRESS)  # the baseline's side: JSON on stdout
    args = ap.parse_args()
    networks = args.networks.split(",")
    mine = picks(networks, args.config)
    import accelsim

    if args.dump:
        json.dump({"accelsim": accelsim.__file__, "picks": mine}, sys.stdout)
        return
    base = None
    if args.baseline:
        env = {**os.environ, "PYTHONPATH": str(Path(args.baseline).resolve())}
        cmd = [sys.executable, str(Path(args.baseline) / "benchmarks" / "narrow_picks.py"), "--networks", args.networks,
               "--config", args.config, "--dump"]
        if not (Path(args.baseline) / "benchmarks" / "narrow_picks.py").exists():  # a checkout without this file
            cmd = [sys.executable, __file__, "--networks", args.networks, "--config", args.config, "--dump"]
        got = json.loads(subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout)
        print(f"this tree: {accelsim.__file__}\nbaseline:  {got['accelsim']}")
        base = got["picks"]
    total = {"narrow": 0, "same": 0, "picks": 0, "equal_picks": 0, "equal_results": 0, "results": 0}
    print(f"{'network':22} {'narrow picks':>12} {'= dense pick':>12}" + (f" {'= baseline picks':>16} {'= baseline results':>18}" if base else ""))
    for n in networks:
        d, q = mine[n]["dense"], mine[n]["narrow"]
        same = sum(q[k] == d[k] for k in q)
        line = f"{n:22} {len(q):12,} {same:12,}"
        total["narrow"] += len(q)
        total["same"] += same
        total["picks"] += len(q) + len(d)
        if base:
            eq = sum(base[n][k][l] == mine[n][k][l] for k in ("dense", "narrow") for l in mine[n][k])
            if set(base[n]["narrow"]) != set(q):
                eq = 0
            res = sum(base[n]["results"][k] == mine[n]["results"][k] for k in ("dense", "quantized"))
            total["equal_picks"] += eq
            total["equal_results"] += res
            total["results"] += 2
            line += f" {eq:16,} {res:18}"
        print(line)
    print(f"{'zoo':22} {total['narrow']:12,} {total['same']:12,}"
          + (f" {total['equal_picks']:16,} {total['equal_results']:18}" if base else ""))
    print(f"conv/fc picks in all (dense and narrow): {total['picks']:,}")
    if base:
        ok = total["equal_picks"] == total["picks"] and total["equal_results"] == total["results"]
        print(f"{total['equal_picks']:,} of {total['picks']:,} picks and {total['equal_results']} of {total['results']} whole results "
              f"equal the baseline's: {'identical' if ok else 'DIFFERENT'}")
        if not ok:
            sys.exit(1)


if __name__ == "__main__":
    main()
