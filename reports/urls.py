from django.urls import path  # noqa: F401  (routes are added with the report screens)

app_name = "reports"
urlpatterns = []
