"""Feature maps kept on chip: which stored tensors stay in the GLB, and for how long.

The rule (deterministic):

1. A tensor can stay on chip only where one GLB holds both ifmaps and ofmaps (the
   producer writes it where the consumer reads it) and that GLB is not partitioned per
   data type; the network's input (it arrives in DRAM) and its outputs (they leave in
   DRAM) never do. Tensors joined by a view (a concat of branches, a slice of a tensor)
   form one group and live in one place.
2. A group is held from the layer whose write-back produces its first part to the last
   layer that reads it (both included), and takes its size in words for all that time.
3. Groups are taken in the order their first part is produced (ties: network order) and
   each is kept if, at every layer of its lifetime, the groups already kept plus it fit
   in **half** the GLB; the other half is left to the layers' own tiles. The mapper maps
   each layer onto the GLB less what is held while it runs (``Schedule.spec_for``).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..hardware import HardwareSpec
from ..workload import Network


@dataclass(frozen=True)
class Group:
    root: str
    members: tuple[str, ...]
    words: int  # batch included
    start: int  # position (network order) of the first write-back
    end: int  # position of the last read
    fixed: str = ""  # why it must be in DRAM, if it must


def shared_glb(spec: HardwareSpec) -> tuple[object, str]:
    """The GLB that can hold a tensor between layers, or None and why not."""
    gi, go = spec.glb_for("ifmap"), spec.glb_for("ofmap")
    if gi is None or go is None:
        return None, f"{spec.name} keeps no {'ifmap' if gi is None else 'ofmap'} in a GLB"
    if gi.name != go.name:
        return None, (f"{spec.name} writes outputs to {go.name} and reads inputs from {gi.name}, two buffers: "
                      "a layer's output cannot be read in place by the next layer")
    if gi.split is not None:
        return None, f"{gi.name} is partitioned per data type, so it has no room to lend to a stored tensor"
    return gi, ""


def place(groups: list[Group], net: Network, spec: HardwareSpec, enabled: bool, batch: int):
    """(home, why, live, held per position in bits, GLB name, budget bits, word bits, notes)."""
    home = {g.root: "DRAM" for g in groups}
    why = {g.root: g.fixed or "--fusion below onchip: every stored tensor goes through DRAM" for g in groups}
    live: dict[str, tuple[str, str]] = {}
    n = len(net.layers)
    held = [0] * max(n, 1)
    wb = max(spec.word_bits["ifmap"], spec.word_bits["ofmap"])
    if not enabled:
        return home, why, live, held, "", 0, wb, []
    glb, reason = shared_glb(spec)
    notes: list[str] = []
    if glb is None:
        for g in groups:
            why[g.root] = g.fixed or reason
        return home, why, live, held, "", 0, wb, [f"--fusion onchip: {reason}; every stored tensor goes through DRAM"]
    budget = glb.size_bits // 2 // wb * wb
    cap = budget // wb
    names = [l.name for l in net.layers]
    kept = 0
    for g in sorted(groups, key=lambda g: (g.start, g.root)):
        if g.fixed:
            continue
        lo, hi = max(g.start, 0), max(g.end, g.start, 0)
        bits = g.words * wb
        if bits > budget:
            why[g.root] = f"too large to keep: {g.words:,} words > {cap:,} (half of {glb.name})"
            continue
        peak = max(range(lo, hi + 1), key=lambda i: held[i])
        if held[peak] + bits > budget:
            why[g.root] = (f"no room: with {held[peak] // wb:,} words already held during {names[peak]}, "
                           f"{g.words:,} more exceed {cap:,} (half of {glb.name})")
            continue
        for i in range(lo, hi + 1):
            held[i] += bits
        home[g.root] = "GLB"
        live[g.root] = (names[lo], names[hi])
        why[g.root] = f"kept in {glb.name} from {names[lo]} to {names[hi]} ({g.words:,} words, within half of {glb.name}: {cap:,})"
        kept += 1
    if not kept and any(not g.fixed for g in groups):
        notes.append(f"--fusion onchip: no tensor of {net.name} fits in half of {glb.name} ({cap:,} words); "
                     "every stored tensor goes through DRAM")
    return home, why, live, held, glb.name, budget, wb, notes
