"""NBA.com stats responses (nba_api's JSON) → rows in the staged NBA.com file formats.

Each response's result set (`headers` + `rowSet`) is read by column name and rewritten with the
staged header and cell formats (`formats_nbacom.py`), so the live source loads through the same
file ingest as the staged files:

* LeagueGameLog, players → `nbacom_player_game_logs_*` (integer `MIN` and `PLUS_MINUS`,
  percentages `0.333` / `1.0` / blank, `SEASON_LABEL`).
* LeagueGameLog, teams → `nbacom_team_game_logs_*` (`source_file` `nba_games_2024_25.csv`,
  `PLUS_MINUS` `8.0`, `SEASON`) and `nbacom_schedule_gameids_*` (one row per team per game,
  `source_file` `2024-25_regular_season.csv` by the `SEASON_ID` phase digit).
* ShotChartDetail → `nbacom_shots_*`: `GAME_DATE` `YYYYMMDD` → `MM-DD-YYYY`; `SHOT_ZONE_AREA`
  `Left Side(L)` → `ZONE_NAME` + `ZONE_ABB`; `LOC_X`/`LOC_Y` tenths of feet from the hoop → feet
  with the staged file's frame: x negated (the staged files put the left side at positive x and
  print the centre line as `-0`), y + 5.25 (measured from the baseline).

A cell that cannot be formatted is written as it came, so the loader quarantines the row with its
reason instead of it being dropped here (rows read = loaded + quarantined still holds).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from nbaprops.errors import NbapropsError

STATS = "PTS,FGM,FGA,FG_PCT,FG3M,FG3A,FG3_PCT,FTM,FTA,FT_PCT,OREB,DREB,REB,AST,STL,BLK,TOV,PF,PLUS_MINUS"
PLAYER_LOGS_HEADER = (
    "SEASON_ID,PLAYER_ID,PLAYER_NAME,TEAM_ID,TEAM_ABBREVIATION,TEAM_NAME,GAME_ID,GAME_DATE,"
    f"MATCHUP,WL,MIN,{STATS},SEASON_LABEL"
).split(",")
TEAM_LOGS_HEADER = (
    "source_file,SEASON_ID,TEAM_ID,TEAM_ABBREVIATION,TEAM_NAME,GAME_ID,GAME_DATE,MATCHUP,WL,"
    f"MIN,{STATS},SEASON"
).split(",")
SCHEDULE_IDS_HEADER = [
    "source_file", "SEASON_ID", "TEAM_ABBREVIATION", "TEAM_NAME", "GAME_ID", "GAME_DATE", "MATCHUP", "WL",
]  # fmt: skip
SHOTS_HEADER = [
    "SEASON_1", "SEASON_2", "TEAM_ID", "TEAM_NAME", "PLAYER_ID", "PLAYER_NAME", "GAME_DATE", "GAME_ID",
    "HOME_TEAM", "AWAY_TEAM", "EVENT_TYPE", "SHOT_MADE", "ACTION_TYPE", "SHOT_TYPE", "BASIC_ZONE",
    "ZONE_NAME", "ZONE_ABB", "ZONE_RANGE", "LOC_X", "LOC_Y", "SHOT_DISTANCE", "QUARTER", "MINS_LEFT",
    "SECS_LEFT",
]  # fmt: skip
#: Schedule `source_file` suffix by the SEASON_ID phase digit (as the staged schedule names them).
PHASE_FILE = {"1": "pre_season", "2": "regular_season", "3": "all_star", "4": "playoffs", "5": "playin",
              "6": "cup_final"}  # fmt: skip

COUNTS = ("PTS", "FGM", "FGA", "FG3M", "FG3A", "FTM", "FTA", "OREB", "DREB", "REB", "AST", "STL", "BLK",
          "TOV", "PF")  # fmt: skip
PCTS = ("FG_PCT", "FG3_PCT", "FT_PCT")
LOG_SOURCE = ("SEASON_ID", "TEAM_ID", "TEAM_ABBREVIATION", "TEAM_NAME", "GAME_ID", "GAME_DATE", "MATCHUP",
              "WL", "MIN", *COUNTS, *PCTS, "PLUS_MINUS")  # fmt: skip
SHOT_SOURCE = ("GAME_ID", "PLAYER_ID", "PLAYER_NAME", "TEAM_ID", "TEAM_NAME", "PERIOD", "MINUTES_REMAINING",
               "SECONDS_REMAINING", "EVENT_TYPE", "ACTION_TYPE", "SHOT_TYPE", "SHOT_ZONE_BASIC",
               "SHOT_ZONE_AREA", "SHOT_ZONE_RANGE", "SHOT_DISTANCE", "LOC_X", "LOC_Y", "SHOT_MADE_FLAG",
               "GAME_DATE", "HTM", "VTM")  # fmt: skip

Row = dict[str, str]


def result_rows(response: dict[str, Any], name: str, needed: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows of the result set `name` (else the first one) as {header: value}."""
    sets = response.get("resultSets", response.get("resultSet"))
    if isinstance(sets, dict):
        sets = [sets]
    if not sets:
        raise NbapropsError(f"live response has no result sets (expected {name})")
    chosen = next((s for s in sets if s.get("name") == name), sets[0])
    if not chosen.get("rowSet"):
        return []
    headers = [str(h) for h in chosen["headers"]]
    missing = [h for h in needed if h not in headers]
    if missing:
        raise NbapropsError(f"live {chosen.get('name', name)} response lacks columns {missing}")
    return [dict(zip(headers, row, strict=True)) for row in chosen["rowSet"]]


