"""NBA.com formats (SPEC §3.1): league player logs, partial player logs, team logs, game-id schedule, shots.

`GAME_ID` is kept as a 10-character string (shots publish it without leading zeros: padded here).
`season_phase` comes from the `SEASON_ID` digit: 1 preseason, 2 regular, 3 All-Star, 4 playoffs,
5 play-in, 6 Cup final.
"""

from __future__ import annotations

from nbaprops.ingest.spec import Check, Col, FileFormat, box_checks

NBACOM_STATS = [
    "PTS",
    "FGM",
    "FGA",
    "FG3M",
    "FG3A",
    "FTM",
    "FTA",
    "OREB",
    "DREB",
    "REB",
    "AST",
    "STL",
    "BLK",
    "TOV",
    "PF",
]
PHASE_FROM_SEASON_ID = (
    "case substr(season_id, 1, 1) when '1' then 'preseason' when '2' then 'regular' "
    "when '3' then 'all_star' when '4' then 'playoffs' when '5' then 'play_in' "
    "when '6' then 'cup_final' end"
)
SEASON_YEAR = "try_cast(substr(season_id, 2, 4) as integer)"
HOME_FROM_MATCHUP = "case when matchup like '% vs. %' then true when matchup like '% @ %' then false end"
OPPONENT_FROM_MATCHUP = "trim(regexp_extract(matchup, '(vs\\.|@) (.*)$', 2))"


def stats() -> tuple[Col, ...]:
    cols = [Col(s.lower(), s, "int") for s in NBACOM_STATS]
    cols += [Col(s.lower(), s, "float") for s in ("FG_PCT", "FG3_PCT", "FT_PCT", "PLUS_MINUS")]
    return tuple(cols)


