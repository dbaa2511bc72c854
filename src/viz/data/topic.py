"""The checks that belong to our topic, cancer immunotherapy: one registry a course author can switch off.

:data:`TOPIC_CHECKS` names each check; all run unless the datapackage's ``site.checks``
section turns one off (``"checks": {"sourceKinds": false}``, see data/README.md). Each is a
:data:`~viz.data.checks.Check`, run after the checks every topic needs.

- ``regulators``: an approval names the authority that took the decision; other events leave it empty;
- ``sourceHosts``: a warning for each source that links to a host that republishes or summarises
  other people's records (:data:`AGGREGATOR_HOSTS`);
- ``sourceKinds``: a warning for each row that does not cite the primary record its claim needs, by the
  ``kind`` of its sources: an approval its regulator's record or its sponsor's own release, a trial
  result its paper, and any row something better than ``other`` sources alone.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from viz.data.checks import Check
from viz.data.problems import Problem, Report, clip
from viz.data.schema import REFERENCES, split_list
from viz.paths import DATA_DIR

__all__ = ["AGGREGATOR_HOSTS", "TOPIC_CHECKS", "TopicCheck", "link_warnings"]

#: Hosts that republish or summarise other people's records: news aggregators and press-release
#: reposters, stock-market news, drug databases and trade news. A source linking there is
#: second-hand; ``validate`` warns (but does not fail) so that it gets replaced by the primary
#: record: the regulator's page or label, the sponsor's own release, the paper or the guideline.
#: Press-release wires (Business Wire, PR Newswire, GlobeNewswire) are not listed: they carry
#: the sponsor's own announcement.
AGGREGATOR_HOSTS = frozenset(
    {
        # news aggregators and press-release reposters
        "maestrodatabase.com",
        "pipelinereview.com",
        "rxtrospect.com",
        "htsyndication.com",
        "bio-medicine.org",
        "biospace.com",
        "letswinpc.org",
        "m3india.in",
        "precisionvaccinations.com",
        "cancerhealth.com",
        "thefreelibrary.com",
        "scilit.com",
        "anghami.com",
        "oncoprescribe.com",
        "genetherapynetwork.com",
        "pharmajournalist.com",
        "reportify.ai",
        "delveinsight.com",
        "blogspot.com",
        # stock-market and finance news
        "marketscreener.com",
        "4-traders.com",
        "financetom.com",
        "finanznachrichten.de",
        "futurehealthstocks.com",
        "seekingalpha.com",
        "benzinga.com",
        "tipranks.com",
        "markets.businessinsider.com",
        "bloomberglaw.com",
        # drug databases
        "drugs.com",
        "medilexicon.com",
        "centerwatch.com",
        "hemonc.org",
        "epocrates.com",
        "medscape.com",
        "rxlist.com",
        "drugbank.com",
        # trade news
        "onclive.com",
        "targetedonc.com",
        "cancernetwork.com",
        "fiercebiotech.com",
        "fiercepharma.com",
        "thepharmaletter.com",
        "biocentury.com",
        "bioworld.com",
        "clinicaloncology.com",
        "ascopost.com",
        "healio.com",
        "medicinematters.com",
        "jhoponline.com",
        "beckershospitalreview.com",
        "fdanews.com",
        "pharmatimes.com",
        "cphi-online.com",
    }
)


def check_regulators(report: Report, frames: dict[str, pd.DataFrame], schemas: dict[str, dict]) -> None:
    """An approval names the authority that took the decision; other events leave it empty."""
    events = frames.get("events")
    if events is None or "regulator" not in events.columns:
        return  # an older dataset whose schema has no such column
    for _, r in events.iterrows():
        if r["kind"] == "approval" and not r["regulator"]:
            report.add(
                "events",
                r["_row"],
                "regulator",
                "an approval needs its regulator",
                "name the authority and place, spelled the same way in every row, "
                "e.g. FDA (US), European Commission (EU), MHLW (Japan)",
            )
        elif r["kind"] != "approval" and r["regulator"]:
            report.add(
                "events",
                r["_row"],
                "regulator",
                f"'{clip(r['regulator'])}' is set, but this event is a {r['kind']}, not an approval",
                "leave regulator empty unless kind is approval",
            )


def aggregator(link: str) -> str | None:
    """The listed aggregator host a link points to, or None.

    Examples
    --------
    >>> from viz.data import topic
    >>> topic.aggregator("https://news.drugs.com/x"), topic.aggregator("https://notdrugs.com/x")
    ('drugs.com', None)
    """
    if not link.startswith(("http://", "https://")):
        return None
    host = (urlsplit(link).hostname or "").lower()
    return next((h for h in sorted(AGGREGATOR_HOSTS) if host == h or host.endswith("." + h)), None)


def check_source_hosts(report: Report, frames: dict[str, pd.DataFrame], schemas: dict[str, dict]) -> None:
    """A warning for each source that links to an aggregator host."""
    sources = frames.get("sources")
    if sources is None:
        return
    for number, sid, link in zip(sources["_row"], sources["id"], sources["link"], strict=True):
        host = aggregator(link)
        if host:
            report.warn(
                "sources",
                number,
                "link",
                f"'{clip(sid)}' links to {host}, which republishes or summarises other records",
                "cite the primary record instead: the regulator's page or label, the sponsor's own "
                "release, the paper (pmid:/doi:) or the guideline",
            )


def link_warnings(data_dir: Path | str = DATA_DIR) -> list[Problem]:
    """The ``sourceHosts`` warnings of a dataset, from its ``sources.csv`` alone (whatever ``site.checks`` says).

    Each is a :class:`~viz.data.Problem` whose message starts with ``warning:``, so it prints as
    ``data/sources.csv:12:link: warning: ... (hint: ...)``. A missing or unreadable file gives
    no warnings (:func:`~viz.data.validate` reports it). :attr:`viz.data.Dataset.warnings`
    holds every warning of a valid dataset.
    """
    report = Report(Path(data_dir))
    try:
        text = (report.root / "sources.csv").read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    frame = pd.DataFrame(
        {
            "_row": range(2, len(rows) + 2),
            "id": [row.get("id") or "" for row in rows],
            "link": [(row.get("link") or "").strip() for row in rows],
        }
    )
    check_source_hosts(report, {"sources": frame}, {})
    return report.warnings


#: The kinds of source that record an approval first-hand: the regulator's own record, the sponsor's own release.
APPROVAL_KINDS = frozenset({"regulator", "sponsor"})


def check_source_kinds(report: Report, frames: dict[str, pd.DataFrame], schemas: dict[str, dict]) -> None:
    """A warning for each row that does not cite the primary record its claim needs (by ``sources.csv`` ``kind``):
    an approval event its regulator's record or its sponsor's own release, a trial result its paper, and any
    row something better than ``other`` sources alone."""
    sources = frames.get("sources")
    if sources is None or "kind" not in sources.columns:
        return
    kind_of = dict(zip(sources["id"], sources["kind"], strict=True))
    for name, frame in frames.items():
        for spec in schemas[name]["fields"]:
            if spec.get(REFERENCES) != "sources":
                continue
            column = spec["name"]
            events = frame["kind"] if name == "events" and "kind" in frame.columns else [""] * len(frame)
            for number, cell, event in zip(frame["_row"], frame[column], events, strict=True):
                cited = [s for s in split_list(cell) if s in kind_of]  # an unknown id is a problem of its own
                if not cited:
                    continue
                kinds = {kind_of[s] for s in cited}
                listing = clip(", ".join(f"{s}: {kind_of[s]}" for s in cited), 120)
                if event == "approval" and not kinds & APPROVAL_KINDS:
                    report.warn(
                        name,
                        number,
                        column,
                        f"this approval cites no regulator or sponsor source ({listing})",
                        "cite the regulator's own record (an FDA notice, letter or label; an EC decision or EPAR; a "
                        "PMDA, MHLW or NMPA record) or the sponsor's own release on its own site, of kind regulator "
                        "or sponsor in sources.csv",
                    )
                elif event == "trial" and "paper" not in kinds:
                    report.warn(
                        name,
                        number,
                        column,
                        f"this trial result cites no paper ({listing})",
                        "cite the paper that reports the trial (pmid: or doi:), of kind paper in sources.csv",
                    )
                elif kinds == {"other"}:
                    report.warn(
                        name,
                        number,
                        column,
                        f"cites only sources of kind 'other' ({clip(', '.join(cited), 120)})",
                        "cite the primary record: the paper, the guideline, the regulator's record or the sponsor's "
                        "own release",
                    )


@dataclass(frozen=True)
class TopicCheck:
    """A check of our topic: the function, and what it asks of the tables (shown in data/README.md)."""

    check: Check
    asks: str


#: The topic's checks by the name ``site.checks`` switches them with, in the order they run.
TOPIC_CHECKS: dict[str, TopicCheck] = {
    "regulators": TopicCheck(check_regulators, "an approval names its regulator; other events leave it empty"),
    "sourceHosts": TopicCheck(check_source_hosts, "a warning for each source on a news aggregator or drug database"),
    "sourceKinds": TopicCheck(
        check_source_kinds,
        "a warning for each approval that cites no regulator or sponsor source, each trial result that cites "
        "no paper, and each row that cites only 'other' sources",
    ),
}
