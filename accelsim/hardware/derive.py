"""Figures derived from a spec (peak rate, storage, roofline ridge) and its text for ``accelsim hw show``.

- peak MACs per cycle = rows × cols (one MAC per PE per cycle);
- peak GMAC/s = peak MACs/cycle × clock in MHz / 1000; peak GOPS = 2 × GMAC/s (a MAC is a
  multiply and an add, the usual convention);
- on-chip storage per level in bytes: RF = RF bytes per PE × PEs, GLB = Σ of the buffers;
- DRAM bytes per cycle = the DRAM bandwidth at the core clock (reads and writes together
  when they share the bus, else read + write);
- DRAM bytes per MAC at peak = DRAM bytes per cycle / peak MACs per cycle: the traffic a
  layer may make per MAC and still run at peak;
- ridge point = its inverse, in MACs (and ops) per DRAM byte: a layer whose operational
  intensity is below it is DRAM-bound on this config (Williams et al.'s roofline; Jouppi et
  al. put the TPU's at ~1350 MAC ops per weight byte).
"""
from __future__ import annotations

from typing import Any

from .spec import GLBSpec, HardwareSpec, Level, fmt_bytes


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else float(x)


def derived(spec: HardwareSpec) -> dict[str, Any]:
    """The derived figures as JSON-ready data (see the module docstring for definitions)."""
    pes = spec.array.pes
    rf_pe = spec.rf.size_bits / 8 if spec.rf is not None else 0
    glb = {g.name: _num(g.size_bits / 8) for g in spec.glbs}
    rf_total = rf_pe * pes
    glb_total = sum(g.size_bits for g in spec.glbs) / 8
    dram_bpc = spec.dram.bytes_per_cycle
    peak_gmacs = pes * spec.clock_mhz / 1000
    return {
        "name": spec.name,
        "array": {"rows": spec.array.rows, "cols": spec.array.cols, "kind": spec.array.kind},
        "pes": pes,
        "clock_mhz": _num(spec.clock_mhz),
        "dataflow": spec.dataflow,
        "dataflows": list(spec.dataflows),
        "peak_macs_per_cycle": pes,
        "peak_gmacs": peak_gmacs,
        "peak_gops": 2 * peak_gmacs,
        "rf_bytes_per_pe": _num(rf_pe),
        "glb_bytes": glb,
        "onchip_bytes": {"RF": _num(rf_total), "GLB": _num(glb_total), "total": _num(rf_total + glb_total)},
        "dram_GBps": spec.dram.gbytes_per_s,
        "dram_bytes_per_cycle": dram_bpc,
        "dram_bytes_per_mac_at_peak": dram_bpc / pes,
        "ridge_macs_per_byte": pes / dram_bpc,
        "ridge_ops_per_byte": 2 * pes / dram_bpc,
        "energy_table": spec.energy.name,
        "energy_unit": spec.energy.unit,
    }


def _g(x: float, digits: int = 4) -> str:
    if float(x).is_integer():
        return f"{int(x):,}"
    if abs(x) >= 1000:
        return f"{x:,.1f}"
    return f"{x:.{digits}g}"


def _bw(lv: Level) -> str:
    split = getattr(lv, "split", None) is not None
    unit = "element accesses/cycle" if split else f"{lv.word_bits}-bit words/cycle"
    if lv.shared_bw:
        return f"{_g(lv.read_bw)} {unit} (reads and writes share it)"
    return f"read {_g(lv.read_bw)}, write {_g(lv.write_bw)} {unit}"


def _db(lv: Level) -> str:
    if not lv.double_buffered:
        return ""
    if set(lv.double_buffered) == set(lv.holds):
        return "; double-buffered"
    return "; double-buffered: " + ", ".join(lv.double_buffered)


