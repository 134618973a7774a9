"""Entry on a member's behalf from the signed paper form: who may, the paper tick, the scan check,
the "nhập hộ bởi" note on every view of the record, and the member's correction request."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commitments import services
from commitments.models import Commitment
from tests.factories import MemberFactory

from .test_views import form_data

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def paper_member(cast):
    return MemberFactory(cell=cast.tree.cell, full_name="Phạm Văn Dũng")  # no account: never logs in


def _content():
    from .conftest import AREAS

    return {k: v for k, v in AREAS.items()}


def test_only_the_secretary_of_the_members_own_cell_may_enter(cast, cycle, paper_member):
    for who in (cast.other_secretary, cast.committee, cast.member):
        with pytest.raises(PermissionDenied):
            services.commitment_save_on_behalf(
                member=paper_member, cycle=cycle, content=_content(), paper_signed=True, by=who.user
            )
    assert not Commitment.objects.filter(member=paper_member).exists()


def test_paper_must_be_ticked_and_scan_checked_by_content(cast, cycle, paper_member, settings):
    kw = {"member": paper_member, "cycle": cycle, "content": _content(), "by": cast.secretary.user}
    with pytest.raises(ValidationError) as no_paper:
        services.commitment_save_on_behalf(paper_signed=False, **kw)
    assert "paper_signed" in no_paper.value.error_dict
    fake = SimpleUploadedFile("ban-giay.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as bad:
        services.commitment_save_on_behalf(paper_signed=True, scan=fake, **kw)
    assert bad.value.error_dict["scan"][0].messages == ["Chỉ nhận bản quét dạng PDF, JPEG hoặc PNG."]
    settings.PAPER_SCAN_MAX_BYTES = 10
    with pytest.raises(ValidationError) as big:
        services.commitment_save_on_behalf(paper_signed=True, scan=SimpleUploadedFile("a.pdf", PDF), **kw)
    assert "Tệp quá lớn" in big.value.error_dict["scan"][0].messages[0]
    assert not Commitment.objects.filter(member=paper_member).exists()


def test_secretary_enters_and_submits_from_the_cell_page(client, cast, cycle, paper_member):
    client.force_login(cast.secretary.user)
    cell_page = client.get(reverse("commitments:cell", args=[cast.tree.cell.pk])).content.decode()
    url = reverse("commitments:on_behalf", args=[paper_member.pk])
    assert url in cell_page
    resp = client.post(url, {**form_data(cycle.year), "paper_signed": "on", "scan": SimpleUploadedFile("s.pdf", PDF)})
    assert resp.status_code == 302, resp.content.decode()[:3000]
    c = Commitment.objects.get(member=paper_member)
    assert c.status == "SUBMITTED" and c.entered_by == cast.secretary.user and c.paper_signed and c.paper_scan
    assert c.history.filter(entered_by=cast.secretary.user).exists()
    detail = client.get(reverse("commitments:detail", args=[c.pk])).content.decode()
    assert "Nhập hộ bởi Lê Văn An" in detail or "Nhập hộ bởi bithu" in detail
    printed = client.get(reverse("commitments:print", args=[c.pk])).content.decode()
    assert 'data-testid="print-on-behalf"' in printed
    scan = client.get(reverse("commitments:scan", args=[c.pk]))
    assert scan["Content-Type"] == "application/pdf"


def test_without_the_paper_tick_the_page_explains_and_keeps_values(client, cast, cycle, paper_member):
    client.force_login(cast.secretary.user)
    resp = client.post(reverse("commitments:on_behalf", args=[paper_member.pk]), form_data(cycle.year))
    page = resp.content.decode()
    assert resp.status_code == 400 and "Chỉ nhập hộ khi đã có bản giấy" in page and "12 buổi trong năm" in page


def test_another_cells_secretary_gets_404_and_the_committee_403(client, cast, cycle, paper_member):
    url = reverse("commitments:on_behalf", args=[paper_member.pk])
    client.force_login(cast.other_secretary.user)
    assert client.get(url).status_code == 404
    client.force_login(cast.committee.user)
    assert client.get(url).status_code == 403


def test_member_sees_the_note_and_files_a_correction_request(client, cast, cycle):
    member = cast.member.member
    c = services.commitment_save_on_behalf(
        member=member, cycle=cycle, content=_content(), paper_signed=True, by=cast.secretary.user
    )
    client.force_login(cast.member.user)
    page = client.get(reverse("commitments:my")).content.decode()
    assert 'data-testid="on-behalf"' in page
    resp = client.post(reverse("commitments:correction", args=[c.pk]), {"text": "Sửa việc làm thứ hai"})
    assert resp.status_code == 302
    c.refresh_from_db()
    assert c.correction_request == "Sửa việc làm thứ hai"
    client.force_login(cast.secretary.user)
    assert "Sửa việc làm thứ hai" in client.get(reverse("commitments:detail", args=[c.pk])).content.decode()
