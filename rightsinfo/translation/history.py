"""The English text a translation was made from, found in the repository's history.

A translation records ``translated_from``, the fingerprint of the English page it follows. When the
English page changes, that fingerprint names an older version of ``en.md``; ``git log`` and
``git show`` find it, so a translator sees exactly which words changed (``translations diff``) and
``translations check`` compares an outdated translation with the English it was really made from.

Nothing here is needed to build or serve the site: without git, or with a shallow clone whose history
does not reach back far enough, these tools say so plainly and the build is unaffected.
"""

from __future__ import annotations

import difflib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from rightsinfo.content import FRONT_MATTER_PATTERN, substance_fingerprint

WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class SourceVersion:
    """One committed version of an English page."""

    commit: str
    date: str
    subject: str
    text: str


@dataclass(frozen=True)
class Lookup:
    """The English version a translation was made from, or why it could not be found."""

    version: SourceVersion | None
    reason: str = ""


def git(args: list[str], cwd: Path) -> str | None:
    """Run git and return its output, or None when git is missing or the command fails."""
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def page_parts(text: str) -> tuple[str, str, str] | None:
    """Return (title, summary, body) of a page file's text, or None if it has no front matter."""
    import yaml  # here, not above: only builds and translators' commands read content files

    match = FRONT_MATTER_PATTERN.match(text)
    if not match:
        return None
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict):
        return None
    return str(data.get("title", "")), str(data.get("summary", "")), text[match.end() :]


def fingerprint_of_text(text: str) -> str | None:
    """Return the substance fingerprint of a page file's text (see ``content.substance_fingerprint``)."""
    parts = page_parts(text)
    return substance_fingerprint(*parts) if parts else None


def find_source(english_path: Path, fingerprint: str) -> Lookup:
    """Find the committed version of ``english_path`` whose fingerprint is ``fingerprint``."""
    folder = english_path.parent
    top = git(["rev-parse", "--show-toplevel"], folder)
    if top is None:
        return Lookup(None, "the content is not in a git repository (or git is not installed)")
    root = Path(top.strip()).resolve()
    relative = english_path.resolve().relative_to(root).as_posix()
    log = git(["log", "--format=%H%x09%cs%x09%s", "--", relative], root) or ""
    for line in log.splitlines():
        commit, date, subject = [*line.split("\t", 2), "", ""][:3]
        text = git(["show", f"{commit}:{relative}"], root)
        if text is not None and fingerprint_of_text(text) == fingerprint:
            return Lookup(SourceVersion(commit, date, subject, text))
    if (git(["rev-parse", "--is-shallow-repository"], root) or "").strip() == "true":
        return Lookup(None, "the history is shallow and does not reach back that far (git fetch --unshallow)")
    return Lookup(
        None,
        f"no committed version of {relative} has fingerprint {fingerprint} "
        "(the history does not reach back that far, or the fingerprint was edited by hand)",
    )


def translatable_lines(text: str) -> list[tuple[int, str]]:
    """Return (line number, text) of the lines a translator translates: title, summary and body."""
    match = FRONT_MATTER_PATTERN.match(text)
    head_end = text.count("\n", 0, match.end()) if match else 0
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        if number > head_end or re.match(r"^(title|summary)\s*:", line):
            lines.append((number, line))
    return lines


def word_diff(old: str, new: str) -> str:
    """Return ``new`` with removed words as [-old-] and added words as {+new+}."""
    old_words, new_words = old.split(), new.split()
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(" ".join(new_words[b1:b2]))
            continue
        removed = "[-" + " ".join(old_words[a1:a2]) + "-]" if a2 > a1 else ""
        added = "{+" + " ".join(new_words[b1:b2]) + "+}" if b2 > b1 else ""
        parts.append(removed + added)
    return " ".join(parts)


def changes(old_text: str, new_text: str) -> list[tuple[int | None, str]]:
    """Return (line in the new file, word diff) for every changed line of translatable text."""
    old_lines, new_lines = translatable_lines(old_text), translatable_lines(new_text)
    matcher = difflib.SequenceMatcher(
        a=[line for _number, line in old_lines], b=[line for _number, line in new_lines], autojunk=False
    )
    found: list[tuple[int | None, str]] = []
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        # Lines edited in place are shown one by one; lines added, removed or re-flowed as one block.
        if a2 - a1 == b2 - b1:
            pairs = [(old_lines[a1 + i : a1 + i + 1], new_lines[b1 + i : b1 + i + 1]) for i in range(a2 - a1)]
        else:
            pairs = [(old_lines[a1:a2], new_lines[b1:b2])]
        for old_part, new_part in pairs:
            old_block = " ".join(line for _number, line in old_part)
            new_block = " ".join(line for _number, line in new_part)
            if old_block.split() != new_block.split():
                where = new_part[0][0] if new_part else None
                found.append((where, word_diff(old_block, new_block)))
    return found
