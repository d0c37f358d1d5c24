from django.urls import path

from tests.demoapp import views

app_name = "demoapp"
urlpatterns = [
    path("", views.WidgetListView.as_view(), name="widget_list"),
    path("<uuid:public_id>/", views.WidgetDetailView.as_view(), name="widget_detail"),
]
