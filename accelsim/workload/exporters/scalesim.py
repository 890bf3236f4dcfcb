"""A network's conv and fc layers as a SCALE-Sim topology CSV (SCALE-Sim 2/3's conv form).

SCALE-Sim knows no padding, dilation or groups and computes E = ceil((H − R + U) / U), so
each conv is written with the input it actually reads: H' = (E − 1)·U + R (its padded input,
trimmed to the rows the windows cover), which gives SCALE-Sim the same E × F outputs and
the same MACs. Depthwise convs (G = C = M·k) use SCALE-Sim's ``DP`` naming (one
single-channel layer per channel, k filters each); other grouped convs become one row per
group (``name.g0`` …). An fc layer is a 1×1 conv on a 1×1 map with C·H·W channels.
Dilated convs and every non-MAC layer are listed as skipped.
"""
from __future__ import annotations

from ..network import Network

HEADER = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,"


def _row(name: str, H: int, W: int, R: int, S: int, C: int, M: int, U: int) -> str:
    return f"{name}, {H}, {W}, {R}, {S}, {C}, {M}, {U},"


def to_scalesim(net: Network) -> tuple[str, list[str]]:
    rows = [HEADER]
    skipped: list[str] = []
    for l in net.layers:
        name = l.name.replace(",", "_").replace(" ", "_")
        if l.type == "fc":
            rows.append(_row(name, 1, 1, 1, 1, l.ins[0].size, l.op.M, 1))
            continue
        if l.type != "conv":
            skipped.append(l.name)
            continue
        s = l.shape
        if s.dilation != 1:
            skipped.append(f"{l.name} (dilation {s.dilation})")
            continue
        H, W = (s.E - 1) * s.U + s.R, (s.F - 1) * s.U + s.S
        if s.G == 1:
            rows.append(_row(name, H, W, s.R, s.S, s.C, s.M, s.U))
        elif s.G == s.C:
            rows.append(_row(f"{name}_DP", H, W, s.R, s.S, s.C, s.M // s.C, s.U))
        else:
            for g in range(s.G):
                rows.append(_row(f"{name}.g{g}", H, W, s.R, s.S, s.C // s.G, s.M // s.G, s.U))
    notes = [f"{len(rows) - 1} SCALE-Sim rows from the conv and fc layers (inputs trimmed to the rows the windows read: "
             "SCALE-Sim has no padding)"]
    if skipped:
        notes.append(f"skipped {len(skipped)} layers without MACs or outside SCALE-Sim's model: "
                     + ", ".join(skipped[:8]) + (f" and {len(skipped) - 8} more" if len(skipped) > 8 else ""))
    return "\n".join(rows) + "\n", notes
