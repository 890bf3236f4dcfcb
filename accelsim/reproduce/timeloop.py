"""Claim 8: Timeloop's published statistics for small layers on its example architectures."""
from __future__ import annotations

import functools

from ..dataflow import dataflow_for
from ..yamlio import load_yaml
from .claim import ClaimResult, Section, within_share
from .runs import DATA

SOURCE = "Timeloop reference outputs, Accelergy-Project/timeloop-accelergy-exercises"
# Timeloop's reference runs (accelsim/reproduce/data/timeloop/<case>/), and for "our mapper vs
# Timeloop's mapping" None where accelsim's mapper's cycles are tested (±25 %), else why they
# are reported only. Both accelsim tables run on Timeloop's architecture and problem as
# 'accelsim import timeloop' converts them (accelsim/timeloop/hardware.py, convert.py).
CASES = (
    ("eyeriss_like_default", None),
    ("ispass2020_06_eyeriss_VGG02_layer5", None),
    ("simple_ws_default",
     "accelsim's mapper puts C3 x M16 on the array (48 PEs) where Timeloop's mapping has M4 x C3 (12 of 256): "
     "a different mapping, about 4x fewer cycles; Timeloop's own mapping is counted by the engine "
     "(timeloop.simple_ws_default.engine.*)"),
    ("simple_os_default",
     "accelsim's mapper, whose OS puts output pixels on the array; Timeloop's puts filters (M16) there, a mapping "
     "the engine counts when pinned (timeloop.simple_os_default.engine.*) but the mapper does not search"),
)
# Timeloop's mapper in these exercises ranks mappings by delay, then energy
# (inputs/input.yaml: "optimization_metrics: [delay, energy]"): accelsim's mapper is run for
# latency to match.
OBJECTIVE = "latency"


def reference() -> dict:
    return load_yaml(DATA / "timeloop_ref.yaml")


def reference_counts() -> dict:
    return load_yaml(DATA / "timeloop_counts.yaml")


def pinned_run(key: str):  # type: ignore[no-untyped-def]
    """Timeloop's own mapping of ``key`` counted under the timeloop convention (accelsim.timeloop)."""
    from ..timeloop.run import run_timeloop

    d = DATA / "timeloop" / key
    return run_timeloop(d / "problem.yaml", d / "arch.yaml", d / "map.yaml", d / "ERT_summary.yaml")


@functools.lru_cache(maxsize=None)
def converted(key: str):  # type: ignore[no-untyped-def]
    """Timeloop's problem and architecture of ``key`` as accelsim reads them: (workload,
    hardware config as a dict, Timeloop's mapping pinned for it)."""
    from ..timeloop.convert import conv_layer
    from ..timeloop.hardware import config_name, imported
    from ..workload.loader import workload_from_dict

    nest = pinned_run(key).nest
    hw, pin = imported(nest, config_name(nest))
    net = workload_from_dict({"name": f"timeloop_{key}", "layers": [conv_layer(nest.problem)]}, nest.problem.name)
    return net, hw, pin


@functools.lru_cache(maxsize=None)
def engine_run(key: str):  # type: ignore[no-untyped-def]
    """Timeloop's mapping of ``key`` pinned in the engine on its architecture as an accelsim
    config: (problem, machine, mapping, cost)."""
    from ..timeloop.engine import run_engine

    nest = pinned_run(key).nest
    return run_engine(nest, converted(key)[1], nest.arch.file)


def mapper_run(key: str):  # type: ignore[no-untyped-def]
    """accelsim's own mapper (least latency) on the converted problem and architecture."""
    from ..api import run
    from ..hardware.loader import hardware_from_dict

    from ..timeloop.hardware import config_name, imported

    nest = pinned_run(key).nest
    hw = imported(nest, config_name(nest), mapping_bypass=False)[0]
    return run(converted(key)[0], hardware_from_dict(hw, nest.arch.file), None, 1, OBJECTIVE, fusion="none")


