from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "linli.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisation")

    def ready(self) -> None:
        from linli.accounts import scope_cache, search
        from linli.accounts.tokens import resolve_token
        from linli.core.modules import MenuItem, Module, register_module
        from linli.core.restapi.auth import register_token_resolver
        from linli.core.scope import register_scope_resolver

        register_scope_resolver(scope_cache.cached_scope)
        scope_cache.connect()
        register_token_resolver(resolve_token)
        register_module(Module(
            key="accounts", label=_("Organisation"), icon="sitemap", order=900,
            items=(
                MenuItem(_("Organisation units"), "accounts:org_units",
                         "accounts.view_orgunit", "sitemap"),
                MenuItem(_("Users"), "accounts:users", "accounts.view_user", "users"),
                MenuItem(_("Roles"), "accounts:roles", "accounts.view_role", "shield-lock"),
            ),
        ))
        # Users in the global search; their mobile as revealable personal data.
        search.register()
