"""Formats of values people type or read."""

# Days as a file or a command line may give them: ISO first, then the Vietnamese dd/mm/yyyy.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
