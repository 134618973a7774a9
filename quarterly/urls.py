from django.urls import path

from . import views

app_name = "quarterly"
urlpatterns = [
    path("", views.my_quarters, name="my"),
    path("quan-ly/<int:org_id>/", views.manager, name="manager"),
    path("tong-hop/<int:org_id>/", views.rollup, name="rollup"),
]
