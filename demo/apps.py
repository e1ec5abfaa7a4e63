from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Vietnamese demo data for `make run` (`manage.py seed_demo`): it uses every app."""

    name = "demo"
    verbose_name = _("Dữ liệu mẫu")