# -- cells ---------------------------------------------------------------------------------------------
def text(v: Any) -> str:
    return "" if v is None else str(v)


def integer(v: Any) -> str:
    """`27`, `-3`; a non-number is written as it came (the loader quarantines it)."""
    if v is None or v == "":
        return ""
    if isinstance(v, str) and re.fullmatch(r"\d+:[0-5]\d", v):  # minutes as mm:ss
        mins, secs = v.split(":")
        v = int(mins) + Decimal(secs) / 60
    try:
        return str(Decimal(str(v)).quantize(Decimal(1), ROUND_HALF_UP) + 0)  # half up; no "-0"
    except (InvalidOperation, TypeError, ValueError):
        return str(v)


def one_decimal(v: Any) -> str:
    """Team `PLUS_MINUS`: `8.0`, `-12.0`."""
    try:
        return "" if v is None or v == "" else f"{float(v):.1f}"
    except (TypeError, ValueError):
        return str(v)


def pct(v: Any) -> str:
    """NBA.com percentages as the staged files print them: `0.333`, `1.0`, blank when no attempt."""
    try:
        return "" if v is None or v == "" else repr(round(float(v), 3))
    except (TypeError, ValueError):
        return str(v)


def game_id(v: Any) -> str:
    """Ten characters (`0022400061`); the API sends a string, older dumps an integer."""
    s = text(v).strip()
    return s.zfill(10) if s.isdigit() and len(s) <= 10 else s


DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y%m%d", "%b %d, %Y")


def parse_date(v: Any) -> dt.date | None:
    s = text(v).strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(s.title() if "," in s else s, fmt).date()
        except ValueError:
            continue
    return None


def date_as(v: Any, fmt: str) -> str:
    day = parse_date(v)
    return day.strftime(fmt) if day else text(v)


def feet(tenths: Any, offset: str, negate: bool) -> str:
    """Tenths of feet → feet: x as `16.8` / `-1` / `-0`, y as `25.75` (offset 5.25)."""
    try:
        value = Decimal(str(tenths)) / 10 * (-1 if negate else 1) + Decimal(offset)
    except (InvalidOperation, TypeError):
        return text(tenths)
    if value == value.to_integral_value():
        sign = "-" if value.is_signed() or (negate and value == 0) else ""
        return f"{sign}{abs(int(value))}"
    return format(value.normalize(), "f")


def zone_area(v: Any) -> tuple[str, str]:
    """`Left Side Center(LC)` → (`Left Side Center`, `LC`)."""
    s = text(v)
    m = re.fullmatch(r"(.*?)\s*\(([A-Z]+)\)", s)
    return (m.group(1), m.group(2)) if m else (s, "")


def made_flag(v: Any) -> str:
    """`SHOT_MADE_FLAG` 1/0 → `TRUE`/`FALSE`."""
    return {"1": "TRUE", "0": "FALSE"}.get(integer(v), text(v))


def season_years(season: str) -> tuple[int, str]:
    """`2024-25` → (2025, `2024-25`)."""
    return int(season[:4]) + 1, season


