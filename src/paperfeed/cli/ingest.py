"""`paperfeed harvest | fetch | import`: bring arXiv metadata in, with progress and a summary."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from paperfeed.cli.common import console, fail, load_settings, ready_engine, report
from paperfeed.cli.search import update_keyword_index

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from paperfeed.config import Settings


def register(app: typer.Typer) -> None:
    app.command("harvest")(harvest)
    app.command("fetch")(fetch)
    app.command("import")(import_)


IMPORTABLE = (".jsonl", ".json", ".jsonl.gz", ".json.gz", ".gz")


def import_paths(args: list[str]) -> list[Path]:
    """The files named: files as given, a folder's JSON-lines files, a glob's matches (when
    the shell left it unexpanded); in order, each once. Fails naming what matched nothing."""
    import glob

    found: list[Path] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            inside = sorted(
                p for p in path.iterdir() if p.is_file() and p.name.endswith(IMPORTABLE)
            )
            if not inside:
                fail(f"{arg}: a folder with no .jsonl, .json or .gz file in it")
            found += inside
        elif path.is_file():
            found.append(path)
        elif glob.has_magic(arg) and (matches := sorted(glob.glob(arg))):
            found += [Path(m) for m in matches if Path(m).is_file()]
        else:
            fail(f"{arg}: no such file, folder or matching pattern")
    return list(dict.fromkeys(p.resolve() for p in found))


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def harvest(
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="OAI set, e.g. cs or cs:cs:LG (repeatable). Default: the sets of "
            "PAPERFEED_CATEGORIES.",
        ),
    ] = None,
    from_: Annotated[
        datetime | None,
        typer.Option(
            "--from",
            formats=["%Y-%m-%d"],
            help="First datestamp (default: where the last "
            "harvest of the set ended, or PAPERFEED_HARVEST_DAYS ago).",
        ),
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Last datestamp (default: none).")
    ] = None,
    metadata_prefix: Annotated[
        str | None,
        typer.Option("--format", help="arXivRaw (versions) or arXiv (parsed affiliations)."),
    ] = None,
) -> None:
    """Harvest arXiv over OAI-PMH; a killed harvest resumes where it stopped."""
    settings = load_settings()
    engine = ready_engine(settings)
    run_harvest(engine, settings, set_ or None, _day(from_), _day(until), metadata_prefix)


def run_harvest(
    engine: Engine,
    settings: Settings,
    sets: list[str] | None,
    from_day: date | None,
    until_day: date | None,
    prefix: str | None,
) -> bool:
    """Harvest each set; False (after one clear line) when arXiv cannot be reached."""
    from paperfeed.ingest.harvester import (
        HarvestError,
        HarvestRequest,
        client_for,
        default_from,
        harvest,
    )
    from paperfeed.ingest.progress import RichReporter
    from paperfeed.sources.arxiv_oai import category_set
    from paperfeed.sources.http import UpstreamUnavailable

    prefix = prefix or settings.oai_metadata_prefix
    if prefix not in ("arXiv", "arXivRaw"):
        fail(f"--format must be arXiv or arXivRaw, not {prefix!r}")
    sets = sets or [category_set(c) for c in settings.categories]
    reporter = RichReporter(console)
    try:  # whatever was stored, even by a harvest that stopped, goes into the index once
        with client_for(settings, reporter) as client:
            for set_spec in sets:
                start = from_day or default_from(engine, settings, set_spec, prefix)
                request = HarvestRequest(set_spec, start, until_day, prefix)
                console.print(
                    f"harvesting set {set_spec} from {start} ({prefix}) at {settings.arxiv_oai_url}"
                )
                try:
                    report(harvest(engine, settings, request, client=client, reporter=reporter))
                except UpstreamUnavailable as exc:
                    console.print(f"[yellow]arXiv cannot be reached:[/yellow] {exc}")
                    return False
                except HarvestError as exc:
                    fail(str(exc))
    finally:
        update_keyword_index(engine, settings)
    return True


def fetch(
    ids: Annotated[
        list[str],
        typer.Argument(
            help="arXiv ids or URLs: 2401.01234, 2401.01234v2, hep-th/9901001, "
            "https://arxiv.org/abs/..."
        ),
    ],
) -> None:
    """Fetch papers by id through the arXiv API (100 per request, politely spaced)."""
    from paperfeed.ingest.fetcher import fetch_ids
    from paperfeed.ingest.harvester import client_for
    from paperfeed.ingest.progress import RichReporter
    from paperfeed.sources.arxiv_api import ApiError
    from paperfeed.sources.http import UpstreamUnavailable

    settings = load_settings()
    engine = ready_engine(settings)
    reporter = RichReporter(console, "papers")
    try:
        with client_for(settings, reporter) as client:
            summary = fetch_ids(engine, settings, ids, client=client, reporter=reporter)
    except (UpstreamUnavailable, ApiError) as exc:
        fail(str(exc))
    report(summary)
    update_keyword_index(engine, settings)


def import_(
    files: Annotated[
        list[str],
        typer.Argument(
            help="JSON-lines files, plain or .gz (the arXiv metadata snapshot or the generic "
            "schema of docs/import-formats.md), folders of them, or glob patterns. Each "
            "file's day comes from its name when it is a date (2026-11-24.jsonl).",
        ),
    ],
    fmt: Annotated[
        str, typer.Option("--format", help="auto (per line), snapshot or jsonl.")
    ] = "auto",
    feed_date: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Feed day for records without dates (default: the file "
            "name if it is a date, else today).",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            min=1, max=32, help="Worker processes that parse (default: CPU count, at most 4)."
        ),
    ] = None,
) -> None:
    """Import JSON-lines files (one bar over all); an interrupted import resumes where it
    stopped."""
    from paperfeed.ingest.importer import FORMATS, default_jobs, import_files
    from paperfeed.ingest.progress import RichReporter

    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}")
    paths = import_paths(files)
    settings = load_settings()
    engine = ready_engine(settings)
    summary = import_files(
        engine,
        paths,
        rejects_dir=settings.rejects_dir,
        batch_size=settings.import_batch_size,
        fmt=fmt,
        feed_date=_day(feed_date),
        jobs=jobs or default_jobs(),
        reporter=RichReporter(console, bytes_bar=True),
    )
    report(summary)
    update_keyword_index(engine, settings)
