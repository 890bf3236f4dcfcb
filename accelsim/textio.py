"""Reading an input file's text safely, without the YAML layer (a SCALE-Sim topology or config
needs no YAML parser, and a fresh compatible run should not import one): only regular files, at
most :data:`MAX_FILE_BYTES`, UTF-8; every problem is an :class:`~accelsim.errors.AccelsimError`
naming the file. :mod:`accelsim.yamlio` reads YAML through these."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import AccelsimError

MAX_FILE_BYTES = 256 * 2**20


def read_text(path: str | os.PathLike[str], what: str = "a YAML file") -> str:
    """A text file's contents (a leading BOM dropped); any problem is one AccelsimError."""
    return _decode(read_bytes(path, what), path, what)


def read_bytes(path: str | os.PathLike[str], what: str = "a file") -> bytes:
    """A regular file's bytes; a folder, FIFO, device, missing or oversized file is one AccelsimError."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise AccelsimError("no such file", file=str(p)) from None
    except OSError as exc:
        raise AccelsimError(f"cannot be read ({exc.strerror or exc})", file=str(p)) from None
    if stat.S_ISDIR(st.st_mode):
        raise AccelsimError(f"is a directory, expected {what}", file=str(p)) from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else "a device or special file"
        raise AccelsimError("not a regular file", file=str(p), expected=what, found=kind)
    if st.st_size > MAX_FILE_BYTES:
        raise AccelsimError("the file is too large", file=str(p), expected=f"at most {MAX_FILE_BYTES // 2**20} MiB",
                            found=f"{st.st_size / 2**20:.0f} MiB")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise AccelsimError(f"cannot be read ({exc.strerror or exc})", file=str(p)) from None


def _decode(data: bytes, path: str | os.PathLike[str], what: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AccelsimError("not a text file (not UTF-8)", file=str(path), expected=what,
                            found=f"byte 0x{data[exc.start]:02x} at offset {exc.start}") from None
