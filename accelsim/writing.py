"""Writing outputs: every file whole or absent, every set of files all or nothing.

- :func:`write_file` writes one file atomically (a temporary file beside it, renamed into
  place). A target that exists and is not a regular file — ``/dev/stdout``, ``/dev/null``,
  a FIFO — is written *into*, never replaced by a regular file; a directory, a parent that
  is a file, a folder that cannot be created, a read-only folder or a full disk is one
  :class:`~accelsim.errors.AccelsimError` naming the path.
- :class:`Outputs` is a set of files and folders written as one step: every folder is built
  in a temporary folder beside its target and swapped in whole (``renameat2`` with
  ``RENAME_EXCHANGE`` where the target exists), every file is staged beside its target, and
  nothing is renamed into place before everything is staged. An error, SIGINT or SIGTERM
  before that leaves no output and no temporary behind; the renames themselves run with
  SIGINT and SIGTERM held back. Only SIGKILL during the staging can leave a temporary
  (``.NAME.accelsim-tmp-PID-…``), which the next write beside it removes.
- A folder written by :class:`Outputs` holds ``.accelsim-run.json``: which command wrote
  it, when, with which accelsim, and its files. A later write replaces that run's files
  whole (no mix of two runs' figures) and carries over files that are not accelsim's.
"""
from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import signal
import stat
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import AccelsimError

MANIFEST = ".accelsim-run.json"
TMP_TAG = ".accelsim-tmp-"
PAUSE_ENV = "ACCELSIM_TEST_PAUSE_WRITE"  # tests: a path touched mid-write, then a pause (kill tests)

Content = bytes | str


def _bytes(content: Content) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _reason(exc: OSError) -> str:
    return {
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "the disk quota is used up",
        errno.EROFS: "a read-only file system",
        errno.EACCES: "permission denied (a read-only folder?)",
        errno.EPERM: "operation not permitted",
        errno.EFBIG: "the file is too large for this file system or limit",
    }.get(exc.errno or 0, exc.strerror or str(exc))


def os_error(exc: OSError, path: str | os.PathLike[str], what: str = "the output") -> AccelsimError:
    """An OSError met while writing ``path`` as one AccelsimError."""
    return AccelsimError(f"cannot write {what}", file=str(path), expected="a writable file in a writable folder",
                         found=_reason(exc))


def check_target(path: str | os.PathLike[str], *, folder: bool = False) -> str:
    """What is at ``path``: ``"new"``, ``"file"``, ``"folder"`` or ``"device"`` (any other
    non-regular file); an AccelsimError when it cannot be the output asked for."""
    p = Path(path)
    if str(path) == "":
        raise AccelsimError("an empty path", expected="a file or folder name", found="''")
    for parent in p.parents:  # a parent that is a file
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                raise AccelsimError("its parent is not a folder", file=str(p), expected="a path under a folder",
                                    found=f"{parent} is a file")
            break
    try:
        st = p.stat()
    except FileNotFoundError:
        return "new"
    except OSError as exc:
        raise os_error(exc, p) from None
    if stat.S_ISDIR(st.st_mode):
        if not folder:
            raise AccelsimError("is a folder", file=str(p), expected="a file name", found="an existing folder")
        return "folder"
    if _special(p):  # /dev/stdout redirected to a file: write into what the shell opened, never replace it
        if folder:
            raise AccelsimError("is a device, not a folder", file=str(p), expected="a folder (new or existing)",
                                found="a device or special file")
        return "device"
    if folder:
        raise AccelsimError("is a file, not a folder", file=str(p), expected="a folder (new or existing)",
                            found="an existing file" if stat.S_ISREG(st.st_mode) else "a device or special file")
    return "file" if stat.S_ISREG(st.st_mode) else "device"


def check_outputs(options: Mapping[str, str | None], folders: Iterable[str] = ()) -> None:
    """Before a long run: every output option (``{"--json": path, ...}``, ``None`` and ``"-"``
    skipped) names something that can be written; ``folders``: the options that name folders."""
    folders = set(folders)
    for option, path in options.items():
        if path is None or path == "-":
            continue
        try:
            check_target(path, folder=option in folders)
        except AccelsimError as exc:
            raise AccelsimError(exc.message, file=exc.file, where=option, expected=exc.expected, found=exc.found) from None


def _special(p: Path) -> bool:
    """A path in /dev or /proc (or a link into them, as /dev/stdout is)."""
    special = ("/dev/", "/proc/")
    return os.path.abspath(p).startswith(special) or os.path.realpath(p).startswith(special)


def _mkdir_parent(p: Path) -> list[Path]:
    """Make the folders above ``p``; returns those it made (removed again if the write fails)."""
    made = [q for q in (*reversed(p.parents),) if not q.exists()]
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        return made
    except OSError as exc:
        raise AccelsimError("cannot create the folder", file=str(p.parent), expected="a folder that can be created",
                            found=_reason(exc)) from None


