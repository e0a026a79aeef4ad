"""Invented players of the synthetic league: names, ids, careers, rosters, trades, injuries.

Every name is generated from syllables (some with diacritics, initials or a Jr./III suffix, to
exercise `player_lookup` normalisation). A player keeps one NBA.com-style `PLAYER_ID` and one
bref-style slug (`<last5><first2>NN`) for his whole career. Skill is persistent (a permanent
talent plus an age curve and a slow random drift), so rolling averages are predictive.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from nbaprops.ingest.synthetic_teams import N_TEAMS

ROSTER_SLOTS = 18  # width of a roster row (15-17 players, -1 padding)
ACTIVE_MAX = 13  # healthy players beyond the 13th are listed inactive

FIRST = (
    "Aaron", "Adrian", "Alec", "Andre", "Ben", "Brandon", "Caleb", "Cam", "Chris", "Cole",
    "Corey", "Damon", "Darius", "Derek", "Dylan", "Eli", "Eric", "Evan", "Felix", "Gabe",
    "Grant", "Isaac", "Jalen", "Jamal", "Jared", "Jaylen", "Jordan", "Julian", "Kai", "Keith",
    "Kendall", "Kevin", "Lamar", "Landon", "Leon", "Malik", "Marcus", "Mason", "Micah", "Miles",
    "Nate", "Noah", "Omar", "Owen", "Quentin", "Reggie", "Rex", "Ricky", "Ronan", "Sam",
    "Seth", "Terrell", "Theo", "Trey", "Tyler", "Victor", "Wade", "Xavier", "Zach", "Zion",
    "José", "Andrés", "Jérôme", "Tomáš", "Dāvis", "Ömer", "Luka", "Nikola", "Goran", "Mateo",
    "A.J.", "D.J.", "T.J.", "P.J.", "C.J.",
)  # fmt: skip
ONSET = (
    "Al", "Bar", "Bel", "Bran", "Cal", "Cor", "Dal", "Dar", "Del", "Dun", "El", "Fal", "Fen",
    "Gar", "Gil", "Hal", "Har", "Hol", "Jar", "Kel", "Kir", "Lan", "Lor", "Mal", "Mar", "Mer",
    "Nor", "Ol", "Pen", "Quar", "Ral", "Ren", "Sal", "Sel", "Tal", "Tor", "Ul", "Val", "Vor",
    "Wal", "Wes", "Yar", "Zan", "Brim", "Crest", "Thorn", "Ash", "Pell", "Rook", "Stam",
)  # fmt: skip
CODA = (
    "ford", "ley", "ton", "wick", "ridge", "man", "son", "ett", "by", "ner", "ard", "ick",
    "ello", "ini", "ano", "ez", "ow", "ey", "ing", "well", "brook", "more", "stead", "field",
    "worth", "den", "ers", "quist", "holt", "vale",
)  # fmt: skip
CODA_DIACRITIC = ("ović", "ić", "ček", "ürk", "ñez", "ás", "ıç", "şen", "ēns", "än")
SUFFIXES = ((" Jr.", 0.05), (" III", 0.015), (" II", 0.015), (" Sr.", 0.005))
ARCHETYPES = 3  # 0 guard, 1 wing, 2 big


def ascii_letters(text: str) -> str:
    """Lower-case ASCII letters of a name (diacritics stripped), as bref slugs use."""
    text = unicodedata.normalize("NFKD", text.replace("ı", "i"))
    return "".join(ch for ch in text.lower() if "a" <= ch <= "z")


def book_spelling(name: str, drop_suffix: bool) -> str:
    """How a sportsbook prints a name: no diacritics, sometimes without the suffix."""
    text = unicodedata.normalize("NFKD", name.replace("ı", "i"))
    plain = "".join(ch for ch in text if not unicodedata.combining(ch))
    if drop_suffix:
        for suffix, _ in SUFFIXES:
            if plain.endswith(suffix):
                return plain[: -len(suffix)]
    return plain


@dataclass
class SeasonRoster:
    """Who plays where in one season: depth-ordered rosters before/after the trade deadline,
    injury spells, and the per-player skill arrays the box-score simulator reads."""

    season: int
    seg_roster: np.ndarray  # int32 (N_TEAMS, 2, ROSTER_SLOTS): player index or -1
    deadline: int  # ordinal day; games on/after it use segment 1
    inj_start: np.ndarray  # int64 (P, 3) ordinal days (inactive while start <= d < end)
    inj_end: np.ndarray
    q: np.ndarray  # float (P,) current quality
    archetype: np.ndarray  # int (P,)
    traits: np.ndarray  # float (P, N_TRAITS) persistent per-player offsets


N_TRAITS = 8  # usage, three-rate, finishing, shooting, ft-rate, ft%, rebounding, playmaking


class PlayerPool:
    """All players ever created, with their persistent identity and career state."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.names: list[str] = []
        self.slugs: list[str] = []
        self.ids: list[int] = []
        self.age: list[int] = []
        self.talent: list[float] = []
        self.drift: list[float] = []
        self.archetype: list[int] = []
        self.traits: list[np.ndarray] = []
        self.team: list[int] = []  # current team or -1 (retired / free agent)
        self._lookups: set[str] = set()
        self._slug_count: dict[str, int] = {}
        self._next_id = 1626100

    def _name(self) -> str:
        rng = self.rng
        while True:
            first = FIRST[int(rng.integers(len(FIRST)))]
            coda = (
                CODA_DIACRITIC[int(rng.integers(len(CODA_DIACRITIC)))]
                if rng.random() < 0.08
                else CODA[int(rng.integers(len(CODA)))]
            )
            last = ONSET[int(rng.integers(len(ONSET)))] + coda
            if rng.random() < 0.06:  # double-barrelled surname
                last += "-" + ONSET[int(rng.integers(len(ONSET)))] + CODA[int(rng.integers(len(CODA)))]
            name = f"{first} {last}"
            draw = rng.random()
            acc = 0.0
            for suffix, prob in SUFFIXES:
                acc += prob
                if draw < acc:
                    name += suffix
                    break
            key = ascii_letters(f"{first}{last}")
            if key not in self._lookups:
                self._lookups.add(key)
                return name

    def _slug(self, name: str) -> str:
        parts = name.split(" ")
        if parts[-1] in {"Jr.", "Sr.", "II", "III"}:
            parts = parts[:-1]
        stem = ascii_letters(" ".join(parts[1:]))[:5] + ascii_letters(parts[0])[:2]
        count = self._slug_count.get(stem, 0) + 1
        self._slug_count[stem] = count
        return f"{stem}{count:02d}"

    def add(self, age: int, talent: float, team: int, player_id: int | None = None) -> int:
        """Create a player and return his index."""
        rng = self.rng
        name = self._name()
        self.names.append(name)
        self.slugs.append(self._slug(name))
        if player_id is None:
            self._next_id += int(rng.integers(1, 40))
            player_id = self._next_id
        self.ids.append(player_id)
        self.age.append(age)
        self.talent.append(talent)
        self.drift.append(0.0)
        self.archetype.append(int(rng.choice(ARCHETYPES, p=[0.4, 0.35, 0.25])))
        self.traits.append(rng.normal(0.0, 1.0, N_TRAITS))
        self.team.append(team)
        return len(self.names) - 1

    def quality(self) -> np.ndarray:
        """Current quality: talent + age curve (peak at 28) + drift."""
        age = np.asarray(self.age, dtype=float)
        return np.asarray(self.talent) + np.asarray(self.drift) - 0.025 * (age - 28.0) ** 2

    def populate(self) -> None:
        """The league's first season: 16 players per team, older players get older ids."""
        rng = self.rng
        ages = np.sort(rng.integers(20, 36, N_TEAMS * 16))[::-1]
        old_ids = np.sort(rng.choice(np.arange(200000, 205000), N_TEAMS * 16, replace=False))
        teams = rng.permutation(np.repeat(np.arange(N_TEAMS), 16))
        for age, pid, team in zip(ages.tolist(), old_ids.tolist(), teams.tolist(), strict=True):
            self.add(age, float(rng.normal(0.3, 0.9)), team, pid)

    def offseason(self) -> None:
        """Age everyone, retire some, move ~20% in free agency, fill rosters with rookies."""
        rng = self.rng
        for i in range(len(self.names)):
            if self.team[i] < 0:
                continue
            self.age[i] += 1
            self.drift[i] += float(rng.normal(0.0, 0.2))
        q = self.quality()
        for i in range(len(self.names)):
            if self.team[i] < 0:
                continue
            age = self.age[i]
            p_retire = 0.8 if age >= 37 else 0.35 if age >= 34 else 0.0
            if q[i] < -1.9 and age > 25:
                p_retire = max(p_retire, 0.5)
            if rng.random() < p_retire:
                self.team[i] = -1
            elif rng.random() < 0.2:
                self.team[i] = int(rng.integers(N_TEAMS))
        self.fill_rosters()

    def fill_rosters(self) -> None:
        """Trim rosters above 17 (lowest quality leaves) and fill to 15-17 with rookies."""
        rng = self.rng
        q = self.quality()
        for team in range(N_TEAMS):
            members = [i for i, t in enumerate(self.team) if t == team]
            target = int(rng.choice([15, 16, 16, 17]))
            members.sort(key=lambda i: -q[i])
            for i in members[target:]:
                self.team[i] = -1
            for _ in range(target - len(members)):
                self.add(int(rng.integers(19, 23)), float(rng.normal(0.35, 0.85)), team)

    def season_roster(self, season: int, first_day: int, last_day: int) -> SeasonRoster:
        """Depth charts (pre/post deadline) with 4-8 mid-season trades, and injury spells."""
        rng = self.rng
        n = len(self.names)
        q = self.quality()
        seg = np.full((N_TEAMS, 2, ROSTER_SLOTS), -1, dtype=np.int32)
        depth: list[list[int]] = []
        for team in range(N_TEAMS):
            members = [i for i, t in enumerate(self.team) if t == team]
            noisy = q[members] + rng.normal(0.0, 0.15, len(members))
            depth.append([members[j] for j in np.argsort(-noisy, kind="stable")])
        after = [list(d) for d in depth]
        traded: set[int] = set()
        for _ in range(int(rng.integers(4, 9))):
            a, b = (int(x) for x in rng.choice(N_TEAMS, 2, replace=False))
            ia, ib = int(rng.integers(2, 11)), int(rng.integers(2, 11))
            if ia >= len(after[a]) or ib >= len(after[b]):
                continue
            pa, pb = after[a][ia], after[b][ib]
            if pa in traded or pb in traded:
                continue
            traded.update((pa, pb))
            after[a][ia], after[b][ib] = pb, pa
            self.team[pa], self.team[pb] = b, a
        for team in range(N_TEAMS):
            seg[team, 0, : len(depth[team])] = depth[team]
            seg[team, 1, : len(after[team])] = after[team]
        deadline = first_day + int(0.6 * (last_day - first_day))
        inj_start = np.full((n, 3), 0, dtype=np.int64)
        inj_end = np.full((n, 3), 0, dtype=np.int64)
        spells = np.minimum(rng.poisson(0.75, n), 3)
        span = max(last_day - first_day, 1)
        for j in range(3):
            has = spells > j
            start = first_day + rng.integers(0, span, n)
            long_spell = rng.random(n) < 0.22
            length = np.where(long_spell, rng.integers(18, 60, n), rng.geometric(1 / 6.0, n) + 1)
            inj_start[:, j] = np.where(has, start, 0)
            inj_end[:, j] = np.where(has, start + length, 0)
        return SeasonRoster(
            season=season,
            seg_roster=seg,
            deadline=deadline,
            inj_start=inj_start,
            inj_end=inj_end,
            q=q,
            archetype=np.asarray(self.archetype, dtype=np.int64),
            traits=np.vstack(self.traits),
        )
