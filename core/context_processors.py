"""Navigation data every page needs (cheap: the scope is cached per request user)."""

from django.urls import NoReverseMatch, reverse


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Panels and includes render with the request too, which runs context processors again:
    # compute the navigation (and its hooks' queries) once per request.
    cached = getattr(request, "_tusoi_navigation", None)
    if cached is None:
        cached = request._tusoi_navigation = _navigation(request, user)
    return cached


def _navigation(request, user) -> dict:
    from organizations.selectors import user_scope

    scope = user_scope(user)
    nav = {"nav_scope": scope}
    # Apps register optional nav hooks here by URL name; missing ones are simply skipped.
    links = []
    for name, label, *rest in NAV_LINKS:
        shown_to = rest[0] if rest else None
        if shown_to is not None and not shown_to(scope):
            continue  # e.g. "Tổng hợp" only for users with a position: members would bounce home
        try:
            links.append((reverse(name), label))
        except NoReverseMatch:
            continue
    nav["nav_links"] = links
    nav["nav_extra"] = [hook(request) for hook in NAV_HOOKS]
    return nav


# (url_name, label) or (url_name, label, shown_to) where shown_to(scope) -> bool hides the link.
NAV_LINKS: list[tuple] = []
NAV_HOOKS: list = []  # callables(request) -> dict, e.g. the notifications unread count