# -- tables --------------------------------------------------------------------------------------------
def _log_common(r: dict[str, Any]) -> Row:
    row = {k: text(r[k]) for k in ("SEASON_ID", "TEAM_ABBREVIATION", "TEAM_NAME", "MATCHUP", "WL")}
    row.update(
        TEAM_ID=integer(r["TEAM_ID"]),
        GAME_ID=game_id(r["GAME_ID"]),
        GAME_DATE=date_as(r["GAME_DATE"], "%Y-%m-%d"),
        MIN=integer(r["MIN"]),
    )
    row.update({k: integer(r[k]) for k in COUNTS})
    row.update({k: pct(r[k]) for k in PCTS})
    return row


def player_logs(response: dict[str, Any], season: str) -> list[Row]:
    """LeagueGameLog (player mode) → `nbacom_player_game_logs` rows."""
    out = []
    for r in result_rows(response, "LeagueGameLog", (*LOG_SOURCE, "PLAYER_ID", "PLAYER_NAME")):
        row = _log_common(r)
        row.update(
            PLAYER_ID=integer(r["PLAYER_ID"]),
            PLAYER_NAME=text(r["PLAYER_NAME"]),
            PLUS_MINUS=integer(r["PLUS_MINUS"]),
            SEASON_LABEL=season,
        )
        out.append(row)
    return out


def team_logs(response: dict[str, Any], season: str) -> tuple[list[Row], list[Row]]:
    """LeagueGameLog (team mode) → (`nbacom_team_game_logs` rows, `nbacom_schedule_gameids` rows)."""
    logs, schedule = [], []
    source = f"nba_games_{season[:4]}_{season[5:]}.csv"
    for r in result_rows(response, "LeagueGameLog", LOG_SOURCE):
        row = _log_common(r)
        row.update(source_file=source, PLUS_MINUS=one_decimal(r["PLUS_MINUS"]), SEASON=season)
        logs.append(row)
        phase = PHASE_FILE.get(row["SEASON_ID"][:1], "other")
        schedule.append(
            {**{k: row[k] for k in SCHEDULE_IDS_HEADER[1:]}, "source_file": f"{season}_{phase}.csv"}
        )
    return logs, schedule


def shots(response: dict[str, Any], season: str) -> list[Row]:
    """ShotChartDetail (`Shot_Chart_Detail`) → `nbacom_shots` rows."""
    end_year, label = season_years(season)
    out = []
    for r in result_rows(response, "Shot_Chart_Detail", SHOT_SOURCE):
        name, abb = zone_area(r["SHOT_ZONE_AREA"])
        out.append(
            {
                "SEASON_1": str(end_year),
                "SEASON_2": label,
                "TEAM_ID": integer(r["TEAM_ID"]),
                "TEAM_NAME": text(r["TEAM_NAME"]),
                "PLAYER_ID": integer(r["PLAYER_ID"]),
                "PLAYER_NAME": text(r["PLAYER_NAME"]),
                "GAME_DATE": date_as(r["GAME_DATE"], "%m-%d-%Y"),
                "GAME_ID": game_id(r["GAME_ID"]),
                "HOME_TEAM": text(r["HTM"]),
                "AWAY_TEAM": text(r["VTM"]),
                "EVENT_TYPE": text(r["EVENT_TYPE"]),
                "SHOT_MADE": made_flag(r["SHOT_MADE_FLAG"]),
                "ACTION_TYPE": text(r["ACTION_TYPE"]),
                "SHOT_TYPE": text(r["SHOT_TYPE"]),
                "BASIC_ZONE": text(r["SHOT_ZONE_BASIC"]),
                "ZONE_NAME": name,
                "ZONE_ABB": abb,
                "ZONE_RANGE": text(r["SHOT_ZONE_RANGE"]),
                "LOC_X": feet(r["LOC_X"], "0", negate=True),
                "LOC_Y": feet(r["LOC_Y"], "5.25", negate=False),
                "SHOT_DISTANCE": integer(r["SHOT_DISTANCE"]),
                "QUARTER": integer(r["PERIOD"]),
                "MINS_LEFT": integer(r["MINUTES_REMAINING"]),
                "SECS_LEFT": integer(r["SECONDS_REMAINING"]),
            }
        )
    return out
