from django.urls import path

from . import views

app_name = "onboarding"
urlpatterns = [
    path("", views.import_page, name="import"),
    path("mau.xlsx", views.template_download, name="template"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/tien-do/", views.job_progress, name="progress"),
    path("<int:pk>/ghi/", views.job_apply, name="apply"),
    path("<int:pk>/bao-cao.csv", views.job_report_csv, name="report_csv"),
    path("sap-xep/", views.reorganise, name="reorganise"),
    path("sap-xep/lich-su/", views.reorganisations, name="reorganisations"),
]
