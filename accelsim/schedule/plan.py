"""The network schedule: what happens between the layers (docs/schedule.md).

``plan(net, spec, fusion, batch, tiles=...)`` decides, deterministically, for every layer whether it
runs on the PE array, on the SIMD unit, is a view (no data moves) or is fused into the
write-back of the layer before it; and for every stored tensor where it lives (DRAM or
the GLB) and why. The levels are cumulative:

- ``none``: today's model — every non-MAC layer reads its inputs from DRAM and writes its
  output back; only an activation (or a folded batch norm) right after a conv/fc that
  feeds only it is applied on the way out (no traffic, no cycles).
- ``views``: concat, slice and channel shuffle are layouts, not copies: the producers
  write straight into their place in the consumer's tensor (unless the config's
  ``simd.views`` is ``copy``). Flatten (fc after a conv) is already implicit.
- ``ops``: element-wise work, pools and global pools fused into the producer's
  write-back when the SIMD unit sits on the array's output path (rules in :mod:`.rules`).
- ``onchip``: stored tensors kept in the GLB between their producer and last consumer
  by the rule of :mod:`.onchip`, in the room the tiles of the layers in between leave
  (their mappings are those of ``ops``; :meth:`Schedule.spec_for` is the GLB they see).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import AccelsimError, did_you_mean
from ..hardware import HardwareSpec
from ..workload import Network
from ..workload.ops import FC, Conv
from .onchip import Group, place
from .rules import fused_layers, is_view, pool_fits

FUSIONS = ("none", "views", "ops", "onchip")
"""The fusion levels, each including the ones before it (``--fusion``)."""


@dataclass(frozen=True)
class Access:
    """A tensor read or written at a layer's boundary: ``words`` elements (batch included)
    of stored tensor ``tensor`` in ``home`` (DRAM or GLB)."""

    tensor: str
    home: str
    words: int

    def to_dict(self) -> dict[str, Any]:
        return {"tensor": self.tensor, "lives": self.home, "words": self.words}


@dataclass(frozen=True)
class Step:
    """What the schedule decided for one layer."""

    layer: str
    role: str  # "array" | "simd" | "view" | "fused"
    why: str
    into: str = ""  # role "fused": the array layer whose write-back does this work
    reads: tuple[Access, ...] = ()  # inputs as read at the boundary (a fused layer: its side inputs only)
    writes: tuple[Access, ...] = ()  # stored tensors this layer's write-back puts in memory
    held_words: int = 0  # GLB words held by tensors kept on chip while this layer runs

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"role": self.role, "why": self.why}
        if self.into:
            d["fused_into"] = self.into
        d["inputs"] = [a.to_dict() for a in self.reads]
        d["outputs"] = [a.to_dict() for a in self.writes]
        d["glb_held_words"] = self.held_words
        return d


@dataclass(frozen=True)
class Placement:
    """Where one tensor (named by the layer that produces it) lived, and why."""

    tensor: str
    words: int
    home: str  # "DRAM" | "GLB" | "view" | "not stored"
    why: str
    first: str = ""  # home GLB: the first and the last layer it is held across
    last: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"tensor": self.tensor, "words": self.words, "lives": self.home, "why": self.why}
        if self.first:
            d["held_from"], d["held_to"] = self.first, self.last
        return d


@dataclass(frozen=True)
class Schedule:
    fusion: str
    steps: tuple[Step, ...]
    tensors: tuple[Placement, ...]
    notes: tuple[str, ...] = ()
    glb: str = ""  # the buffer that holds on-chip tensors ("" if none can)
    budget_bits: int = 0
    word_bits: int = 16
    unfused: frozenset[str] = frozenset()  # pools whose window did not fit the producer's tile
    pending: tuple[tuple[str, str], ...] = ()  # (pool, array layer): fused as its window fits that layer's tile
    _index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    _specs: dict = field(default_factory=dict, compare=False, repr=False)

    def step(self, layer: str) -> Step:
        if not self._index:
            self._index.update({s.layer: i for i, s in enumerate(self.steps)})
        return self.steps[self._index[layer]]

    def lent_words(self, layer: str) -> int:
        """GLB words held beside ``layer``'s tile: what the tensors kept on chip hold while it runs."""
        return self.step(layer).held_words

    def spec_for(self, layer: str, spec: HardwareSpec) -> HardwareSpec:
        """The machine ``layer``'s tile runs in: the GLB less :meth:`lent_words` (the tile
        fits it by construction, :mod:`.onchip`)."""
        lent = self.lent_words(layer) * self.word_bits
        if not lent:
            return spec
        key = (lent, id(spec))
        if key not in self._specs:  # one object per size: the engine's caches key on the machine
            glbs = tuple(replace(g, size_bits=g.size_bits - lent) if g.name == self.glb else g for g in spec.glbs)
            self._specs[key] = replace(spec, glbs=glbs)
        return self._specs[key]

    def to_dict(self) -> dict[str, Any]:
        return {
            "fusion": self.fusion,
            "glb": self.glb,
            "glb_budget_words": self.budget_bits // self.word_bits if self.word_bits else 0,
            "notes": list(self.notes),
            "pools_not_fused": sorted(self.unfused),
            "tensors": [t.to_dict() for t in self.tensors],
        }


