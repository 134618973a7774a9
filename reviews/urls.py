from django.urls import path

from . import on_behalf, views, views_facts

app_name = "reviews"
urlpatterns = [
    path("", views.my_review, name="my"),
    path("chi-bo/<int:cell_id>/", views.grid, name="grid"),
    path("quyet-dinh/<int:org_id>/", views.decisions, name="decisions"),
    path("ban/<int:pk>/", views.review_detail, name="detail"),
    path("ky-luat/<int:member_id>/", views.discipline, name="discipline"),
    path("nhap-ho/<int:member_id>/", on_behalf.review_on_behalf, name="on_behalf"),
    path("ban/<int:pk>/ban-quet/", on_behalf.review_scan, name="scan"),
    path("ban/<int:pk>/de-nghi-sua/", on_behalf.review_correction, name="correction"),
    path("ket-luan/<int:member_id>/", views_facts.conclusion, name="conclusion"),
    path("mien-sinh-hoat/<int:member_id>/", views_facts.exemption, name="exemption"),
    path("ky-luat-to-chuc/<int:org_id>/", views_facts.org_discipline, name="org_discipline"),
    path("khac-phuc/<int:pk>/xong/", views.remediation_done, name="remediation_done"),
]
