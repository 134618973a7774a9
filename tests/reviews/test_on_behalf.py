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