def describe(spec: HardwareSpec) -> str:
    """The human-readable spec with derived figures (what ``accelsim hw show`` prints)."""
    d = derived(spec)
    a = spec.array
    lines: list[str] = []
    head = spec.name + (f" - {spec.description}" if spec.description else "")
    lines.append(head)
    if spec.source:
        lines.append(f"source: {spec.source}")
    if spec.file:
        lines.append(f"file: {spec.file}")
    lines.append("")
    lines.append(f"array       {a.rows} x {a.cols} = {a.pes:,} PEs, {a.kind}")
    lines.append(f"clock       {_g(spec.clock_mhz)} MHz")
    lines.append(f"dataflow    {spec.dataflow} (default); can run {', '.join(spec.dataflows)}")
    lines.append("word bits   " + ", ".join(f"{t} {b}" for t, b in spec.word_bits.items()))
    lines.append("")
    lines.append("levels, innermost first")
    rows: list[tuple[str, str, str]] = []
    if spec.rf is not None:
        rf = spec.rf
        if rf.split is not None:
            what = "split " + ", ".join(f"{t} {n}" for t, n in rf.split.items()) + " words"
        else:
            what = f"shared by {', '.join(rf.holds)}"
        rows.append((
            "RF",
            f"{fmt_bytes(rf.size_bits / 8)} per PE",
            f"{what}; {_bw(rf)} per PE{_db(rf)}",
        ))
    else:
        rows.append(("RF", "none", "(no PE-local storage: nlr only)"))
    noc = spec.noc
    rows.append((
        "NoC",
        noc.kind,
        "elements/cycle " + ", ".join(f"{t} {_g(v)}" for t, v in noc.bw.items()),
    ))
    for g in spec.glbs:
        rows.append((f"GLB {g.name}", fmt_bytes(g.size_bits / 8), _glb_text(g)))
    if spec.glb_bypass:
        rows.append(("GLB bypass", ", ".join(spec.glb_bypass), "go DRAM <-> NoC directly"))
    dram = spec.dram
    size = f"{fmt_bytes(dram.size_bits / 8)}" if dram.size_bits is not None else "-"
    rows.append((
        "DRAM",
        size,
        f"{_g(dram.gbytes_per_s)} GB/s = {_g(dram.bytes_per_cycle)} B/cycle at {_g(spec.clock_mhz)} MHz; {_bw(dram)}",
    ))
    s = spec.simd
    rows.append(("SIMD", f"{s.lanes} lanes", f"{s.ops_per_cycle} ops/cycle ({s.ops_per_lane_per_cycle} per lane), {s.word_bits}-bit"))
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    for r in rows:
        lines.append(f"  {r[0]:<{w0}}  {r[1]:<{w1}}  {r[2]}")
    lines.append("")
    lines.append("derived")
    ob = d["onchip_bytes"]
    rf_part = (
        f"RF {fmt_bytes(ob['RF'])} ({fmt_bytes(d['rf_bytes_per_pe'])} x {d['pes']:,} PEs), " if spec.rf is not None else ""
    )
    dl = [
        ("peak", f"{d['peak_macs_per_cycle']:,} MACs/cycle = {_g(d['peak_gmacs'])} GMAC/s = {_g(d['peak_gops'])} GOPS (2 ops per MAC)"),
        ("on-chip storage", f"{rf_part}GLB {fmt_bytes(ob['GLB'])}, total {fmt_bytes(ob['total'])}"),
        ("DRAM bandwidth", f"{_g(d['dram_bytes_per_cycle'])} B/cycle ({_g(d['dram_GBps'])} GB/s)"),
        ("DRAM bytes per MAC at peak", f"{_g(d['dram_bytes_per_mac_at_peak'])}"),
        ("ridge point", f"{_g(d['ridge_macs_per_byte'])} MACs/byte = {_g(d['ridge_ops_per_byte'])} ops/byte of DRAM traffic (below it, DRAM-bound)"),
    ]
    wd = max(len(k) for k, _ in dl)
    for k, v in dl:
        lines.append(f"  {k:<{wd}}  {v}")
    lines.append("")
    e = spec.energy
    lines.append(f"energy table '{e.name}', unit: {e.unit}" + (f" (from {e.file})" if e.file else ""))
    wa = max(len(k) for k in e.costs)
    for act, c in e.costs.items():
        lines.append(f"  {act:<{wa}}  {_g(c, 4):>8}  {e.sources.get(act, '')}")
    return "\n".join(lines)


def _glb_text(g: GLBSpec) -> str:
    parts = [f"holds {', '.join(g.holds)}", f"{g.word_bits}-bit words"]
    if g.banks > 1:
        parts.append(f"{g.banks} banks")
    if g.ports > 1:
        parts.append(f"{g.ports} ports")
    parts.append(_bw(g))
    return "; ".join(parts) + _db(g)
