"""What the leadership alignment session looks at: how team objectives hang under the company
objectives, gaps, orphans, likely overlaps between teams, and cross-team dependencies.

Definitions (DESIGN "How OKRs work"):
- Gap: a company objective of the period that no team objective links to.
- Orphan: a team objective whose parent_objective_id is empty or is not a company objective of
  the period.
- Likely overlap: two objectives, or two KRs, of different teams whose titles share at least
  OVERLAP_MIN_SHARED content words and whose content-word sets have a Jaccard similarity of at
  least OVERLAP_MIN_SIMILARITY. Content words are the title's words without its first word (the
  verb says how, not what), numbers, STOP_WORDS and a trailing plural "s".
- Dependency: team A → team B for each of A's KRs whose depends_on names B.
- Conflict: a dependency A → B that B has no KR for: B has no KR in the period, or none of B's KRs
  names A in its depends_on or its title. (A reciprocal mention shows the two teams have at least
  talked; the alignment session settles the rest.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.lint import depends_on_teams, mentioned_teams
from analytics.progress import pace_status
from analytics.review import ReviewSnapshot

OVERLAP_MIN_SIMILARITY = 0.5
OVERLAP_MIN_SHARED = 2
# In a large organisation: pairs this alike are listed; shared words held by more teams are a theme.
STRONG_OVERLAP = 0.75
THEME_TEAMS = 4
STOP_WORDS = frozenset(
    """
    a an the of to for and or in on at by with from into under over than as is are be been our we us
    its their them they it this that these those who what which each every all per new one two three
    four five least most more less up down out via within without across first last next
    median mean average rate score number count percent day week month quarter year hour minute
""".split()
)

NO_PARENT = "no company objective"
NOT_LINKED_ID = "(not linked)"
TREE_COLUMNS = ("node_id", "parent_id", "label", "kind", "status", "team", "title", "detail")
OVERLAP_COLUMNS = ("kind", "id_a", "team_a", "title_a", "id_b", "team_b", "title_b", "similarity", "shared")
EDGE_COLUMNS = ("from_team", "to_team", "kr_ids", "kr_count", "conflict")


@dataclass(frozen=True)
class Alignment:
    tree: pd.DataFrame  # TREE_COLUMNS: company objective → team objective → KR
    gaps: pd.DataFrame  # company objectives no team objective links to: objective_id, title
    orphans: pd.DataFrame  # objective_id, team, title, parent_objective_id, reason
    overlaps: pd.DataFrame  # OVERLAP_COLUMNS
    dependencies: pd.DataFrame  # EDGE_COLUMNS


def content_words(title: str) -> dict[str, str]:
    """The words of a title that say what it is about (see the module notes), each under its
    singular form: {"opportunitie": "opportunities", "qualified": "qualified"}."""
    # A hyphen or apostrophe ends no word: "(O-00506)" gives no word "o-".
    words = [word.rstrip("'-") for word in re.findall(r"[a-z][a-z'-]*", str(title).lower())[1:]]
    singular = {
        word: word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word for word in words
    }
    return {
        singular[word]: word
        for word in words
        if len(word) > 1 and word not in STOP_WORDS and singular[word] not in STOP_WORDS
    }


def likely_overlaps(items: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Pairs of `items` (id, team, title) of different teams with similar titles (OVERLAP_COLUMNS),
    most similar first."""
    words = [content_words(title) for title in items["title"]]
    # Shared content words of every pair at once: an item × stem incidence matrix times its transpose.
    stems = {stem: column for column, stem in enumerate(sorted({stem for w in words for stem in w}))}
    incidence = np.zeros((len(words), len(stems)), dtype=np.float32)
    for row, item_words in enumerate(words):
        incidence[row, [stems[stem] for stem in item_words]] = 1.0
    shared_counts = (incidence @ incidence.T).round().astype(np.int64)
    sizes = incidence.sum(axis=1).astype(np.int64)
    union = sizes[:, None] + sizes[None, :] - shared_counts
    similarity = np.divide(shared_counts, union, out=np.zeros(union.shape), where=union > 0)
    teams = items["team"].to_numpy(dtype=object)
    candidate = np.triu((shared_counts >= OVERLAP_MIN_SHARED) & (similarity >= OVERLAP_MIN_SIMILARITY), k=1)
    known = pd.notna(teams)  # a company objective's KRs have no team: they overlap no team's
    different = (teams[:, None] != teams[None, :]) & known[:, None] & known[None, :]
    firsts, seconds = np.nonzero(candidate & different)  # row-major: pair order
    records = items.to_dict("records")
    rows = []
    for i, j in zip(firsts, seconds):
        a, b = records[i], records[j]
        shared = words[i].keys() & words[j].keys()
        rows.append(
            (
                kind,
                a["id"],
                a["team"],
                a["title"],
                b["id"],
                b["team"],
                b["title"],
                float(similarity[i, j]),
                ", ".join(sorted(words[i][stem] for stem in shared)),
            )
        )
    frame = pd.DataFrame(rows, columns=list(OVERLAP_COLUMNS))
    return frame.sort_values("similarity", ascending=False, kind="stable").reset_index(drop=True)


