from django.urls import path

from intake import views, views_import

app_name = "intake"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("reception/", views.sessions, name="sessions"),
    path("reception/new/", views.session_create, name="session_create"),
    path("reception/<int:pk>/", views.session_detail, name="session"),
    path("reception/<int:pk>/visits/", views.visit_add, name="visit_add"),
    path("import/", views_import.case_import, name="import"),
    path("import/template.csv", views_import.case_import_template, name="import_template"),
]
