"""accelsim/kernel_cache.py: a group's cached kernels are dropped when any of its modules
changes (numba itself checks a kernel only against its own file), and kept otherwise."""
from __future__ import annotations

import os
import re
from pathlib import Path

from accelsim import kernel_cache
from accelsim.kernel_cache import GROUPS, drop_stale

GROUP = {"g": ("pkg/a.py", "pkg/b.py", "other/c.py")}


def _tree(root: Path) -> dict[str, Path]:
    """A package tree with numba-style cache files: the group's modules a, b, c and an
    unrelated module d, each with an index and a data file, and a bytecode file of a."""
    files = {}
    for rel in ("pkg/a.py", "pkg/b.py", "other/c.py", "pkg/d.py"):
        src = root / rel
        src.parent.mkdir(parents=True, exist_ok=True)
        src.write_text(f"# {rel}\n")
        cache = src.parent / "__pycache__"
        cache.mkdir(exist_ok=True)
        for suffix in (".py311.nbi", ".py311.1.nbc"):
            f = cache / f"{src.stem}.kern-12{suffix}"
            f.write_bytes(b"x")
            files[f"{src.stem}{suffix[-4:]}"] = f
    pyc = root / "pkg/__pycache__/a.cpython-311.pyc"
    pyc.write_bytes(b"x")
    files["a.pyc"] = pyc
    return files


def _recache(files: dict[str, Path]) -> None:
    for f in files.values():
        f.write_bytes(b"x")


def test_a_change_to_one_module_drops_the_whole_groups_kernels(tmp_path, monkeypatch):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    files = _tree(tmp_path)
    group_files = {files[k] for k in ("a.nbi", "a.nbc", "b.nbi", "b.nbc", "c.nbi", "c.nbc")}
    # no stamp recorded yet: the caches may be of any version, so they go
    assert set(drop_stale("g", tmp_path, GROUP)) == group_files
    assert all(f.exists() for f in (files["d.nbi"], files["d.nbc"], files["a.pyc"]))
    _recache(files)
    # nothing changed since: everything stays
    assert drop_stale("g", tmp_path, GROUP) == []
    assert all(f.exists() for f in files.values())
    # the callee's file changes (another size; numba would re-check only its own kernels)
    (tmp_path / "other/c.py").write_text("# other/c.py, edited\n")
    assert set(drop_stale("g", tmp_path, GROUP)) == group_files
    assert not any(f.exists() for f in group_files)
    assert all(f.exists() for f in (files["d.nbi"], files["d.nbc"], files["a.pyc"]))
    _recache(files)
    # a change of modification time alone counts too (a checkout of the same size)
    st = (tmp_path / "pkg/a.py").stat()
    os.utime(tmp_path / "pkg/a.py", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert set(drop_stale("g", tmp_path, GROUP)) == group_files
    assert drop_stale("g", tmp_path, GROUP) == []


def test_a_numba_cache_dir_elsewhere_is_left_alone(tmp_path, monkeypatch):
    files = _tree(tmp_path)
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert drop_stale("g", tmp_path, GROUP) == []
    assert all(f.exists() for f in files.values())


def test_a_read_only_tree_is_not_an_error(tmp_path, monkeypatch):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    _tree(tmp_path)
    for d in ("pkg/__pycache__", "other/__pycache__"):
        (tmp_path / d).chmod(0o555)
    try:
        if os.access(tmp_path / "pkg/__pycache__", os.W_OK):  # root ignores the mode bits
            return
        assert drop_stale("g", tmp_path, GROUP) == []
    finally:
        for d in ("pkg/__pycache__", "other/__pycache__"):
            (tmp_path / d).chmod(0o755)


def test_every_module_with_cached_kernels_that_calls_another_modules_kernels_is_in_a_group():
    """A module with cached kernels that imports from another module with kernels (so its
    kernels may have the other's compiled in) must share a group with it."""
    root = kernel_cache.ROOT
    cached = {p.relative_to(root).as_posix() for p in root.rglob("*.py") if "cache=True" in p.read_text()}
    in_group = {m: g for g, mods in GROUPS.items() for m in mods}
    for mod in sorted(cached):
        text = (root / mod).read_text()
        for dots, name in re.findall(r"^from (\.+)([\w.]*) import", text, re.M):
            base = (root / mod).parent
            for _ in range(len(dots) - 1):
                base = base.parent
            target = (base / (name.replace(".", "/") + ".py")).relative_to(root).as_posix() if name else None
            if target in cached:
                assert mod in in_group and in_group.get(target) == in_group[mod], (mod, target)
