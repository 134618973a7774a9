from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """One field for the login name, the party card number or the email address."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập, số thẻ đảng viên hoặc email")
        self.fields["username"].max_length = 254
        self.fields["username"].widget.attrs["maxlength"] = 254


class ActivationForm(forms.Form):
    code = forms.CharField(
        label=_("Mã kích hoạt"), max_length=32, help_text=_("Ghi trên phiếu kích hoạt hoặc trong thư mời, ví dụ ABC234-DEFG-HJKL.")
    )
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Nhập ngày sinh theo dạng ngày/tháng/năm, ví dụ 19/05/1980.")},
    )
    new_password1 = forms.CharField(label=_("Mật khẩu mới"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(label=_("Nhập lại mật khẩu mới"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password2") and data["new_password1"] != data["new_password2"]:
            self.add_error("new_password2", _("Hai mật khẩu không khớp nhau."))
        return data


class InviteForm(forms.Form):
    use_email = forms.BooleanField(
        label=_("Gửi thư điện tử cho đảng viên có địa chỉ thư (những người khác nhận phiếu in)"), required=False, initial=True
    )
    confirm = forms.BooleanField(
        label=_("Tôi hiểu rằng mã cũ của những người được mời lại sẽ không dùng được nữa"), required=True,
        error_messages={"required": _("Vui lòng đánh dấu xác nhận.")},
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực"), max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng."),
    )


class LockForm(forms.Form):
    reason = forms.CharField(label=_("Lý do khóa"), max_length=255)
