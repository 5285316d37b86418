"""Lint: no unscoped query of a tenant model outside selectors and services (rule 3).

Flags ``Model.objects`` / ``Model._default_manager`` / ``Model._base_manager`` on a tenant model
anywhere under src/linli except selectors, services, migrations and the modules that implement
scoping itself. A line may opt out with ``# scoped-query-ok: <reason>`` when the reason is real
(for example, resolving a user's own scope).
"""

import ast
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from linli.core.tenancy import tenant_models

ALLOWED_FILES = {"selectors.py", "services.py"}
ALLOWED_DIRS = {"selectors", "services", "migrations"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
PRAGMA = "scoped-query-ok:"


def violations(root: Path, model_names: set[str]) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name in ALLOWED_FILES or ALLOWED_DIRS & set(path.relative_to(root).parts[:-1]):
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text, filename=str(path))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in MANAGERS
                and isinstance(node.value, ast.Name)
                and node.value.id in model_names
                and PRAGMA not in lines[node.lineno - 1]
            ):
                found.append(
                    f"{path.relative_to(root.parent.parent)}:{node.lineno}: "
                    f"{node.value.id}.{node.attr} outside selectors/services"
                )
    return found


class Command(BaseCommand):
    help = "Fail on unscoped queries of tenant models outside selectors/services."

    def handle(self, *args, **options):
        names = {m.__name__ for m in tenant_models()}
        problems = violations(Path(settings.BASE_DIR), names)
        if problems:
            raise CommandError(
                "Unscoped tenant queries (use a selector or service):\n" + "\n".join(problems)
            )
        self.stdout.write(f"Scoped-query check: {len(names)} tenant models, no violations.")
