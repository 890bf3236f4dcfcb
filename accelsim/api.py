"""The Python API that the CLI and notebooks share: ``accelsim.run``.

``run(workload, hardware, dataflow=None, batch=1, objective="energy")`` maps every layer
onto the machine and returns a :class:`~accelsim.result.RunResult`; conv and fc layers
run on the PE array (the mapper picks each layer's best mapping for the objective), the
other layers on the SIMD unit.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from . import __version__
from .dataflow import DATAFLOWS, Dataflow, dataflow_for
from .engine.problem import Problem
from .errors import AccelsimError, did_you_mean
from .hardware import HardwareSpec, load_hardware
from .engine.evaluate import evaluate
from .engine.exact import MODES
from .engine.exact_flow import network_masks
from .mapping.pinned import check_layers, load_pinned, pinned_mapping
from .mapping.search import OBJECTIVES, SEARCHES, chosen_mapping
from .result import LayerResult, MultiResult, RunResult
from .workload import NetLayer, Network
from .workload.ops import FC, Conv

Progress = Callable[[int, int, str], None]


def _resolve(workload: Network | str | Path, hardware: HardwareSpec | str | Path) -> tuple[Network, HardwareSpec]:
    from .paths import resolve_hardware_path, resolve_workload

    net = workload if isinstance(workload, Network) else resolve_workload(str(workload))
    spec = hardware if isinstance(hardware, HardwareSpec) else load_hardware(resolve_hardware_path(str(hardware)))
    return net, spec


def _check(objective: str, batch: int) -> None:
    if objective not in OBJECTIVES:
        raise AccelsimError(
            f"unknown objective '{objective}'{did_you_mean(objective, OBJECTIVES)}",
            where="--objective",
            expected="one of " + ", ".join(OBJECTIVES),
            found=objective,
        )
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise AccelsimError("batch must be a positive whole number", where="--batch", expected="an integer >= 1", found=batch)


def _shipped_dataflow(name: str, spec: HardwareSpec) -> Dataflow:
    """A shipped dataflow by name, as the config's array kind runs it."""
    if name not in DATAFLOWS:
        raise AccelsimError(
            f"unknown dataflow '{name}'{did_you_mean(name, DATAFLOWS)}",
            where="--dataflow",
            expected="one of " + ", ".join(DATAFLOWS) + ", all, or your own as path/to/mine.py:MyDataflow",
            found=name,
        )
    spec.check_dataflow(name)
    return dataflow_for(name, spec.array.kind)


def _user_dataflow(dataflow: object, spec: HardwareSpec) -> Dataflow:
    """A user's dataflow (``mine.py:Class``, a Dataflow subclass or instance), loaded,
    checked against the machine, and checked for correctness by the reference model."""
    from .dataflow.plugin import resolve
    from .reference.check import verified

    df = resolve(dataflow)
    where = f"dataflow '{df.name}'"
    if spec.array.kind != "spatial":
        raise AccelsimError(
            "a user's dataflow runs on a spatial array (PEs fed by a multicast NoC)", file=spec.file or spec.name,
            where=where, expected="a config whose array kind is spatial (eyeriss, edge_16x16)", found=f"a {spec.array.kind} array",
        )
    kept = [t for t in ("weight", "ifmap", "psum") if df.uses_rf and df.keep[t] != "mac"]
    if kept and (spec.rf is None or any(t not in spec.rf.holds for t in kept)):
        raise AccelsimError(
            f"the dataflow keeps {', '.join(kept)} in each PE's RF, which this config's RF does not hold",
            file=spec.file or spec.name, where=where, expected=f"an RF holding {', '.join(kept)}",
            found="no RF" if spec.rf is None else f"an RF holding {', '.join(spec.rf.holds)}",
        )
    verified(df)
    return df


def run(
    workload: Network | str | Path,
    hardware: HardwareSpec | str | Path,
    dataflow: str | Dataflow | type | None = None,
    batch: int = 1,
    objective: str = "energy",
    progress: Progress | None = None,
    mappings: str | Path | None = None,
    compress: "Compression | str | Path | None" = None,
    fusion: str = "onchip",
    search: str = "fast",
    mode: str = "expected",
    seed: int = 0,
) -> RunResult:
    """One run: the conv/fc layers mapped on the whole machine, the network schedule
    (accelsim/schedule/, docs/schedule.md) decided around those mappings, and each layer
    counted as the schedule placed its tensors (:func:`_run`)."""
    return _run(workload, hardware, dataflow, batch, objective, progress, mappings, compress, fusion, search, mode, seed)


