"""Django admin: platform configuration for platform administrators (superusers) only.

Tenants are registered here; tenant-owned data is managed on the accounts screens, which
apply each user's scope, so none of it is registered with the admin.
"""

from django.contrib import admin

from linli.accounts import services
from linli.core.tenancy import Tenant


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "is_active", "created_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    readonly_fields = ["created_at"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        # Tenants own all their data through protected keys; deactivate instead.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new tenant gets its root unit and the standard roles through the service.
        tenant = services.tenant_create(actor=request.user, name=obj.name, code=obj.code,
                                        kind=obj.kind, role_presets=True)
        if not obj.is_active:
            tenant.is_active = False
            tenant.save(update_fields=["is_active"])
        obj.pk, obj.created_at = tenant.pk, tenant.created_at
