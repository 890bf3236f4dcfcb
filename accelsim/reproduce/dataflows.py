"""Claim 4: on the same 256-PE array with the same storage, RS beats WS, OS and NLR (ISCA'16)."""
from __future__ import annotations

from .claim import ClaimResult, Section
from .runs import conv_layers, mapped

SOURCE = "Chen, Emer, Sze, ISCA 2016, abstract: RS 1.4x-2.5x more energy efficient on CONV layers (PUBLISHED.md §1.4)"
DATAFLOWS = ("rs", "ws", "os", "nlr")
BATCH = 16  # ISCA'16's CONV comparison [M]


def totals(batch: int = BATCH) -> dict[str, dict[str, float]]:
    """Per dataflow on its isca16_<df> config: AlexNet CONV layers' energy/MAC, DRAM/MAC, energy by level."""
    out = {}
    for df in DATAFLOWS:
        conv = conv_layers(mapped("alexnet", f"isca16_{df}", df, batch))
        macs = sum(l.macs for l in conv)
        by_level = {k: sum(l.energy.get(k, 0.0) for l in conv) / macs for k in ("MAC", "RF", "NoC", "GLB", "DRAM")}
        out[df] = {
            "energy_per_mac": sum(l.total_energy for l in conv) / macs,
            "dram_per_mac": sum(l.level_accesses("DRAM") for l in conv) / macs,
            "glb_per_mac": sum(l.level_accesses("GLB") for l in conv) / macs,
            **{f"E_{k}": v for k, v in by_level.items()},
        }
    return out


def section(batch: int = BATCH) -> Section:
    t = totals(batch)
    rs = t["rs"]
    claims = []
    for df in DATAFLOWS[1:]:
        r = t[df]["energy_per_mac"] / rs["energy_per_mac"]
        claims.append(ClaimResult(
            f"dataflows.energy_{df}", f"energy/MAC of {df.upper()} over RS (AlexNet CONV, batch {batch})", SOURCE, "1.4–2.5",
            r, "×", "> 1 (RS lowest)", r > 1, None,
            note="within the paper's 1.4–2.5 range" if 1.4 <= r <= 2.5 else "outside the paper's 1.4–2.5 range"))
    lowest_other = min((df for df in DATAFLOWS[1:]), key=lambda d: t[d]["dram_per_mac"])
    r = t[lowest_other]["dram_per_mac"] / rs["dram_per_mac"]
    claims.append(ClaimResult(
        "dataflows.dram", f"DRAM accesses/MAC: the lowest other dataflow ({lowest_other.upper()}) over RS", SOURCE + "; ISCA'16 Fig. 11 [M]",
        "> 1 (RS lowest)", r, "×", "≥ 1", r >= 1, None,
        note=", ".join(f"{d.upper()} {t[d]['dram_per_mac']:.5f}" for d in DATAFLOWS) + " accesses/MAC"))
    rows = tuple((df.upper(), f"{v['energy_per_mac']:.3f}", f"{v['energy_per_mac'] / rs['energy_per_mac']:.2f}",
                  *(f"{v[f'E_{k}']:.3f}" for k in ("MAC", "RF", "NoC", "GLB", "DRAM")), f"{v['dram_per_mac']:.5f}", f"{v['glb_per_mac']:.3f}")
                 for df, v in t.items())
    ratio = {df: t[df]["energy_per_mac"] / rs["energy_per_mac"] for df in DATAFLOWS[1:]}
    inside = [d.upper() for d, r in ratio.items() if 1.4 <= r <= 2.5]
    outside = [f"{d.upper()} ({r:.2f}×)" for d, r in ratio.items() if not 1.4 <= r <= 2.5]
    text = (
        "Four configs in `accelsim/reproduce/configs/isca16_*.yaml`: 16×16 PEs, the ISCA'16 normalized energy "
        "table, and the same 256 KiB on chip split as each dataflow uses it (RS, WS, OS: 512 B of RF per PE + "
        f"128 KiB GLB; NLR: no RF, 256 KiB GLB). AlexNet's five CONV layers at batch {batch}, each layer mapped by "
        f"accelsim's mapper for the least energy. RS uses {'the least' if min(ratio.values()) > 1 else 'not the least'} "
        f"energy per MAC; {', '.join(inside) or 'no dataflow'} fall{'s' if len(inside) == 1 else ''} inside the paper's "
        f"1.4–2.5× range{', ' + ', '.join(outside) + ' outside it' if outside else ''}. WS's extra cost over RS is in "
        "the NoC and the GLB (an ifmap multicast for every MAC, psums reduced down the columns) while its RF energy "
        "is lower than RS's; how far apart the two land depends on the NoC's cost (2 MACs per transfer in ISCA'16's "
        "table) and on how much of a window each WS PE accumulates locally (R·S products here). ISCA'16's "
        "per-component bars are figures not available as text [NF], so which component differs from the paper is "
        "not established. DRAM accesses per MAC: " + ", ".join(f"{d.upper()} {t[d]['dram_per_mac']:.5f}" for d in DATAFLOWS)
        + ". In accelsim the DRAM traffic depends on the GLB tiles and their order, not on the dataflow inside a "
        "tile, so RS, WS and OS reach the same traffic when the mapper picks the same tiles, and NLR, whose GLB is "
        "twice as large, moves less. The claim that RS has the fewest DRAM accesses per MAC (ISCA'16 [M], the "
        "figure not verified) therefore does not reproduce; the row is kept failing rather than tuned."
    )
    return Section(
        "dataflows", f"Dataflow comparison on 256 PEs, same storage (ISCA'16), AlexNet CONV, batch {batch}", tuple(claims),
        tables=((f"Energy per MAC (normalized to a MAC) and accesses per MAC, AlexNet CONV1-5, batch {batch}",
                 ("dataflow", "energy/MAC", "× RS", "MAC", "RF", "NoC", "GLB", "DRAM", "DRAM acc/MAC", "GLB acc/MAC"), rows),),
        text=text,
    )
