"""A list item's number as its list writes it: 3 → "3", "c", "C", "iii" or "III" (Word's
numbering formats and HTML's `<ol type>` name the same five)."""

from __future__ import annotations

ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
         (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip
LETTERS = {"lowerLetter": "a", "a": "a", "upperLetter": "A", "A": "A"}
ROMANS = {"lowerRoman": "i", "i": "i", "upperRoman": "I", "I": "I"}


def numeral(n: int, style: str) -> str:
    """`n` in the list style `style` (Word's numFmt or HTML's type; anything else: digits)."""
    if style in LETTERS:
        letters = ""
        while n > 0:
            n, r = divmod(n - 1, 26)
            letters = chr(ord("a") + r) + letters
        return letters.upper() if LETTERS[style] == "A" else letters
    if style in ROMANS and n > 0:
        roman = ""
        for value, digits in ROMAN:
            while n >= value:
                roman, n = roman + digits, n - value
        return roman.upper() if ROMANS[style] == "I" else roman
    return str(n)
