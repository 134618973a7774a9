"""Party organisations (tree), members, memberships and position assignments."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager

from core.text import ascii_fold, name_sort_key, nfc


def valid_range_check(name: str, message) -> models.CheckConstraint:
    """valid_to, when set, is on or after valid_from (dated organisations, memberships, positions)."""
    return models.CheckConstraint(
        condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
        name=name,
        violation_error_message=message,
    )


class OrgKind(models.TextChoices):
    PROVINCE = "PROVINCE", _("Đảng bộ tỉnh, thành phố")
    DISTRICT = "DISTRICT", _("Đảng bộ cấp huyện và tương đương (kể cả đảng bộ khối)")
    COMMUNE = "COMMUNE", _("Đảng bộ xã, phường, đặc khu")
    GRASSROOTS_COMMITTEE = "GRASSROOTS_COMMITTEE", _("Đảng bộ cơ sở")
    SUB_COMMITTEE = "SUB_COMMITTEE", _("Đảng bộ bộ phận")
    GRASSROOTS_CELL = "GRASSROOTS_CELL", _("Chi bộ cơ sở")
    CELL = "CELL", _("Chi bộ trực thuộc")


KIND_LABELS_EN = {
    OrgKind.PROVINCE: "Provincial party committee",
    OrgKind.DISTRICT: "District-level or equivalent committee (incl. blocs)",
    OrgKind.COMMUNE: "Commune-level committee",
    OrgKind.GRASSROOTS_COMMITTEE: "Grassroots party committee",
    OrgKind.SUB_COMMITTEE: "Sub-committee under a grassroots committee",
    OrgKind.GRASSROOTS_CELL: "Grassroots cell",
    OrgKind.CELL: "Cell under a grassroots committee",
}
CELL_KINDS = (OrgKind.GRASSROOTS_CELL, OrgKind.CELL)
GRASSROOTS_KINDS = (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL)


class OrganizationManager(MP_NodeManager):
    def cells(self):
        return self.filter(kind__in=CELL_KINDS)

    def valid_on(self, day: dt.date):
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)


class Organization(MP_Node):
    """Tổ chức đảng — a node of the party tree (materialised path, irregular depth)."""

    name = models.CharField(_("tên tổ chức"), max_length=255)
    code = models.CharField(_("mã"), max_length=64, unique=True)
    kind = models.CharField(_("loại tổ chức"), max_length=32, choices=OrgKind.choices)
    valid_from = models.DateField(_("hiệu lực từ"), default=dt.date(2000, 1, 1))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self", symmetrical=False, related_name="successors", blank=True, verbose_name=_("tổ chức tiền thân")
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    # Quota scope COMPARABLE_GROUP (QĐ 124 "nhóm đối tượng tương đồng"): cells of one grassroots
    # organisation with the same key are counted together; a blank key is the group of the rest.
    quota_group = models.CharField(_("nhóm đối tượng tương đồng (tính tỷ lệ)"), max_length=64, blank=True)

    objects = OrganizationManager()
    history = HistoricalRecords(excluded_fields=["path", "depth", "numchild"])

    class Meta:
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")
        constraints = [
            valid_range_check("org_valid_range", _("Ngày hết hiệu lực phải sau hoặc bằng ngày bắt đầu hiệu lực.")),
            models.CheckConstraint(
                condition=~Q(kind__in=CELL_KINDS) | Q(numchild=0),
                name="cell_has_no_children",
                violation_error_message=_("Chi bộ không thể có tổ chức trực thuộc."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def is_grassroots(self) -> bool:
        return self.kind in GRASSROOTS_KINDS

    @property
    def kind_label_en(self) -> str:
        return KIND_LABELS_EN[OrgKind(self.kind)]

    def ancestor_paths(self) -> list[str]:
        """Paths of every ancestor, root first, and of the node itself (no query)."""
        step = self.steplen
        return [self.path[: i * step] for i in range(1, self.depth + 1)]

    def grassroots(self) -> Organization | None:
        """Tổ chức cơ sở đảng: the node itself, or its nearest grassroots ancestor (one query)."""
        if self.is_grassroots:
            return self
        return (
            Organization.objects.filter(path__in=self.ancestor_paths()[:-1], kind__in=GRASSROOTS_KINDS)
            .order_by("-depth")
            .first()
        )

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class MemberStatus(models.TextChoices):
    PROBATIONARY = "PROBATIONARY", _("Dự bị")
    FULL = "FULL", _("Chính thức")
    EXEMPT = "EXEMPT", _("Miễn công tác và sinh hoạt đảng")
    SUSPENDED = "SUSPENDED", _("Đình chỉ sinh hoạt đảng")
    LEFT = "LEFT", _("Đã ra khỏi Đảng")


ACTIVE_STATUSES = (MemberStatus.PROBATIONARY, MemberStatus.FULL)


class Sex(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class Member(models.Model):
    """Đảng viên. `cell` is the current official cell, kept in step with Membership by services."""

    full_name = models.CharField(_("họ và tên"), max_length=120)
    sort_key = models.CharField(max_length=255, editable=False, db_index=True)
    search_name = models.CharField(max_length=120, editable=False, db_index=True)
    date_of_birth = models.DateField(_("ngày sinh"))
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices)
    admitted_on = models.DateField(_("ngày vào Đảng"))
    full_member_on = models.DateField(_("ngày chính thức"), null=True, blank=True)
    status = models.CharField(_("tình trạng"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.FULL)
    party_card_number = models.CharField(_("số thẻ đảng viên"), max_length=20, null=True, blank=True)
    cell = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="members", null=True, blank=True, verbose_name=_("chi bộ")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=_("tài khoản"),
    )
    job_title = models.CharField(_("chức vụ chính quyền, đoàn thể"), max_length=255, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        ordering = ["sort_key"]
        indexes = [models.Index(fields=["cell", "sort_key"], name="member_cell_sort")]
        constraints = [
            models.UniqueConstraint(
                fields=["party_card_number"],
                name="unique_party_card",
                violation_error_message=_("Số thẻ đảng viên này đã được dùng cho một đảng viên khác."),
            ),
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True) | Q(full_member_on__gte=F("admitted_on")),
                name="member_full_after_admission",
                violation_error_message=_("Ngày chính thức phải sau ngày vào Đảng."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.full_name = nfc(self.full_name)
        self.sort_key = name_sort_key(self.full_name)
        self.search_name = ascii_fold(self.full_name)[:120]
        self.party_card_number = (self.party_card_number or "").strip() or None
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.full_name = nfc(self.full_name)
        self.party_card_number = (self.party_card_number or "").strip() or None
        if self.cell_id and not self.cell.is_cell:
            raise ValidationError({"cell": _("Đảng viên chỉ sinh hoạt ở chi bộ.")})

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class MembershipKind(models.TextChoices):
    OFFICIAL = "OFFICIAL", _("Chính thức")
    TEMPORARY = "TEMPORARY", _("Tạm thời")


class Membership(models.Model):
    """Sinh hoạt đảng: a member's dated membership in a cell (history of transfers)."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("đảng viên")
    )
    cell = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("chi bộ")
    )
    kind = models.CharField(
        _("hình thức"), max_length=16, choices=MembershipKind.choices, default=MembershipKind.OFFICIAL
    )
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sinh hoạt đảng")
        verbose_name_plural = _("sinh hoạt đảng")
        ordering = ["member", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(valid_to__isnull=True, kind="OFFICIAL"),
                name="one_open_official_membership",
                violation_error_message=_("Đảng viên đang sinh hoạt chính thức ở một chi bộ khác."),
            ),
            valid_range_check("membership_valid_range", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.cell}"

    def clean(self) -> None:
        if self.cell_id and not self.cell.is_cell:
            raise ValidationError({"cell": _("Đảng viên chỉ sinh hoạt ở chi bộ.")})
        if self.kind != MembershipKind.OFFICIAL or not self.member_id:
            return
        # Two official memberships may not overlap (the open one is also a DB constraint).
        end = self.valid_to or dt.date.max
        overlapping = Membership.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from),
            member_id=self.member_id,
            kind=MembershipKind.OFFICIAL,
            valid_from__lte=end,
        ).exclude(pk=self.pk)
        if self.valid_from and overlapping.exists():
            raise ValidationError(_("Đảng viên không thể sinh hoạt chính thức ở hai chi bộ cùng lúc."))


