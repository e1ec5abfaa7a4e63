from django import forms


class DateInput(forms.DateInput):
    """dd/mm/yyyy typed as text: a browser's date picker follows the browser's locale, which
    on many office machines is not Vietnamese and would show mm/dd/yyyy."""

    def __init__(self, attrs=None):
        attrs = {
            "placeholder": "dd/mm/yyyy",
            "inputmode": "numeric",
            "class": "date",
            **(attrs or {}),
        }
        super().__init__(attrs=attrs, format="%d/%m/%Y")
