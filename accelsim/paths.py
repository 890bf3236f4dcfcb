"""Finding inputs: a workload or hardware config given as a path or as a shipped name.

``accelsim info resnet50`` and ``accelsim info workloads/resnet50.yaml`` are the same;
shipped names resolve to the zoo builders and to ``hw_configs/<name>.yaml`` of this
checkout (or of the current directory when accelsim is installed without one).
"""
from __future__ import annotations

from pathlib import Path

from .errors import AccelsimError, did_you_mean
from .workload import Network, load_workload
from .workload.zoo import VARIANTS, ZOO, build

REPO = Path(__file__).resolve().parent.parent


def config_dir(name: str) -> Path:
    """The shipped ``workloads/`` or ``hw_configs/`` folder."""
    for base in (REPO, Path.cwd()):
        if (base / name).is_dir():
            return base / name
    return REPO / name


def shipped_hardware() -> list[Path]:
    return sorted(config_dir("hw_configs").glob("*.yaml"))


def resolve_workload(arg: str, *, input_shape: list[int] | None = None, skip_unsupported: bool = False) -> Network:
    """A workload YAML, an ONNX model (``*.onnx``; the two options apply to it) or a zoo name."""
    p = Path(arg)
    if p.suffix.lower() == ".onnx":
        from .workload.importers.onnx import import_onnx

        return import_onnx(p, input_shape=input_shape, skip_unsupported=skip_unsupported)
    if p.exists():
        return load_workload(p)
    if arg in ZOO or arg in VARIANTS:
        return build(arg)
    if p.suffix or "/" in arg:
        raise AccelsimError("no such file", file=arg)
    raise AccelsimError(
        f"'{arg}' is neither a workload file nor a zoo network{did_you_mean(arg, [*ZOO, *VARIANTS])}",
        expected="a path to a workload YAML or one of " + ", ".join(ZOO),
        found=arg,
    )


def resolve_hardware_path(arg: str) -> Path:
    p = Path(arg)
    if p.exists():
        return p
    shipped = {q.stem: q for q in shipped_hardware()}
    if arg in shipped:
        return shipped[arg]
    if p.suffix or "/" in arg:
        raise AccelsimError("no such file", file=arg)
    raise AccelsimError(
        f"'{arg}' is neither a hardware config file nor a shipped config{did_you_mean(arg, shipped)}",
        expected="a path to a hardware YAML or one of " + ", ".join(shipped),
        found=arg,
    )