def _run(
    workload: Network | str | Path,
    hardware: HardwareSpec | str | Path,
    dataflow: str | Dataflow | type | None = None,
    batch: int = 1,
    objective: str = "energy",
    progress: Progress | None = None,
    mappings: str | Path | None = None,
    compress: "Compression | str | Path | None" = None,
    fusion: str = "onchip",
    search: str = "fast",
    mode: str = "expected",
    seed: int = 0,
) -> RunResult:
    """``dataflow``: a shipped dataflow's name, or a user's own — ``"mine.py:MyDataflow"``,
    the class itself or an instance (docs/teaching.md); a user's dataflow is first checked
    by the reference model on small layers (its output must equal a NumPy convolution).
    ``mappings``: a YAML file of pinned mappings (accelsim/mapping/pinned.py) for some
    layers; the mapper searches the rest. ``compress``: a compression file, a shipped
    compression's name or a loaded :class:`~accelsim.compress.Compression` — the layers'
    figures are then the expected-value model's (accelsim/engine/sparse.py), each with the
    dense figures beside it; the mapper picks each compressed layer's mapping and
    sizes its tiles for the worst case, no zeros at the stated widths (narrow words let larger
    tiles fit), and the dense figures are the dense layer's under its own mapping
    [docs/engine.md §9]. ``fusion``: what happens between the layers, ``none``, ``views``,
    ``ops`` or ``onchip`` (cumulative; accelsim/schedule/, docs/schedule.md); the default
    is the realistic ``onchip``, as for ``accelsim run``, and ``none`` is the per-layer model
    (every layer's input and output through DRAM) that the claims against per-layer
    published figures use; a compressed run applies every level too, with each feature map
    at its expected density (docs/engine.md §9.2: SIMD layers move them compressed, a
    tensor is kept on chip at its compressed size) and the dense run's figures at the same
    level beside it; exact mode too, with real masks (§9.3). ``mode``: how a compressed run
    counts — ``expected`` (zeros independent, expectations: engine/sparse.py) or ``exact``
    (real 0/1 masks: the compression's ``mask`` files where it names them, else drawn at its
    densities from ``seed``, layer by layer, and a layer's input taking its producer's mask
    through the non-MAC layers' rules — engine/exact_flow.py; SIMD layers move their
    tensors coded from those masks, tensors on chip at their coded size; exact integers:
    engine/exact.py)."""
    from .dataflow.plugin import is_reference
    from .schedule import check_fusion, plan
    from .schedule.cost import array_cost, compressed_stream, exact_stream, simd_layer

    net, spec = _resolve(workload, hardware)
    _check(objective, batch)
    if search not in SEARCHES:
        raise AccelsimError(
            f"unknown search '{search}'{did_you_mean(str(search), SEARCHES)}",
            where="--search",
            expected="fast (the fixed enumeration) or full (the whole mapping space)",
            found=search,
        )
    comp, per_layer = _compression(compress, net, spec)
    _check_mode(mode, seed, comp)
    if dataflow is not None and (not isinstance(dataflow, str) or is_reference(dataflow)):
        df = _user_dataflow(dataflow, spec)
    else:
        df = _shipped_dataflow(dataflow or spec.dataflow, spec)
    df_name = df.name
    check_fusion(fusion)
    exact = comp is not None and mode == "exact"
    level = fusion
    pinned: dict = {}
    pin_file = ""
    if mappings is not None:
        pin_file, pinned = load_pinned(mappings)
        check_layers(pinned, [l.name for l in net.layers if isinstance(l.op, (Conv, FC))], pin_file)
    mapped: dict[str, tuple] = {}  # every level runs the mapping chosen on the whole machine
    narrowed: dict[str, tuple] = {}  # a compressed run: (mapping, the machine at the stated widths, how chosen)
    counts: dict | None = None if comp is None else {}  # a compressed run: the engine's dense counts per (shape, mapping)
    machines: dict[tuple, HardwareSpec] = {}  # a compressed run: the machine at each distinct set of stated widths
    for i, layer in enumerate(net.layers):
        if progress:
            progress(i, len(net.layers), layer.name)
        if isinstance(layer.op, (Conv, FC)):
            p = Problem.from_shape(layer.shape, batch)
            mapped[layer.name] = _mapped(p, spec, df, objective, layer.name, pinned, pin_file, search, counts)
            if comp is not None:
                narrowed[layer.name] = _narrowed(p, spec, df, objective, layer.name, per_layer[layer.name],
                                                 mapped[layer.name][0], layer.name in pinned, search, machines)
    sched = plan(net, spec, level, batch, tiles={n: m.t1 for n, (m, _) in mapped.items()})  # the dense run's
    csched, dens, width, fiber, nm = sched, {}, {}, {}, None
    if comp is not None:  # feature maps at their densities (or real masks) and widths, kept on chip at their coded size
        if exact:
            nm = network_masks(comp, net, per_layer, batch, seed)
            width, fiber, held_bits = _exact_feature_maps(comp, nm, net, spec, batch)
        else:
            dens, width, fiber, held_bits = _feature_maps(comp, net, spec, batch)
        csched = plan(net, spec, level, batch, tiles={n: m.t1 for n, (m, _, _) in narrowed.items()}, tensor_bits=held_bits,
                      specs={n: s for n, (_, s, _) in narrowed.items() if s is not spec})
    layers = []
    cycles: dict[str, int] = {}  # the dense run's
    ccycles: dict[str, int] = {}  # the run's own
    for i, layer in enumerate(net.layers):
        if isinstance(layer.op, (Conv, FC)):
            p = Problem.from_shape(layer.shape, batch)
            m, cost = mapped[layer.name]
            mapping = {**m.describe(df), "bound_by": cost.bound_by, "chosen_by": "pinned" if layer.name in pinned else f"mapper ({objective})"}
            placed = array_cost(cost, layer, sched.step(layer.name), spec, batch, p, df, m)
            cycles[layer.name] = placed.cycles
            if comp is not None:
                lc = per_layer[layer.name]
                m_c, _, how = narrowed[layer.name]
                step_c = csched.step(layer.name)
                masks = nm.layers[layer.name] if exact else None
                where = _placed_exact(layer, step_c, nm, fiber) if exact else _placed(layer, step_c, batch, lc, dens, fiber)
                layers.append(_compressed_layer(layer, p, spec, df, m_c, lc, batch,
                                                {**m_c.describe(df), "chosen_by": how, **_beside(step_c, csched)}, placed,
                                                masks, where, None if exact else _counted(counts, p, spec, df, m_c)))
            else:
                layers.append(_from_cost(layer, layer.shape.with_batch(batch).to_dict(), spec, placed,
                                         {**mapping, "bound_by": placed.bound_by, **_beside(sched.step(layer.name), sched)}))
        else:
            step = sched.step(layer.name)
            under = cycles[step.into] if step.role == "fused" and level in ("ops", "onchip") else None
            simd = simd_layer(layer, step, spec, batch, under)
            cycles[layer.name] = simd.cycles
            if comp is None:
                layers.append(simd)
            else:
                step_c = csched.step(layer.name)
                under_c = ccycles[step_c.into] if step_c.role == "fused" and level in ("ops", "onchip") else None
                how = exact_stream(spec, nm.maps, fiber, width) if exact else compressed_stream(spec, dens, fiber, width)
                simd_c = simd_layer(layer, step_c, spec, batch, under_c, how)
                layers.append(_dense_twin(simd, spec, simd_c))
        ccycles[layer.name] = layers[-1].cycles
    if progress:
        progress(len(net.layers), len(net.layers), "")
    layers = [replace(l, tensors=csched.step(l.name).to_dict()) for l in layers]
    sched = csched
    return RunResult(
        workload=net.name,
        hardware=spec.name,
        dataflow=df_name,
        batch=batch,
        objective=objective,
        energy_unit=spec.energy.unit,
        pes=spec.pes,
        clock_mhz=spec.clock_mhz,
        layers=tuple(layers),
        version=__version__,
        dram_bytes_per_cycle=spec.dram.bytes_per_cycle,
        word_bits=dict(spec.word_bits),
        weights=net.totals()["weights"],
        compression=None if comp is None else {"name": comp.name, "source": comp.source, "mode": mode,
                                              **({"seed": seed} if mode == "exact" else {}),
                                              "hardware": spec.sparse.to_dict()},
        notes=sched.notes,
        schedule=sched.to_dict(),
        energy_table=spec.energy.to_dict(),
        hardware_source=spec.source,
    )


