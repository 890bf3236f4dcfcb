"""The compatible mode's kernels compiled ahead of time: a fresh process that needs no numba.

A fresh ``accelsim run TOPOLOGY.csv CONFIG.cfg`` spends most of its CPU before simulating
anything: importing numba (about 0.3 CPU-s here) and numba's own start-up on the first cached
kernel (its typing and target contexts, about 0.3 CPU-s more), whatever the kernel's size
(``benchmarks/startup.py``). The same functions of :mod:`.kernels`, compiled by numba's
ahead-of-time compiler (``numba.pycc``) into an extension module, load with numpy alone.

:func:`kernels` gives the functions the Python side calls (``simulate_calc``,
``simulate_user``, ``fold_sums``, ``prefetch_sequence``, ``set_membership``):

- the extension module, when one built from the current :mod:`.kernels` and :mod:`.state`
  (their text, the Python and numpy versions and the machine name are in its file name) is in
  the cache folder;
- else, with ``ACCELSIM_AOT=auto`` (the default), it builds that module once (numba and a C
  compiler; about 20 CPU-s, like numba's own first compilation, and under a file lock so that
  concurrent processes build it once), then uses it;
- else, or where building fails (no C compiler, a numba without ``pycc``; the reason is kept
  in ``<module>.failed`` beside it and not retried), numba's jitted functions: the same source,
  compiled in the process.

``ACCELSIM_AOT=use`` takes a built module but never builds one; ``ACCELSIM_AOT=off`` always
takes the jitted functions. The cache folder is ``ACCELSIM_AOT_DIR`` if set, else the
package's ``__pycache__`` where it is writable, else ``~/.cache/accelsim`` (``XDG_CACHE_HOME``).
Both builds compile one source with one compiler (LLVM, no fast-math), and
``tests/test_scalesim.py`` checks that they give the same figures as SCALE-Sim's own reports.
"""
from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

ENV = "ACCELSIM_AOT"
DIR_ENV = "ACCELSIM_AOT_DIR"
MODES = ("auto", "use", "off")
_HERE = Path(__file__).resolve().parent
_SOURCES = ("kernels.py", "state.py", "aot.py")

# the exported functions: name -> (function of .kernels, numba signature). Arrays are
# C-contiguous (``[::1]``: an index is one address computation, no stride to multiply by), as
# every array the Python side passes is (:mod:`.dram` makes each one, and checks the one a
# caller may give it);
# the two dtypes of the USER prefetch sequence (int32 where the operand's address space fits,
# else int64) get one each.
_I = ",".join(["i8"] * 8)  # R, Cw, Sr, Sc, Kg, row_fold, col_fold, F
_T = "i8[::1],i8[::1],i8[::1],i8[::1],i8[::1],i8,i8,i8"  # y0, x0, fy, fx, cc, H, W, C
_W = _T + ",i8[::1],i8[::1]"  # and the walk's corner, offset
EXPORTS: dict[str, tuple[str, str]] = {
    "simulate_calc": ("_simulate_calc", f"i8[::1](i8[:,::1],{_I},{_W},i4[::1],i4[::1],i8[:,::1],i8[::1],i8[:,::1])"),
    "simulate_user": ("_simulate_user", f"i8[::1](i8[:,::1],{_I},{_W},i8[:,::1],i8[::1],i4[::1],i8[::1],i4[::1],i8[::1],i8[:,::1])"),
    "fold_sums": ("_fold_sums", "UniTuple(f8,2)(i8,i8,i8,i8,i8,i8)"),
    **{f"prefetch_sequence_{t}": ("prefetch_sequence", f"i8({t}[::1],i8,i8,i8,i8,i8,i8,i8,{_T},i8)") for t in ("i4", "i8")},
    **{f"set_membership_{t}": ("set_membership", f"Tuple((i8[::1],i4[::1],i8))({t}[::1],i8,i8)") for t in ("i4", "i8")},
}


