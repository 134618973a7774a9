"""The floor page's cost (the inbox, perf_table's denominator) split into layers, measured interleaved.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<bench db> REDIS_URL=redis://127.0.0.1:6379/<n> \\
        .venv/bin/python bench/floor_anatomy.py [--reps 100] [--user bithu] > anatomy.json

Layers, each a p50 over --reps rounds (one request of each layer per round, so load drifts hit every
layer alike), with the query count of the last run:
  a_bare_view           RequestFactory request + an empty view function: no middleware, no client
  a2_client_no_middleware   the test client's own cost: the same empty view through the client with
                        an empty middleware chain (anonymous: no session is read)
  b_middleware_empty    settings.MIDDLEWARE, logged in as perf_table logs in (full login, second
                        factor passed), around an empty HttpResponse
  c_middleware_base_html    that plus rendering base.html with every block empty (context
                        processors included: the navigation)
  d_floor_page          the real floor page (notifications:inbox) through the test client
(b)–(d) go through the same client class and session; only the urlconf differs: the trivial views
sit in front of the real urlpatterns (request.urlconf), so the {% url %} tags of base.html resolve.
`deltas_ms` are the differences of consecutive p50s (what each layer adds). Prints JSON with
/proc/loadavg at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from django.conf import settings  # noqa: E402
from django.core.handlers.exception import convert_exception_to_response  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.test import Client, RequestFactory, override_settings  # noqa: E402
from django.test.client import ClientHandler  # noqa: E402
from django.urls import path, reverse  # noqa: E402

# perf_table sets up Django (settings, the eager/off-request task switch; the django imports above
# touch no app) and holds the login helper the table itself uses, so both benches measure one session.
from perf_table import loadavg, logged_in, measure  # noqa: E402

EMPTY_PATH = "/__anatomy/empty/"
BASE_PATH = "/__anatomy/base/"


def empty_view(request):
    return HttpResponse("")


def base_view(request):
    return render(request, "base.html")


def anatomy_urlconf() -> types.ModuleType:
    """The real urlpatterns behind two trivial views: resolving them is one match, and reversing any
    real name (base.html's navigation, the middleware's redirects) still works."""
    import config.urls

    module = types.ModuleType("floor_anatomy_urls")
    module.urlpatterns = [
        path(EMPTY_PATH.strip("/") + "/", empty_view),
        path(BASE_PATH.strip("/") + "/", base_view),
        *config.urls.urlpatterns,
    ]
    return module


class AnatomyHandler(ClientHandler):
    """The test client's handler, with the trivial urlconf set on every request (as a middleware
    setting request.urlconf would) and, optionally, no middleware at all."""

    urlconf = None
    bare = False
    without: str | None = None  # one middleware left out (--leave-one-out)

    def load_middleware(self, is_async=False):
        if self.without is not None:
            with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != self.without]):
                return super().load_middleware(is_async)
        if not self.bare:
            return super().load_middleware(is_async)
        # BaseHandler.load_middleware with an empty MIDDLEWARE: only the exception wrapper around the view.
        self._view_middleware, self._template_response_middleware, self._exception_middleware = [], [], []
        self._middleware_chain = convert_exception_to_response(self._get_response)

    def get_response(self, request):
        if self.urlconf is not None:
            request.urlconf = self.urlconf
        return super().get_response(request)


def client_with(base: Client | None, *, urlconf, bare: bool = False, without: str | None = None) -> Client:
    client = Client()
    handler = AnatomyHandler(enforce_csrf_checks=False)
    handler.urlconf, handler.bare, handler.without = urlconf, bare, without
    client.handler = handler
    if base is not None:
        client.cookies = base.cookies  # the same logged-in, second-factor-passed session
    return client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--user", default="bithu", help="the floor page's user (perf_table's floor)")
    parser.add_argument(
        "--leave-one-out",
        action="store_true",
        help="also time the empty view with each middleware left out in turn (what each layer costs)",
    )
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=args.user)
    urlconf = anatomy_urlconf()
    factory = RequestFactory()
    session = logged_in(args.user)  # perf_table's floor client: a full login, second factor passed
    no_middleware = client_with(None, urlconf=urlconf, bare=True)
    layered = client_with(session, urlconf=urlconf)
    floor_url = reverse("notifications:inbox")

    def bare_view():
        request = factory.get(EMPTY_PATH)
        request.user = user
        return empty_view(request)

    layers = [
        ("a_bare_view", bare_view),
        ("a2_client_no_middleware", lambda: no_middleware.get(EMPTY_PATH)),
        ("b_middleware_empty", lambda: layered.get(EMPTY_PATH)),
        ("c_middleware_base_html", lambda: layered.get(BASE_PATH)),
        ("d_floor_page", lambda: session.get(floor_url)),
    ]
    if args.leave_one_out:
        for name in settings.MIDDLEWARE:
            client = client_with(session, urlconf=urlconf, without=name)
            layers.append((f"b_without {name}", lambda c=client: c.get(EMPTY_PATH)))
    out: dict = {
        "database": connection.settings_dict["NAME"],
        "user": args.user,
        "reps": args.reps,
        "loadavg_start": loadavg(),
    }
    for name, fn in list(layers):  # warm: sessions, scope caches, templates, the first connection
        try:
            status = getattr(fn(), "status_code", 200)
        except Exception as exc:  # a layer another one needs (sessions for auth): not measurable alone
            status = f"{type(exc).__name__}"
        if status != 200 and name.startswith("b_without"):
            layers.remove((name, fn))
            out.setdefault("not_measurable_without", {})[name.split(" ", 1)[1]] = str(status)
        elif status != 200:
            raise SystemExit(f"{name}: status {status} (expected 200)")
    samples: dict[str, list] = {name: [] for name, _ in layers}
    for _ in range(args.reps):
        for name, fn in layers:
            samples[name].append(measure(fn))
    p50 = {name: round(statistics.median(s[0] for s in values), 3) for name, values in samples.items()}
    names = list(p50)
    out["p50_ms"] = p50
    out["queries"] = {name: values[-1][1] for name, values in samples.items()}
    core = [n for n in names if not n.startswith("b_without")]
    out["deltas_ms"] = {
        f"{later} - {earlier}": round(p50[later] - p50[earlier], 3)
        for earlier, later in zip(core, core[1:], strict=False)
    }
    if args.leave_one_out:  # each layer's own cost: the stack with it minus the stack without it
        out["middleware_cost_ms"] = {
            n.split(" ", 1)[1]: round(p50["b_middleware_empty"] - p50[n], 3) for n in names if n.startswith("b_without")
        }
    out["loadavg_end"] = loadavg()
    print(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
