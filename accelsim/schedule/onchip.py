"""Feature maps kept on chip: which stored tensors stay in the GLB, and for how long.

The rule (deterministic):

1. A tensor can stay on chip only where one GLB holds both ifmaps and ofmaps (the
   producer writes it where the consumer reads it) and that GLB is not partitioned per
   data type; the network's input (it arrives in DRAM) and its outputs (they leave in
   DRAM) never do. Tensors joined by a view (a concat of branches, a slice of a tensor)
   form one group and live in one place.
2. A group is held from the layer whose write-back produces its first part to the last
   layer that reads it (both included), and takes its size in words for all that time
   (in a compressed run, its expected size in the GLB's format: :func:`plan`'s ``tensor_bits``).
3. The **room** at each layer: a conv/fc layer keeps the mapping the mapper chose on the
   whole GLB (the one ``--fusion ops`` runs), and its room is what that mapping's GLB
   tile leaves (:func:`room_beside`, by the mapper's own fit test); a layer on the SIMD
   unit streams through the GLB and leaves half of it.
4. Groups are taken in the order their first part is produced (ties: network order) and
   each is kept if, at every layer of its lifetime, the groups already kept plus it fit in
   the room there. So no layer's mapping changes and no layer's own traffic grows: a
   run at ``onchip`` never moves more DRAM data than at ``ops`` (docs/schedule.md).
"""
from __future__ import annotations

from dataclasses import dataclass

from dataclasses import replace

from ..engine.problem import Problem
from ..hardware import HardwareSpec
from ..mapping.search import glb_overflow
from ..workload import Network
from ..workload.ops import FC, Conv


@dataclass(frozen=True)
class Group:
    root: str
    members: tuple[str, ...]
    words: int  # batch included
    start: int  # position (network order) of the first write-back
    end: int  # position of the last read
    fixed: str = ""  # why it must be in DRAM, if it must
    bits: int | None = None  # its size in the GLB if not words × the word width (a compressed run's expected size)


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


def room_beside(p: Problem, spec: HardwareSpec, glb, t1: tuple[int, ...], empty: HardwareSpec | None = None) -> int:
    """Bits of ``glb`` that GLB tile ``t1`` of ``p`` leaves to tensors held beside it: the
    largest L for which the tile still fits the GLB less L by the mapper's own test
    (:func:`~accelsim.mapping.search.glb_overflow`: a double-buffered GLB holds the tile
    twice, so L = size − 2·tile there, else size − tile). ``empty``: ``spec`` with that
    GLB of size 0 (built here if not given), which makes the test report what the tile needs."""
    if empty is None:
        empty = with_glb_size(spec, glb.name, 0)
    over = glb_overflow(p, empty, dict(zip("NGMCEF", t1)))
    need = over[1] if over is not None and over[0] == glb.name else 0
    return glb.size_bits - (2 if glb.double_buffered else 1) * need


def with_glb_size(spec: HardwareSpec, name: str, bits: int) -> HardwareSpec:
    return replace(spec, glbs=tuple(replace(g, size_bits=bits) if g.name == name else g for g in spec.glbs))


def rooms(net: Network, spec: HardwareSpec, glb, budget: int, batch: int, tiles: dict | None, work: list[int],
          specs: dict[str, HardwareSpec] | None = None) -> list[int]:
    """The room (bits) for held tensors at each position of the order (rule 3). ``work[i]``:
    the position of the layer whose work happens at position i (a fused layer's is its
    producer's, so it has its producer's room), -1 for a view (nothing runs: the whole
    GLB). A conv/fc layer without a known tile has no room. ``specs``: the machine a
    layer's tile was sized on where it is not ``spec`` (a compressed layer's, at its stated
    widths), so that the fit test sizes the tile as the mapper did."""
    empty = with_glb_size(spec, glb.name, 0)
    empties: dict[int, HardwareSpec] = {}
    own = []
    for l in net.layers:
        if not isinstance(l.op, (Conv, FC)):
            own.append(budget)
        elif tiles is None or l.name not in tiles:
            own.append(0)
        else:
            s_l = (specs or {}).get(l.name, spec)
            if s_l is not spec and id(s_l) not in empties:
                empties[id(s_l)] = with_glb_size(s_l, glb.name, 0)
            own.append(room_beside(Problem.from_shape(l.shape, batch), s_l, glb, tiles[l.name],
                                   empty if s_l is spec else empties[id(s_l)]))
    return [glb.size_bits if w < 0 else own[w] for w in work]


def place(groups: list[Group], net: Network, spec: HardwareSpec, enabled: bool, batch: int, tiles: dict | None,
          work: list[int], specs: dict[str, HardwareSpec] | None = None):
    """(home, why, live, held per position in bits, GLB name, budget bits (half the GLB:
    the room a SIMD layer leaves), word bits, notes)."""
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
    room = [max(0, r) // wb * wb for r in rooms(net, spec, glb, budget, batch, tiles, work, specs)]
    names = [l.name for l in net.layers]

    def beside(i: int) -> str:
        words = f"{room[i] // wb:,} words of {glb.name}"
        if work[i] < 0:
            return f"{words} (all of it: a view runs nothing)"
        w = net.layers[work[i]]
        return f"{words} {w.name}'s tile leaves" if isinstance(w.op, (Conv, FC)) else f"{words} a SIMD layer leaves (half)"

    kept = 0
    for g in sorted(groups, key=lambda g: (g.start, g.root)):
        if g.fixed:
            continue
        lo, hi = max(g.start, 0), max(g.end, g.start, 0)
        bits = g.words * wb if g.bits is None else g.bits
        size = f"{g.words:,} words" if g.bits is None else f"{g.words:,} words, {-(-bits // wb):,} compressed"
        tight = min(range(lo, hi + 1), key=lambda i: room[i] - held[i])
        if held[tight] + bits > room[tight]:
            what = f"with {held[tight] // wb:,} words already held, " if held[tight] else ""
            why[g.root] = f"no room during {names[tight]}: {what}{size} exceed the {beside(tight)}"
            continue
        for i in range(lo, hi + 1):
            held[i] += bits
        home[g.root] = "GLB"
        live[g.root] = (names[lo], names[hi])
        why[g.root] = (f"kept in {glb.name} from {names[lo]} to {names[hi]} ({size}; tightest during "
                       f"{names[tight]}: {held[tight] // wb:,} held of the {beside(tight)})")
        kept += 1
    if not kept and any(not g.fixed for g in groups):
        notes.append(f"--fusion onchip: no tensor of {net.name} fits in the room the layers' tiles leave in {glb.name}; "
                     "every stored tensor goes through DRAM")
    return home, why, live, held, glb.name, budget, wb, notes
