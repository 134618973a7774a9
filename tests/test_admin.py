"""Every model has an admin page that renders for a superuser."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

PROJECT_APPS = {
    "organizations", "commitments", "reviews", "rollups", "notifications", "onboarding", "meetings", "quarterly"
}  # fmt: skip
# Shown as inlines of their parent instead of pages of their own.
INLINED = {"commitments.CommitmentAction", "reviews.IndicatorAnswer", "meetings.Attendance"}


def project_models():
    return [
        m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS and not m.__name__.startswith("Historical")
    ]


def test_every_project_model_is_in_the_admin():
    missing = [
        m._meta.label for m in project_models() if m not in admin.site._registry and m._meta.label not in INLINED
    ]
    assert missing == []


@pytest.mark.django_db
def test_admin_changelists_render(client, cast, django_user_model):
    admin_user = django_user_model.objects.create_superuser("quantri", "qt@tusoi.local", "matkhau-2026")
    client.force_login(admin_user)
    for model in admin.site._registry:
        if model._meta.app_label not in PROJECT_APPS:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_admin_lists_show_years_without_thousands_separator(client, cast, django_user_model):
    from reviews.models import MemberReview
    from reviews.seeding import review_cycle_ensure

    cycle = review_cycle_ensure(organization=cast.tree.province, year=2026)
    MemberReview.objects.create(member=cast.member.member, year=2026, cycle=cycle, cell=cast.tree.cell)
    client.force_login(django_user_model.objects.create_superuser("quantri", "qt@tusoi.local", "matkhau-2026"))
    for name in ("reviews_memberreview", "reviews_reviewcycle", "reviews_gradingregime"):
        html = client.get(reverse(f"admin:{name}_changelist")).content.decode()
        assert "2.026" not in html and "2.025" not in html, name
    assert ">2026<" in client.get(reverse("admin:reviews_memberreview_changelist")).content.decode()
