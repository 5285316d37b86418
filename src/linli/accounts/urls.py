"""Screens of accounts, mounted at /org/ under the namespace "accounts"."""

from django.urls import path

from linli.accounts import views

app_name = "accounts"

urlpatterns = [
    path("units/", views.OrgUnitTreeView.as_view(), name="org_units"),
    path("units/new/", views.org_unit_create, name="org_unit_create"),
    path("units/<int:pk>/edit/", views.org_unit_edit, name="org_unit_edit"),
    path("units/<int:pk>/move/", views.org_unit_move, name="org_unit_move"),
    path("units/<int:pk>/deactivate/", views.org_unit_set_active, {"active": False},
         name="org_unit_deactivate"),
    path("units/<int:pk>/reactivate/", views.org_unit_set_active, {"active": True},
         name="org_unit_reactivate"),
    path("users/", views.UserListView.as_view(), name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("users/<int:pk>/deactivate/", views.user_set_active, {"active": False},
         name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.user_set_active, {"active": True},
         name="user_reactivate"),
    path("users/<int:pk>/memberships/", views.membership_add, name="membership_add"),
    path("memberships/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("roles/", views.RoleListView.as_view(), name="roles"),
    path("roles/new/", views.role_create, name="role_create"),
    path("roles/presets/", views.role_presets_install, name="role_presets_install"),
    path("roles/<int:pk>/edit/", views.role_edit, name="role_edit"),
    path("roles/<int:pk>/delete/", views.role_delete, name="role_delete"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