def _own_fd(p: Path) -> int | None:
    """The descriptor of this process that ``p`` names (/dev/stdout, /dev/fd/N, /proc/self/fd/N), if any."""
    text = os.path.abspath(p)
    named = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
    if text in named:
        return named[text]
    for prefix in ("/dev/fd/", "/proc/self/fd/", f"/proc/{os.getpid()}/fd/"):
        if text.startswith(prefix) and text[len(prefix):].isdigit():
            return int(text[len(prefix):])
    return None


def _write_into(p: Path, data: bytes) -> None:
    """Write into an existing device or special file (never replacing it); /dev/stdout and the
    like through the descriptor itself, so that the text lands where the shell sent it."""
    fd = _own_fd(p)
    try:
        if fd is not None:
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
        own = fd if fd is not None else os.open(p, os.O_WRONLY)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(own, view):]
        finally:
            if fd is None:
                os.close(own)
    except OSError as exc:
        raise os_error(exc, p) from None


def _tmp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}{TMP_TAG}{os.getpid()}-{uuid.uuid4().hex[:8]}")


def _sweep(target: Path) -> None:
    """Remove temporaries beside ``target`` left by a killed writer (its process gone)."""
    prefix = f".{target.name}{TMP_TAG}"
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return
    for e in entries:
        if not e.name.startswith(prefix):
            continue
        pid = e.name[len(prefix):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(e, ignore_errors=True) if e.is_dir() else e.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stage_file(tmp: Path, data: bytes) -> None:
    try:
        with open(tmp, "xb") as f:
            f.write(data)
            f.flush()
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise exc


def write_file(path: str | os.PathLike[str], data: Content) -> None:
    """Write one file so that it is either complete or absent (see the module's doc)."""
    Outputs().file(path, data).write()


# ---------------------------------------------------------------- the set


_libc = None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    global _libc
    if not sys.platform.startswith("linux"):
        return False
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        fn = _libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    if fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL):
        return False
    raise OSError(err, os.strerror(err), str(b))


@dataclass
class _Item:
    target: Path
    content: bytes | None = None                     # a file
    files: Mapping[str, Content] | Iterable[tuple[str, Content]] | None = None  # a folder: names and contents
    names: list[str] = field(default_factory=list)
    keep: tuple[str, ...] = ()
    kind: str = "new"
    tmp: Path | None = None


@dataclass
class Outputs:
    """Files and folders written as one step: ``Outputs().folder(d, files).file(f, text).write()``."""

    label: str = ""
    items: list[_Item] = field(default_factory=list)
    made: list[Path] = field(default_factory=list)

    def file(self, path: str | os.PathLike[str], content: Content) -> "Outputs":
        self.items.append(_Item(Path(path), content=_bytes(content)))
        return self

    def folder(self, path: str | os.PathLike[str], files: Mapping[str, Content] | Iterable[tuple[str, Content]],
               keep: Iterable[str] = ()) -> "Outputs":
        """``files`` by name (``a/b.csv`` makes a subfolder), a mapping or ``(name, content)``
        pairs made as they are written (traces); ``keep``: names of an earlier accelsim run in
        the folder to carry over rather than replace (``plot`` keeps result.json)."""
        self.items.append(_Item(Path(path), files=files, keep=tuple(keep)))
        return self

    def write(self) -> list[Path]:
        """Stage everything, then swap it all in; returns the files written."""
        for it in self.items:
            if it.target.is_symlink() and not _special(it.target):  # write where the link points, never replace the link
                it.target = Path(os.path.realpath(it.target))
            it.kind = check_target(it.target, folder=it.files is not None)
        self.items = [x for it in self.items for x in _in_place(it)]
        seen: set[Path] = set()
        for it in self.items:
            key = Path(os.path.abspath(it.target))
            if key in seen:
                raise AccelsimError("two outputs name the same path", file=str(it.target),
                                    expected="a different path for each of --out, --json, --csv", found=str(it.target))
            seen.add(key)
        committed = False
        with _signals_raise():
            try:
                for it in self.items:
                    if it.kind != "device":
                        self._stage(it)
                for it in self.items:  # devices (stdout, a pipe) cannot be staged: written last, before the swap
                    if it.kind == "device":
                        _write_into(it.target, it.content or b"")
                with _signals_held():
                    for it in self.items:
                        if it.kind != "device":
                            self._commit(it)
                committed = True
            finally:
                for it in self.items:
                    if it.tmp is not None and (it.tmp.exists() or it.tmp.is_symlink()):
                        shutil.rmtree(it.tmp, ignore_errors=True) if it.tmp.is_dir() else it.tmp.unlink(missing_ok=True)
                for d in reversed(self.made if not committed else []):
                    try:
                        d.rmdir()
                    except OSError:
                        pass
        written: list[Path] = []
        for it in self.items:
            written += [it.target / n for n in it.names] if it.files is not None else [it.target]
        return written

    def _stage(self, it: _Item) -> None:
        self.made += _mkdir_parent(it.target)
        _sweep(it.target)
        it.tmp = _tmp_name(it.target)
        try:
            if it.files is None:
                _stage_file(it.tmp, it.content or b"")
                _pause_for_tests(0)
                return
            it.tmp.mkdir()
            names: list[str] = []
            pairs = it.files.items() if isinstance(it.files, Mapping) else it.files
            for i, (name, content) in enumerate(pairs):
                dest = it.tmp / name
                if dest.exists() or ".." in Path(name).parts or Path(name).is_absolute():
                    raise AccelsimError("a file name twice, or outside the folder", file=str(it.target), found=name)
                dest.parent.mkdir(parents=True, exist_ok=True)
                _stage_file(dest, _bytes(content))
                names.append(name)
                _pause_for_tests(i)
            it.names = names
            if it.kind == "folder":
                _carry_over(it.target, it.tmp, it.keep)
                _same_mode(it.target, it.tmp)
            manifest = {
                "written_by": "accelsim " + " ".join(sys.argv[1:]) if sys.argv and sys.argv[0] else "accelsim (Python API)",
                "label": self.label,
                "accelsim_version": _version(),
                "written_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "pid": os.getpid(),
                "files": names,
            }
            _stage_file(it.tmp / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode())
        except OSError as exc:
            raise os_error(exc, it.target) from None

    def _commit(self, it: _Item) -> None:
        assert it.tmp is not None
        try:
            if it.files is None:
                if it.kind == "device":
                    return
                os.replace(it.tmp, it.target)
            elif it.kind == "folder" and _exchange(it.tmp, it.target):
                shutil.rmtree(it.tmp, ignore_errors=True)  # now the old folder
            else:
                if it.kind == "folder":  # no atomic exchange here: move the old one aside first
                    old = _tmp_name(it.target)
                    os.rename(it.target, old)
                    os.rename(it.tmp, it.target)
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    os.rename(it.tmp, it.target)
            it.tmp = None
        except OSError as exc:
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST) and it.files is not None and it.kind == "new":
                it.kind = "folder"  # another run made it meanwhile: swap with it instead
                return self._commit(it)
            if exc.errno in (errno.EBUSY, errno.EINVAL) and it.files is not None:
                raise AccelsimError("cannot replace this folder as a whole (it is the current folder or a mount point)",
                                    file=str(it.target), expected="a folder that is not the current folder, e.g. a subfolder",
                                    found=_reason(exc)) from None
            raise os_error(exc, it.target) from None


