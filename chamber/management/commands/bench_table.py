"""`python manage.py bench_table`: the one benchmark table of issue 11.

Prints the latest recorded result of every figure (figure, p50, p95, queries per request,
target, verdict) from var/bench/results.jsonl, which every bench command appends to
(`chamber.benchtable.record`), and the machine and load they were measured at.
`--markdown` prints the same as a Markdown table for docs/benchmarks.md. Reads no database.
"""
from django.core.management.base import BaseCommand

from chamber import benchtable


class Command(BaseCommand):
    help = ("Print the latest result of every benchmark figure recorded by the bench commands "
            "(var/bench/results.jsonl) as one table; --markdown for docs/benchmarks.md.")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true", help="Print a Markdown table.")
        parser.add_argument("--file", help="The results file (default: var/bench/results.jsonl).")
        parser.add_argument("--command", dest="only_command",
                            help="Only the figures recorded by this bench command (e.g. bench_scale).")

    def handle(self, *args, **options):
        file = benchtable.results_path(options["file"])
        entries = benchtable.latest(benchtable.read(file))
        if options["only_command"]:
            entries = [e for e in entries if e.get("command") == options["only_command"]]
        if not entries:
            self.stdout.write(f"No benchmark figures recorded yet in {file}: run `make bench` (or one bench_… command).")
            return
        if options["markdown"]:
            self.stdout.write(benchtable.markdown_table(entries))
            return
        missed = sum(1 for e in entries if e.get("met") is False)
        self.stdout.write("")
        self.stdout.write(f"Benchmarks: the latest result of each of {len(entries)} figures ({file})")
        for line in benchtable.text_table(entries).splitlines():
            if line.rstrip().endswith(benchtable.MISSED) or f"  {benchtable.MISSED}  " in line:
                line = self.style.WARNING(line)
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Every figure with a target meets it.") if not missed
                          else self.style.WARNING(f"{missed} figure(s) miss their target (MISSED)."))
