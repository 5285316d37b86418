"""Create a personal API token for a user and print the key (shown only here, once)."""

from django.core.management.base import BaseCommand, CommandError

from linli.accounts import services
from linli.accounts.models import User


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print its key."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line")
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, username, name, days, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc
        _token, key = services.api_token_create(actor=None, user=user, name=name, days=days)
        self.stdout.write(key)
