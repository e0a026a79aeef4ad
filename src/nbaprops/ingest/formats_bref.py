"""basketball-reference formats (SPEC §3.1): schedule, games, player box, advanced, team box, inactives.

bref codes become NBA tricodes in derived `*_abbr` columns (BRK→BKN, CHO→CHA, PHO→PHX); the game date
and home team come from `game_key` (`YYYYMMDD0` + home code).
"""

from __future__ import annotations

from nbaprops.ingest.spec import Check, Col, FileFormat, box_checks


def tricode(expr: str) -> str:
    """SQL mapping a basketball-reference team code to the NBA tricode."""
    return f"case {expr} when 'BRK' then 'BKN' when 'CHO' then 'CHA' when 'PHO' then 'PHX' else {expr} end"


KEY_DATE = "cast(try_strptime(substr(game_key, 1, 8), '%Y%m%d') as date)"
KEY_HOME = tricode("substr(game_key, 10, 3)")
GAME_KEY = Col("game_key", "game_key", required=True)
KEY_CHECK = Check("bad_date", f"{KEY_DATE} is null or length(game_key) <> 12", "'bad game_key ' || game_key")
BOX_STATS = [
    "fg",
    "fga",
    "fg3",
    "fg3a",
    "ft",
    "fta",
    "orb",
    "drb",
    "trb",
    "ast",
    "stl",
    "blk",
    "tov",
    "pf",
    "pts",
]


def stat_cols(kind_float: tuple[str, ...] = ("fg_pct", "fg3_pct", "ft_pct")) -> tuple[Col, ...]:
    cols = [Col(s, s, "int") for s in BOX_STATS]
    cols += [Col(s, s, "float") for s in kind_float]
    return tuple(cols)


BREF_SCHEDULE = FileFormat(
    name="bref_schedule",
    table="raw.bref_schedule",
    patterns=("bref_schedule_*.csv*",),
    columns=(
        Col("season_end_year", "season_end_year", "int", required=True),
        GAME_KEY,
        Col("date", "date", required=True),
        Col("game_start_time", "game_start_time"),
        Col("visitor_team_name", "visitor_team_name"),
        Col("visitor_team_abbr", "visitor_team_abbr", required=True),
        Col("visitor_pts", "visitor_pts", "int"),
        Col("home_team_name", "home_team_name"),
        Col("home_team_abbr", "home_team_abbr", required=True),
        Col("home_pts", "home_pts", "int"),
        Col("box_score_text", "box_score_text"),
        Col("overtimes", "overtimes"),
        Col("attendance", "attendance", "thousands"),
        Col("arena_name", "arena_name"),
        Col("game_remarks", "game_remarks"),
        Col("schedule_file", "schedule_file"),
    ),
    derived=(
        ("game_date", "cast(try_strptime(\"date\", '%a, %b %d, %Y') as date)"),
        (
            "tip_time_et",
            "cast(try_strptime(\"date\", '%a, %b %d, %Y') as date) + "
            "cast(cast(try_strptime(game_start_time || 'm', '%I:%M%p') as timestamp) as time)",
        ),
        ("away_team_abbr", tricode("visitor_team_abbr")),
        ("home_team_tricode", tricode("home_team_abbr")),
        (
            "ot_periods",
            "case when overtimes is null then 0 when overtimes = 'OT' then 1 "
            "else try_cast(replace(overtimes, 'OT', '') as integer) end",
        ),
    ),
    checks=(
        KEY_CHECK,
        Check("bad_date", "game_date is null", "'bad date ' || \"date\""),
        Check("impossible_value", "visitor_pts < 0 or home_pts < 0", "'negative points'"),
    ),
    teams=("visitor_team_abbr", "home_team_abbr"),
    key=("game_key",),
)

BREF_GAMES = FileFormat(
    name="bref_games",
    table="raw.bref_games",
    patterns=("bref_games_*.csv*",),
    columns=(
        GAME_KEY,
        Col("season_end_year", "season_end_year", "int"),
        Col("title", "title", required=True),
        Col("date_time_text", "date_time_text"),
        Col("arena_location", "arena_location"),
        Col("away_team", "away_team", required=True),
        Col("home_team", "home_team", required=True),
        Col("inactive_text", "inactive_text"),
        Col("officials", "officials"),
        Col("attendance", "attendance", "thousands"),
        Col("time_of_game", "time_of_game"),
    ),
    derived=(
        ("game_date", KEY_DATE),
        # 66 In-Season Tournament rows carry the date/time in arena_location (SPEC §3.2).
        (
            "is_shifted_row",
            "try_strptime(date_time_text, '%I:%M %p, %B %d, %Y') is null "
            "and try_strptime(arena_location, '%I:%M %p, %B %d, %Y') is not null",
        ),
        (
            "tip_time_et",
            "coalesce(try_strptime(date_time_text, '%I:%M %p, %B %d, %Y'), "
            "try_strptime(arena_location, '%I:%M %p, %B %d, %Y'))",
        ),
        (
            "arena_name",
            "case when try_strptime(arena_location, '%I:%M %p, %B %d, %Y') is null "
            "then trim(split_part(arena_location, ',', 1)) end",
        ),
        (
            "game_remark",
            "case when try_strptime(date_time_text, '%I:%M %p, %B %d, %Y') is null then date_time_text end",
        ),
        ("away_team_abbr", tricode("away_team")),
        ("home_team_abbr", tricode("home_team")),
    ),
    checks=(KEY_CHECK, Check("bad_date", "tip_time_et is null", "'no tip time'")),
    teams=("away_team", "home_team"),
    key=("game_key",),
)