def _in_place(it: _Item) -> list[_Item]:
    """A folder that cannot be swapped (the current folder or one above it, a mount point)
    is written file by file instead, each file whole; every other item as it is."""
    if it.files is None or it.kind != "folder":
        return [it]
    here, target = Path.cwd().resolve(), it.target.resolve()
    if not (here == target or target in here.parents or os.path.ismount(target)):
        return [it]
    pairs = it.files.items() if isinstance(it.files, Mapping) else it.files
    return [_Item(it.target / n, content=_bytes(c), kind=check_target(it.target / n)) for n, c in pairs]


def _carry_over(old: Path, tmp: Path, keep: tuple[str, ...]) -> None:
    """Hard-link (or copy) into ``tmp`` what is in ``old``, is not an earlier accelsim run's
    (its manifest's files, less ``keep``) and was not just written anew."""
    earlier: set[str] = set()
    try:
        earlier = set(json.loads((old / MANIFEST).read_text())["files"]) - set(keep)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    _merge(old, tmp, "", earlier)


def _merge(src: Path, dst: Path, prefix: str, skip: set[str]) -> None:
    for entry in src.iterdir():
        rel = prefix + entry.name
        if rel == MANIFEST or TMP_TAG in entry.name or rel in skip:
            continue
        target = dst / entry.name
        if entry.is_dir() and not entry.is_symlink():
            if target.exists() and not target.is_dir():
                continue
            target.mkdir(exist_ok=True)
            _merge(entry, target, rel + "/", skip)
            _same_mode(entry, target)
        elif not (target.exists() or target.is_symlink()):
            _link(entry, target)


def _same_mode(old: Path, new: Path) -> None:
    """The replacing folder keeps the old one's permission bits (a shared folder's sticky bit) and owner."""
    st = old.stat()
    os.chmod(new, stat.S_IMODE(st.st_mode))
    if hasattr(os, "chown") and (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
        try:
            os.chown(new, st.st_uid, st.st_gid)
        except PermissionError:
            pass


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir() and not src.is_symlink():
        shutil.copytree(src, dst, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(str(src), str(dst))


def _link_or_copy(src: str, dst: str) -> None:
    if os.path.islink(src):
        os.symlink(os.readlink(src), dst)
        return
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _version() -> str:
    from . import __version__

    return __version__


def _pause_for_tests(i: int) -> None:
    """With ACCELSIM_TEST_PAUSE_WRITE=PATH: after the first staged file, touch PATH and wait
    (at most 120 s) — tests kill the process here to check that nothing is left behind."""
    marker = os.environ.get(PAUSE_ENV)
    if marker and i == 0:
        Path(marker).touch()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(0.05)


@contextmanager
def _signals_raise() -> Iterator[None]:
    """SIGTERM (like SIGINT) raises while staging, so every temporary is removed."""
    if not _main_thread():
        yield
        return

    def on_term(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    old = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM held back while the staged outputs are renamed into place."""
    if not _main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
