"""Precomputed roll-up rows: one per organisation, year and grading stage (see definitions.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import definitions as d


class Stage(models.TextChoices):
    PROPOSED = "PROPOSED", _("Chi bộ đề xuất")
    DECIDED = "DECIDED", _("Đã quyết định")


class OrgRollup(models.Model):
    """Số liệu tổng hợp of an organisation's whole subtree for a year and stage.

    Written only by rollups.services (set-based SQL on PostgreSQL). `parent_id` and `depth` copy
    the tree of that year so the dashboard reads a node and its children with one indexed query.
    """

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        db_constraint=False,  # rows are rewritten in bulk; Django still cascades deletes
        db_index=False,  # the unique (organization, year, stage) index serves lookups by organisation
        related_name="rollups",
        verbose_name=_("tổ chức"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    stage = models.CharField(_("giai đoạn"), max_length=16, choices=Stage.choices)
    parent_id = models.BigIntegerField(_("tổ chức cấp trên"), null=True, blank=True)
    depth = models.PositiveSmallIntegerField(_("cấp"))
    own_grade = models.CharField(_("xếp loại của tổ chức"), max_length=16, blank=True, default="")
    review_deadline = models.DateField(_("hạn họp chi bộ, đề xuất"), null=True, blank=True)
    commitment_deadline = models.DateField(_("hạn nộp cam kết"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"))

    class Meta:
        verbose_name = _("số liệu tổng hợp")
        verbose_name_plural = _("số liệu tổng hợp")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "stage"],
                name="one_rollup_per_org_year_stage",
                violation_error_message=_("Tổ chức đã có số liệu tổng hợp cho năm và giai đoạn này."),
            ),
        ]
        indexes = [models.Index(fields=["year", "stage", "parent_id"], name="rollup_children")]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.year} {self.stage}"

    def counts(self) -> dict[str, int]:
        return {f: getattr(self, f) for f in d.COUNT_FIELDS}


for _name in d.COUNT_FIELDS:
    OrgRollup.add_to_class(_name, models.IntegerField(default=0))
