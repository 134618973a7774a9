from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = _("Nhập dữ liệu, sắp xếp tổ chức")

    def ready(self) -> None:
        from core.context_processors import NAV_HOOKS

        from .nav import nav_link

        NAV_HOOKS.append(nav_link)
