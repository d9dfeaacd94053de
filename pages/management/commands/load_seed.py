from django.core.management.base import BaseCommand

from pages.seed import SeedLoader, load_seed_file


class Command(BaseCommand):
    help = "Build (or bring up to date) the site from pages/data/seed.toml. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite seeded objects even where an editor has changed them since.",
        )

    def handle(self, *args, force: bool = False, **options):
        verbosity = options.get("verbosity", 1)

        def log(message: str) -> None:
            if verbosity:
                self.stdout.write(message)

        counts = SeedLoader(load_seed_file(), force=force, log=log).run()
        log(
            "Seed loaded: {created} created, {updated} updated, {unchanged} unchanged, "
            "{kept} kept (changed by editors).".format(**counts)
        )
