"""The bottom layer: tools that know nothing of petitions (encrypted fields and keys, blind
indexes, text folding, the date widget, the client's address, spreadsheet-safe cells).

Every app may import from here; nothing here imports from an app of the project. See
docs/architecture.md.
"""
