from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RollupsConfig(AppConfig):
    name = "rollups"
    verbose_name = _("Tổng hợp, báo cáo")

    def ready(self) -> None:
        from core import events
        from core.schedules import SCHEDULES, ScheduleSpec
        from organizations import selectors

        from . import listeners
        from .selectors import subtree_member_counts

        if listeners.on_cells_changed not in events.CELLS_CHANGED:
            events.CELLS_CHANGED.append(listeners.on_cells_changed)
        if listeners.on_tree_changed not in events.TREE_CHANGED:
            events.TREE_CHANGED.append(listeners.on_tree_changed)
        from core.heartbeat import RECOVERERS, SWEEPS
        from core.outbox import TOPICS, Topic

        from .sweeps import recover_rebuild, sweep_dirty_cells

        TOPICS[listeners.CELLS_CHANGED] = Topic(
            publish=listeners.publish_cells_changed,
            settle_on_publish=False,  # settled by sweep_dirty_cells once the refresh has run
            notice=_("Số liệu tổng hợp sẽ được cập nhật trong giây lát."),
        )
        RECOVERERS["rollups.rebuild"] = recover_rebuild
        if sweep_dirty_cells not in SWEEPS:
            SWEEPS.append(sweep_dirty_cells)
        nightly = ScheduleSpec(
            name="Tổng hợp: tính lại toàn bộ số liệu (hằng đêm)",
            task="rollups.rebuild",
            crontab={"minute": "30", "hour": "1"},
            description="Recompute every roll-up row from the source rows; repairs any drift.",
        )
        if nightly not in SCHEDULES:
            SCHEDULES.append(nightly)
        from commitments import selectors as commitment_selectors

        from .selectors import commitment_completeness

        if commitment_completeness not in commitment_selectors.COMPLETENESS_PROVIDERS:
            commitment_selectors.COMPLETENESS_PROVIDERS.append(commitment_completeness)
        if subtree_member_counts not in selectors.SUBTREE_MEMBER_COUNTS:
            selectors.SUBTREE_MEMBER_COUNTS.append(subtree_member_counts)