def dependency_edges(krs: pd.DataFrame, key_results: pd.DataFrame) -> pd.DataFrame:
    """Team → team dependencies of the KRs in `krs` (kr_id, team, title; the period's KRs), with
    depends_on read from the stored `key_results`; `conflict` as in the module notes."""
    depends_on = krs["kr_id"].map(key_results.set_index("kr_id")["depends_on"]).fillna("")
    named = [depends_on_teams(cell) for cell in depends_on]
    pairs = [
        (team, needed, kr_id)
        for team, kr_id, teams in zip(krs["team"], krs["kr_id"], named)
        for needed in teams
        if needed != team
    ]
    edges = pd.DataFrame(pairs, columns=["from_team", "to_team", "kr_id"])
    edges = edges.groupby(["from_team", "to_team"], sort=False)["kr_id"].agg(list).reset_index(name="kr_ids")
    edges["kr_count"] = edges["kr_ids"].map(len)
    edges["kr_ids"] = edges["kr_ids"].map(", ".join)
    # Which teams each team's KRs name, in depends_on or in the title.
    names_by_team: dict[str, set[str]] = {}
    all_teams = set(krs["team"].dropna()) | set(edges["from_team"]) | set(edges["to_team"])
    for team, title, teams in zip(krs["team"], krs["title"], named):
        names_by_team.setdefault(team, set()).update(teams, mentioned_teams(str(title), all_teams))
    edges["conflict"] = [
        source not in names_by_team.get(target, set()) for source, target in zip(edges["from_team"], edges["to_team"])
    ]
    return edges.loc[:, list(EDGE_COLUMNS)]


def _node_status(progress: pd.Series, expected: pd.Series) -> pd.Series:
    """Pace status of an objective roll-up; "not started" when it has no progress to pace."""
    return pd.Series(pace_status(progress, expected), index=progress.index).where(progress.notna(), "not started")