class PositionKind(models.TextChoices):
    CELL_SECRETARY = "CELL_SECRETARY", _("Bí thư chi bộ")
    CELL_DEPUTY = "CELL_DEPUTY", _("Phó bí thư chi bộ")
    COMMITTEE_MEMBER = "COMMITTEE_MEMBER", _("Cấp ủy viên")
    STANDING_COMMITTEE = "STANDING_COMMITTEE", _("Ủy viên ban thường vụ")
    INSPECTION = "INSPECTION", _("Ủy viên ủy ban kiểm tra")
    ADMINISTRATOR = "ADMINISTRATOR", _("Quản trị hệ thống của tổ chức")


class Position(models.Model):
    """Chức vụ: a user's dated position in an organisation; the source of every access scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="positions", verbose_name=_("tài khoản")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="positions", verbose_name=_("tổ chức")
    )
    kind = models.CharField(_("chức vụ"), max_length=32, choices=PositionKind.choices)
    valid_from = models.DateField(_("từ ngày"), default=dt.date.today)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    # Cán bộ diện cấp ủy cấp trên quản lý: the committee whose standing committee grades the holder
    # of this position (REFERENCE 3.1); empty for positions managed where the member's cell is.
    managed_by = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cấp ủy quản lý cán bộ"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chức vụ")
        verbose_name_plural = _("chức vụ")
        constraints = [
            valid_range_check("position_valid_range", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")),
        ]
        indexes = [models.Index(fields=["user", "valid_to"], name="position_user_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.organization}"
