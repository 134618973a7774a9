from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Tài khoản")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from core import events

        from . import sessions

        events.ACCESS_REVOKED.append(sessions.end_sessions_for)
        user_logged_in.connect(sessions.on_login, dispatch_uid="accounts.on_login")
