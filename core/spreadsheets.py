"""Cells of spreadsheets made from text people typed."""

# A spreadsheet program runs a cell that starts with one of these as a formula
# (CSV/formula injection); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain_text(value):
    """`value`, made safe to open in Excel or LibreOffice when it is text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
