"""A long SMS as separate, self-contained messages, for operators that do not join the parts of
a concatenated SMS (Beeline, by published guidelines): each part is one single SMS (160 GSM-7
characters or 70 UCS-2 with its number), cut at a paragraph, a line or a word — never inside a
word, and never between a choice's number and its label — and numbered "(1/3)".
"""

from __future__ import annotations

import re

from bot.channels.sms.segments import count_segments, to_gsm

CHOICE = re.compile(r"\d+ \S")  # "3 Water supply": a numbered option


def _fits(text: str) -> bool:
    return count_segments(text).count == 1


def _pieces(text: str) -> list[tuple[str, str]]:
    """The text as (joint, piece): paragraphs, lines, then words of lines too long for one SMS;
    the joint is what goes before the piece when it stays in the same part."""
    pieces: list[tuple[str, str]] = []
    for p, paragraph in enumerate(text.split("\n\n")):
        for i, line in enumerate(paragraph.split("\n")):
            joint = "\n\n" if p and not i else ("\n" if i else "")
            if _fits(line):
                pieces.append((joint, line))
                continue
            words = line.split(" ")
            if CHOICE.match(line):  # keep the number with the first word of its label
                words = [f"{words[0]} {words[1]}", *words[2:]]
            pieces += [(joint if not w else " ", word) for w, word in enumerate(words)]
    return pieces


def split_parts(text: str) -> list[str]:
    """`text` as one SMS if it fits in one, else as numbered self-contained parts."""
    text = to_gsm(text.strip())
    if _fits(text):
        return [text]
    pieces = _pieces(text)
    total = 2
    while True:  # the numbers' own length depends on how many parts there are
        parts = _pack(pieces, f"({total}/{total}) ")
        if len(parts) <= total:
            return [f"({i}/{len(parts)}) {part}" for i, part in enumerate(parts, 1)]
        total = len(parts)


def _pack(pieces: list[tuple[str, str]], label: str) -> list[str]:
    parts: list[str] = []
    current = ""
    for joint, piece in pieces:
        candidate = current + joint + piece if current else piece
        if _fits(label + candidate):
            current = candidate
            continue
        if current:
            parts.append(current)
        current = piece
        while not _fits(label + current):  # one word longer than an SMS: cut it
            cut = len(current) // 2
            while cut > 1 and not _fits(label + current[:cut]):
                cut //= 2
            while _fits(label + current[: cut + 1]):
                cut += 1
            parts.append(current[:cut])
            current = current[cut:]
    if current:
        parts.append(current)
    return parts
