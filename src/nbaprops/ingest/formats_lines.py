"""Betting-line formats (SPEC §3.1, §3.5, §3.6): The Odds API player props and SBR game odds.

Times are UTC in the files; `*_et` columns are America/New_York. A prop snapshot is pre-tip iff its
timestamp is before `game_time`; later snapshots stay in raw with `is_pre_tip = false` and are never used.
"""

from __future__ import annotations

from nbaprops.ingest.spec import Check, Col, FileFormat


def utc_to_et(expr: str) -> str:
    """SQL: a naive UTC timestamp → the naive America/New_York wall-clock timestamp."""
    return f"timezone('America/New_York', timezone('UTC', {expr}))"


def team_name_lookup(expr: str) -> str:
    return f"(select n.team_abbr from meta.team_names n where n.name = {expr})"


FIXTURE_UTC = "try_strptime(date_text, '%d/%m/%Y %H:%M')"
AWAY_NAME = "trim(split_part(game, ' @ ', 1))"
HOME_NAME = "trim(split_part(game, ' @ ', 2))"
PROP_DERIVED = (
    ("away_team_name", AWAY_NAME),
    ("home_team_name", HOME_NAME),
    ("away_team_abbr", team_name_lookup(AWAY_NAME)),
    ("home_team_abbr", team_name_lookup(HOME_NAME)),
    ("tip_time_et", utc_to_et("game_time")),
    ("game_date", f"cast({utc_to_et('game_time')} as date)"),
)
PROP_CHECKS = (
    Check("unknown_team", "away_team_abbr is null or home_team_abbr is null", "'unknown game ' || game"),
    Check("bad_date", "snapshot_ts is null", "'no snapshot time'"),
)

ODDSAPI_POINTS = FileFormat(
    name="oddsapi_player_points_props",
    table="raw.oddsapi_player_points_props",
    patterns=("oddsapi_props_player_points_*.csv*",),
    columns=(
        Col("source_file", "source_file", required=True),
        Col("event_id", "event_id"),
        Col("player", "player", required=True),
        Col("market", "market"),
        Col("line", "line", "float", required=True),
        Col("bookmaker", "bookmaker", required=True),
        Col("game", "game", required=True),
        Col("game_time", "game_time", "ts_utc", required=True),
        Col("over_odds", "over_odds", "int"),
        Col("under_odds", "under_odds", "int"),
    ),
    derived=(
        *PROP_DERIVED,
        # Pull time from the file name `raw_YYYYMMDD_HHMMSS`, read as UTC (an assumption, recorded).
        (
            "snapshot_ts",
            "try_strptime(regexp_extract(source_file, '([0-9]{8}_[0-9]{6})', 1), '%Y%m%d_%H%M%S')",
        ),
        ("snapshot_tz_assumed", "'UTC'"),
        ("is_pre_tip", "snapshot_ts < game_time"),
    ),
    checks=PROP_CHECKS,
    key=("source_file", "event_id", "bookmaker", "player", "line"),
)

ODDSAPI_THREES = FileFormat(
    name="oddsapi_player_threes_props",
    table="raw.oddsapi_player_threes_props",
    patterns=("oddsapi_props_player_threes_*.csv*",),
    columns=(
        Col("source_file", "source_file", required=True),
        Col("player", "player", required=True),
        Col("game", "game", required=True),
        Col("game_time", "game_time", "ts_utc", required=True),
        Col("market", "market"),
        Col("line", "line", "float", required=True),
        Col("bookmaker", "bookmaker", required=True),
        Col("over_odds", "over_odds", "int"),
        Col("under_odds", "under_odds", "int"),
        Col("bookmaker_last_update", "bookmaker_last_update", "ts_utc"),
        Col("market_last_update", "market_last_update", "ts_utc"),
    ),
    derived=(
        *PROP_DERIVED,
        (
            "snapshot_ts",
            "coalesce(market_last_update, bookmaker_last_update, "
            "try_strptime(regexp_extract(source_file, '([0-9]{4}-[0-9]{2}-[0-9]{2})', 1), '%Y-%m-%d')"
            " + interval 20 hour)",
        ),
        (
            "snapshot_source",
            "case when market_last_update is not null then 'market_last_update' "
            "when bookmaker_last_update is not null then 'bookmaker_last_update' "
            "else 'nominal_2000_utc' end",
        ),
        ("is_pre_tip", "snapshot_ts < game_time"),
    ),
    checks=PROP_CHECKS,
    key=("source_file", "game", "bookmaker", "player", "line"),
)

SBR_GAME_ODDS = FileFormat(
    name="sbr_game_odds",
    table="raw.sbr_game_odds",
    patterns=("sbr_game_odds_*.csv*",),
    columns=(
        Col("source_table", "source_table", required=True),
        Col("date_text", "Date", required=True),
        Col("home", "Home", required=True),
        Col("away", "Away", required=True),
        Col("ou", "OU", "line"),
        Col("spread", "Spread", "line"),
        Col("ml_home", "ML_Home", "line"),
        Col("ml_away", "ML_Away", "line"),
        Col("points", "Points", "int"),
        Col("win_margin", "Win_Margin", "int"),
        Col("days_rest_home", "Days_Rest_Home", "float"),
        Col("days_rest_away", "Days_Rest_Away", "float"),
    ),
    derived=(
        ("season_year", "try_cast(regexp_extract(source_table, 'odds_([0-9]{4})', 1) as integer)"),
        ("home_team_abbr", team_name_lookup("home")),
        ("away_team_abbr", team_name_lookup("away")),
        (
            "date_format",
            "case when regexp_full_match(date_text, '[0-9]{4}-[0-9]{2}-[0-9]{4}') then 'season_mmdd' "
            "when regexp_full_match(date_text, '[0-9]{4}-[0-9]{2}-[0-9]{2}') then 'iso' end",
        ),
    ),
    checks=(Check("bad_date", "date_format is null", "'bad Date ' || date_text"),),
    team_names=("home", "away"),
    key=("source_table", "date_text", "home", "away"),
)

FIXTURES = FileFormat(
    name="fixturedownload_schedule",
    table="raw.fixturedownload_schedule",
    patterns=("fixturedownload_schedule_*.csv*",),
    columns=(
        Col("source_file", "source_file", required=True),
        Col("source_blob", "source_blob"),
        Col("match_number", "Match Number", "int", required=True),
        Col("round_number", "Round Number", "int"),
        Col("date_text", "Date", required=True),
        Col("location", "Location"),
        Col("home_team", "Home Team", required=True),
        Col("away_team", "Away Team", required=True),
        Col("result", "Result"),
    ),
    derived=(
        ("season_year", "try_cast(regexp_extract(source_file, 'nba-([0-9]{4})', 1) as integer)"),
        ("tip_time_utc", FIXTURE_UTC),
        ("tip_time_et", utc_to_et(FIXTURE_UTC)),
        ("game_date", f"cast({utc_to_et(FIXTURE_UTC)} as date)"),
        ("home_team_abbr", team_name_lookup("home_team")),
        ("away_team_abbr", team_name_lookup("away_team")),
        ("home_points", "try_cast(trim(split_part(result, '-', 1)) as integer)"),
        ("away_points", "try_cast(trim(split_part(result, '-', 2)) as integer)"),
    ),
    checks=(Check("bad_date", "tip_time_utc is null", "'bad Date ' || date_text"),),
    team_names=("home_team", "away_team"),
    key=("source_file", "match_number"),
)

FORMATS = (ODDSAPI_POINTS, ODDSAPI_THREES, SBR_GAME_ODDS, FIXTURES)
