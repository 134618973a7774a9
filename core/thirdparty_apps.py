"""Third-party apps under Vietnamese names in the admin index (their own labels are English).

Kept out of core/apps.py: Django picks an app's config automatically only when its apps module
holds a single AppConfig subclass.
"""

from axes.apps import AppConfig as _AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_celery_beat.apps import BeatConfig as _BeatConfig
from django_celery_results.apps import CeleryResultConfig as _ResultsConfig


def _vietnamese(base: type[AppConfig], name: str) -> type[AppConfig]:
    return type(f"{base.__name__}Vietnamese", (base,), {"verbose_name": name, "default": False})


AxesVietnameseConfig = _vietnamese(_AxesConfig, _("Khóa đăng nhập sau nhiều lần sai mật khẩu"))
CeleryBeatVietnameseConfig = _vietnamese(_BeatConfig, _("Lịch tác vụ định kỳ"))
CeleryResultsVietnameseConfig = _vietnamese(_ResultsConfig, _("Kết quả tác vụ nền"))
