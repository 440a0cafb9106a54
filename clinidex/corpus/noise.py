"""OCR-like damage to text, so a classifier trained on clean templates has seen what a fax
round trip does to words. (Measurement uses a real render -> OCR round trip instead.)"""
from __future__ import annotations

import random

# Confusions typical of OCR on low-resolution fax images.
CONFUSIONS = {
    "l": "1I|", "I": "l1|", "1": "lI", "O": "0Q", "0": "OD", "o": "0ce", "e": "co", "c": "e(",
    "rn": "m", "m": "rn", "cl": "d", "d": "cl", "h": "b", "b": "h6", "S": "5$", "5": "S", "B": "8",
    "8": "B", "g": "q9", "a": "o@", "u": "v", "n": "ri", "t": "f", "f": "t", ",": ".", ".": ",",
}


def damage(text: str, rng: random.Random, rate: float = 0.03) -> str:
    """Substitute, drop, double or split characters at about `rate` per character; lines stay lines."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\n" or rng.random() >= rate:
            out.append(char)
            i += 1
            continue
        pair = text[i:i + 2]
        roll = rng.random()
        if pair in CONFUSIONS and roll < 0.3:
            out.append(rng.choice(CONFUSIONS[pair]))
            i += 2
            continue
        if char in CONFUSIONS and roll < 0.75:
            out.append(rng.choice(CONFUSIONS[char]))
        elif roll < 0.85:
            pass  # dropped
        elif roll < 0.93 and char != " ":
            out.append(char + " ")  # a word split by a gap
        else:
            out.append(char + char)
        i += 1
    return "".join(out)
