from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("to-chuc/<int:pk>/", views.organization_detail, name="detail"),
    path("chi-bo/<int:pk>/", views.cell_detail, name="cell"),
    path("dang-vien/<int:pk>/", views.member_detail, name="member"),
    path("tim-dang-vien/", views.member_search, name="member_search"),
]
