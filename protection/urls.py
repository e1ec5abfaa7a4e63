from django.urls import path  # noqa: F401  (routes are added with the identity screens)

app_name = "protection"
urlpatterns = []
