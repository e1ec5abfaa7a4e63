"""Text helpers for Vietnamese search."""

import unicodedata


def fold(value: str) -> str:
    """Lower-case without diacritics, so "nguyen" finds "Nguyễn" and "dat" finds "đất"."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.casefold().split())