def alignment_tree(company: pd.DataFrame, objectives: pd.DataFrame, krs: pd.DataFrame) -> pd.DataFrame:
    """Nodes (TREE_COLUMNS) company objective → team objective → KR. KRs carry their status;
    objectives and company objectives their pace (progress against expected by now). Team
    objectives linked to no company objective of the period hang under a NOT_LINKED_ID node."""
    company_ids = set(company["objective_id"])
    linked = objectives["parent_objective_id"].where(objectives["parent_objective_id"].isin(company_ids))
    nodes = [
        pd.DataFrame(
            {
                "node_id": company["objective_id"],
                "parent_id": "",
                "label": company["title"],
                "kind": "company",
                "status": _node_status(company["progress"], company["expected"]),
                "team": "",
                "title": company["title"],
                "detail": company["progress"].map(
                    lambda p: f"{p:.0%} progress" if pd.notna(p) else "no team objective"
                ),
            }
        )
    ]
    if linked.isna().any():
        nodes.append(
            pd.DataFrame(
                [
                    {
                        "node_id": NOT_LINKED_ID,
                        "parent_id": "",
                        "label": "Not linked to a company objective",
                        "kind": "unlinked",
                        "status": "not started",
                        "team": "",
                        "title": "",
                        "detail": "",
                    }
                ]
            )
        )
    nodes.append(
        pd.DataFrame(
            {
                "node_id": objectives["objective_id"],
                "parent_id": linked.fillna(NOT_LINKED_ID),
                "label": objectives["team"] + ": " + objectives["title"],
                "kind": "objective",
                "status": _node_status(objectives["progress"], objectives["expected"]),
                "team": objectives["team"],
                "title": objectives["title"],
                "detail": objectives["progress"].map(lambda p: f"{p:.0%} progress" if pd.notna(p) else ""),
            }
        )
    )
    krs = krs[krs["objective_id"].isin(set(objectives["objective_id"]))]
    nodes.append(
        pd.DataFrame(
            {
                "node_id": krs["kr_id"],
                "parent_id": krs["objective_id"],
                "label": krs["title"],
                "kind": "kr",
                "status": krs["status"],
                "team": krs["team"],
                "title": krs["title"],
                "detail": krs["progress"].map(lambda p: f"{p:.0%} progress"),
            }
        )
    )
    return pd.concat(nodes, ignore_index=True).loc[:, list(TREE_COLUMNS)]


def alignment(snapshot: ReviewSnapshot, key_results: pd.DataFrame, teams: list[str] | None = None) -> Alignment:
    """The alignment of the period's OKRs in `snapshot` (a whole-company snapshot: conflicts need
    every team's KRs). With `teams`, the tree, orphans, overlaps and dependencies are narrowed to
    those involving them; gaps stay company-wide."""
    company, objectives, krs = snapshot.company, snapshot.objectives, snapshot.krs
    supported = set(objectives["parent_objective_id"].dropna())
    gaps = company.loc[~company["objective_id"].isin(supported), ["objective_id", "title"]].reset_index(drop=True)
    parent = objectives["parent_objective_id"]
    orphan = parent.isna() | ~parent.isin(set(company["objective_id"]))
    orphans = (
        objectives.loc[orphan, ["objective_id", "team", "title", "parent_objective_id"]]
        .assign(
            reason=lambda f: f["parent_objective_id"].map(
                lambda p: NO_PARENT if pd.isna(p) or p == "" else f'"{p}" is not a company objective of the period'
            ),
        )
        .reset_index(drop=True)
    )
    overlaps = pd.concat(
        [
            likely_overlaps(objectives.rename(columns={"objective_id": "id"}), "objective"),
            likely_overlaps(krs[~krs["cancelled"]].rename(columns={"kr_id": "id"}), "KR"),
        ],
        ignore_index=True,
    )
    edges = dependency_edges(krs[~krs["cancelled"]], key_results)
    if teams is not None:
        chosen = set(teams)
        objectives, krs = objectives[objectives["team"].isin(chosen)], krs[krs["team"].isin(chosen)]
        orphans = orphans[orphans["team"].isin(chosen)].reset_index(drop=True)
        overlaps = overlaps[overlaps["team_a"].isin(chosen) | overlaps["team_b"].isin(chosen)].reset_index(drop=True)
        edges = edges[edges["from_team"].isin(chosen) | edges["to_team"].isin(chosen)].reset_index(drop=True)
    return Alignment(alignment_tree(company, objectives, krs), gaps, orphans, overlaps, edges)


