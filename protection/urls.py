from django.urls import path

from protection import views

app_name = "protection"
urlpatterns = [
    path("", views.protection_list, name="request_list"),
    path("cases/<int:case_pk>/identity/", views.identity_reveal, name="identity_reveal"),
    path(
        "cases/<int:case_pk>/identity/request/",
        views.access_request_create,
        name="access_request_create",
    ),
    path(
        "cases/<int:case_pk>/identity/history/",
        views.identity_history,
        name="identity_history",
    ),
    path(
        "cases/<int:case_pk>/reporters/<int:reporter_pk>/correct/",
        views.reporter_correct,
        name="reporter_correct",
    ),
    path(
        "cases/<int:case_pk>/protection/new/",
        views.protection_request_create,
        name="request_create",
    ),
    path(
        "cases/<int:case_pk>/retaliation/new/",
        views.retaliation_create,
        name="retaliation_create",
    ),
    path("access-requests/", views.access_requests, name="access_requests"),
    path(
        "access-requests/<int:pk>/decide/",
        views.access_request_decide,
        name="access_request_decide",
    ),
    path("access-log/", views.access_log, name="access_log"),
    path("requests/<int:pk>/", views.protection_request_detail, name="request_detail"),
    path("requests/<int:pk>/decide/", views.protection_decide, name="request_decide"),
    path("requests/<int:pk>/followup/", views.protection_followup, name="request_followup"),
    path("requests/<int:pk>/measures/new/", views.protection_measure_add, name="measure_add"),
    path("requests/<int:pk>/end/", views.protection_end, name="request_end"),
    path("measures/<int:pk>/end/", views.protection_measure_end, name="measure_end"),
    path("retaliation/<int:pk>/", views.retaliation_update, name="retaliation_update"),
]
