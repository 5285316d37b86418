"""Sign-in, sign-out and own password change, reachable without a namespace (``login`` …)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from linli.core.views import SignInView

urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
]
