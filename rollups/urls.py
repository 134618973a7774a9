from django.urls import path

from . import views

app_name = "rollups"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:org_id>/", views.dashboard, name="dashboard"),
    path("<int:org_id>/in/", views.printable, name="print"),
    path("<int:org_id>/excel/", views.export_xlsx, name="xlsx"),
]
