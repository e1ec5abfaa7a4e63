from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo thống kê")

    def ready(self):
        from cases import extensions
        from reports import facts

        extensions.register_timeline_listener(facts.facts_follow_timeline)
