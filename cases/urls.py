from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("export/", views.case_export, name="export"),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence_download",
    ),
    # One URL per step of the procedure: /cases/12/decide/, /cases/12/assign/, ...
    *(
        path(f"<int:pk>/{step.slug}/", views.case_step, {"step": step.slug}, name=step.slug)
        for step in views.STEPS
    ),
]