BREF_PLAYER_BOX = FileFormat(
    name="bref_player_box",
    table="raw.bref_player_box",
    patterns=("bref_player_box_*.csv*",),
    columns=(
        GAME_KEY,
        Col("team", "team", required=True),
        Col("opp", "opp", required=True),
        Col("is_home", "is_home", "bool_01"),
        Col("bref_player_slug", "player_id", required=True),
        Col("player", "player"),
        Col("starter", "starter", "bool_01"),
        Col("status", "status"),
        Col("mp", "mp", "minutes"),
        *stat_cols(),
        Col("plus_minus", "plus_minus", "float"),
    ),
    derived=(
        ("game_date", KEY_DATE),
        ("team_abbr", tricode("team")),
        ("opponent_team_abbr", tricode("opp")),
    ),
    checks=(
        KEY_CHECK,
        *box_checks("fg", "fga", "fg3", "fg3a", "ft", "fta", "pts"),
        Check("impossible_value", "trb <> orb + drb", "'trb <> orb + drb'"),
    ),
    teams=("team", "opp"),
    key=("game_key", "team", "bref_player_slug"),
)

ADVANCED_FLOATS = [
    "ts_pct",
    "efg_pct",
    "fg3a_per_fga_pct",
    "fta_per_fga_pct",
    "orb_pct",
    "drb_pct",
    "trb_pct",
    "ast_pct",
    "stl_pct",
    "blk_pct",
    "tov_pct",
    "usg_pct",
    "off_rtg",
    "def_rtg",
    "bpm",
]

BREF_PLAYER_ADVANCED = FileFormat(
    name="bref_player_advanced",
    table="raw.bref_player_advanced",
    patterns=("bref_player_advanced_*.csv*",),
    columns=(
        GAME_KEY,
        Col("team", "team", required=True),
        Col("bref_player_slug", "player_id", required=True),
        *(Col(c, c, "float") for c in ADVANCED_FLOATS),
    ),
    derived=(("game_date", KEY_DATE), ("team_abbr", tricode("team"))),
    checks=(KEY_CHECK,),
    teams=("team",),
    key=("game_key", "team", "bref_player_slug"),
)

TEAM_ADV = [
    "ts_pct",
    "efg_pct",
    "fg3a_per_fga_pct",
    "fta_per_fga_pct",
    "orb_pct",
    "drb_pct",
    "trb_pct",
    "ast_pct",
    "stl_pct",
    "blk_pct",
    "tov_pct",
    "usg_pct",
    "off_rtg",
    "def_rtg",
    "bpm",
]
FOUR_FACTORS = ["pace", "efg_pct", "tov_pct", "orb_pct", "ft_rate", "off_rtg"]
LINE_SCORE = ["1", "2", "3", "4", "1OT", "2OT", "3OT", "4OT", "T"]

BREF_TEAM_BOX = FileFormat(
    name="bref_team_box",
    table="raw.bref_team_box",
    patterns=("bref_team_box_*.csv*",),
    columns=(
        GAME_KEY,
        Col("team", "team", required=True),
        Col("opp", "opp", required=True),
        Col("is_home", "is_home", "bool_01"),
        Col("mp", "mp", "int"),
        *stat_cols(),
        Col("plus_minus", "plus_minus", "float"),
        *(Col(f"adv_{c}", f"adv_{c}", "float") for c in TEAM_ADV),
        *(Col(f"ff_{c}", f"ff_{c}", "float") for c in FOUR_FACTORS),
        *(Col(f"ls_{c.lower()}", f"ls_{c}", "int") for c in LINE_SCORE),
    ),
    derived=(
        ("game_date", KEY_DATE),
        ("team_abbr", tricode("team")),
        ("opponent_team_abbr", tricode("opp")),
    ),
    checks=(
        KEY_CHECK,
        *box_checks("fg", "fga", "fg3", "fg3a", "ft", "fta", "pts"),
        Check("impossible_value", "mp < 240", "'team minutes ' || mp || ' < 240'"),
    ),
    teams=("team", "opp"),
    key=("game_key", "team"),
)

BREF_INACTIVES = FileFormat(
    name="bref_inactives",
    table="raw.bref_inactives",
    patterns=("bref_inactives_*.csv*",),
    columns=(
        GAME_KEY,
        Col("team", "team", required=True),
        Col("bref_player_slug", "player_id", required=True),
        Col("player", "player"),
    ),
    derived=(("game_date", KEY_DATE), ("team_abbr", tricode("team"))),
    checks=(KEY_CHECK,),
    teams=("team",),
    key=("game_key", "team", "bref_player_slug"),
)

FORMATS = (
    BREF_SCHEDULE,
    BREF_GAMES,
    BREF_PLAYER_BOX,
    BREF_PLAYER_ADVANCED,
    BREF_TEAM_BOX,
    BREF_INACTIVES,
)
