from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = _("Nhập dữ liệu, sắp xếp tổ chức")

    def ready(self) -> None:
        from core.heartbeat import RECOVERERS

        from .recovery import import_job_recover

        RECOVERERS["onboarding.import"] = import_job_recover