def engine_figures(key: str) -> list[tuple[str, int, int]]:
    """(what, Timeloop, engine) for every count the two conventions define alike on
    Timeloop's mapping: the weights at DRAM, the GLB and the PE's outermost weight level
    (fills there are the RF's writes), the outputs DRAM and the GLB take (accelsim's psum and
    ofmap writes together are Timeloop's updates) and the GLB gives back, the PE's psum
    updates (its outermost output level), the MACs and the compute cycles. The ifmaps
    differ by convention (Timeloop moves padding), and the registers fold into one RF."""
    r = pinned_run(key)
    _, spec, m, c = engine_run(key)
    tl = {(name, ds): a for name, spaces in r.counts.levels for ds, a in spaces.items()}
    role = {"weight": "Weights", "psum": "Outputs"}
    pe = [lv.name for lv in r.nest.arch.levels[r.nest.arch.index("inter_PE_spatial") + 1:-1]]  # type: ignore[operator]
    first = {t: next(n for n in pe if (n, ds) in tl) for t, ds in role.items() if any((n, ds) in tl for n in pe)}
    a = c.accesses
    glb_w = tl.get(("shared_glb", "Weights"))  # None: the weights bypass Timeloop's GLB (eyeriss_like)
    out = [("MACs", r.counts.macs, c.macs), ("compute cycles", r.counts.compute_cycles, c.compute_cycles),
           ("DRAM weight reads", tl[("DRAM", "Weights")].reads, a["DRAM"]["weight"]["reads"]),
           ("GLB weight reads" + ("" if glb_w else " (none: weights bypass the GLB)"),
            glb_w.reads * glb_w.instances if glb_w else 0, a["GLB"]["weight"]["reads"]),
           ("GLB weight writes" + ("" if glb_w else " (none: weights bypass the GLB)"),
            glb_w.fills * glb_w.instances if glb_w else 0, a["GLB"]["weight"]["writes"])]
    w = tl[(first["weight"], "Weights")]
    out.append((f"{first['weight']} weight fills = RF weight writes", w.fills * w.instances, a["RF"]["weight"]["writes"]))
    out.append(("DRAM output updates = ofmap writes", tl[("DRAM", "Outputs")].updates, a["DRAM"]["ofmap"]["writes"]
                + a["DRAM"]["psum"]["writes"]))
    if ("shared_glb", "Outputs") in tl:
        g = tl[("shared_glb", "Outputs")]
        # accelsim reads a psum at the GLB before each write-back to DRAM (read-before-drain),
        # which Timeloop's reads leave out; Timeloop's fills are the psums DRAM gives back
        out.append(("GLB output reads = psum reads - psum write-backs to DRAM", g.reads,
                    a["GLB"]["psum"]["reads"] - a["DRAM"]["psum"]["writes"]))
        out.append(("GLB output fills + updates = psum + ofmap writes", g.fills + g.updates,
                    a["GLB"]["psum"]["writes"] + a["GLB"]["ofmap"]["writes"]))
        out.append(("DRAM output reads = psum refills", tl[("DRAM", "Outputs")].reads, a["DRAM"]["psum"]["reads"]))
    if "psum" in first and m.keep_at[2] < len(m.rf_loops):
        o = tl[(first["psum"], "Outputs")]
        out.append((f"{first['psum']} output updates = RF psum writes", o.updates * o.instances, a["RF"]["psum"]["writes"]))
    return out


def _engine_claims(key: str, t: dict, src: str) -> tuple[list[ClaimResult], tuple]:
    figs = engine_figures(key)
    p, spec, m, c = engine_run(key)
    same = sum(1 for _, a, b in figs if a == b)
    how = f"{key}, Timeloop's mapping pinned in the engine, accelsim's convention"
    e_uj = c.total_energy / 1e6
    claims = [
        ClaimResult(f"timeloop.{key}.engine.counts", f"weight and output counts, MACs and compute cycles ({how})", src, len(figs), same,
                    "figures equal", "all equal", same == len(figs), same / len(figs)),
        within_share(f"timeloop.{key}.engine.cycles", f"cycles ({how}; accelsim adds the exposed first fill and last write-back)",
                     src, t["cycles"], c.cycles, "cycles", 0.001),
        ClaimResult(f"timeloop.{key}.engine.energy", f"energy ({how}, the accelsim config's energy table)", src, t["energy_uJ"],
                    round(e_uj, 3), "µJ", "reported", None, e_uj / t["energy_uJ"],
                    note="priced per word from Accelergy's ERT; accelsim's one RF level at the outermost PE level's price where "
                    "Timeloop prices each register apart; no leakage; the ifmaps moved by accelsim's convention"),
    ]
    desc = m.describe(dataflow_for(spec.dataflow, spec.array.kind))
    row = (key, spec.dataflow, f"{desc['pe_rows']} | {desc['pe_cols']}", desc["rf_loops"], ", ".join(spec.glb_bypass) or "-", t["cycles"], c.cycles,
           f"{c.cycles / t['cycles']:.5f}", f"{t['energy_uJ']:.2f}", f"{e_uj:.2f}", f"{e_uj / t['energy_uJ']:.3f}", f"{same}/{len(figs)}")
    return claims, row


