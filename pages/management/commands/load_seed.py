from django.core.management.base import BaseCommand, CommandError

from pages.seed import SeedLoader, UnknownSeedKey, load_seed_file


class Command(BaseCommand):
    help = (
        "Build (or bring up to date) the site from pages/data/seed.toml. Safe to run again: "
        "it never overwrites what editors changed and never recreates what they deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            nargs="*",
            metavar="KEY",
            help=(
                "Without keys: overwrite seeded objects even where an editor has changed them "
                "since (deleted ones stay deleted). With keys (e.g. partner_city:brno, "
                "page:case_study:lille, image:lille): only those entries, recreated if an "
                "editor deleted them."
            ),
        )

    def handle(self, *args, force: list[str] | None = None, **options):
        verbosity = options.get("verbosity", 1)

        def log(message: str) -> None:
            if verbosity:
                self.stdout.write(message)

        try:
            loader = SeedLoader(
                load_seed_file(),
                force=force == [],
                force_keys=force or (),
                log=log,
            )
        except UnknownSeedKey as exc:
            raise CommandError(str(exc)) from exc
        counts = loader.run()
        log(
            "Seed loaded: {created} created, {updated} updated, {unchanged} unchanged, "
            "{kept} kept (changed by editors), {deleted} left deleted (deleted by editors)."
            "".format(**counts)
        )