def _compression(compress: object, net: Network, spec: HardwareSpec) -> tuple[object, dict]:
    """The compression to apply (None: a dense run) and each conv/fc layer's share of it."""
    from .compress.spec import Compression

    from .compress.loader import load_compression, network_compression, resolve

    if compress is None:
        compress = network_compression(net)  # a workload's layers may state their own
        if compress is None:
            return None, {}

    comp = compress if isinstance(compress, Compression) else load_compression(str(compress), net)
    per_layer = resolve(comp, net)
    from .hardware.sparse import check_packing
    from .errors import Where

    checked: set[tuple] = set()  # the check depends on the widths alone: once per distinct widths, at its first layer
    for name, lc in per_layer.items():
        widths = {t: (lc.of(t).width(spec.word_bits[t]) if t != "psum" else spec.word_bits[t]) for t in spec.word_bits}
        key = tuple(sorted(widths.items()))
        if key in checked:
            continue
        checked.add(key)
        try:
            check_packing(spec.sparse, widths, Where(spec.file or spec.name))
        except AccelsimError as exc:
            raise AccelsimError(f"layer '{name}' of {comp.file or comp.name}: {exc.message}", file=exc.file, where=exc.where,
                                expected=exc.expected, found=exc.found) from None
    return comp, per_layer


