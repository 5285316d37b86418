"""Authentication with permissions that come from role memberships, not user/group grants."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from linli.core.scope import scope_for


class MembershipBackend(ModelBackend):
    """Password sign-in; ``has_perm`` answers from the user's scope.

    ``user.has_perm("app.change_model", obj)`` is true when a current membership's role
    grants the permission at the object's org unit (or anywhere, without an object).
    """

    def get_user(self, user_id):
        # With its tenant: every request of a session asks whether the tenant is active.
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("tenant").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and (
            user.tenant_id is not None and _tenant_active(user)
        )

    def get_all_permissions(self, user_obj, obj=None):
        scope = scope_for(user_obj)
        if scope is None:
            return set()
        if scope.is_tenant_admin:
            return super().get_all_permissions(user_obj, obj) | _all_permission_names()
        return set(scope.grants)

    def has_perm(self, user_obj, perm, obj=None):
        scope = scope_for(user_obj)
        if scope is None:
            return False
        if obj is not None:
            if getattr(obj, "tenant_id", scope.tenant_id) != scope.tenant_id:
                return False
            return scope.has_perm(perm, getattr(obj, "org_unit_id", None))
        return scope.has_perm(perm)

    def has_module_perms(self, user_obj, app_label):
        scope = scope_for(user_obj)
        if scope is None:
            return False
        return scope.is_tenant_admin or any(p.startswith(app_label + ".") for p in scope.grants)


def _tenant_active(user) -> bool:
    return user.tenant.is_active


def _all_permission_names() -> set[str]:
    from django.contrib.auth.models import Permission

    return {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
