"""What a typed identity must look like: one check for every way a reporter's (or a protected
person's) name, ID number, phone and e-mail come in, be it the intake form, the protection forms
or the spreadsheet import.

The messages name the field, never its value: the import lists them line by line, and a value
in a message would leak the identity the vault exists to protect.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from core import crypto

# Căn cước công dân: 12 digits; the old chứng minh nhân dân: 9.
ID_NUMBER_LENGTHS = (9, 12)
# Mobile and landline numbers, national (0912 345 678) or with the country code (+84 ...).
PHONE_DIGITS = range(9, 13)


def identity_problems(
    *,
    full_name: str,
    id_number: str = "",
    phone: str = "",
    email: str = "",
    name_required: bool = True,
) -> dict[str, str]:
    """The problems of one person's identity as typed, by field name (`full_name`,
    `id_number`, `phone`, `email`, the names of `ReporterData`); empty when there is none.
    The ID number, phone and e-mail may be left blank; the name only with `name_required`
    False (the reporter themself on a protection request, whose identity is already held)."""
    problems: dict[str, str] = {}
    if name_required and not full_name.strip():
        problems["full_name"] = _("Thiếu họ tên người gửi đơn.")
    id_number = id_number.strip()
    if id_number and len(crypto.normalize_digits(id_number)) not in ID_NUMBER_LENGTHS:
        problems["id_number"] = _("Số CCCD có 12 chữ số (CMND cũ: 9 chữ số).")
    phone = phone.strip()
    if phone and len(crypto.normalize_phone(phone)) not in PHONE_DIGITS:
        problems["phone"] = _("Số điện thoại không hợp lệ (9 đến 12 chữ số).")
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems["email"] = _("Thư điện tử không hợp lệ.")
    return problems
