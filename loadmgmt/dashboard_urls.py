"""Dashboard pages of this app (see tenants/access.py for who may see them)."""

from django.urls import path

from loadmgmt import views

urlpatterns = [
    path("load-groups/", views.loadgroups_page, name="loadgroups-page"),
    path("load-groups/new/", views.loadgroup_edit, name="loadgroup-new"),
    path("load-groups/<int:pk>/", views.loadgroup_page, name="loadgroup-page"),
    path("load-groups/<int:pk>/edit/", views.loadgroup_edit, name="loadgroup-edit"),
    path("load-groups/<int:pk>/rebalance/", views.loadgroup_rebalance, name="loadgroup-rebalance"),
    path("load-groups/<int:pk>/members/add/", views.loadgroup_members_add, name="loadgroup-members-add"),
    path("load-groups/<int:pk>/members/remove/", views.loadgroup_members_remove,
         name="loadgroup-members-remove"),
]
