from django.urls import path

from . import views

app_name = "commitments"
urlpatterns = [
    path("", views.my_commitment, name="my"),
    path("tien-do/", views.my_progress, name="progress"),
    path("<int:pk>/", views.commitment_detail, name="detail"),
    path("<int:pk>/in/", views.commitment_print, name="print"),
    path("<int:pk>/pdf/", views.commitment_pdf, name="pdf"),
    path("<int:pk>/xac-nhan/", views.commitment_acknowledge, name="acknowledge"),
    path("<int:pk>/tra-lai/", views.commitment_return, name="return"),
    path("<int:pk>/mo-lai/", views.commitment_reopen, name="reopen"),
    path("<int:pk>/ban-quet/", views.commitment_scan, name="scan"),
    path("<int:pk>/de-nghi-sua/", views.commitment_correction, name="correction"),
    path("nhap-ho/<int:member_id>/", views.commitment_on_behalf, name="on_behalf"),
    path("chi-bo/<int:cell_id>/", views.cell_commitments, name="cell"),
    path("chi-bo/<int:cell_id>/tien-do/", views.cell_progress, name="cell_progress"),
    path("chi-bo/<int:cell_id>/xac-nhan/", views.cell_acknowledge_bulk, name="cell_acknowledge"),
    path("to-chuc/<int:org_id>/", views.organization_completeness, name="completeness"),
    path("neu-guong/<int:org_id>/", views.organization_exemplary, name="exemplary"),
]
