from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("noi-cu-tru/", views.residence_inbox, name="residence_inbox"),
    path("noi-cu-tru/<int:pk>/", views.residence_write, name="residence_write"),
    path("chi-bo/<int:cell_id>/noi-cu-tru/", views.residence_requests, name="residence_requests"),
    path("bien-ban/<int:org_id>/", views.minutes_edit, name="minutes"),
    path("bien-ban/<int:org_id>/in/", views.minutes_print, name="minutes_print"),
    path("bien-ban/<int:org_id>/pdf/", views.minutes_pdf, name="minutes_pdf"),
    path("tap-the/<int:org_id>/", views.collective, name="collective"),
    path("quyet-dinh/<int:org_id>/tat-ca/", views.approve_all, name="approve_all"),
    path("ban-kiem-diem/<int:pk>/in/", views.review_print, name="review_print"),
    path("ban-kiem-diem/<int:pk>/pdf/", views.review_pdf, name="review_pdf"),
]
