from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("metrics", core_views.metrics, name="metrics"),
    path("dang-nhap/", account_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("organizations.urls")),
    path("cam-ket/", include("commitments.urls")),
    path("kiem-diem/", include("reviews.urls")),
    path("tong-hop/", include("rollups.urls")),
    path("thong-bao/", include("notifications.urls")),
    path("nhap-du-lieu/", include("onboarding.urls")),
    path("hoi-nghi/", include("meetings.urls")),
    path("danh-gia-quy/", include("quarterly.urls")),
]

handler400 = "core.views.bad_request"

admin.site.site_header = "Tự soi — quản trị"
admin.site.site_title = "Tự soi"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
