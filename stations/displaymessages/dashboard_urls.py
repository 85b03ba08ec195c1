"""The station page's display-message actions (stations/displaymessages/views.py)."""

from django.urls import path

from stations.displaymessages import views

urlpatterns = [
    path("stations/<str:identity>/display-messages/", views.display_message_set,
         name="station-display-message-set"),
    path("stations/<str:identity>/display-messages/refresh/", views.display_messages_refresh,
         name="station-display-messages-refresh"),
    path("stations/<str:identity>/display-messages/<int:message_id>/clear/",
         views.display_message_clear, name="station-display-message-clear"),
]