def _with_bytes(acc: dict, spec: HardwareSpec) -> dict:
    """A dense access table with each level and type's ``bytes`` (native widths)."""
    return {lv: {t: {**v, "bytes": (v["reads"] + v["writes"]) * spec.word_bits[t] / 8} for t, v in types.items()}
            for lv, types in acc.items()}


def _dense_figures(l: LayerResult, spec: HardwareSpec) -> dict:
    keys = ("macs", "ops", "cycles", "stall_cycles", "utilization", "energy", "energy_by_type")
    return {**{k: getattr(l, k) for k in keys}, "accesses": _with_bytes(l.accesses, spec), "energy_total": l.total_energy}


def _dense_twin(l: LayerResult, spec: HardwareSpec, compressed: LayerResult) -> LayerResult:
    """A SIMD layer in a compressed run's schema: ``compressed`` (its feature maps at their
    densities or with their masks, schedule/cost.py's ``compressed_stream`` /
    ``exact_stream``) with the dense run's ``l`` beside it."""
    extra = {"dense": _dense_figures(l, spec), "macs_effectual": 0, "macs_gated": 0, "macs_skipped": 0}
    return replace(compressed, compressed=extra)


def _narrowed(p: Problem, spec: HardwareSpec, df: Dataflow, objective: str, name: str, lc, m, pinned: bool, search: str,
              machines: dict[tuple, HardwareSpec]):
    """A compressed layer's mapping: the dense one, or the mapper's on the machine at the
    stated widths (tiles sized for no zeros, so narrow words let larger tiles fit), with
    that machine and how it was chosen (its cost is counted later, engine/sparse.py).
    ``machines``: the run's machines by widths (:func:`_at_widths`)."""
    how = "pinned" if pinned else f"mapper ({objective})"
    narrow = _at_widths(spec, {t: lc.of(t).width(spec.word_bits[t]) for t in ("weight", "ifmap", "ofmap")}, machines)
    if narrow is spec or pinned:
        return m, spec, how
    try:
        m_c = chosen_mapping(p, narrow, df, objective, name, search)
    except AccelsimError as exc:
        raise exc.within(where=f"layer '{name}'") from None
    return m_c, narrow, how + ", tiles sized for the stated widths"


def _at_widths(spec: HardwareSpec, bits: dict[str, int], machines: dict[tuple, HardwareSpec]) -> HardwareSpec:
    """``spec.with_element_bits(bits)``, built once per distinct widths in a run: one object,
    so its hash is computed once and the mapper's caches keyed by the machine find it by
    identity."""
    key = tuple(sorted(bits.items()))
    got = machines.get(key)
    if got is None:
        got = machines[key] = spec.with_element_bits(bits)
    return got


def _counted(counts: dict | None, p: Problem, spec: HardwareSpec, df: Dataflow, m):
    """The engine's dense counts of shape ``p`` under mapping ``m`` on the run's machine
    (engine/sparse.py's :class:`~accelsim.engine.sparse.Counted`), counted once per run:
    the dense figures and the compressed ones of the same shape and mapping (a layer whose
    compression leaves the mapping as it is, a repeated block) share them."""
    from .engine.sparse import count

    key = (p, m)
    got = counts.get(key)
    if got is None:
        got = counts[key] = count(p, spec, df, m)
    return got


def _beside(step, sched) -> dict:
    held = step.held_words
    return {"glb_beside": f"{held:,} words of {sched.glb} held by tensors kept on chip beside its tile"} if held else {}


