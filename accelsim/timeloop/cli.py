"""``accelsim run PROBLEM.yaml ARCH.yaml --compat timeloop [--mapping MAP.yaml] [--convention C]``
(Timeloop's mapping in the engine, accelsim's convention, beside Timeloop's own count) and
``accelsim import timeloop PROBLEM.yaml ARCH.yaml [MAPPING.yaml] [-o DIR]``."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table

from ..console import console as _console
from ..console import emit_json as _emit_json
from ..console import wrote
from .run import TimeloopRun, run_timeloop

if TYPE_CHECKING:  # the engine (numba) only when a run needs it: this module is imported at every start
    from .hardware import EngineRun


def print_run(r: TimeloopRun, no_color: bool = False) -> None:
    con = _console(no_color)
    c, arch = r.counts, r.nest.arch
    p = r.nest.problem
    con.print(f"[bold]Timeloop's mapping, counted under Timeloop's convention[/bold] (docs/engine.md): "
              f"{' '.join(f'{d}{b}' for d, b in zip(p.dims, p.bounds))} on {Path(arch.file).name}")
    for line in r.nest.describe():
        con.print("  " + line, highlight=False, markup=False)
    t = Table(title="per level and data space (per utilized instance; energy over all instances)")
    for h in ("level", "data space", "instances", "capacity", "reads", "fills", "updates", "energy (pJ)"):
        t.add_column(h, justify="left" if h in ("level", "data space") else "right")
    pa = None
    if r.energy is not None:
        from .energy import per_access

        pa = per_access(c, arch.energy)
    for name, spaces in c.levels:
        for ds, a in spaces.items():
            e = "-"
            if pa is not None:
                rd, fl, up = pa[(name, ds)]
                e = f"{(a.reads * rd + a.fills * fl + a.updates * up) * a.instances:,.0f}"
            t.add_row(name, ds, f"{a.instances:,}", f"{a.tile:,}", f"{a.reads:,}", f"{a.fills:,}", f"{a.updates:,}", e)
    con.print(t)
    bound = c.bound_by()
    line = (f"{c.macs:,} MACs on {c.compute_instances:,} compute units: {c.cycles:,} cycles, "
            + (f"bound by {bound} ({c.compute_cycles:,} if it did not bind)" if bound else "compute-bound (no level's bandwidth binds)"))
    if r.energy is not None:
        line += (f";\nenergy {r.energy_total / 1e6:,.3f} µJ, pJ per access from {r.ert_file}\n(read, write and update "
                 "energy per vector access over its words; storage leakage per cycle included)")
    else:
        line += "; no energy: give Accelergy's ERT_summary.yaml next to the architecture"
    con.print(line, highlight=False)


def engine_json(e: EngineRun) -> dict[str, Any]:
    c = e.cost
    return {"convention": "accelsim", "hardware": e.hardware, "mapping": e.pin.spec, "macs": c.macs, "cycles": c.cycles,
            "compute_cycles": c.compute_cycles, "stall_cycles": c.stall_cycles, "bound_by": c.bound_by,
            "accesses": c.accesses, "energy_pJ": c.energy, "energy_total_pJ": c.total_energy}


def print_engine(e: EngineRun, r: TimeloopRun, no_color: bool = False) -> None:
    con = _console(no_color)
    c = e.cost
    con.print(f"[bold]Timeloop's mapping pinned in accelsim's engine, accelsim's convention[/bold] (docs/engine.md §10) "
              f"on its architecture as an accelsim config ({e.hardware['array']['rows']} × {e.hardware['array']['cols']} PEs, "
              f"dataflow label {e.hardware['dataflow']}; what 'accelsim import timeloop' writes)")
    t = Table(title="per level and data type (elements, over all instances)")
    for h in ("level", "data type", "reads", "writes"):
        t.add_column(h, justify="left" if h in ("level", "data type") else "right")
    for lv, types in c.accesses.items():
        for dt, a in types.items():
            if a["reads"] or a["writes"]:
                t.add_row(lv, dt, f"{a['reads']:,}", f"{a['writes']:,}")
    con.print(t)
    line = (f"{c.macs:,} MACs: {c.cycles:,} cycles ({c.compute_cycles:,} computing, bound by {c.bound_by}); "
            f"energy {c.total_energy / 1e6:,.3f} µJ at the ERT's per-word prices, no leakage")
    if r.energy_total is not None:
        line += f" (Timeloop's convention: {r.energy_total / 1e6:,.3f} µJ, {r.counts.cycles:,} cycles)"
    con.print(line, highlight=False)


def cmd_run_timeloop(args: argparse.Namespace) -> int:
    conv = args.convention or "both"
    r = run_timeloop(args.workload, args.hardware, args.mapping)
    from ..errors import AccelsimError
    from .hardware import engine_run

    e, refused = None, None
    if conv != "timeloop":
        try:
            e = engine_run(r.nest)
        except AccelsimError as exc:
            if conv == "accelsim":
                raise
            refused = str(exc)  # both: Timeloop's count stands; say why the engine has none
    if args.json:
        data = (r.to_json() if conv == "timeloop" else engine_json(e) if conv == "accelsim" and e is not None
                else {"timeloop": r.to_json(), "accelsim": engine_json(e) if e is not None else {"refused": refused}})
        _emit_json(data, args.json)
        if args.json == "-":
            return 0
    if not args.quiet:
        if conv != "accelsim":
            print_run(r, args.no_color)
        if e is not None:
            print_engine(e, r, args.no_color)
        elif refused:
            _console(args.no_color).print(f"accelsim's engine cannot pin this mapping (--convention accelsim makes it an error): "
                                          f"{refused}", highlight=False, markup=False)
    return 0


def cmd_import_timeloop(args: argparse.Namespace) -> int:
    from .convert import write_import

    r = run_timeloop(args.problem, args.arch, args.mapping, args.ert)
    for what, path in write_import(r, args.output):
        wrote(path, what)
    return 0


def register(subparsers: Any, common_parent: argparse.ArgumentParser) -> None:
    """Add ``import timeloop`` next to ``import scalesim`` (registered first)."""
    from ..scalesim.cli import _subparsers_of

    imp = subparsers.choices["import"]
    p = _subparsers_of(imp, "import_command", "FORMAT").add_parser(
        "timeloop", parents=[common_parent],
        help="Timeloop v0.4 problem + architecture (+ mapping, ERT) as accelsim files",
        description="Read Timeloop's problem, architecture and mapping; write workload.yaml, hardware.yaml and "
        "mappings.yaml (Timeloop's mapping pinned), which 'accelsim run workload.yaml hardware.yaml --mapping "
        "mappings.yaml' runs in the engine, and the loop nest and every level's counts under Timeloop's convention "
        "(docs/engine.md §10.2).")
    p.add_argument("problem", help="Timeloop problem YAML (problem: {shape, instance})")
    p.add_argument("arch", help="Timeloop architecture YAML (v0.4 nodes, or the front end's flattened subtree)")
    p.add_argument("mapping", nargs="?", help="Timeloop mapping YAML (default: the mapping key of the inputs)")
    p.add_argument("--ert", metavar="FILE", help="Accelergy ERT_summary.yaml (default: one next to the architecture)")
    p.add_argument("-o", "--output", default="timeloop-import", metavar="DIR", help="directory to write into (default timeloop-import/)")
    p.set_defaults(func=cmd_import_timeloop)