def _pinned(key: str, t: dict, src: str) -> tuple[list[ClaimResult], tuple]:
    r = pinned_run(key)
    want = reference_counts()[key]
    got = {f"{name}.{ds}": [a.reads, a.fills, a.updates] for name, spaces in r.counts.levels for ds, a in spaces.items()}
    n_fig = 3 * len(want)
    same = sum(1 for k, v in want.items() for i in range(3) if got.get(k, [None] * 3)[i] == v[i])
    e_uj = r.energy_total / 1e6
    how = f"{key}, Timeloop's mapping pinned, timeloop convention"
    claims = [
        ClaimResult(f"timeloop.{key}.pinned.counts", f"reads, fills and updates per level and data space ({how})", src,
                    n_fig, same, "figures equal", "all equal", same == n_fig and set(got) == set(want), same / n_fig),
        within_share(f"timeloop.{key}.pinned.energy", f"energy ({how}, Accelergy's per-access energies)", src,
                     t["energy_uJ"], round(e_uj, 4), "µJ", 0.005),
        ClaimResult(f"timeloop.{key}.pinned.cycles", f"cycles ({how})", src, t["cycles"], r.counts.cycles, "cycles", "equal",
                    r.counts.cycles == t["cycles"], r.counts.cycles / t["cycles"]),
    ]
    row = (key, "Timeloop's mapping (pinned)", t["cycles"], r.counts.cycles, f"{r.counts.cycles / t['cycles']:.3f}",
           f"{t['energy_uJ']:.2f}", f"{e_uj:.2f}", f"{e_uj / t['energy_uJ']:.4f}", f"{same}/{n_fig}")
    return claims, row


