from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Kiểm điểm, xếp loại")

    def ready(self) -> None:
        from core.context_processors import NAV_LINKS
        from organizations import panels as org_panels

        from . import panels

        NAV_LINKS.append(("reviews:my", _("Kiểm điểm")))
        org_panels.MEMBER_PANELS.append(panels.member_panel)
        org_panels.CELL_PANELS.append(panels.cell_panel)
        org_panels.ORGANIZATION_PANELS.append(panels.organization_panel)
