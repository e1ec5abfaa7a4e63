from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "protection"
    verbose_name = _("Bảo vệ người tố cáo")

    def ready(self):
        # The kernel asks the vault through cases.extensions; it never imports this app.
        from protection import case_page

        case_page.register()
