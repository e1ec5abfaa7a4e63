"""Nothing of `protection` is in the Django admin, on purpose.

The administrator role "never" sees reporter identity (docs/product.md#users-and-roles): no
model with an encrypted field may be registered here or in any other app's admin, and the
identity access log is read on its own screen by the head and the auditor (it is append-only, so
an admin could only show it).
tests/test_identity_log.py checks every registered ModelAdmin and inline for encrypted fields.
"""
