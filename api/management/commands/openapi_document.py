"""Writes /api/v2/openapi.json's document (`make types` generates the TypeScript types from it)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from api.openapi import document


class Command(BaseCommand):
    help = "Write the API's OpenAPI 3.1 document (to stdout, or to --output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="file to write instead of stdout")

    def handle(self, *args, output: str | None = None, **options) -> None:
        text = json.dumps(document(), indent=2, ensure_ascii=False) + "\n"
        if output:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
