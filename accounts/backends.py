"""Log in with a login name, a party card number or an email address, in one field.

Refuses users whose account is locked and members who left the Party (left, removed or died: the
member's status is LEFT). `get_user` applies the same rule on every request, so an existing session
of such a user ends at its next request, at no extra query (member and state are joined in).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from organizations.models import MemberStatus

UserModel = get_user_model()


def _related(user, name: str):
    try:
        return getattr(user, name)
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist of a reverse one-to-one
        return None


def user_for_identifier(identifier: str):
    """The one user a login name, party card number or email designates, or None."""
    ident = (identifier or "").strip()
    if not ident:
        return None
    users = UserModel._default_manager.select_related("member", "account_state")
    user = users.filter(username=ident).first()
    if user is not None:
        return user
    user = users.filter(member__party_card_number=ident).first()
    if user is not None:
        return user
    if "@" in ident:
        matches = list(users.filter(email__iexact=ident)[:2])
        if len(matches) == 1:
            return matches[0]
        matches = list(users.filter(member__email__iexact=ident)[:2])
        if len(matches) == 1:
            return matches[0]
    return None


def account_usable(user) -> bool:
    """Not locked, and not a member who left the Party."""
    state = _related(user, "account_state")
    if state is not None and state.locked:
        return False
    member = _related(user, "member")
    return not (member is not None and member.status == MemberStatus.LEFT)


class MemberAwareBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(UserModel.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = user_for_identifier(username)
        if user is None:
            UserModel().set_password(password)  # same work as a real check (timing)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and account_usable(user)

    def get_user(self, user_id):
        user = UserModel._default_manager.select_related("member", "account_state").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
