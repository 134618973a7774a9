from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Cam kết tu dưỡng, rèn luyện")

    # Menu entry and page sections: commitments.nav and commitments.panels, listed in core.registry.
