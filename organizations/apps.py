from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Tổ chức và đảng viên")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from core import events

        from . import scope_cache
        from .models import Member, Organization, Position

        # The cached scopes (scope_cache) follow positions, member records and the tree.
        for model, handler in (
            (Position, scope_cache.on_position_changed),
            (Organization, scope_cache.on_position_changed),
            (Member, scope_cache.on_member_changed),
        ):
            post_save.connect(handler, sender=model, dispatch_uid=f"scope-cache-save-{model.__name__}")
            post_delete.connect(handler, sender=model, dispatch_uid=f"scope-cache-delete-{model.__name__}")
        if scope_cache.on_tree_changed not in events.TREE_CHANGED:
            events.TREE_CHANGED.append(scope_cache.on_tree_changed)
