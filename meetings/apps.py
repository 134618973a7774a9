from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Hội nghị kiểm điểm, nhận xét nơi cư trú")

    def ready(self) -> None:
        from core.context_processors import NAV_LINKS

        NAV_LINKS.append(("meetings:residence_inbox", _("Nhận xét nơi cư trú"), _is_residence_body))


def _is_residence_body(scope) -> bool:
    """Cell secretaries and committees receive residence-comment requests."""
    return bool(scope.act_paths) or scope.is_superuser
