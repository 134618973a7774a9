"""Vietnamese text helpers: NFC normalisation, name sort keys, accent-free search text."""

import unicodedata

# Vietnamese alphabet order; "đ" sorts after "d", "ă"/"â" after "a", and so on.
_ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "w",
    "x",
    "y",
    "z",
]
_LETTER_CODE = {letter: f"{i + 10:02d}" for i, letter in enumerate(_ALPHABET)}
# Tone marks are a secondary key: no tone < huyền < hỏi < ngã < sắc < nặng (dictionary order).
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_BASE_MARKS = {"\u0306": "ă", "\u0302": "â", "\u031b": "ơ"}  # breve, circumflex, horn


def nfc(text: str) -> str:
    """Normalise pasted text (NFD or legacy-composed) to NFC, trim and collapse spaces."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def _split_letter(char: str) -> tuple[str, str]:
    """Return (base letter, tone digit) for one precomposed Vietnamese letter."""
    if char == "đ":
        return "đ", "0"
    decomposed = unicodedata.normalize("NFD", char)
    base, tone = decomposed[0], "0"
    for mark in decomposed[1:]:
        if mark in _TONES:
            tone = _TONES[mark]
        elif mark == "\u0302":
            base = {"a": "â", "e": "ê", "o": "ô"}.get(base, base)
        elif mark in _BASE_MARKS:
            base = {"a": "ă", "o": "ơ", "u": "ư"}.get(base, base)
    return base, tone


def _word_key(word: str) -> tuple[str, str]:
    letters, tones = [], []
    for char in word.lower():
        base, tone = _split_letter(char)
        code = _LETTER_CODE.get(base)
        if code is None:
            continue
        letters.append(code)
        tones.append(tone)
    return "".join(letters), "".join(tones)


def name_sort_key(full_name: str) -> str:
    """Sort key for a Vietnamese full name: given name, then middle names, then family name.

    Only digits, so ordering is identical under any database collation. Letters first,
    tones as a tie-breaker, so "An" < "Anh" < "Ân" (â is its own letter after a) and "Đức" sorts after "Dũng".
    """
    words = nfc(full_name).split(" ")
    ordered = [words[-1], *words[1:-1], words[0]] if len(words) > 1 else words
    keys = [_word_key(w) for w in ordered]
    primary = "00".join(k[0] for k in keys)
    secondary = "".join(k[1] for k in keys)
    return f"{primary}000{secondary}"[:250]


def ascii_fold(text: str) -> str:
    """Accent-free lower-case text for accent-insensitive search."""
    decomposed = unicodedata.normalize("NFD", nfc(text).lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
