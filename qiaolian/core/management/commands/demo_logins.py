from django.core.management.base import BaseCommand

from qiaolian.core import seed_data


class Command(BaseCommand):
    help = "Print the demo logins created by `seed`."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo logins / 演示账号 (password / 密码: {seed_data.DEMO_PASSWORD})")
        for username, display, _home, role, unit in seed_data.DEMO_USERS:
            self.stdout.write(f"  {username:<18} {role:<11} @ {unit:<10} {display}")
