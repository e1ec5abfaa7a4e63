from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Each field in one wrapper (label, input, help, errors), so forms lay out in grids."""

    field_template_name = "forms/field.html"
