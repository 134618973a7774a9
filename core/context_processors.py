"""Navigation data every page needs (cheap: the scope and the unread count are cached)."""


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Included templates may render with the request again: compute the menu once per request.
    cached = getattr(request, "_tusoi_navigation", None)
    if cached is None:
        cached = request._tusoi_navigation = _navigation(request, user)
    return cached


def _navigation(request, user) -> dict:
    from organizations.selectors import user_scope

    from .registry import nav_items

    return {"nav_scope": user_scope(user), "nav_items": nav_items(request)}
