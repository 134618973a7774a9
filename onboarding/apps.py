from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = _("Nhập dữ liệu, sắp xếp tổ chức")

    def ready(self) -> None:
        from core.context_processors import NAV_HOOKS
        from organizations import panels

        from .nav import nav_link
        from .panels import lineage_panel

        NAV_HOOKS.append(nav_link)
        from core.heartbeat import RECOVERERS

        from .recovery import import_job_recover

        RECOVERERS["onboarding.import"] = import_job_recover
        panels.ORGANIZATION_PANELS.append(lineage_panel)
        panels.CELL_PANELS.append(lineage_panel)
