"""``newsdesk batch``: the whole pipeline on Ray Data, for corpora past one machine."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .progress import counting

__all__ = ["register"]

EXAMPLE = """example:
  newsdesk batch news.jsonl.gz crawl/*.warc.gz examples/harbour-bridge --out out/ --num-cpus 2
  newsdesk batch s3-mounted/archive/ --out out/ --address auto   # an existing Ray cluster

writes out/articles.parquet, out/duplicate_groups.parquet, out/stories.parquet and
out/briefs/<story id>.json (needs: pip install 'newsdesk[batch]'); Ray's own messages
(resource, token and actor warnings) go to out/ray.log unless --verbose"""

#: Where Ray's own output goes (inside --out) unless --verbose.
RAY_LOG = "ray.log"


@contextmanager
def ray_output_to(log: Path | None) -> Iterator[None]:
    """Send everything written to the process's stderr (fd 2) to ``log`` while the block runs.

    Ray writes its warnings from C++ (the core worker), from its own loggers and from the
    processes it starts (which inherit fd 2), so only a file-descriptor redirect catches them
    all. None leaves stderr alone (``--verbose``).
    """
    if log is None:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with log.open("ab") as sink:
            os.dup2(sink.fileno(), 2)
            try:
                yield
            finally:
                sys.stderr.flush()
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def _run(args: argparse.Namespace) -> int:
    from ..batch import STAGES, BatchOptions, run_batch

    options = BatchOptions(briefs=not args.no_briefs)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    log = None if args.verbose else Path(args.out) / RAY_LOG
    # Progress goes to the terminal itself: fd 2 is sent to the Ray log during the run.
    with (
        os.fdopen(os.dup(2), "w", encoding="utf-8") as terminal,
        counting(
            "batch", unit="stages", total=len(STAGES), stream=terminal, redirect=False
        ) as progress,
        ray_output_to(log),
    ):

        def stage(name: str) -> None:
            progress.note(f"batch: {name.replace('_', ' ')} done")
            progress.advance()

        report = run_batch(
            args.inputs,
            args.out,
            address=args.address,
            num_cpus=args.num_cpus,
            options=options,
            progress=stage,
        )
    summary = {
        "out": report.out_dir,
        "articles": report.articles,
        "failures": len(report.failures),
        "duplicate_groups": len(report.duplicate_groups),
        "stories": len(report.stories),
        "link_tasks": report.link_tasks,
        "links": report.links,
        "briefs": report.briefs,
        "seconds": report.seconds,
    }
    for failure in report.failures:
        print(f"newsdesk: skipped {failure}", file=sys.stderr)
    print(json.dumps(summary, indent=2))
    return 0


def register(subparsers: Any) -> None:
    """Add the ``batch`` command."""
    parser = subparsers.add_parser(
        "batch",
        help="run read, dedupe, cluster and brief on Ray over a large corpus",
        description="Read JSONL(.gz), WARC(.gz), HTML and text inputs in parallel on Ray Data, "
        "clean them, find near duplicates by LSH banding, embed, link similar articles within "
        "time blocks, cluster them into stories and write Parquet tables and JSON briefs.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="files or directories")
    parser.add_argument("--out", required=True, metavar="DIR", help="output directory")
    parser.add_argument("--address", help="an existing Ray cluster (e.g. auto, ray://host:10001)")
    parser.add_argument("--num-cpus", type=int, help="CPUs for local Ray (default: all)")
    parser.add_argument("--no-briefs", action="store_true", help="skip writing briefs")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help=f"show Ray's own messages (else in DIR/{RAY_LOG})",
    )
    parser.set_defaults(handler=_run)
