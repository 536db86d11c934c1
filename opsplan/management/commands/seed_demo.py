import secrets

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from opsplan.demo import DemoContext, seeders


class Command(BaseCommand):
    help = "Load (or top up) the realistic demo company. Safe to run again: nothing is duplicated."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password for demo accounts created by this run (default: a random one, "
            "printed once and kept in var/demo-logins.txt).",
        )

    def handle(self, *args, password=None, **options):
        credentials = settings.VAR_DIR / "demo-logins.txt"
        if password is None and credentials.exists():
            password = _stored_password(credentials)
        password = password or secrets.token_urlsafe(9)
        ctx = DemoContext(password=password)
        with transaction.atomic():
            for module in seeders():
                module.seed(ctx)
        summary = ", ".join(f"{name}: {n}" for name, n in ctx.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo company ready ({summary})."))
        if ctx.created_logins:
            lines = [f"password for every demo account: {password}", ""]
            lines += [f"{username:<24} {role}" for username, role in ctx.created_logins]
            lines += [f"API token for {u}: {t}" for u, t in ctx.tokens]
            credentials.parent.mkdir(parents=True, exist_ok=True)
            credentials.write_text("\n".join(lines) + "\n", encoding="utf-8")
            credentials.chmod(0o600)
            self.stdout.write("Demo logins (shown once; also kept in var/demo-logins.txt):")
            self.stdout.write("\n".join(lines))
        else:
            self.stdout.write(f"Demo logins are listed in {credentials}.")


def _stored_password(path):
    first = path.read_text(encoding="utf-8").splitlines()[:1]
    if first and first[0].startswith("password for every demo account: "):
        return first[0].split(": ", 1)[1].strip()
    return None
