from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Kiểm điểm, xếp loại")

    def ready(self) -> None:
        from core.context_processors import NAV_LINKS
        from organizations import panels as org_panels

        from . import panels

        NAV_LINKS.append(("reviews:my", _("Kiểm điểm"), _is_member))
        org_panels.MEMBER_PANELS.append(panels.member_panel)
        org_panels.CELL_PANELS.append(panels.cell_panel)
        org_panels.ORGANIZATION_PANELS.append(panels.organization_panel)


def _is_member(scope) -> bool:
    """The self-assessment link only for accounts tied to a member (others get a dead-end page)."""
    return scope.member_id is not None
