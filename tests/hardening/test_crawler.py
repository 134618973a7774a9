"""Crawler: every URL pattern of the project, as anonymous, member, secretary and committee, with
ids in and out of scope and every query parameter and POST field set to hostile values. Any 5xx
(or an exception escaping a view) fails.

How it walks (Django test client, no browser), per URL pattern (one test item each):
1. the URL with every candidate id (the users' own objects, other cells' objects, 0, a huge
   number), GET and an empty POST, as each user;
2. for the first id that answers 200 for a user: each query parameter the project reads (plus
   those found in the page's links) with each hostile value, GET;
3. the page's forms are harvested (input/select/textarea names, with their values as the
   baseline); every field at once with each hostile value, then each field alone (one
   representative per numbered family: m12-grade → m#-grade) with a short list, and the POST
   names the views read straight from request.POST alone with each value; other fields kept.
   A user who sees the same page shape as a user already walked (same fields and links) only
   gets step 1, which keeps the walk within a few minutes.

The Django admin (Django's own, behind is_staff) and the static/i18n views are left out.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from commitments.models import Commitment
from notifications.models import Notification
from onboarding.models import ImportJob, ImportStatus
from organizations.models import Member
from reviews.models import MemberReview, RemediationItem
from rollups import services as rollup_services
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"set_language", "logout"}  # logout would end the session mid-walk

HUGE = "99999999999999999999"
HOSTILE = [
    "²",
    "²⁰²⁶",
    "٢٠٢٦",
    "",
    "-1",
    "0",
    HUGE,
    "1900",
    "2100",
    "1900-01-01",
    "2100-01-01",
    "31/02/2026",
    "x" * 3000,
    "' OR 1=1 --",
    '<script>alert("x")</script>',
    "BOGUS",
    "a\x00b",
]
# POST fields get a shorter list (every field of every form is tried; dates get both centuries below).
HOSTILE_POST = ["²", "", "-1", HUGE, "x" * 3000, "' OR 1=1 --", '<script>alert("x")</script>', "BOGUS", "a\x00b"]
# For each field alone and in the query string of htmx POSTs.
HOSTILE_SHORT = ["²", "-1", "BOGUS", "a\x00b"]
# Files (xlsx, csv, pdf) read no parameters but are rendered on each request: a short list.
HOSTILE_FILE = ["²", "", "BOGUS"]
# Query parameters the project's views read (grep request.GET), by URL namespace.
QUERY_PARAMS = {
    "": ["worker", "token", "next"],
    "commitments": ["nam", "trang-thai"],
    "reviews": ["nam", "dong"],
    "rollups": ["year", "stage", "pdf"],
    "notifications": ["trang"],
    "onboarding": ["loi", "dong", "trang"],
    "organizations": ["nam"],
}
# POST names views read directly (not through a harvested form field).
POST_EXTRAS = {
    "commitments": ["nam", "ids", "action", "reason"],
    "reviews": ["nam", "action", "org", "next", "override_reason", "reason", "grade_1", "reason_1"],
    "onboarding": ["action", "kind"],
    "notifications": ["next"],
    "": ["next", "username", "password"],
}
# Slow renderers: walked with ids, without the hostile-value passes.
PDF_NAMES = {"commitments:pdf"}
PDF_VALUES = ["", "²", "1"]  # ?pdf= renders a PDF for any non-empty value


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if ns in SKIPPED_NAMESPACES or "i18n" in str(p.pattern):
                continue
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name and p.name not in SKIPPED_NAMES:
            yield (f"{namespace}:{p.name}" if namespace else p.name), prefix + str(p.pattern)


def url_names() -> list[str]:
    return sorted({name for name, _route in _walk(get_resolver().url_patterns)})


def _kwargs_of(name: str) -> list[str]:
    route = dict(_walk(get_resolver().url_patterns))[name]
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


class _Forms(HTMLParser):
    """Field names and baseline values of the page's forms, and query names of its links."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.multi: dict[str, list[str]] = {}
        self.link_params: set[str] = set()
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "a" and a.get("href") and "?" in a["href"]:
            self.link_params |= {k for k, _v in parse_qsl(urlsplit(a["href"]).query, keep_blank_values=True)}
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.multi.setdefault(name, []).append(a.get("value", "on"))
                else:
                    self.multi.setdefault(name, [])
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.fields.setdefault(name, a.get("value", ""))
        elif tag == "textarea" and name:
            self.fields.setdefault(name, "")
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select:
            if "selected" in a or not self.fields.get(self._select):
                self.fields[self._select] = a.get("value", "")
        elif tag == "button" and name:
            self.fields.setdefault(name, a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None

    def baseline(self) -> dict[str, object]:
        data: dict[str, object] = dict(self.fields)
        for name, values in self.multi.items():
            if values:
                data[name] = values
        return data


def _families(names) -> dict[str, str]:
    """One representative name per numbered family (m12-grade, m13-grade → m#-grade)."""
    seen: dict[str, str] = {}
    for name in sorted(names):
        seen.setdefault(re.sub(r"\d+", "#", name), name)
    return seen


# --- the data the walk runs on -----------------------------------------------------------------------


@pytest.fixture
def world(populated):
    cast, tree, years = populated.cast, populated.tree, populated.years
    other = MemberFactory(cell=tree.gcell)
    own_c = Commitment.objects.filter(member=cast.member.member).first()
    other_c = Commitment.objects.exclude(member__cell=tree.cell).first()
    own_r = MemberReview.objects.filter(member=cast.member.member).first()
    other_r = MemberReview.objects.exclude(member__cell=tree.cell).first()
    items = [
        RemediationItem.objects.create(
            member=m,
            owner=m,
            review=r,
            year_found=years.last,
            description="Khắc phục",
            due_on=dt.date(years.this, 6, 30),
        )
        for m, r in ((cast.member.member, own_r), (other, other_r))
    ]
    notes = [
        Notification.objects.create(user=cast.member.user, title="Nhắc việc", body="Nội dung", link="/cam-ket/"),
        Notification.objects.create(user=cast.committee.user, title="Nhắc việc", body="Nội dung", link="/"),
    ]
    jobs = [
        ImportJob.objects.create(
            created_by=u,
            file_name="dv.csv",
            content=b"",
            status=ImportStatus.VALIDATED,
            report={"errors": [], "rows": []},
        )
        for u in (cast.committee.user, cast.province.user)
    ]
    rollup_services.rollups_rebuild(year=years.this)
    orgs = [tree.committee.pk, tree.commune2.pk, tree.cell.pk, tree.province.pk]
    cells = [tree.cell.pk, tree.cell2.pk, tree.gcell.pk]
    members = [cast.member.member.pk, other.pk, Member.objects.filter(cell=tree.cell2).first().pk]
    pools = {
        "org_id": orgs,
        "cell_id": cells,
        "member_id": members,
        "organizations:detail": orgs,
        "organizations:cell": cells,
        "organizations:member": members,
        "commitments": [c.pk for c in (own_c, other_c) if c],
        "reviews:detail": [r.pk for r in (own_r, other_r) if r],
        "reviews:remediation_done": [i.pk for i in items],
        "notifications": [n.pk for n in notes],
        "onboarding": [j.pk for j in jobs],
    }
    users = {
        "anonymous": None,
        "member": cast.member.user,
        "secretary": cast.secretary.user,
        "committee": cast.committee.user,
    }
    return pools, users


def _ids_for(name: str, kwarg: str, pools: dict) -> list[int | str]:
    namespace = name.split(":")[0]
    ids = pools.get(name) or pools.get(kwarg) if kwarg != "pk" else pools.get(name) or pools.get(namespace)
    return [*(ids or [1]), 0, HUGE]


class Walk:
    def __init__(self, name: str):
        self.name = name
        self.failures: list[str] = []
        self.requests = 0

    def hit(self, client: Client, who: str, method: str, url: str, data=None, htmx=False) -> object | None:
        self.requests += 1
        headers = {"HX-Request": "true"} if htmx else {}
        try:
            if method == "GET":
                response = client.get(url, data or {}, headers=headers)
            else:
                response = client.post(url, data or {}, headers=headers)
        except Exception as exc:  # noqa: BLE001 - an exception escaping a view is a 500
            self.failures.append(f"{who} {method} {url} {_short(data)} → {exc.__class__.__name__}: {exc}"[:400])
            return None
        if response.status_code >= 500:
            self.failures.append(f"{who} {method} {url} {_short(data)} → {response.status_code}"[:400])
        return response


def _short(data) -> str:
    if not data:
        return ""
    return (
        "{" + ", ".join(f"{k}={str(v)[:24]!r}" for k, v in list(data.items())[:3]) + (", …}" if len(data) > 3 else "}")
    )


def _crawl(name: str, world) -> Walk:
    pools, users = world
    walk = Walk(name)
    kwargs = _kwargs_of(name)
    namespace = name.split(":")[0] if ":" in name else ""
    done: set = set()
    for who, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        urls = []
        if kwargs:
            for value in _ids_for(name, kwargs[0], pools):
                # Further string arguments (a reset link's token) get a hostile value of their own.
                extra = {k: "x" * 40 for k in kwargs[1:]}
                urls.append(reverse(name, kwargs={kwargs[0]: value, **extra}))
        else:
            urls.append(reverse(name))
        reachable = []
        for url in urls:
            response = walk.hit(client, who, "GET", url)
            walk.hit(client, who, "POST", url)
            if response is not None and response.status_code == 200:
                reachable.append((url, response))
        if not reachable or name in PDF_NAMES:
            continue
        url, page = reachable[0]
        parser = _Forms()
        if "html" in page.get("Content-Type", ""):
            parser.feed(page.content.decode(errors="replace"))
        html = "html" in page.get("Content-Type", "")
        known = set(QUERY_PARAMS.get(namespace, []))
        baseline = parser.baseline()
        fields = _families(baseline)
        extras = [f for f in POST_EXTRAS.get(namespace, []) if f not in baseline]
        signature = (html, frozenset(fields))
        if signature in done:  # another user saw the same page shape: its hostile passes ran already
            continue
        done.add(signature)
        for param in sorted(known | parser.link_params):
            values = PDF_VALUES if param == "pdf" else (HOSTILE if param in known else HOSTILE_SHORT)
            for value in values if html else HOSTILE_FILE:
                walk.hit(client, who, "GET", url, {param: value})
            if html and param in known and param != "pdf":  # the value in the query string of an htmx POST
                for value in HOSTILE_SHORT:
                    walk.hit(client, who, "POST", f"{url}?{urlencode({param: value})}", baseline, htmx=True)
        # Every field of the page's forms at once, for each value; then each field alone.
        for value in HOSTILE_POST if html else HOSTILE_FILE:
            walk.hit(client, who, "POST", url, baseline | dict.fromkeys(fields.values(), value))
        for field in fields.values():
            for value in HOSTILE_SHORT:
                walk.hit(client, who, "POST", url, baseline | {field: value})
        # Names the views read straight from request.POST, each alone with every value.
        for field in extras:
            for value in HOSTILE_POST if html else HOSTILE_FILE:
                walk.hit(client, who, "POST", url, baseline | {field: value})
        # Date fields get the implausible dates of both centuries in their own format too.
        for field in [f for f in fields.values() if re.search(r"(date|_on|ngay)$", f)]:
            for day in (dt.date(1900, 1, 1), dt.date(2100, 1, 1)):
                walk.hit(client, who, "POST", url, baseline | {field: day.strftime("%d/%m/%Y")})
    return walk


def _params():
    for name in url_names():
        yield pytest.param(name, id=name)


def test_every_pattern_is_walked():
    """The walk covers the whole URL conf (a new app's patterns are picked up without editing this file)."""
    names = url_names()
    assert {"healthz", "commitments:progress", "rollups:xlsx", "onboarding:report_csv", "reviews:grid"} <= set(names)
    assert len(names) >= 35


@pytest.mark.parametrize("name", list(_params()))
def test_no_5xx(name, world):
    walk = _crawl(name, world)
    assert walk.requests > 0
    assert not walk.failures, f"{len(walk.failures)} of {walk.requests} requests failed:\n" + "\n".join(
        walk.failures[:30]
    )
