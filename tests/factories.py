"""factory_boy factories; trees go through the services (treebeard API), never by setting paths."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.contrib.auth import get_user_model

from organizations import services
from organizations.models import Member, Organization, OrgKind

_codes = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("matkhau-2026")


def make_org(name: str, kind: str = OrgKind.CELL, parent: Organization | None = None, **kw) -> Organization:
    return services.organization_create(
        name=name, code=kw.pop("code", f"T{next(_codes):05d}"), kind=kind, parent=parent, **kw
    )


class MemberFactory(factory.django.DjangoModelFactory):
    """Build with `cell=`; created through member_create so a membership row exists."""

    class Meta:
        model = Member

    full_name = factory.Faker("name", locale="vi_VN")
    date_of_birth = factory.Faker("date_between", start_date=dt.date(1960, 1, 1), end_date=dt.date(2000, 12, 31))
    sex = "M"
    admitted_on = dt.date(2015, 5, 19)
    full_member_on = dt.date(2016, 5, 19)
    party_card_number = factory.Sequence(lambda n: f"{90000000 + n:010d}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.member_create(**kwargs)