def _pools_that_do_not_fit(net: Network, spec: HardwareSpec, tiles: dict[str, tuple[int, ...]],
                           unfused: frozenset[str]) -> frozenset[str]:
    """The pools waiting to be fused into a conv whose tile their window does not fit.
    Unfusing a pool only removes waiting pools (a pool after it loses its fused producer),
    so one pass settles them."""
    consumers: dict[str, list[str]] = {}
    for l in net.layers:
        for s in l.inputs:
            consumers.setdefault(s, []).append(l.name)
    _, pending = fused_layers(net, consumers, spec.simd.on_output_path, unfused)
    return frozenset(p for p, h in pending if h in tiles and not pool_fits(net.layer(p), net.layer(h).shape, tiles[h]))


def check_fusion(fusion: str) -> str:
    if fusion not in FUSIONS:
        raise AccelsimError(
            f"unknown fusion level '{fusion}'{did_you_mean(str(fusion), FUSIONS)}",
            where="--fusion",
            expected="one of " + ", ".join(FUSIONS) + " (each includes the ones before it)",
            found=fusion,
        )
    return fusion


def plan(net: Network, spec: HardwareSpec, fusion: str = "onchip", batch: int = 1,
         unfused: frozenset[str] = frozenset(), tiles: dict[str, tuple[int, ...]] | None = None,
         tensor_bits: dict[str, int] | None = None, specs: dict[str, HardwareSpec] | None = None) -> Schedule:
    """The schedule of ``net`` on ``spec`` at fusion level ``fusion`` (see the module doc).

    ``tiles``: each conv/fc layer's GLB tile (``t1`` over N G M C E F) as the mapper chose
    it on the whole machine — the mapping every level runs (``api.run`` maps first, then
    plans). A pool is fused only if its window fits its conv's tile; a tensor is kept on
    chip only where every conv/fc layer of its lifetime still has that tile's room beside
    it (:mod:`.onchip`). Without ``tiles`` (a plan before mapping) pools are taken to fit and
    no tensor stays on chip across a conv/fc layer. ``unfused``: pools not to fuse anyway.
    A compressed run (api.run) passes ``tensor_bits``, each stored tensor's expected size in
    the GLB's format (batch included; dense where the GLB stores it dense), and ``specs``,
    the machine each compressed layer's tile was sized on (its stated widths)."""
    level = FUSIONS.index(check_fusion(fusion))
    if tiles is not None and level >= 2:
        unfused = unfused | _pools_that_do_not_fit(net, spec, tiles, unfused)
    notes: list[str] = []
    views = level >= 1 and spec.simd.views == "in_place"
    if level >= 1 and not views:
        notes.append(f"{spec.name}: simd.views is 'copy', so concat, slice and shuffle are copied through memory")
    ops = level >= 2 and spec.simd.on_output_path
    if level >= 2 and not ops:
        notes.append(f"{spec.name}: the SIMD unit is not on the array's output path (simd.on_output_path: false), "
                     "so only activations are applied on the way out; pools, adds and scales run as their own layers")
    by_name = {l.name: l for l in net.layers}
    consumers: dict[str, list[str]] = {}
    for l in net.layers:
        for s in l.inputs:
            consumers.setdefault(s, []).append(l.name)
    fused, pending = fused_layers(net, consumers, ops, unfused)  # layer -> (stream input, why)
    role: dict[str, str] = {}
    for l in net.layers:
        if isinstance(l.op, (Conv, FC)):
            role[l.name] = "array"
        elif l.name in fused:
            role[l.name] = "fused"
        elif views and is_view(l.op):
            role[l.name] = "view"
        else:
            role[l.name] = "simd"
    head: dict[str, str] = {}
    for l in net.layers:
        head[l.name] = head[fused[l.name][0]] if l.name in fused else l.name

    def passed_on(name: str) -> bool:  # its only consumer takes it as a fused stream
        c = consumers.get(name, [])
        return len(c) == 1 and c[0] in fused and fused[c[0]][0] == name

    # the stored tensors, and what each name (a layer's output or a network input) is made of
    stored = [n for n, _ in net.inputs] + [l.name for l in net.layers if role[l.name] != "view" and not passed_on(l.name)]
    bases: dict[str, tuple[str, ...]] = {n: (n,) for n in stored}
    for l in net.layers:
        if role[l.name] == "view":
            bases[l.name] = tuple(dict.fromkeys(b for s in l.inputs for b in bases.get(s, (s,))))
    words = {n: t.size * batch for n, t in net.inputs}
    words.update({l.name: l.out.size * batch for l in net.layers})
    pos = {l.name: i for i, l in enumerate(net.layers)}
    at = {n: pos[head[n]] for n in pos}  # where each layer's work happens in the order
    # groups: stored tensors joined by a view live in one place (union-find)
    parent = {n: n for n in stored}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for l in net.layers:
        if role[l.name] == "view":
            bs = [b for b in bases[l.name] if b in parent]
            for b in bs[1:]:
                parent[find(b)] = find(bs[0])
    readers: dict[str, list[int]] = {}
    for l in net.layers:
        if role[l.name] == "view":
            continue
        side = [s for s in l.inputs if not (l.name in fused and fused[l.name][0] == s)]
        for s in side:
            for b in bases.get(s, (s,)):
                if b in parent:
                    readers.setdefault(find(b), []).append(at[l.name])
    outputs = {n for n in stored if not consumers.get(n)} | {
        b for l in net.layers if role[l.name] == "view" and not consumers.get(l.name) for b in bases[l.name]}
    members: dict[str, list[str]] = {}
    for n in stored:
        members.setdefault(find(n), []).append(n)
    input_names = {n for n, _ in net.inputs}
    groups = []
    for root, ms in members.items():
        start = min(at[m] if m in at else -1 for m in ms)
        end = max(readers.get(root, [start]))
        if any(m in input_names for m in ms):
            fixed = "the network's input arrives in DRAM"
        elif any(m in outputs for m in ms):
            fixed = "the network's output goes to DRAM"
        elif any(role.get(c) == "simd" and by_name[c].type in ("maxpool", "avgpool") and c in unfused
                 for m in ms for c in consumers.get(m, [])):
            fixed = "the pool after it could not be fused (its window does not fit the producer's output tile)"
        else:
            fixed = ""
        bits = None if tensor_bits is None else sum(tensor_bits[m] for m in ms)
        groups.append(Group(root, tuple(ms), sum(words[m] for m in ms), start, end, fixed, bits))
    work = [-1 if role[l.name] == "view" else at[l.name] for l in net.layers]
    home, why, live, held, glb, budget, wb, more = place(groups, net, spec, level >= 3, batch, tiles, work, specs)
    notes += more

    def home_of(n: str) -> str:
        return home[find(n)]

    written: dict[str, list[str]] = {}  # the stored tensors each write-back puts in memory
    for n in stored:
        if n in pos:
            written.setdefault(head[n], []).append(n)
    steps = []
    for l in net.layers:
        r = role[l.name]
        side = [s for s in l.inputs if not (r == "fused" and fused[l.name][0] == s)]
        if r == "view":
            reads: tuple[Access, ...] = ()
        elif not l.inputs:  # a standalone layer: its input comes from DRAM
            reads = (Access(f"{l.name} (input)", "DRAM", l.ifmap_size * batch),)
        else:
            reads = tuple(Access(s, home_of(bases[s][0]), words[s]) for s in side)
        writes = () if r == "fused" else tuple(Access(n, home_of(n), words[n]) for n in written.get(l.name, ()))
        if r == "array":
            what = "on the PE array"
        elif r == "fused":
            what = f"fused into the write-back of {head[l.name]}: {fused[l.name][1]}"
        elif r == "view":
            what = "a view: the producers write straight into their place in this tensor (no copy)"
        else:
            what = "on the SIMD unit: reads its inputs and writes its output through the GLB"
        steps.append(Step(l.name, r, what, head[l.name] if r == "fused" else "", reads, writes, held[at[l.name]] // wb if wb else 0))
    tensors = []
    for n in [n for n, _ in net.inputs] + [l.name for l in net.layers]:
        if n in parent:
            g = find(n)
            first, last = live.get(g, ("", ""))
            tensors.append(Placement(n, words[n], home[g], why[g], first, last))
        elif role[n] == "view":
            tensors.append(Placement(n, words[n], "view", "a view of " + ", ".join(bases[n])))
        else:
            tensors.append(Placement(n, words[n], "not stored", f"passed on the way out to {consumers[n][0]} (fused)"))
    return Schedule(fusion, tuple(steps), tuple(tensors), tuple(notes), glb, budget, wb, frozenset(unfused), tuple(pending))
