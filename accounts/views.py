"""Account pages: activation, invitations and the activation sheet, second factor, own account."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login

from organizations.selectors import organization_ancestors, organization_get_for_user

from . import selectors, services, twofactor
from .forms import ActivationForm, InviteForm, LoginForm, TokenForm
from .models import AccountEventKind


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm


def _client_key(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def activate(request: HttpRequest) -> HttpResponse:
    """Kích hoạt tài khoản: the code (typed, or from the invitation link), date of birth, new password."""
    form = ActivationForm(request.POST or None, initial={"code": request.GET.get("ma", "")})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.account_activate(
                code=form.cleaned_data["code"],
                date_of_birth=form.cleaned_data["date_of_birth"],
                password=form.cleaned_data["new_password1"],
                client_key=_client_key(request),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    form.add_error(name, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Đã kích hoạt tài khoản. Tên đăng nhập của đồng chí là %(name)s (cũng có thể dùng số thẻ đảng viên).")
                % {"name": user.username},
            )
            return redirect("login")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/activate.html", {"form": form}, status=status)


@login_required
def invite(request: HttpRequest, org_id: int) -> HttpResponse:
    """Mời kích hoạt: progress for the subtree, and the form that issues codes (emails + printable sheet)."""
    org = organization_get_for_user(user=request.user, pk=org_id, act=True)
    if not services.can_invite(user=request.user, org=org):
        raise PermissionDenied
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        batch = services.invitations_issue(org=org, by=request.user, use_email=form.cleaned_data["use_email"])
        context = {"org": org, "batch": batch, "pdf": request.POST.get("format") == "pdf", "site": settings.SITE_URL}
        if context["pdf"]:
            from weasyprint import HTML

            html = render_to_string("accounts/sheet.html", context, request=request)
            pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="phieu-kich-hoat-{org.code}.pdf"'
            return response
        return render(request, "accounts/sheet.html", context)
    context = {
        "org": org,
        "form": form,
        "counts": selectors.account_counts(org=org),
        "ancestors": organization_ancestors(org=org),
    }
    return render(request, "accounts/invite.html", context, status=400 if request.method == "POST" else 200)


# --- second factor ---------------------------------------------------------------------------------


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Đăng ký xác thực hai lớp: scan the QR code, confirm with a first code; backup codes shown once."""
    device = twofactor.pending_totp(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            backup = twofactor.confirm(user=request.user, device=device)
            otp_login(request, device)
            twofactor.mark_enrolled(request)
            return render(request, "accounts/otp_backup.html", {"codes": backup})
        form.add_error("token", _("Mã xác thực không đúng. Kiểm tra giờ trên điện thoại rồi thử lại."))
    context = {"form": form, "qr": twofactor.qr_svg(device), "secret": twofactor.secret_b32(device)}
    return render(request, "accounts/otp_setup.html", context, status=400 if request.method == "POST" else 200)


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Xác thực lớp thứ hai after the password (TOTP or a one-time backup code)."""
    if not any(True for _d in devices_for_user(request.user, confirmed=True)):
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            nxt = request.GET.get("next", "")
            from django.utils.http import url_has_allowed_host_and_scheme

            if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
                return redirect(nxt)
            return redirect("home")
        form.add_error("token", _("Mã xác thực không đúng hoặc đã được dùng."))
    return render(request, "accounts/otp_verify.html", {"form": form}, status=400 if request.method == "POST" else 200)


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    has_device = any(True for _d in devices_for_user(request.user, confirmed=True))
    return render(request, "accounts/my_account.html", {"has_device": has_device})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Đổi mật khẩu: Django's view; the new password hash ends every other session of the user."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.account_event(user=self.request.user, kind=AccountEventKind.PASSWORD_CHANGED, by=self.request.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.account_event(user=form.user, kind=AccountEventKind.PASSWORD_CHANGED, detail="reset by email")
        return response
