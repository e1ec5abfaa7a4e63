from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report, name="report"),
    path("export/<str:fmt>/", views.export, name="export"),
    path("finalize/", views.finalize, name="finalize"),
]
