"""Language selection: Vietnamese first, English only by the user's explicit choice."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, minus the browser's Accept-Language.

    The product is Vietnamese first: a browser set to English still gets Vietnamese until the user
    picks English in the language menu (Django's `set_language` view stores that choice in the
    language cookie, which is read here and kept for `LANGUAGE_COOKIE_AGE`).
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        code = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