def section() -> Section:
    ref = reference()
    claims, rows, off, pinned_rows, engine_rows = [], [], {}, [], []
    for key, untested in CASES:
        t = ref[key]
        pc, prow = _pinned(key, t, f"{SOURCE}: {t['source']}")
        claims += pc
        pinned_rows.append(prow)
        ec, erow = _engine_claims(key, t, f"{SOURCE}: {t['source']}")
        claims += ec
        engine_rows.append(erow)
        r = mapper_run(key)
        hw = converted(key)[1]["name"]
        tot = r.totals()
        e_mac = tot["energy_total"] / tot["macs"]
        t_e_mac = t["energy_uJ"] * 1e6 / t["computes"]
        src = f"{SOURCE}: {t['source']}"
        off[key] = tot["cycles"] / t["cycles"] - 1
        how = "accelsim's mapper, least latency"
        if untested is None:
            claims.append(within_share(f"timeloop.{key}.cycles", f"cycles, {key} on {hw} ({how})", src, t["cycles"], tot["cycles"], "cycles", 0.25))
        else:
            claims.append(ClaimResult(f"timeloop.{key}.cycles", f"cycles, {key} on {hw} ({how})", src, t["cycles"],
                                      tot["cycles"], "cycles", "reported", None, tot["cycles"] / t["cycles"], note=untested))
        claims.append(ClaimResult(f"timeloop.{key}.utilization", f"utilization, {key} on {hw}", src, t["utilization"],
                                  tot["utilization"], "share", "reported", None, tot["utilization"] / t["utilization"]))
        claims.append(ClaimResult(f"timeloop.{key}.energy", f"energy per MAC, {key} on {hw}", src, round(t_e_mac, 4), e_mac, "pJ/MAC",
                                  "reported", None, e_mac / t_e_mac))
        rows.append((key, hw, t["cycles"], tot["cycles"], f"{tot['cycles'] / t['cycles']:.2f}", f"{t['utilization']:.1%}",
                     f"{tot['utilization']:.1%}", f"{t_e_mac:.3f}", f"{e_mac:.3f}", f"{e_mac / t_e_mac:.2f}",
                     f"{r.layers[0].mapping['pe_rows']} | {r.layers[0].mapping['pe_cols']}"))
    text = (
        "Timeloop's own inputs (`accelsim/reproduce/data/timeloop/<case>/`: its problem, architecture, the mapping its "
        "mapper chose, Accelergy's energy table) are read by `accelsim.timeloop` and counted under Timeloop's "
        "convention (docs/engine.md §10): every level's reads, fills and updates per data space equal Timeloop's on all "
        "four, and energy lands within 0.1 % with Accelergy's per-access energies (first table). "
        "The second table pins Timeloop's own mapping of all four in accelsim's engine under accelsim's convention "
        "(`accelsim.timeloop.engine`: DRAM's loops become the GLB tiles' loops, the GLB's the pass loops, the "
        "fan-outs' spatial loops the array — Spatial-Y down the rows, Spatial-X across the columns; the eyeriss-like "
        "design's two fan-outs, inter_PE_column_spatial (X) and inter_PE_spatial (Y), keep no data and so are one "
        "12 × 14 array — every loop inside the PE the RF loops, a dim in up to two; a register below a type's "
        "outermost PE level folds into accelsim's one RF level; a type the GLB does not keep bypasses it). What the "
        "two conventions define alike equals Timeloop's figure: the MACs, the compute cycles, the weights at DRAM, the "
        "GLB (none on eyeriss_like, whose weights bypass it) and the PE's outermost weight level, the outputs DRAM "
        "takes and gives back, the GLB's output fills + updates (accelsim's psum + ofmap writes) and reads (accelsim's "
        "psum reads less its read-before-drain of each psum written back to DRAM), the PE's psum updates. The cycles "
        "differ by the exposed first fill and last write-back only. The ifmaps differ by convention (Timeloop moves "
        "padding, multicasts only across dims the inputs do not depend on, and reuses halos between DRAM tiles only "
        "along the innermost loop), and energy also by accelsim's one RF level, priced at the outermost PE level's "
        "energy, where Timeloop prices each register apart (simple_ws, simple_os), and by leakage, which accelsim "
        "does not charge. "
        "Both accelsim tables run on Timeloop's own architecture and problem as `accelsim import timeloop` converts "
        "them (`accelsim/timeloop/hardware.py`: the array from the meshes, each type's RF from the outermost PE level "
        "keeping it, the GLB's size, bandwidth and bypass, energy per word from Accelergy's ERT; assumed: 1 GHz, "
        "DRAM 1000 GB/s, a free NoC). "
        "The third table is our mapper vs Timeloop's mapping: accelsim's own mapper and model on that converted "
        "hardware (its GLB holding what the architecture, not Timeloop's mapping, lets it keep), the same problems. Timeloop's mapper in these exercises ranks mappings by delay, then energy, "
        "so accelsim's mapper runs for latency. On the "
        f"eyeriss-like design the two problems land {off['eyeriss_like_default']:+.2%} and "
        f"{off['ispass2020_06_eyeriss_VGG02_layer5']:+.2%} off Timeloop's cycles. On simple_weight_stationary "
        "(whose constraints allow only C and M on the array) accelsim's mapper puts C3 × M16 on the array where "
        f"Timeloop's mapping uses M4 × C3 (12 of 256 PEs): {off['simple_ws_default']:+.2%} off, reported, not tested. "
        "On simple_output_stationary Timeloop puts 16 filters on the array; accelsim's OS dataflow puts output pixels "
        "there, so its mapper does not search that mapping and the row's cycles are reported, not tested."
    )
    return Section("timeloop", "Timeloop's reference statistics on its example architectures", tuple(claims),
                   tables=(("Timeloop's mapping pinned, counted under the timeloop convention",
                            ("case", "mapping", "cycles Timeloop", "accelsim", "ratio", "energy µJ Timeloop", "accelsim",
                             "ratio", "counts equal"), tuple(pinned_rows)),
                           ("Timeloop's mapping pinned in the engine, accelsim's convention",
                            ("case", "dataflow label", "PE rows | cols", "RF loops", "GLB bypass", "cycles Timeloop", "accelsim",
                             "ratio", "energy µJ Timeloop", "accelsim", "ratio", "figures equal"), tuple(engine_rows)),
                           ("our mapper vs Timeloop's mapping: accelsim's own mapper and model (batch 1)",
                            ("case", "accelsim config", "cycles Timeloop", "accelsim", "ratio", "util Timeloop", "accelsim",
                             "pJ/MAC Timeloop", "accelsim", "ratio", "accelsim PE rows | cols"), tuple(rows)),),
                   text=text)
