"""Self-assessment entered on a member's behalf: only the own cell's secretary, with the signed paper."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reviews import services
from reviews.models import MemberReview
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper_member(cast):
    return MemberFactory(cell=cast.tree.cell, full_name="Phạm Văn Dũng")


def _save(member, cycle, by, paper=True):
    return services.review_self_save(
        member=member,
        cycle=cycle,
        data=services.SelfAssessment(strengths="Gương mẫu", shortcomings="Còn chậm"),
        answers={},
        submit=False,
        user=by,
        entered_by=by,
        paper_signed=paper,
    )


def test_secretary_enters_and_the_record_says_so(cast, cycle, paper_member):
    review = _save(paper_member, cycle, cast.secretary.user)
    assert review.entered_by == cast.secretary.user and review.paper_signed
    assert review.history.filter(entered_by=cast.secretary.user).exists()


def test_other_cells_and_committees_are_refused_and_the_paper_is_required(cast, cycle, paper_member):
    for who in (cast.other_secretary, cast.committee):
        with pytest.raises(PermissionDenied):
            _save(paper_member, cycle, who.user)
    with pytest.raises(ValidationError):
        _save(paper_member, cycle, cast.secretary.user, paper=False)
    assert not MemberReview.objects.filter(member=paper_member).exists()


def test_views_deny_other_cells_and_show_the_note(client, cast, cycle, paper_member):
    url = reverse("reviews:on_behalf", args=[paper_member.pk])
    client.force_login(cast.other_secretary.user)
    assert client.get(url).status_code == 404
    client.force_login(cast.secretary.user)
    assert url in client.get(reverse("organizations:cell", args=[cast.tree.cell.pk])).content.decode()
    assert client.get(url).status_code == 200
    review = _save(paper_member, cycle, cast.secretary.user)
    page = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert 'data-testid="review-entered-by"' in page and "Nhập hộ bởi" in page


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _scan(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_scan_is_kept_when_it_is_a_pdf_jpeg_or_png_by_content(cast, cycle, paper_member, media):
    by = cast.secretary.user
    with pytest.raises(ValidationError) as refused:
        services.review_self_save(
            member=paper_member,
            cycle=cycle,
            data=services.SelfAssessment(strengths="x"),
            answers={},
            submit=False,
            user=by,
            entered_by=by,
            paper_signed=True,
            scan=_scan("ban-giay.pdf", b"MZ\x90\x00 not a pdf"),
        )
    assert "scan" in refused.value.message_dict
    assert not MemberReview.objects.filter(member=paper_member).exists()  # nothing half-saved
    review = services.review_self_save(
        member=paper_member,
        cycle=cycle,
        data=services.SelfAssessment(strengths="x"),
        answers={},
        submit=False,
        user=by,
        entered_by=by,
        paper_signed=True,
        scan=_scan("ban-giay.pdf", b"%PDF-1.7 signed paper"),
    )
    assert review.paper_scan.name.endswith(".pdf")
    assert review.paper_scan.open("rb").read().startswith(b"%PDF-")


def test_member_asks_for_a_correction_of_what_was_entered_for_them(client, cast, cycle, paper_member):
    from tests.factories import UserFactory

    paper_member.user = UserFactory(username="dungpv")
    paper_member.save()
    review = _save(paper_member, cycle, cast.secretary.user)
    for who in (cast.secretary.user, cast.member.user):  # only the member themself
        with pytest.raises(PermissionDenied):
            services.review_correction_request(review=review, text="Sửa ưu điểm", by=who)
    with pytest.raises(ValidationError):
        services.review_correction_request(review=review, text="  ", by=paper_member.user)
    client.force_login(paper_member.user)
    page = client.get(reverse("reviews:my")).content.decode()
    assert 'data-testid="correction-form"' in page
    response = client.post(
        reverse("reviews:correction", args=[review.pk]), {"text": "Ưu điểm ghi thiếu việc tổ dân phố"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.correction_request == "Ưu điểm ghi thiếu việc tổ dân phố" and review.correction_requested_at
    client.force_login(cast.secretary.user)
    detail = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert "Ưu điểm ghi thiếu việc tổ dân phố" in detail and "Đảng viên đề nghị sửa" in detail
    client.force_login(cast.other_secretary.user)
    assert client.post(reverse("reviews:correction", args=[review.pk]), {"text": "x"}).status_code == 404


def test_the_scan_downloads_for_the_cell_and_not_outside_it(client, cast, cycle, paper_member, media):
    by = cast.secretary.user
    review = services.review_self_save(
        member=paper_member,
        cycle=cycle,
        data=services.SelfAssessment(strengths="x"),
        answers={},
        submit=False,
        user=by,
        entered_by=by,
        paper_signed=True,
        scan=_scan("ban-giay.pdf", b"%PDF-1.7 signed paper"),
    )
    url = reverse("reviews:scan", args=[review.pk])
    client.force_login(by)
    page = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert url in page and "Xem bản quét" in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(cast.other_secretary.user)
    assert client.get(url).status_code == 404