def tree_by_group(tree: pd.DataFrame, objectives: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """`tree` (alignment_tree's nodes) with a level between company objectives and team objectives: a
    node per company objective (or the not-linked node) and group of the teams whose objectives hang
    under it, id "<parent> · <group>", paced by those objectives' mean progress against their mean
    expected (`objectives`: objective_id, progress, expected; `groups`: team → group). At 200 teams
    the treemap's first view then shows a few hundred group tiles rather than a thousand objectives."""
    is_objective = tree["kind"] == "objective"
    linked = tree[is_objective]
    group = linked["team"].map(groups).fillna("No group")
    pace = objectives.set_index("objective_id").reindex(linked["node_id"])
    frame = pd.DataFrame(
        {
            "node_id": linked["parent_id"] + " · " + group,
            "parent_id": linked["parent_id"],
            "group": group,
            "team": linked["team"],
            "progress": pace["progress"].to_numpy(),
            "expected": pace["expected"].to_numpy(),
        }
    )
    per = (
        frame.groupby(["node_id", "parent_id", "group"], sort=False)
        .agg(
            progress=("progress", "mean"), expected=("expected", "mean"), teams=("team", "nunique"), n=("team", "size")
        )
        .reset_index()
    )
    nodes = pd.DataFrame(
        {
            "node_id": per["node_id"],
            "parent_id": per["parent_id"],
            "label": per["group"],
            "kind": "group",
            "status": _node_status(per["progress"], per["expected"]),
            "team": "",
            "title": per["group"],
            "detail": [
                f"{teams} team{'s' * (teams != 1)} · {n} objective{'s' * (n != 1)}"
                for teams, n in zip(per["teams"], per["n"])
            ],
        }
    )
    regrouped = tree.assign(parent_id=tree["parent_id"].where(~is_objective, frame["node_id"]))
    return pd.concat([regrouped, nodes], ignore_index=True).loc[:, list(TREE_COLUMNS)]


def group_edges(edges: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """`dependency_edges` summed over the teams of each group (`groups`: team → group), links within
    a group left out (EDGE_COLUMNS): kr_count sums the KRs, kr_ids says how many team links and
    conflicts it holds, conflict is set when any of its team links is one."""

    def group_of(team: pd.Series) -> pd.Series:
        return team.map(groups).fillna("No group")

    across = edges.assign(from_team=group_of(edges["from_team"]), to_team=group_of(edges["to_team"]))
    across = across[across["from_team"] != across["to_team"]]
    summed = (
        across.groupby(["from_team", "to_team"], sort=True)
        .agg(links=("conflict", "size"), conflicts=("conflict", "sum"), kr_count=("kr_count", "sum"))
        .reset_index()
    )
    summed["kr_ids"] = [
        f"{links:,} team links, {conflicts:,} conflicts, {krs:,} KRs"
        for links, conflicts, krs in zip(summed["links"], summed["conflicts"], summed["kr_count"])
    ]
    summed["conflict"] = summed["conflicts"] > 0
    return summed.loc[:, list(EDGE_COLUMNS)]


def strong_overlaps(
    overlaps: pd.DataFrame, min_similarity: float = STRONG_OVERLAP, theme_teams: int = THEME_TEAMS
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """What of `likely_overlaps` a large organisation reads: the pairs at least `min_similarity`
    alike whose shared words are held by at most `theme_teams` teams (most similar first); the
    themes, shared words held by more teams than that (a company-wide theme, not two teams doing the
    same work: `shared`, `teams`, `pairs`, most teams first); and how many weaker pairs are left out."""
    strong = overlaps[overlaps["similarity"] >= min_similarity]
    teams_of = pd.concat(
        [
            strong[["shared", "team_a"]].set_axis(["shared", "team"], axis=1),
            strong[["shared", "team_b"]].set_axis(["shared", "team"], axis=1),
        ]
    )
    themes = teams_of.groupby("shared")["team"].nunique().rename("teams").to_frame()
    themes["pairs"] = strong.groupby("shared").size()
    themes = themes[themes["teams"] > theme_teams].reset_index()
    themes = themes.sort_values(["teams", "pairs", "shared"], ascending=[False, False, True], kind="stable")
    pairs = strong[~strong["shared"].isin(set(themes["shared"]))]
    return pairs.reset_index(drop=True), themes.reset_index(drop=True), len(overlaps) - len(strong)