class Kernels:
    """The compatible mode's kernels from one build: ``source`` is ``"aot"`` or ``"jit"``."""

    def __init__(self, source: str, module: Any) -> None:
        self.source = source
        if source == "aot":
            self.simulate_calc = module.simulate_calc
            self.simulate_user = module.simulate_user
            self.fold_sums = module.fold_sums
            seq = {"int32": module.prefetch_sequence_i4, "int64": module.prefetch_sequence_i8}
            sets = {"int32": module.set_membership_i4, "int64": module.set_membership_i8}
            self.prefetch_sequence: Callable[..., int] = lambda out, *a: seq[out.dtype.name](out, *a)
            self.set_membership: Callable[..., Any] = lambda s, *a: sets[s.dtype.name](s, *a)
        else:
            self.simulate_calc = module._simulate_calc
            self.simulate_user = module._simulate_user
            self.fold_sums = module._fold_sums
            self.prefetch_sequence = module.prefetch_sequence
            self.set_membership = module.set_membership


_loaded: dict[str, Kernels] = {}


def mode() -> str:
    """``ACCELSIM_AOT``: auto (default), use or off; anything else is read as auto."""
    value = os.environ.get(ENV, "auto").strip().lower()
    return value if value in MODES else "auto"


def kernels(which: str | None = None) -> Kernels:
    """The kernels to call: ``which`` "aot" or "jit" forces one (for tests and benchmarks; "aot"
    builds the module if it is missing and raises if it cannot), None follows :func:`mode`."""
    key = which or mode()
    if key in _loaded:
        return _loaded[key]
    if key == "jit" or key == "off":
        result = _jit()
    elif key == "aot":
        result = Kernels("aot", build())
    else:
        module = _load()
        if module is None and key == "auto" and not _failed_path().exists():
            try:
                module = build()
            except Exception:  # noqa: BLE001 - recorded in .failed; the jitted kernels do the same work
                module = None
        result = Kernels("aot", module) if module is not None else _jit()
    _loaded[key] = result
    return result


def _jit() -> Kernels:
    from . import kernels as jitted

    return Kernels("jit", jitted)


def module_name() -> str:
    """The extension module's name: a digest of the kernels' source and of what the build depends on."""
    import numpy

    # importlib's own source hash (64 bits, what hash-based .pyc files are checked with): no
    # hashlib to import; the extension suffix names the interpreter, its ABI and the platform
    text = b"\0".join((_HERE / name).read_bytes() for name in _SOURCES)
    text += f"|{sys.version}|{numpy.__version__}|{_suffix()}".encode()
    return f"_accelsim_scalesim_aot_{importlib.util.source_hash(text).hex()}"


def cache_dir() -> Path:
    explicit = os.environ.get(DIR_ENV)
    if explicit:
        return Path(explicit)
    pycache = _HERE / "__pycache__"
    try:
        pycache.mkdir(exist_ok=True)
        if os.access(pycache, os.W_OK):
            return pycache
    except OSError:
        pass
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "accelsim"


def _suffix() -> str:
    return importlib.machinery.EXTENSION_SUFFIXES[0]


def module_path() -> Path:
    return cache_dir() / (module_name() + _suffix())


def _failed_path() -> Path:
    return cache_dir() / (module_name() + ".failed")


def _load() -> ModuleType | None:
    path = module_path()
    if not path.exists():
        return None
    name = module_name()
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[name] = module
    return module


def build() -> ModuleType:
    """Build the extension module into :func:`cache_dir` (once: under a lock, and not again while
    a current one is there) and load it. Raises where it cannot be built, after writing why into
    ``<module>.failed``."""
    import fcntl

    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = module_name()
    with open(folder / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        module = _load()
        if module is not None:
            return module
        try:
            _compile(name, folder)
        except Exception as exc:
            (folder / f"{name}.failed").write_text(f"{type(exc).__name__}: {exc}\n")
            raise
        module = _load()
    if module is None:
        raise ImportError(f"the built module {module_path()} does not load")
    return module


def _compile(name: str, folder: Path) -> None:
    import tempfile
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba.pycc announces its pending deprecation
        from numba.pycc import CC

        from . import kernels as jitted

        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            cc = CC(name)
            cc.output_dir = tmp
            cc.verbose = False
            for export, (function, signature) in EXPORTS.items():
                cc.export(export, signature)(getattr(jitted, function).py_func)
            cc.compile()
            built = next(Path(tmp).glob(f"{name}*{_suffix()}"))
            os.replace(built, folder / (name + _suffix()))  # atomic: a reader sees all of it or nothing


if __name__ == "__main__":  # python -m accelsim.scalesim.aot: build it now, say where
    print(kernels("aot").source, module_path())
