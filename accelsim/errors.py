"""User-facing errors.

Every problem with a user's input is reported as one :class:`AccelsimError`: a single
paragraph that names the file, the place in it (layer or field), what was expected and
what was found. The CLI prints it and exits non-zero without a traceback.
"""
from __future__ import annotations

import reprlib
from collections.abc import Iterable
from dataclasses import dataclass


MAX_FOUND = 300     # characters of an echoed value in a message
MAX_PART = 300      # of a file name or place
MAX_MESSAGE = 1000  # of the message itself


def cut(text: object, limit: int) -> str:
    """``text`` at most about ``limit`` characters: a value echoed from a hostile input
    (a 2 GB alias expansion) must not become the message."""
    text = text if isinstance(text, str) else str(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… (cut: {len(text):,} characters in all)"


_REPR = reprlib.Repr()  # bounded repr: a huge list or string is never rendered whole
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxtuple, _REPR.maxset = 3, 8, 8, 8, 8
_REPR.maxstring, _REPR.maxother, _REPR.maxlong = MAX_FOUND, MAX_FOUND, 40


class AccelsimError(Exception):
    """An error in something the user gave us (a file, a flag, a shape)."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        where: str | None = None,
        expected: str | None = None,
        found: object = None,
    ) -> None:
        self.message = message
        self.file = file
        self.where = where
        self.expected = expected
        self.found = found
        super().__init__(self.render())

    def render(self) -> str:
        head = ": ".join(cut(p, MAX_PART) for p in (self.file, self.where) if p)
        message = cut(self.message, MAX_MESSAGE)
        text = f"{head}: {message}" if head else message
        text = text.rstrip(".") + "."
        found = None if self.found is None else cut(_REPR.repr(self.found), MAX_FOUND)
        if self.expected is not None:
            text += f" Expected {cut(self.expected, MAX_MESSAGE)}"
            text += f"; found {found}." if found is not None else "."
        elif found is not None:
            text += f" Found {found}."
        return text

    def within(self, file: str | None = None, where: str | None = None) -> "AccelsimError":
        """The same error, with the file and/or place filled in where they were unknown."""
        return AccelsimError(
            self.message,
            file=self.file or file,
            where=self.where if self.where else where,
            expected=self.expected,
            found=self.found,
        )


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or '' if none is close."""
    import difflib  # (here: only a mistake needs it, and a run's start-up should not pay for it)

    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass(frozen=True)
class Where:
    """A place in an input file, used to build errors: ``Where(file, 'layer conv1')``."""

    file: str | None
    where: str | None = None

    def at(self, more: str) -> "Where":
        return Where(self.file, f"{self.where}, {more}" if self.where else more)

    def error(self, message: str, *, expected: str | None = None, found: object = None) -> AccelsimError:
        return AccelsimError(message, file=self.file, where=self.where, expected=expected, found=found)