def _held_bits(net: Network, spec: HardwareSpec, batch: int, coded_bits: Callable[[str, int], float | None]) -> dict[str, int]:
    """Each tensor's size in bits in the GLB that may hold it between layers: the larger of
    the GLB's ifmap and ofmap formats at the tensor's width, ``coded_bits(tensor, words)``
    (None: dense at the native widths), or words × the wider word where that is not
    smaller (the dense schedule's size)."""
    import math

    wb = max(spec.word_bits["ifmap"], spec.word_bits["ofmap"])
    glb = spec.glb_for("ifmap")
    held: dict[str, int] = {}
    for n, t in _tensors(net).items():
        words = t.size * batch
        b = coded_bits(n, words) if glb is not None else None
        held[n] = words * wb if b is None or b >= words * wb else math.ceil(b)
    return held


def _tensors(net: Network) -> dict:
    return {n: t for n, t in net.inputs} | {l.name: l.out for l in net.layers}


def _glb_bits(spec: HardwareSpec, width: int | None, code: Callable[[object, int], float]) -> float:
    """The larger of a tensor's coded sizes in the GLB's ifmap and ofmap formats, each at
    the tensor's ``width`` (None: the type's native width)."""
    return max(code(spec.sparse.format("GLB", k), width or spec.word_bits[k]) for k in ("ifmap", "ofmap"))


def _feature_maps(comp, net: Network, spec: HardwareSpec, batch: int) -> tuple[dict, dict, dict, dict]:
    """A compressed run's feature maps: each tensor's expected density and width
    (compress/loader.py's rules), its row length W (a format's fiber), and its expected
    size in bits in the GLB (:func:`_held_bits`)."""
    from .compress.loader import feature_map_densities, feature_map_widths
    from .engine.sparse import bits_per_element

    dens, width = feature_map_densities(comp, net), feature_map_widths(comp, net)
    fiber = {n: t.W for n, t in _tensors(net).items()}

    def coded_bits(n: str, words: int) -> float | None:
        d = dens.get(n)
        if (d is None or d >= 1.0) and width[n] is None:
            return None
        return words * _glb_bits(spec, width[n], lambda fmt, w: bits_per_element(fmt, d or 1.0, w, None, fiber[n])[1])
    return dens, width, fiber, _held_bits(net, spec, batch, coded_bits)


def _exact_feature_maps(comp, nm, net: Network, spec: HardwareSpec, batch: int) -> tuple[dict, dict, dict]:
    """An exact run's feature maps: each tensor's width (compress/loader.py's rule), its
    row length W and its exact size in bits in the GLB (:func:`_held_bits`), its mask coded
    whole (engine/exact.py's ``coded``)."""
    from .compress.loader import feature_map_widths
    from .engine.exact import coded

    width = feature_map_widths(comp, net)
    fiber = {n: t.W for n, t in _tensors(net).items()}

    def coded_bits(n: str, words: int) -> float | None:
        return _glb_bits(spec, width[n], lambda fmt, w: coded(fmt, nm.maps[n], w, None, fiber[n])[1])
    return width, fiber, _held_bits(net, spec, batch, coded_bits)


def _placed_io(step) -> tuple[bool, list]:
    """A conv/fc layer's step: whether its whole input is already in the GLB, and the
    accesses its write-back sends to DRAM."""
    return bool(step.reads) and all(a.home == "GLB" for a in step.reads), [a for a in step.writes if a.home == "DRAM"]


def _placed_exact(layer: NetLayer, step, nm, fiber: dict):
    """Where an exact run's schedule put a conv/fc layer's input and output
    (:class:`~accelsim.engine.exact.PlacedMasks`), None where it is the layer's own."""
    from .engine.exact import PlacedMasks

    on_chip, out = _placed_io(step)
    if not on_chip and [a.tensor for a in out] == [layer.name]:
        return None
    return PlacedMasks(on_chip, tuple((nm.maps[a.tensor], fiber[a.tensor]) for a in out))


def _placed(layer: NetLayer, step, batch: int, lc, dens: dict, fiber: dict):
    """Where the compressed run's schedule put a conv/fc layer's input and output (the
    engine's :class:`~accelsim.engine.sparse.Placed`), None where it is the layer's own."""
    from .engine.sparse import Placed

    own = layer.out.size * batch
    on_chip, out = _placed_io(step)
    d_own = lc.ofmap.d
    if not on_chip and sum(a.words for a in out) == own and all((dens.get(a.tensor) or 1.0) == d_own for a in out):
        return None
    return Placed(on_chip, own, tuple((a.words, dens.get(a.tensor) or 1.0, fiber[a.tensor]) for a in out))


