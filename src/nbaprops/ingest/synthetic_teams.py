"""Static facts of the synthetic league: the 30 franchises, invented arenas, clock helpers.

Team codes, NBA.com team ids and franchise names are public identifiers. Arena names are
invented ("Boston Synthetic Arena"); coordinates are approximate city centres, not arena
locations taken from any staged file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Team:
    """One franchise: codes, names, conference/division, home city and invented arena."""

    tri: str  # NBA.com tricode
    bref: str  # basketball-reference code (BRK/CHO/PHO differ)
    team_id: int  # NBA.com TEAM_ID
    nba_name: str  # NBA.com TEAM_NAME ("LA Clippers")
    full_name: str  # bref / SBR / Odds API name ("Los Angeles Clippers")
    conf: str  # "East" | "West"
    div: int  # 0..5 (three per conference)
    city: str
    state: str  # two-letter code as in the arenas file
    state_full: str  # as in bref arena_location
    country: str
    lat: float
    lon: float
    tz: int  # standard-time hours east of UTC (Eastern -5 ... Pacific -8)
    color: str

    @property
    def arena(self) -> str:
        """Invented arena name (unique per team)."""
        if self.tri == "LAC":
            return "Los Angeles Synthetic Dome"
        return f"{self.city} Synthetic Arena"


# fmt: off
TEAMS: tuple[Team, ...] = (
    Team("ATL", "ATL", 1610612737, "Atlanta Hawks", "Atlanta Hawks", "East", 2, "Atlanta", "GA", "Georgia", "USA", 33.75, -84.39, -5, "red"),  # noqa: E501
    Team("BKN", "BRK", 1610612751, "Brooklyn Nets", "Brooklyn Nets", "East", 0, "Brooklyn", "NY", "New York", "USA", 40.68, -73.97, -5, "black"),  # noqa: E501
    Team("BOS", "BOS", 1610612738, "Boston Celtics", "Boston Celtics", "East", 0, "Boston", "MA", "Massachusetts", "USA", 42.36, -71.06, -5, "green"),  # noqa: E501
    Team("CHA", "CHO", 1610612766, "Charlotte Hornets", "Charlotte Hornets", "East", 2, "Charlotte", "NC", "North Carolina", "USA", 35.23, -80.84, -5, "teal"),  # noqa: E501
    Team("CHI", "CHI", 1610612741, "Chicago Bulls", "Chicago Bulls", "East", 1, "Chicago", "IL", "Illinois", "USA", 41.88, -87.67, -6, "red"),  # noqa: E501
    Team("CLE", "CLE", 1610612739, "Cleveland Cavaliers", "Cleveland Cavaliers", "East", 1, "Cleveland", "OH", "Ohio", "USA", 41.50, -81.69, -5, "wine"),  # noqa: E501
    Team("DAL", "DAL", 1610612742, "Dallas Mavericks", "Dallas Mavericks", "West", 5, "Dallas", "TX", "Texas", "USA", 32.78, -96.80, -6, "blue"),  # noqa: E501
    Team("DEN", "DEN", 1610612743, "Denver Nuggets", "Denver Nuggets", "West", 3, "Denver", "CO", "Colorado", "USA", 39.74, -104.99, -7, "navy"),  # noqa: E501
    Team("DET", "DET", 1610612765, "Detroit Pistons", "Detroit Pistons", "East", 1, "Detroit", "MI", "Michigan", "USA", 42.33, -83.05, -5, "blue"),  # noqa: E501
    Team("GSW", "GSW", 1610612744, "Golden State Warriors", "Golden State Warriors", "West", 4, "San Francisco", "CA", "California", "USA", 37.77, -122.42, -8, "gold"),  # noqa: E501
    Team("HOU", "HOU", 1610612745, "Houston Rockets", "Houston Rockets", "West", 5, "Houston", "TX", "Texas", "USA", 29.76, -95.37, -6, "red"),  # noqa: E501
    Team("IND", "IND", 1610612754, "Indiana Pacers", "Indiana Pacers", "East", 1, "Indianapolis", "IN", "Indiana", "USA", 39.77, -86.16, -5, "gold"),  # noqa: E501
    Team("LAC", "LAC", 1610612746, "LA Clippers", "Los Angeles Clippers", "West", 4, "Los Angeles", "CA", "California", "USA", 34.05, -118.25, -8, "blue"),  # noqa: E501
    Team("LAL", "LAL", 1610612747, "Los Angeles Lakers", "Los Angeles Lakers", "West", 4, "Los Angeles", "CA", "California", "USA", 34.04, -118.27, -8, "purple"),  # noqa: E501
    Team("MEM", "MEM", 1610612763, "Memphis Grizzlies", "Memphis Grizzlies", "West", 5, "Memphis", "TN", "Tennessee", "USA", 35.15, -90.05, -6, "navy"),  # noqa: E501
    Team("MIA", "MIA", 1610612748, "Miami Heat", "Miami Heat", "East", 2, "Miami", "FL", "Florida", "USA", 25.77, -80.19, -5, "darkred"),  # noqa: E501
    Team("MIL", "MIL", 1610612749, "Milwaukee Bucks", "Milwaukee Bucks", "East", 1, "Milwaukee", "WI", "Wisconsin", "USA", 43.04, -87.91, -6, "green"),  # noqa: E501
    Team("MIN", "MIN", 1610612750, "Minnesota Timberwolves", "Minnesota Timberwolves", "West", 3, "Minneapolis", "MN", "Minnesota", "USA", 44.98, -93.27, -6, "blue"),  # noqa: E501
    Team("NOP", "NOP", 1610612740, "New Orleans Pelicans", "New Orleans Pelicans", "West", 5, "New Orleans", "LA", "Louisiana", "USA", 29.95, -90.07, -6, "navy"),  # noqa: E501
    Team("NYK", "NYK", 1610612752, "New York Knicks", "New York Knicks", "East", 0, "New York", "NY", "New York", "USA", 40.75, -73.99, -5, "orange"),  # noqa: E501
    Team("OKC", "OKC", 1610612760, "Oklahoma City Thunder", "Oklahoma City Thunder", "West", 3, "Oklahoma City", "OK", "Oklahoma", "USA", 35.47, -97.52, -6, "blue"),  # noqa: E501
    Team("ORL", "ORL", 1610612753, "Orlando Magic", "Orlando Magic", "East", 2, "Orlando", "FL", "Florida", "USA", 28.54, -81.38, -5, "blue"),  # noqa: E501
    Team("PHI", "PHI", 1610612755, "Philadelphia 76ers", "Philadelphia 76ers", "East", 0, "Philadelphia", "PA", "Pennsylvania", "USA", 39.95, -75.17, -5, "blue"),  # noqa: E501
    Team("PHX", "PHO", 1610612756, "Phoenix Suns", "Phoenix Suns", "West", 4, "Phoenix", "AZ", "Arizona", "USA", 33.45, -112.07, -7, "orange"),  # noqa: E501
    Team("POR", "POR", 1610612757, "Portland Trail Blazers", "Portland Trail Blazers", "West", 3, "Portland", "OR", "Oregon", "USA", 45.52, -122.68, -8, "red"),  # noqa: E501
    Team("SAC", "SAC", 1610612758, "Sacramento Kings", "Sacramento Kings", "West", 4, "Sacramento", "CA", "California", "USA", 38.58, -121.49, -8, "purple"),  # noqa: E501
    Team("SAS", "SAS", 1610612759, "San Antonio Spurs", "San Antonio Spurs", "West", 5, "San Antonio", "TX", "Texas", "USA", 29.42, -98.49, -6, "silver"),  # noqa: E501
    Team("TOR", "TOR", 1610612761, "Toronto Raptors", "Toronto Raptors", "East", 0, "Toronto", "ON", "Ontario", "CAN", 43.65, -79.38, -5, "red"),  # noqa: E501
    Team("UTA", "UTA", 1610612762, "Utah Jazz", "Utah Jazz", "West", 3, "Salt Lake City", "UT", "Utah", "USA", 40.76, -111.89, -7, "navy"),  # noqa: E501
    Team("WAS", "WAS", 1610612764, "Washington Wizards", "Washington Wizards", "East", 2, "Washington", "DC", "District of Columbia", "USA", 38.90, -77.04, -5, "red"),  # noqa: E501
)
# fmt: on

N_TEAMS = len(TEAMS)

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def season_label(start_year: int) -> str:
    """`2024` -> `"2024-25"`."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th (1-based; n = -1 for the last) given weekday of a month."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def et_utc_offset_hours(day: dt.date) -> int:
    """US Eastern offset from UTC on a date at evening tip-off time (-4 in DST, else -5)."""
    if day.year >= 2007:
        start = _nth_weekday(day.year, 3, 6, 2)
        end = _nth_weekday(day.year, 11, 6, 1)
    else:
        start = _nth_weekday(day.year, 4, 6, 1)
        end = _nth_weekday(day.year, 10, 6, -1)
    return -4 if start <= day < end else -5


def bref_clock(minutes_after_midnight: int) -> tuple[str, str]:
    """ET clock for bref: (`"7:30p"` schedule style, `"7:30 PM"` box-score page style)."""
    hour, minute = divmod(minutes_after_midnight, 60)
    suffix = "p" if hour >= 12 else "a"
    h12 = hour % 12 or 12
    return f"{h12}:{minute:02d}{suffix}", f"{h12}:{minute:02d} {suffix.upper()}M"
