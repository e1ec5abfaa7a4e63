"""Model fields whose values are encrypted at rest.

In Python the attribute holds plaintext; in the database, in history tables and in serialized
dumps it is a Fernet token. Fernet output is randomized, so no lookup other than `isnull` can
work: equality goes through a blind index instead (see core.crypto.blind_index).
"""

from django.core.exceptions import FieldError
from django.db import models

from core import crypto

# Marks ciphertext in serialized output (dumpdata, fixtures), so loaddata knows to decrypt it
# instead of encrypting the token a second time.
SERIALIZED_PREFIX = "fernet:"


class EncryptedMixin:
    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self._label()} is encrypted: the `{lookup_name}` lookup cannot work on "
            "ciphertext. Compare through the blind index instead."
        )

    def get_transform(self, lookup_name):
        raise FieldError(f"{self._label()} is encrypted and has no transforms.")

    def _label(self) -> str:
        model = getattr(self, "model", None)
        if model is None:
            return self.name or "encrypted field"
        return f"{model._meta.label}.{self.name}"


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Text encrypted with MultiFernet(FIELD_ENCRYPTION_KEYS); blank stays blank."""

    description = "Encrypted text"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt_str(value, label=self._label())

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt_str(value)

    def to_python(self, value):
        if isinstance(value, str) and value.startswith(SERIALIZED_PREFIX):
            return crypto.decrypt_str(value[len(SERIALIZED_PREFIX) :], label=self._label())
        return super().to_python(value)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        if value is None or value == "":
            return value
        return SERIALIZED_PREFIX + crypto.encrypt_str(value)


class EncryptedBinaryField(EncryptedMixin, models.BinaryField):
    """Bytes encrypted with MultiFernet(FIELD_ENCRYPTION_KEYS), for uploaded evidence."""

    description = "Encrypted binary data"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return crypto.decrypt_bytes(bytes(value), label=self._label())

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is not None and not prepared:
            value = crypto.encrypt_bytes(bytes(value))
        return super().get_db_prep_value(value, connection, prepared)

    def to_python(self, value):
        if isinstance(value, str) and value.startswith(SERIALIZED_PREFIX):
            token = value[len(SERIALIZED_PREFIX) :].encode("ascii")
            return crypto.decrypt_bytes(token, label=self._label())
        return super().to_python(value)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        if value is None:
            return value
        return SERIALIZED_PREFIX + crypto.encrypt_bytes(bytes(value)).decode("ascii")


class BlindIndexField(models.CharField):
    """Keyed hash (core.crypto.blind_index) of another, encrypted field of the model.

    `source` names that field and `purpose` how its value is normalised ("name", "id_number",
    "phone"), so that `rotate_keys --blind-index` can find and recompute every index, in main
    and history tables alike, without a hard-coded list.
    """

    description = "Blind index of an encrypted field"

    def __init__(self, *args, source: str = "", purpose: str = "", **kwargs):
        self.source = source
        self.purpose = purpose
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    def compute(self, plaintext: str, *, key: str | None = None) -> str:
        return crypto.blind_index_of(plaintext, purpose=self.purpose, key=key)

    def pre_save(self, model_instance, add):
        # Always derived from the plaintext being saved, so an index can never go stale.
        value = self.compute(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value
