from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from linli.core.middleware import remember_language
from linli.core.selectors import home_counters
from linli.core.services import language_codes, user_language_set
from linli.core.tenancy import Tenant


@require_GET
@never_cache
def healthz(request):
    """The process is up (no dependency is touched)."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request):
    """The database and, when configured, the broker answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # the probe reports any failure instead of raising a 500
        checks["database"] = f"error: {type(exc).__name__}"
    broker = settings.CELERY_BROKER_URL
    if broker.startswith(("redis://", "rediss://")):
        try:
            import redis

            redis.Redis.from_url(broker, socket_connect_timeout=2, socket_timeout=2).ping()
            checks["broker"] = "ok"
        except Exception as exc:  # idem
            checks["broker"] = f"error: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks},
                        status=200 if ready else 503)


@login_required
def home(request):
    return render(request, "core/home.html", {
        "counters": home_counters(request.user),
        "greeting": _greeting(timezone.localtime().hour),
        # Without any permission the user has no role yet: say whom to ask.
        "has_roles": request.user.is_superuser or bool(request.user.get_all_permissions()),
    })


def _greeting(hour: int) -> str:
    if 5 <= hour < 12:
        return _("Good morning")
    if 12 <= hour < 18:
        return _("Good afternoon")
    return _("Good evening")


@require_POST
def language_switch(request):
    """Switch the interface language; a signed-in user's choice is saved on their account."""
    language = request.POST.get("language", "")
    if language not in language_codes():
        return render(request, "400.html",
                      {"message": _("Choose one of the offered languages.")}, status=400)
    if request.user.is_authenticated:
        user_language_set(actor=request.user, user=request.user, language=language)
    response = HttpResponseRedirect(_safe_next(request))
    remember_language(request, response, language)
    return response


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return resolve_url("home")


class SignInView(LoginView):
    """Django's sign-in, then the user's saved language takes over (PLAT-10)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        remember_language(self.request, response, form.get_user().language)
        return response


@require_GET
def bench_ceiling(request, pk: int):
    """The benchmark's ceiling: one row by primary key through the whole middleware stack and a
    tiny template. Mounted only when ``LINLI_BENCH_VIEWS`` is on (``make bench``)."""
    tenant = get_object_or_404(Tenant, pk=pk)
    return render(request, "core/ceiling.html", {"tenant": tenant})
