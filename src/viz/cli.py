"""The ``immunoviz`` command line.

Exit codes: 0 success, 1 a problem with the user's data or files (one clear
message, no traceback), 2 wrong usage (argparse), 130 interrupted.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from viz import __version__

__all__ = ["main"]


class UserError(Exception):
    """A problem the user can fix; printed without a traceback."""


#: The formats of `immunoviz export` (viz.interchange.FORMATS, named here so that --help needs no import).
_FORMATS = ["cxl", "canvas", "graphml", "gexf", "cytoscape", "mermaid"]


def _data_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        default=Path("data"),
        metavar="DIR",
        help="folder with the CSV tables and datapackage.json (default: data)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="immunoviz",
        description="Concept maps, timelines and charts from curated tables, exported as offline HTML "
        "(our own tables are about cancer immunotherapy; `immunoviz new` starts a topic of your own). "
        "Educational material, not medical advice.",
    )
    parser.add_argument("--version", action="version", version=f"immunoviz {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "new",
        help="start the tables of a new topic in a new folder",
        description="Write a small example dataset (a few rows in every table a map needs, the schema and a "
        "README that explains every table) into DIR, which must not exist yet. It validates and builds as it is; "
        "replace its rows with your own topic.",
    )
    p.add_argument("dir", type=Path, metavar="DIR", help="the new folder (refused if it exists)")
    p.add_argument(
        "--from",
        dest="source",
        type=Path,
        metavar="FILE",
        help="start from a concept map file instead of the example (as `immunoviz import FILE --out DIR`)",
    )
    p.set_defaults(func=cmd_new)

    p = sub.add_parser(
        "import",
        help="turn concept map files (CmapTools, Obsidian canvas, yEd, Gephi, Cytoscape, Mermaid) into tables",
        description="Read concept map files (CmapTools CXL, JSON Canvas, GraphML, GEXF, Cytoscape.js JSON or "
        "Mermaid flowcharts; the format is read from the content) and write them as a complete set of tables in "
        "DIR, one map per file, that validate and build at once. Prints what it read and wrote, and every "
        "construct it could not carry over as file:line: what and why. A file that cannot be read is named as "
        "file:line:column: problem, and nothing is written.",
    )
    p.add_argument("files", type=Path, nargs="+", metavar="FILE", help="the map files, one map each")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="the folder for the tables (new or empty)")
    p.add_argument("--force", action="store_true", help="write into a folder that holds files (same names replaced)")
    p.add_argument(
        "--spread",
        action="store_true",
        help="push apart concepts that overlap as drawn, at our label size (layout manual-spread; default: as drawn)",
    )
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "export",
        help="write one map as a CmapTools, Obsidian canvas, GraphML, GEXF, Cytoscape or Mermaid file",
        description="Write one view of the tables, laid out as its page draws it, in another tool's format: its "
        "concepts with their positions and categories, its relations with their verbs as link labels.",
    )
    p.add_argument("view", metavar="VIEW", help="view id from views.csv (e.g. checkpoints)")
    _data_arg(p)
    p.add_argument("--format", required=True, choices=_FORMATS, help="the file format")
    p.add_argument("--out", type=Path, metavar="FILE", help="output file (default: VIEW and the format's ending)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "validate",
        help="check the tables and list every problem",
        description="Check the tables against their schema and list every problem as "
        "file:row:column: message (hint). Exit code 1 when there is any.",
    )
    _data_arg(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser(
        "build",
        help="build the site of maps, charts and notebooks",
        description="Validate the tables and write every map, chart, lesson notebook (run and rendered) "
        "and the index page into the output folder. The previous output stays untouched if anything fails.",
    )
    _data_arg(p)
    p.add_argument("--out", type=Path, default=Path("site"), metavar="DIR", help="output folder (default: site)")
    p.add_argument("--no-images", action="store_true", help="skip the PNG/SVG images (they need Chromium)")
    p.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=[*_FORMATS, "all"],
        default=[],
        metavar="FORMAT",
        help="also write every map for another tool into OUT/downloads/, linked from its page: "
        + ", ".join(_FORMATS)
        + " or all (repeat for several)",
    )
    lessons = p.add_mutually_exclusive_group()
    lessons.add_argument(
        "--no-notebooks",
        dest="notebooks",
        action="store_false",
        default=None,
        help="skip running the lesson notebooks (a quicker build; the site then has no notebook pages)",
    )
    lessons.add_argument(
        "--notebooks",
        dest="notebooks",
        action="store_true",
        help="run the lesson notebooks on --data even when it is not the project's data/ "
        "(by default they are run, as pages of the site, only on the tables they were written for)",
    )
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "serve",
        help="a live preview: build, serve on 127.0.0.1 and rebuild when a table is saved",
        description="Build the site (without images or lessons) into a temporary folder, serve it on "
        "http://127.0.0.1:PORT/ and rebuild whenever a table changes; open pages reload themselves. "
        "Invalid tables: the last good build stays up, with the problems listed over it and here. Ctrl-C stops.",
    )
    _data_arg(p)
    p.add_argument("--port", type=int, default=8000, metavar="N", help="port to serve on (default: 8000; 0: any free)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "map",
        help="write one concept map as a single HTML file",
        description="Write one view of the tables as a self-contained HTML map.",
    )
    p.add_argument("view", metavar="VIEW", help="view id from views.csv (e.g. checkpoints)")
    _data_arg(p)
    p.add_argument("--out", type=Path, metavar="FILE", help="output file (default: VIEW.html)")
    p.add_argument("--presenter", action="store_true", help="large fonts for projecting in a lecture hall")
    p.set_defaults(func=cmd_map)

    p = sub.add_parser(
        "timeline",
        help="write the history timeline as a single HTML file",
        description="Write the dated history as a self-contained HTML timeline.",
    )
    _data_arg(p)
    p.add_argument(
        "--out", type=Path, default=Path("timeline.html"), metavar="FILE", help="output file (default: timeline.html)"
    )
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser(
        "history",
        help="write the map and the timeline, linked, as a single HTML file",
        description="Write the therapy map and the dated timeline side by side as one self-contained HTML page: "
        "selecting a concept lights up its events, clicking an event lights up its concepts, and one year "
        "cursor replays the field.",
    )
    _data_arg(p)
    p.add_argument(
        "--out", type=Path, default=Path("history.html"), metavar="FILE", help="output file (default: history.html)"
    )
    p.add_argument("--view", metavar="VIEW", help="the map to show (default: the first view with a year slider)")
    p.add_argument("--presenter", action="store_true", help="large fonts for projecting in a lecture hall")
    p.add_argument("--concept", metavar="ID", help="open with this concept selected (e.g. pd1_inhibitor)")
    p.add_argument("--year", type=int, metavar="YEAR", help="open at this year of the history")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser(
        "grade",
        help="grade the maps students built (their saved result files) and write the class's results",
        description="Score each result file a student saved from a map's Build it (Save my map) against the "
        "expert map; print a table per student and per proposition; write a CSV (one row per student) and the "
        "class page (the map with a heat over the links most students missed). A file that is malformed, or "
        "for another map or data version, is refused with its reason: the others are still graded, and the "
        "exit code is 1.",
    )
    p.add_argument("results", nargs="+", type=Path, metavar="RESULT", help="result files (.json) saved from a map")
    _data_arg(p)
    p.add_argument("--map", metavar="VIEW", help="the map the class built (default: the one most files are for)")
    p.add_argument(
        "--out", type=Path, default=Path("grades"), metavar="DIR", help="folder for grades.csv and class.html"
    )
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser(
        "compare",
        help="write one student's map against the expert's as a page",
        description="Write one page that shows the map a student built (a result file saved from Build it) "
        "against the expert map: every proposition right, with another verb, missing or extra, and why.",
    )
    p.add_argument("result", type=Path, metavar="RESULT", help="a result file (.json) saved from a map")
    _data_arg(p)
    p.add_argument("--out", type=Path, metavar="FILE", help="output file (default: RESULT's name with -compare.html)")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser(
        "slides",
        help="write a lecture: a reveal.js deck of the maps' story steps, with speaker notes (and PDF, PowerPoint)",
        description="Write one self-contained HTML file, a reveal.js deck that opens offline: a title slide, a slide "
        "per story step of each view (the map framed on what the step reveals), speaker notes with the relations "
        "and sources (press S), chart and history slides, and the sources cited. Without VIEW or --deck it follows "
        "the topics and views in the tables' order. Nothing is written if anything fails.",
    )
    p.add_argument("views", nargs="*", metavar="VIEW", help="views to show, in this order (default: every view)")
    _data_arg(p)
    p.add_argument("--out", type=Path, default=Path("lecture.html"), metavar="FILE", help="the deck (lecture.html)")
    p.add_argument("--deck", metavar="NAME", help="a deck of decks.csv: its views, steps and charts in its order")
    p.add_argument("--pdf", type=Path, metavar="FILE", help="also a PDF, a page per slide (needs Chromium)")
    p.add_argument(
        "--handout", type=Path, metavar="FILE", help="also a handout PDF: a page per view with the map, steps, sources"
    )
    p.add_argument("--pptx", type=Path, metavar="FILE", help="also a PowerPoint file, a slide per map slide")
    p.set_defaults(func=cmd_slides)
    return parser


def _load(data_dir: Path):
    from viz import data

    return data.load(data_dir)


def _load_view(args: argparse.Namespace):
    """The tables of ``--data``, once ``VIEW`` is known to be one of their maps."""
    from viz import graph

    ds = _load(args.data)
    views = graph.view_ids(ds)
    if args.view not in views:
        raise UserError(f"no view '{args.view}'; the views are: {', '.join(views)}")
    return ds


def cmd_validate(args: argparse.Namespace) -> int:
    from viz import data

    started = time.perf_counter()
    ds = data.load(args.data)  # validates; raises DataError with every problem
    warnings = ds.warnings  # reported, never fatal
    for warning in warnings:
        print(warning)
    counts = ", ".join(f"{n} {name}" for name, n in ds.counts().items())
    note = f"; {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else ""
    print(f"{args.data}: valid ({counts}) in {time.perf_counter() - started:.1f} s{note}")
    return 0


def _lesson_folder(args: argparse.Namespace) -> Path | None:
    """The notebooks to render as pages of the site, or None (saying why, unless asked to skip them)."""
    from viz.paths import DATA_DIR, NOTEBOOKS_DIR

    if args.notebooks is False:
        return None
    if not NOTEBOOKS_DIR.is_dir():
        if args.notebooks:
            raise UserError(f"no notebooks to run: {NOTEBOOKS_DIR} is missing (they come with the project checkout)")
        print(f"  notebooks skipped: {NOTEBOOKS_DIR} is missing (they come with the project checkout)")
        return None
    if args.notebooks is None and args.data.resolve() != DATA_DIR.resolve():
        print(f"  notebooks skipped: they are written for {DATA_DIR}; add --notebooks to run them on {args.data}")
        return None
    return NOTEBOOKS_DIR


def cmd_new(args: argparse.Namespace) -> int:
    from viz import tables

    if args.source is not None:
        if args.dir.exists():
            raise UserError(f"{args.dir} already exists; choose a new folder (nothing was written)")
        args.files, args.out, args.force, args.spread = [args.source], args.dir, False, False
        return cmd_import(args)
    try:
        folder = tables.new_dataset(args.dir)
    except FileExistsError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"could not write {args.dir}: {exc.strerror or exc}") from None
    print(f"wrote a new dataset in {folder} (an example about the water cycle; README.md explains every table)")
    print("next:")
    print(f"  immunoviz validate --data {folder}")
    print(f"  immunoviz serve --data {folder}      # a live preview while you edit the tables")
    print(f"  immunoviz build --data {folder} --out site")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from viz.interchange import FileError, dataset

    try:
        imported = dataset.import_files(args.files, args.out, force=args.force, spread=args.spread)
    except FileError as exc:
        raise UserError(f"{exc} (nothing was written)") from None
    except FileExistsError as exc:
        raise UserError(str(exc)) from None
    for line in imported.notices:
        print(line)
    for line in imported.summaries:
        print(line)
    print(
        f"wrote the tables in {args.out}; they cite each file as a stand-in source: replace it with real sources "
        "(README.md there says how)"
    )
    print("next:")
    print(f"  immunoviz validate --data {args.out}   # lists the rows to give sources first")
    print(f"  immunoviz build --data {args.out} --out site")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from viz import export, interchange
    from viz.interchange import dataset

    ds = _load_view(args)
    m = dataset.view_map(ds, args.view)
    out = args.out or Path(args.view + interchange.EXTENSIONS[args.format])
    out = export.write_text(out, interchange.write(m, args.format))
    kept = "positions not kept (Mermaid lays maps out itself)" if args.format == "mermaid" else "positions kept"
    print(f"wrote {out}: {len(m.concepts)} concepts, {len(m.links)} relations, {len(m.groups)} categories; {kept}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from viz import serve

    if not 0 <= args.port <= 65535:
        raise UserError(f"--port {args.port} is not a port number (0 to 65535)")
    signal.signal(signal.SIGTERM, _interrupt)  # a terminal closed or `kill`: stop as cleanly as Ctrl-C
    try:
        serve.serve(args.data, port=args.port, log=lambda line: print(line, flush=True))
    except OSError as exc:
        raise UserError(f"cannot serve on 127.0.0.1:{args.port}: {exc.strerror or exc} (try another --port)") from None
    except KeyboardInterrupt:
        print("immunoviz: stopped serving (Ctrl-C)", flush=True)
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def cmd_build(args: argparse.Namespace) -> int:
    from viz import site

    started = time.perf_counter()
    ds = _load(args.data)
    lessons = _lesson_folder(args)
    formats = _FORMATS if "all" in args.formats else list(dict.fromkeys(args.formats))
    built = site.build_site(ds, args.out, images=not args.no_images, notebooks=lessons, downloads=formats, log=print)
    print(f"built {built.index.parent} in {time.perf_counter() - started:.1f} s")
    print(f"open {built.index.resolve().as_uri()}")
    return 0


def cmd_map(args: argparse.Namespace) -> int:
    from viz import export, maps

    ds = _load_view(args)
    net = maps.view_map(ds, args.view, presenter=args.presenter)
    out = export.write_map(net, args.out or Path(f"{args.view}.html"))
    print(f"wrote {out}")
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    from viz import charts, export

    ds = _load(args.data)
    out = export.write_chart(charts.timeline_figure(ds), args.out, dataset=ds)
    print(f"wrote {out}")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from viz import export, graph, history

    ds = _load(args.data)
    views = graph.view_ids(ds)
    if args.view is not None and args.view not in views:
        raise UserError(f"no view '{args.view}'; the views are: {', '.join(views)}")
    if not len(ds.events):
        raise UserError(f"no dated events in {args.data / 'events.csv'}: the history needs some")
    view = args.view or history.default_view(ds)
    try:
        page = history.history_page(ds, view=view, presenter=args.presenter, concept=args.concept, year=args.year)
    except KeyError:
        raise UserError(
            f"no concept '{args.concept}' on the map '{view}'; see the concepts of views.csv's '{view}' "
            "in view_concepts.csv (or choose another map with --view)"
        ) from None
    out = export.write_text(args.out, page.render())
    print(f"wrote {out}")
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from viz import export, grading, graph

    ds = _load(args.data)
    views = graph.view_ids(ds)
    if args.map is not None and args.map not in views:
        raise UserError(f"no view '{args.map}'; the views are: {', '.join(views)}")
    try:
        results = grading.grade(ds, args.results, view=args.map)
    except KeyError as exc:
        raise UserError(f"the result files are for the map {exc}, which {args.data} does not have") from None
    if results.graded:
        print(f"{len(results.graded)} students on the map '{results.problem.id}'\n")
        print(results.student_table())
        print(results.proposition_table())
        csv_path = export.write_text(args.out / "grades.csv", results.csv())
        page = export.write_text(args.out / "class.html", results.page(ds))
        print(f"wrote {csv_path}")
        print(f"wrote {page}")
    for _, why in results.refused:
        print(f"immunoviz: refused {grading.plain(why)}", file=sys.stderr)
    if not results.graded:
        raise UserError("no result file could be graded; nothing was written")
    if results.refused:
        names = ", ".join(grading.plain(path) for path, _ in results.refused)
        print(f"immunoviz: {len(results.refused)} of {len(args.results)} files refused: {names}", file=sys.stderr)
        return 1
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from viz import exercise, export, grading

    ds = _load(args.data)
    try:
        result = exercise.read_result(args.result)
        page = grading.comparison_page(ds, result)
    except exercise.ResultError as exc:
        raise UserError(grading.plain(exc)) from None
    out = export.write_text(args.out or args.result.with_name(args.result.stem + "-compare.html"), page)
    print(f"wrote {out}")
    return 0


def cmd_slides(args: argparse.Namespace) -> int:
    from viz import slides

    if args.views and args.deck:
        raise UserError("name views or a --deck, not both")
    ds = _load(args.data)
    try:
        deck = slides.plan_deck(ds, args.views, deck=args.deck)
    except KeyError as exc:
        raise UserError(exc.args[0]) from None
    outputs = [args.out, args.pdf, args.handout, args.pptx]
    named = [p.resolve() for p in outputs if p is not None]
    if len(set(named)) < len(named):
        raise UserError("--out, --pdf, --handout and --pptx must name different files")
    written = slides.write_lecture(deck, args.out, pdf=args.pdf, handout=args.handout, pptx=args.pptx, log=print)
    steps = sum(1 for s in deck.slides if s.kind == "map" and s.step and s.part <= 1)  # a step in parts once
    print(f"wrote {', '.join(str(p) for p in written)}: {len(deck.slides)} slides, {steps} of them story steps")
    print(f"open {written[0].resolve().as_uri()} (press S for the speaker notes)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    from viz import data, export

    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except data.DataError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except (UserError, export.ExportError) as exc:
        print(f"immunoviz: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("immunoviz: interrupted; the previous output is untouched", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
