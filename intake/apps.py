from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Tiếp công dân, tiếp nhận đơn")

    def ready(self):
        from intake import case_page

        case_page.register()