NBACOM_BOX_CHECKS = (
    *box_checks("fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "pts"),
    Check("impossible_value", "min < 0", "'negative minutes ' || min"),
    Check("impossible_value", "reb <> oreb + dreb", "'reb <> oreb + dreb'"),
)
SEASON_CHECK = Check("unparseable_number", "season_year is null", "'bad SEASON_ID ' || season_id")

NBACOM_PLAYER_LOGS = FileFormat(
    name="nbacom_player_game_logs",
    table="raw.nbacom_player_game_logs",
    patterns=("nbacom_player_game_logs_*.csv*",),
    exclude=("*partial*",),
    columns=(
        Col("season_id", "SEASON_ID", required=True),
        Col("player_id", "PLAYER_ID", "int", required=True),
        Col("player_name", "PLAYER_NAME"),
        Col("team_id", "TEAM_ID", "int"),
        Col("team_abbreviation", "TEAM_ABBREVIATION", required=True),
        Col("team_name", "TEAM_NAME"),
        Col("game_id", "GAME_ID", "game_id", required=True),
        Col("game_date", "GAME_DATE", "date_iso", required=True),
        Col("matchup", "MATCHUP"),
        Col("wl", "WL"),
        Col("min", "MIN", "float"),
        *stats(),
        Col("season_label", "SEASON_LABEL"),
    ),
    derived=(
        ("season_year", SEASON_YEAR),
        ("season_phase", PHASE_FROM_SEASON_ID),
        ("is_home", HOME_FROM_MATCHUP),
        ("opponent_abbreviation", OPPONENT_FROM_MATCHUP),
    ),
    checks=(SEASON_CHECK, *NBACOM_BOX_CHECKS),
    teams=("team_abbreviation",),
    key=("game_id", "player_id"),
)

NBACOM_PARTIAL_LOGS = FileFormat(
    name="nbacom_player_game_logs_partial",
    table="raw.nbacom_player_game_logs_partial",
    patterns=("nbacom_player_game_logs_*partial*.csv*",),
    columns=(
        Col("player", "player"),
        Col("player_id", "player_id", "int", required=True),
        Col("date", "date", "date_iso", required=True),
        Col("matchup", "matchup", required=True),
        Col("result", "result"),
        Col("minutes", "minutes", "float"),
        *(
            Col(c, c, "int")
            for c in [
                "fgm",
                "fga",
                "threes_made",
                "threes_attempted",
                "ftm",
                "fta",
                "oreb",
                "dreb",
                "reb",
                "ast",
                "stl",
                "blk",
                "tov",
                "pf",
                "pts",
            ]
        ),
        *(Col(c, c, "float") for c in ("fg_pct", "three_pct", "ft_pct", "plus_minus")),
        Col("opponent", "opponent"),
        Col("home_away", "home_away"),
        Col("player_normalized", "player_normalized"),
    ),
    derived=(
        ("game_date", '"date"'),
        ("team_abbreviation", "trim(split_part(regexp_replace(matchup, ' (vs\\.|@) ', '|'), '|', 1))"),
        ("opponent_abbreviation", OPPONENT_FROM_MATCHUP),
        ("is_home", HOME_FROM_MATCHUP),
    ),
    checks=(
        *box_checks("fgm", "fga", "threes_made", "threes_attempted", "ftm", "fta", "pts"),
        Check("impossible_value", "minutes < 0", "'negative minutes'"),
    ),
    teams=("team_abbreviation", "opponent_abbreviation"),
    key=("date", "player_id"),
)

NBACOM_TEAM_LOGS = FileFormat(
    name="nbacom_team_game_logs",
    table="raw.nbacom_team_game_logs",
    patterns=("nbacom_team_game_logs_*.csv*",),
    columns=(
        Col("source_file", "source_file"),
        Col("season_id", "SEASON_ID", required=True),
        Col("team_id", "TEAM_ID", "int"),
        Col("team_abbreviation", "TEAM_ABBREVIATION", required=True),
        Col("team_name", "TEAM_NAME"),
        Col("game_id", "GAME_ID", "game_id", required=True),
        Col("game_date", "GAME_DATE", "date_iso", required=True),
        Col("matchup", "MATCHUP"),
        Col("wl", "WL"),
        Col("min", "MIN", "float"),
        *stats(),
        Col("season", "SEASON"),
    ),
    derived=(
        ("season_year", SEASON_YEAR),
        ("season_phase", PHASE_FROM_SEASON_ID),
        ("is_home", HOME_FROM_MATCHUP),
        ("opponent_abbreviation", OPPONENT_FROM_MATCHUP),
        ("ot_periods", "greatest(0, cast(round((min - 240) / 25) as integer))"),
    ),
    checks=(SEASON_CHECK, *NBACOM_BOX_CHECKS),
    teams=("team_abbreviation",),
    key=("game_id", "team_abbreviation"),
)

NBACOM_SCHEDULE_IDS = FileFormat(
    name="nbacom_schedule_game_ids",
    table="raw.nbacom_schedule_game_ids",
    patterns=("nbacom_schedule_gameids_*.csv*",),
    columns=(
        Col("source_file", "source_file"),
        Col("season_id", "SEASON_ID", required=True),
        Col("team_abbreviation", "TEAM_ABBREVIATION", required=True),
        Col("team_name", "TEAM_NAME"),
        Col("game_id", "GAME_ID", "game_id", required=True),
        Col("game_date", "GAME_DATE", "date_iso", required=True),
        Col("matchup", "MATCHUP", required=True),
        Col("wl", "WL"),
    ),
    derived=(
        ("season_year", SEASON_YEAR),
        ("season_phase", PHASE_FROM_SEASON_ID),
        ("is_home", HOME_FROM_MATCHUP),
        ("opponent_abbreviation", OPPONENT_FROM_MATCHUP),
    ),
    checks=(SEASON_CHECK,),
    teams=("team_abbreviation",),
    key=("game_id", "team_abbreviation"),
)

NBACOM_SHOTS = FileFormat(
    name="nbacom_shots",
    table="raw.nbacom_shots",
    patterns=("nbacom_shots_*.csv*",),
    columns=(
        Col("season_1", "SEASON_1", "int"),
        Col("season_2", "SEASON_2"),
        Col("team_id", "TEAM_ID", "int"),
        Col("team_name", "TEAM_NAME"),
        Col("player_id", "PLAYER_ID", "int", required=True),
        Col("player_name", "PLAYER_NAME"),
        Col("position_group", "POSITION_GROUP"),
        Col("position", "POSITION"),
        Col("game_date", "GAME_DATE", "date_mdy", required=True),
        Col("game_id", "GAME_ID", "game_id", required=True),
        Col("home_team", "HOME_TEAM"),
        Col("away_team", "AWAY_TEAM"),
        Col("event_type", "EVENT_TYPE"),
        Col("shot_made", "SHOT_MADE", "bool_tf", required=True),
        Col("action_type", "ACTION_TYPE"),
        Col("shot_type", "SHOT_TYPE", required=True),
        Col("basic_zone", "BASIC_ZONE", required=True),
        Col("zone_name", "ZONE_NAME"),
        Col("zone_abb", "ZONE_ABB"),
        Col("zone_range", "ZONE_RANGE"),
        Col("loc_x", "LOC_X", "float"),
        Col("loc_y", "LOC_Y", "float"),
        Col("shot_distance", "SHOT_DISTANCE", "float"),
        Col("quarter", "QUARTER", "int"),
        Col("mins_left", "MINS_LEFT", "int"),
        Col("secs_left", "SECS_LEFT", "int"),
    ),
    derived=(
        # SHOT_TYPE decides 2 vs 3 when BASIC_ZONE disagrees (SPEC §3.4).
        (
            "zone",
            "case when shot_type = '3PT Field Goal' then 'three' "
            "when basic_zone in ('Restricted Area', 'In The Paint (Non-RA)') then 'paint' "
            "else 'mid_range' end",
        ),
    ),
    teams=("home_team", "away_team"),
)

FORMATS = (NBACOM_PLAYER_LOGS, NBACOM_PARTIAL_LOGS, NBACOM_TEAM_LOGS, NBACOM_SCHEDULE_IDS, NBACOM_SHOTS)
