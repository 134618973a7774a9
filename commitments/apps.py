from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Cam kết tu dưỡng, rèn luyện")

    def ready(self) -> None:
        from core.context_processors import NAV_HOOKS
        from organizations import panels as org_panels

        from . import panels

        org_panels.CELL_PANELS.append(panels.cell_panel)
        org_panels.MEMBER_PANELS.append(panels.member_panel)
        org_panels.ORGANIZATION_PANELS.append(panels.organization_panel)
        NAV_HOOKS.append(panels.nav_hook)
