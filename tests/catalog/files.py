"""Editing a catalog copy the way a staff member would, to break it on purpose."""

from __future__ import annotations

from pathlib import Path


def edit(folder: Path, file: str, old: str, new: str) -> int:
    """Replace the first ``old`` in a catalog file by ``new``; the line where the change starts."""
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return text[:at].count("\n") + 1


def line_of(folder: Path, file: str, text: str) -> int:
    """The line of a catalog file where ``text`` first appears."""
    content = (folder / file).read_text(encoding="utf-8")
    return content[: content.index(text)].count("\n") + 1