def _from_cost(layer: NetLayer, shape: dict, spec: HardwareSpec, cost, mapping: dict) -> LayerResult:
    """A conv/fc layer's result from its engine cost."""
    return LayerResult(
        name=layer.name, type=layer.type, shape=shape, macs=cost.macs, ops=0, cycles=cost.cycles,
        stall_cycles=cost.stall_cycles, utilization=cost.macs / (spec.pes * cost.cycles) if cost.cycles else 0.0,
        accesses=cost.accesses, energy=cost.energy, energy_by_type=cost.energy_by_type, mapping=mapping,
    )


def _check_mode(mode: str, seed: int, comp) -> None:
    if mode not in MODES:
        raise AccelsimError(f"unknown counting mode '{mode}'{did_you_mean(str(mode), MODES)}", where="mode",
                            expected="expected (expectations over random zeros) or exact (real masks)", found=mode)
    if mode == "exact" and comp is None:
        raise AccelsimError("exact counting needs a compression: it counts the zeros of the masks the compression states "
                            "or its densities draw", where="--exact", expected="--compress FILE (or a workload stating "
                            "densities)", found="no compression")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise AccelsimError("the mask seed must be a whole number 0 or more", where="--seed", expected="an integer >= 0",
                            found=seed)


def _compressed_layer(layer: NetLayer, p: Problem, spec: HardwareSpec, df: Dataflow, m, lc, batch: int, mapping: dict,
                      d, masks=None, placed=None, counted=None) -> LayerResult:
    """A conv/fc layer with its tensors compressed, under mapping ``m``, with the dense
    run's figures ``d`` (its own mapping and schedule) beside it; with ``masks``, counted
    exactly; ``placed``: its input and output where the compressed run's schedule put them;
    ``counted``: the engine's dense counts under ``m`` (engine/sparse.py: Counted), if known."""
    from .engine.exact import exact_evaluate
    from .engine.sparse import sparse_evaluate

    try:
        sc = (sparse_evaluate(p, spec, df, m, lc, placed, counted) if masks is None
              else exact_evaluate(p, spec, df, m, lc, masks, placed))
    except AccelsimError as exc:
        raise exc.within(where=f"layer '{layer.name}'") from None
    dense = _from_cost(layer, {}, spec, d, {})
    work = d.macs - sc.macs_skipped
    return LayerResult(
        name=layer.name,
        type=layer.type,
        shape=layer.shape.with_batch(batch).to_dict(),
        macs=d.macs,
        ops=0,
        cycles=sc.cycles,
        stall_cycles=sc.stall_cycles,
        utilization=work / (spec.pes * sc.cycles) if sc.cycles else 0.0,
        accesses=sc.accesses,
        energy=sc.energy,
        energy_by_type=sc.energy_by_type,
        mapping={**mapping, "bound_by": sc.bound_by},
        compressed={
            "dense": _dense_figures(dense, spec),
            "macs_effectual": sc.macs_effectual,
            "macs_gated": sc.macs_gated,
            "macs_skipped": sc.macs_skipped,
            "load_imbalance": sc.imbalance,
            "compression": lc.to_dict(),
        },
    )


def run_all(workload, hardware, batch: int = 1, objective: str = "energy", progress: Progress | None = None,
            fusion: str = "onchip") -> MultiResult:
    net, spec = _resolve(workload, hardware)
    return MultiResult(tuple(run(net, spec, d, batch, objective, progress, fusion=fusion) for d in spec.dataflows))


def _mapped(p: Problem, spec: HardwareSpec, df: Dataflow, objective: str, name: str, pinned: dict, pin_file: str,
            search: str = "fast", counts: dict | None = None):
    """A conv/fc layer's mapping (pinned, or the mapper's best) on ``spec`` and its cost;
    ``counts``: a compressed run's engine counts by shape and mapping (:func:`_counted`)."""
    if name in pinned:
        m = pinned_mapping(pinned[name], p, spec, df, name, pin_file)
    else:
        try:
            m = chosen_mapping(p, spec, df, objective, name, search)
        except AccelsimError as exc:
            raise exc.within(where=f"layer '{name}'") from None
    return m, (evaluate(p, spec, df, m) if counts is None else _counted(counts, p, spec, df, m).dense)
