"""Reference formats (SPEC §3.1): arenas (seed of `meta.arena_locations`) and the external
rest/travel tables, which are checks only and never an input."""

from __future__ import annotations

from nbaprops.ingest.spec import Check, Col, FileFormat

STATIC_ARENAS = FileFormat(
    name="static_arenas",
    table="raw.static_arenas",
    patterns=("arenas_*.csv*",),
    columns=(
        Col("arena", "arena", required=True),
        Col("city", "city"),
        Col("state", "state"),
        Col("country", "country"),
        Col("lat", "lat", "float", required=True),
        Col("lon", "long", "float", required=True),
        Col("tm", "Tm"),
        Col("color", "Color"),
    ),
    checks=(Check("impossible_value", "abs(lat) > 90 or abs(lon) > 180", "'coordinates out of range'"),),
    teams=("tm",),
    key=("arena", "tm"),
)

CHECK_REST_TRAVEL = FileFormat(
    name="check_rest_travel",
    table="raw.check_rest_travel",
    patterns=("rest_travel_schedule_*.csv*",),
    columns=(
        Col("game_id_nba", "game_id_nba", "game_id", required=True),
        Col("season", "season", "int"),
        Col("game_date", "game_date", "date_iso", required=True),
        Col("home_team_id", "home_team_id", "int"),
        Col("away_team_id", "away_team_id", "int"),
        Col("home_team_tricode", "home_team_tricode"),
        Col("away_team_tricode", "away_team_tricode"),
        Col("game_id", "game_id"),
        Col("away_rest_days", "away_rest_days", "float"),
        Col("home_rest_days", "home_rest_days", "float"),
        Col("away_is_b2b", "away_is_b2b", "bool_tf"),
        Col("home_is_b2b", "home_is_b2b", "bool_tf"),
        Col("away_is_3in4", "away_is_3in4", "bool_tf"),
        Col("home_is_3in4", "home_is_3in4", "bool_tf"),
        Col("away_est_flight_time", "away_est_flight_time", "float"),
        Col("home_est_flight_time", "home_est_flight_time", "float"),
        Col("away_timezone_shift", "away_timezone_shift", "float"),
        Col("home_timezone_shift", "home_timezone_shift", "float"),
    ),
    teams=("home_team_tricode", "away_team_tricode"),
    key=("game_id_nba",),
)

CHECK_FLIGHT_MATRIX = FileFormat(
    name="check_flight_matrix",
    table="raw.check_flight_matrix",
    patterns=("travel_flight_matrix_*.csv*",),
    columns=(
        Col("team_abbr", "team_abbr", required=True),
        Col("airport_code", "airport_code"),
        Col("opponent_team_abbr", "opponent_team_abbr", required=True),
        Col("opponent_airport_code", "opponent_airport_code"),
        Col("est_flight_time", "est_flight_time", "float"),
        Col("timezone_shift", "timezone_shift", "float"),
    ),
    teams=("team_abbr", "opponent_team_abbr"),
    key=("team_abbr", "opponent_team_abbr"),
)

FORMATS = (STATIC_ARENAS, CHECK_REST_TRAVEL, CHECK_FLIGHT_MATRIX)
