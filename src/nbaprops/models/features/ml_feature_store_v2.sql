-- features.ml_feature_store_v2 (MLFS), SPEC §5.5.
-- One row per UPCG player per scheduled game date (past and future): grain (game_date, player_id).
-- A player listed by two teams on one date keeps the row of the first team_abbr (the PCF rule).
--
-- Point in time: every history read is strictly before the row's date (played games, team games and
-- opponent games with game_date < d; PDC/PCF/PSZA/TDZA/UTGC/UPCG rows dated d are built that way).
-- History is read from $start_date - 400 days (a season is at most 366 days; opponent history 365),
-- and nothing dated on or after $end_date is read from the post-game tables.
--
-- The contract is data: meta.feature_contract (nbaprops.feature_contract.install) gives every
-- feature's index, role, version and default, and meta.feature_source_weights the score weights.
-- This query only computes each feature's first-available candidate and its source tag
-- (the chains of the contract's `source` column); a feature with no candidate takes
-- 'default' and the contract default (required) or 'missing' and NULL (optional). A default that
-- names another feature (avg_points_vs_opponent -> points_avg_season) takes that feature's default:
-- the named feature is itself a candidate of the chain, so it is defaulted whenever the default applies.
-- 'not_covered' (no staged source covers the season: zones in a season without shot data, i.e. no
-- TOGS game with has_shot_zones before d in the season; availability without an inactive-list
-- source) is NULL and never a default.
--
-- Quality (score, tier, default counts and indices, uncovered indices, data_source) is computed over
-- the v1 features ('v2_33features', indices 0-32); extension features (role O, higher indices) are
-- stored and tagged in feature_sources but never scored, so feature_count stays 33.
-- Labels are not stored (training joins PGS).
-- Deterministic: windows sum integers and every float sum has a fixed order, so a date's row does not
-- depend on how a range is split into batches (bit for bit).
-- Bootstrap dates (0 <= d - season_start < meta.settings bootstrap_days) get placeholder rows: all
-- features NULL, data_source 'early_season', score and tier NULL, is_training_ready FALSE.
-- "Played game" = played_flag and minutes_played > 0 (the PDC definition).
with

settings as (
    select cast(value as integer) as bootstrap_days
    from meta.settings
    where name = 'bootstrap_days'
),

calendar as (
    select season_year, season_start
    from raw.season_calendar
),

contract_version as (
    select 'v2_33features' as feature_version
),

contract as (
    select
        feature.feature_index,
        row_number() over (order by feature.feature_index asc nulls first) as position,
        feature.name,
        feature.role,
        feature.version = contract_version.feature_version as is_v1,
        coalesce(feature.default_value, named_default.default_value) as default_value,
        case when feature.role = 'R' then 'default' else 'missing' end as fallback_source
    from meta.feature_contract as feature
    cross join contract_version
    left join meta.feature_contract as named_default
        on named_default.name = feature.default_feature
),

feature_counts as (
    select
        contract_version.feature_version,
        count(*) as feature_count
    from contract
    cross join contract_version
    where contract.is_v1
    group by contract_version.feature_version
),

source_weights as (
    select source, weight
    from meta.feature_source_weights
),

upcg_all as (
    select
        game_id,
        game_date,
        season_year,
        season_phase,
        team_abbr,
        opponent_team_abbr,
        home_game,
        player_id,
        player_lookup,
        days_rest,
        opponent_days_rest,
        games_in_last_7_days,
        minutes_in_last_7_days,
        game_spread,
        game_total,
        implied_team_total,
        points_line,
        opening_points_line,
        prop_over_streak,
        prop_under_streak,
        star_teammates_out,
        is_listed_inactive,
        is_prediction_eligible
    from analytics.upcoming_player_game_context
    where game_date between $start_date and $end_date
),

utgc as (
    select
        game_id,
        team_abbr,
        team_pace_avg_last_10,
        team_offensive_rating_avg_last_10,
        opponent_pace_avg_last_10,
        opponent_defensive_rating_avg_last_10
    from analytics.upcoming_team_game_context
    where game_date between $start_date and $end_date
),

pdc as (
    select
        cache_date,
        player_id,
        points_avg_last_5,
        points_avg_last_10,
        points_avg_season,
        points_std_last_10,
        minutes_avg_last_10,
        minutes_avg_season,
        ppm_avg_last_10,
        usage_rate_avg_season,
        pct_free_throw_last_10,
        team_pace_avg_last_10,
        team_offensive_rating_avg_last_10,
        team_win_pct_season
    from precompute.player_daily_cache
    where cache_date between $start_date and $end_date
),

pcf as (
    select
        game_date,
        player_id,
        fatigue_score,
        shot_zone_mismatch_score,
        pace_score,
        usage_spike_score
    from precompute.player_composite_factors
    where game_date between $start_date and $end_date
),

psza as (
    select
        analysis_date,
        player_id,
        paint_rate_last_10,
        mid_range_rate_last_10,
        three_rate_last_10
    from precompute.player_shot_zone_analysis
    where analysis_date between $start_date and $end_date
),

tdza as (
    select
        analysis_date,
        team_abbr,
        defensive_rating_avg_last_15,
        pace_avg_last_15
    from precompute.team_defense_zone_analysis
    where analysis_date between $start_date and $end_date
),

pgs as (
    select
        game_id,
        game_date,
        season_year,
        player_id,
        team_abbr,
        opponent_team_abbr,
        played_flag,
        minutes_played,
        points,
        usage_rate,
        points_line
    from analytics.player_game_summary
    where game_date >= $start_date - interval 400 day
        and game_date < $end_date
),

togs as (
    select
        game_id,
        game_date,
        season_year,
        team_abbr,
        point_margin,
        has_shot_zones
    from analytics.team_offense_game_summary
    where game_date >= $start_date - interval 400 day
        and game_date < $end_date
),

schedule as (
    select
        game_id,
        game_date,
        season_year,
        home_team_abbr,
        away_team_abbr
    from raw.schedule_games
    where game_status = 'final'
        and game_date >= $start_date - interval 400 day
        and game_date < $end_date
),

-- Step 1: the row set. One row per (game_date, player_id), with the bootstrap flag.
first_team as (
    select game_date, player_id, min(team_abbr) as team_abbr
    from upcg_all
    group by game_date, player_id
),

upcg_rows as (
    select
        upcg_all.*,
        coalesce(
            upcg_all.game_date >= calendar.season_start
            and upcg_all.game_date < calendar.season_start + settings.bootstrap_days,
            false
        ) as early_season_flag
    from upcg_all
    inner join first_team
        on first_team.game_date = upcg_all.game_date
        and first_team.player_id = upcg_all.player_id
        and first_team.team_abbr = upcg_all.team_abbr
    left join calendar
        on calendar.season_year = upcg_all.season_year
    cross join settings
),

-- Step 2: the player's played games of each season, numbered, with windows that END at that game.
-- A row's features read the windows of its last played game before d (game_seq = games_before).
-- Windows sum integers (points, seconds played, usage in millionths), and means, deviations and
-- slopes are formed from those exact sums: a float sum's result depends on the order the engine
-- adds the rows in, and the output must not depend on how a range is split into batches.
played as (
    select
        player_id,
        season_year,
        game_id,
        game_date,
        team_abbr,
        opponent_team_abbr,
        cast(points as double) as points,
        cast(points as bigint) as points_int,
        cast(round(60 * minutes_played) as bigint) as seconds_played,
        cast(round(1000000 * usage_rate) as bigint) as usage_millionths,
        cast(points_line as double) as points_line,
        row_number() over (
            partition by player_id, season_year
            order by game_date asc nulls first, game_id asc nulls first
        ) as game_seq
    from pgs
    where played_flag and minutes_played > 0
        -- every window below is per player-season: only the seasons of the rows being built
        and exists (
            select 1 from upcg_all
            where upcg_all.player_id = pgs.player_id and upcg_all.season_year = pgs.season_year
        )
),

-- Played games of the rows' players in any season (opponent history reaches 365 days back).
played_any_season as (
    select player_id, game_date, opponent_team_abbr, cast(points as double) as points
    from pgs
    where played_flag and minutes_played > 0
        and player_id in (select upcg_all.player_id from upcg_all)
),

played_changes as (
    select
        played.*,
        case
            when lag(team_abbr) over (
                partition by player_id, season_year order by game_seq asc nulls first
            ) = team_abbr
            and date_diff(
                'day',
                lag(game_date) over (
                    partition by player_id, season_year order by game_seq asc nulls first
                ),
                game_date
            ) <= 14
                then 0
            else 1
        end as is_structural_change
    from played
),

played_segments as (
    select
        played_changes.*,
        sum(is_structural_change) over (
            partition by player_id, season_year
            order by game_seq asc nulls first
            rows between unbounded preceding and current row
        ) as segment_id
    from played_changes
),

-- Running sums per player-season, then each trailing window as a difference of running sums.
played_running as (
    select
        player_id,
        season_year,
        game_seq,
        game_date,
        team_abbr,
        points_line,
        segment_id,
        points_int,
        sum(points_int) over (
            partition by player_id, season_year order by game_seq asc nulls first
            rows between unbounded preceding and current row
        ) as cum_points,
        sum(points_int * points_int) over (
            partition by player_id, season_year order by game_seq asc nulls first
            rows between unbounded preceding and current row
        ) as cum_points_sq,
        sum(game_seq * points_int) over (
            partition by player_id, season_year order by game_seq asc nulls first
            rows between unbounded preceding and current row
        ) as cum_seq_points,
        sum(seconds_played) over (
            partition by player_id, season_year order by game_seq asc nulls first
            rows between unbounded preceding and current row
        ) as cum_seconds,
        sum(seconds_played * seconds_played) over (
            partition by player_id, season_year order by game_seq asc nulls first
            rows between unbounded preceding and current row
        ) as cum_seconds_sq,
        sum(usage_millionths) over (
            partition by player_id, season_year order by game_seq asc nulls first
            rows between unbounded preceding and current row
        ) as cum_usage,
        count(usage_millionths) over (
            partition by player_id, season_year order by game_seq asc nulls first
            rows between unbounded preceding and current row
        ) as cum_usage_games,
        count(points_line) over (
            partition by player_id, season_year order by game_seq asc nulls first
            rows between unbounded preceding and current row
        ) as lined_games
    from played_segments
),

played_lagged as (
    select
        played_running.*,
        row_number() over (
            partition by player_id, season_year, segment_id order by game_seq asc nulls first
        ) as segment_games,
        lag(cum_points, 1, 0) over (partition by player_id, season_year order by game_seq asc nulls first) as cum_points_lag_1,
        lag(cum_points, 2, 0) over (partition by player_id, season_year order by game_seq asc nulls first) as cum_points_lag_2,
        lag(cum_points, 3, 0) over (partition by player_id, season_year order by game_seq asc nulls first) as cum_points_lag_3,
        lag(cum_points, 5, 0) over (partition by player_id, season_year order by game_seq asc nulls first) as cum_points_lag_5,
        lag(cum_points, 7, 0) over (partition by player_id, season_year order by game_seq asc nulls first) as cum_points_lag_7,
        lag(cum_points, 10, 0) over (partition by player_id, season_year order by game_seq asc nulls first) as cum_points_lag_10,
        lag(cum_points_sq, 10, 0) over (partition by player_id, season_year order by game_seq asc nulls first) as cum_points_sq_lag_10,
        lag(cum_seq_points, 7, 0) over (partition by player_id, season_year order by game_seq asc nulls first) as cum_seq_points_lag_7,
        lag(cum_seq_points, 10, 0) over (partition by player_id, season_year order by game_seq asc nulls first) as cum_seq_points_lag_10,
        lag(cum_seconds, 10, 0) over (partition by player_id, season_year order by game_seq asc nulls first) as cum_seconds_lag_10,
        lag(cum_seconds_sq, 10, 0) over (partition by player_id, season_year order by game_seq asc nulls first) as cum_seconds_sq_lag_10,
        lag(cum_usage, 5, 0) over (partition by player_id, season_year order by game_seq asc nulls first) as cum_usage_lag_5,
        lag(cum_usage_games, 5, 0) over (partition by player_id, season_year order by game_seq asc nulls first) as cum_usage_games_lag_5
    from played_running
),

played_sums as (
    select
        player_id,
        season_year,
        game_seq,
        game_date,
        team_abbr,
        points_line,
        segment_games,
        lined_games,
        cum_points - cum_points_lag_3 as points_sum_3,
        least(game_seq, 3) as games_3,
        cum_points - cum_points_lag_5 as points_sum_5,
        least(game_seq, 5) as games_last_5,
        cum_points - cum_points_lag_2 as points_sum_newest_2,
        least(game_seq, 2) as games_newest_2,
        cum_points_lag_2 - cum_points_lag_5 as points_sum_older_3,
        greatest(least(game_seq, 5) - 2, 0) as games_older_3,
        cum_points - cum_points_lag_10 as points_sum_10,
        cum_points_sq - cum_points_sq_lag_10 as points_sq_sum_10,
        least(game_seq, 10) as games_last_10,
        cum_seq_points - cum_seq_points_lag_10 as seq_points_sum_10,
        cum_points - cum_points_lag_7 as points_sum_7,
        least(game_seq, 7) as games_last_7,
        cum_seq_points - cum_seq_points_lag_7 as seq_points_sum_7,
        cum_points as points_sum_season,
        cum_points_sq as points_sq_sum_season,
        game_seq as games_season,
        cum_seconds - cum_seconds_lag_10 as seconds_sum_10,
        cum_seconds_sq - cum_seconds_sq_lag_10 as seconds_sq_sum_10,
        cum_usage - cum_usage_lag_5 as usage_sum_5,
        cum_usage_games - cum_usage_games_lag_5 as usage_games_last_5,
        cum_usage as usage_sum_season,
        cum_usage_games as usage_games_season
    from played_lagged
),

played_windows as (
    select
        player_id as window_player_id,
        season_year as window_season_year,
        game_seq,
        game_date as last_game_date,
        team_abbr as last_team_abbr,
        points_line as last_points_line,
        segment_games,
        games_last_5,
        games_last_10,
        games_last_7,
        usage_games_last_5,
        lined_games,
        cast(points_sum_3 as double) / games_3 as points_avg_last_3,
        cast(points_sum_5 as double) / games_last_5 as points_avg_last_5,
        cast(points_sum_newest_2 as double) / games_newest_2 as points_avg_newest_2,
        cast(points_sum_older_3 as double) / nullif(games_older_3, 0) as points_avg_older_3,
        cast(points_sum_10 as double) / games_last_10 as points_avg_last_10,
        case
            when games_last_10 >= 2 then sqrt(greatest(
                (
                    cast(points_sq_sum_10 as double)
                    - cast(points_sum_10 as double) * points_sum_10 / games_last_10
                )
                / (games_last_10 - 1),
                0
            ))
        end as points_std_last_10,
        -- OLS slope of points on the game number: (n*Sxy - Sx*Sy) / (n*Sxx - Sx^2), where the game
        -- numbers of a window of n games ending at k are k-n+1..k, so n*Sxx - Sx^2 = n^2(n^2-1)/12
        -- and Sx = n(2k-n+1)/2.
        cast(
            games_last_10 * seq_points_sum_10
            - games_last_10 * (2 * game_seq - games_last_10 + 1) * points_sum_10 / 2.0 as double
        )
        / nullif(games_last_10 * games_last_10 * (games_last_10 * games_last_10 - 1) / 12.0, 0)
            as points_slope_last_10,
        cast(
            games_last_7 * seq_points_sum_7
            - games_last_7 * (2 * game_seq - games_last_7 + 1) * points_sum_7 / 2.0 as double
        )
        / nullif(games_last_7 * games_last_7 * (games_last_7 * games_last_7 - 1) / 12.0, 0)
            as points_slope_last_7,
        cast(points_sum_season as double) / games_season as points_avg_season,
        case
            when games_season >= 2 then sqrt(greatest(
                (
                    cast(points_sq_sum_season as double)
                    - cast(points_sum_season as double) * points_sum_season / games_season
                )
                / (games_season - 1),
                0
            ))
        end as points_std_season,
        cast(seconds_sum_10 as double) / (60 * games_last_10) as minutes_avg_last_10,
        case
            when games_last_10 >= 2 then sqrt(greatest(
                (
                    cast(seconds_sq_sum_10 as double)
                    - cast(seconds_sum_10 as double) * seconds_sum_10 / games_last_10
                )
                / (games_last_10 - 1),
                0
            )) / 60
        end as minutes_std_last_10,
        60 * cast(points_sum_10 as double) / nullif(seconds_sum_10, 0) as ppm_avg_last_10,
        cast(usage_sum_5 as double) / 1000000 / nullif(usage_games_last_5, 0) as usage_rate_avg_last_5,
        cast(usage_sum_season as double) / 1000000 / nullif(usage_games_season, 0)
            as usage_rate_avg_season
    from played_sums
),

-- The player's lined played games (a points line existed), numbered, windows ending at the game.
lined as (
    select
        player_id,
        season_year,
        row_number() over (
            partition by player_id, season_year order by game_seq asc nulls first
        ) as lined_seq,
        points,
        points_line
    from played
    where points_line is not null
),

lined_windows as (
    select
        player_id,
        season_year,
        lined_seq,
        avg(case when points > points_line then 1.0 else 0.0 end) over (
            partition by player_id, season_year order by lined_seq asc nulls first
            rows between 9 preceding and current row
        ) as over_rate_last_10,
        avg(points - points_line) over (
            partition by player_id, season_year order by lined_seq asc nulls first
            rows between 4 preceding and current row
        ) as line_margin_avg_last_5
    from lined
),

-- Played games before d: a row's date sorts before a game on the same date, so it never counts.
player_probe_events as (
    select player_id, season_year, game_date, 0 as is_game
    from upcg_rows
    union all
    select player_id, season_year, game_date, 1 as is_game
    from played
),

player_probe as (
    select player_id, season_year, game_date, games_before
    from (
        select
            player_id,
            season_year,
            game_date,
            is_game,
            cast(sum(is_game) over (
                partition by player_id, season_year
                order by game_date asc nulls first, is_game asc nulls first
                rows between unbounded preceding and current row
            ) as bigint) as games_before
        from player_probe_events
    ) as events
    where is_game = 0
),

player_history as (
    select
        player_probe.game_date,
        player_probe.player_id,
        player_probe.season_year,
        player_probe.games_before,
        played_windows.*,
        lined_windows.over_rate_last_10,
        lined_windows.line_margin_avg_last_5
    from player_probe
    left join played_windows
        on played_windows.window_player_id = player_probe.player_id
        and played_windows.window_season_year = player_probe.season_year
        and played_windows.game_seq = player_probe.games_before
    left join lined_windows
        on lined_windows.player_id = played_windows.window_player_id
        and lined_windows.season_year = played_windows.window_season_year
        and lined_windows.lined_seq = played_windows.lined_games
),

-- Step 3: the team's completed games (schedule), numbered per season, with player-row coverage.
team_games as (
    select game_id, game_date, season_year, home_team_abbr as team_abbr
    from schedule
    union all
    select game_id, game_date, season_year, away_team_abbr as team_abbr
    from schedule
),

team_player_rows as (
    select
        game_id,
        team_abbr,
        sum(case when played_flag then 1 else 0 end) as played_rows
    from pgs
    group by game_id, team_abbr
),

team_games_numbered as (
    select
        team_games.game_id,
        team_games.game_date,
        team_games.season_year,
        team_games.team_abbr,
        coalesce(team_player_rows.played_rows, 0) >= 5 as has_player_rows,
        togs.point_margin,
        row_number() over (
            partition by team_games.team_abbr, team_games.season_year
            order by team_games.game_date asc nulls first, team_games.game_id asc nulls first
        ) as team_game_seq
    from team_games
    left join team_player_rows
        on team_player_rows.game_id = team_games.game_id
        and team_player_rows.team_abbr = team_games.team_abbr
    left join togs
        on togs.game_id = team_games.game_id
        and togs.team_abbr = team_games.team_abbr
),

team_windows as (
    select
        team_abbr,
        season_year,
        team_game_seq,
        count(*) over (
            partition by team_abbr, season_year order by team_game_seq asc nulls first
            rows between 9 preceding and current row
        ) as hist_games_expected,
        sum(case when has_player_rows then 1 else 0 end) over (
            partition by team_abbr, season_year order by team_game_seq asc nulls first
            rows between 9 preceding and current row
        ) as hist_games_found,
        array_agg(game_date) over (
            partition by team_abbr, season_year order by team_game_seq asc nulls first
            rows between 9 preceding and current row
        ) as hist_game_dates,
        avg(
            case
                when abs(point_margin) >= 15 then 1.0
                when point_margin is not null then 0.0
            end
        ) over (
            partition by team_abbr, season_year order by team_game_seq asc nulls first
            rows between 9 preceding and current row
        ) as blowout_minutes_risk
    from team_games_numbered
),

team_probe_events as (
    select distinct team_abbr, season_year, game_date, 0 as is_game
    from upcg_rows
    union all
    select team_abbr, season_year, game_date, 1 as is_game
    from team_games
),

team_probe as (
    select team_abbr, season_year, game_date, team_games_before
    from (
        select
            team_abbr,
            season_year,
            game_date,
            is_game,
            cast(sum(is_game) over (
                partition by team_abbr, season_year
                order by game_date asc nulls first, is_game asc nulls first
                rows between unbounded preceding and current row
            ) as bigint) as team_games_before
        from team_probe_events
    ) as events
    where is_game = 0
),

team_history as (
    select
        team_probe.team_abbr,
        team_probe.season_year,
        team_probe.game_date,
        team_probe.team_games_before,
        coalesce(team_windows.hist_games_expected, 0) as hist_games_expected,
        coalesce(team_windows.hist_games_found, 0) as hist_games_found,
        team_windows.hist_game_dates,
        team_windows.blowout_minutes_risk
    from team_probe
    left join team_windows
        on team_windows.team_abbr = team_probe.team_abbr
        and team_windows.season_year = team_probe.season_year
        and team_windows.team_game_seq = team_probe.team_games_before
),

-- Step 4: availability. The team's last 10 completed games before d, from the player's first
-- appearance for the team this season; a game counts only when the team has player rows for it.
first_appearance as (
    select
        played.player_id,
        team_games_numbered.team_abbr,
        team_games_numbered.season_year,
        min(team_games_numbered.team_game_seq) as first_team_game_seq
    from played
    inner join team_games_numbered
        on team_games_numbered.game_id = played.game_id
        and team_games_numbered.team_abbr = played.team_abbr
    group by played.player_id, team_games_numbered.team_abbr, team_games_numbered.season_year
),

-- Every team game from the player's first appearance for the team this season on, with whether the
-- team has player rows for it and whether he missed it; windows end at each team game.
roster_games as (
    select
        first_appearance.player_id,
        team_games_numbered.team_abbr,
        team_games_numbered.season_year,
        team_games_numbered.team_game_seq,
        case when team_games_numbered.has_player_rows then 1 else 0 end as covered,
        case when team_games_numbered.has_player_rows and played.game_id is null then 1 else 0 end
            as missed
    from first_appearance
    inner join team_games_numbered
        on team_games_numbered.team_abbr = first_appearance.team_abbr
        and team_games_numbered.season_year = first_appearance.season_year
        and team_games_numbered.team_game_seq >= first_appearance.first_team_game_seq
    left join played
        on played.game_id = team_games_numbered.game_id
        and played.player_id = first_appearance.player_id
),

roster_windows as (
    select
        player_id,
        team_abbr,
        season_year,
        team_game_seq,
        sum(missed) over (
            partition by player_id, team_abbr, season_year order by team_game_seq asc nulls first
            rows between 2 preceding and current row
        ) as missed_last_3,
        sum(missed) over (
            partition by player_id, team_abbr, season_year order by team_game_seq asc nulls first
            rows between 9 preceding and current row
        ) as missed_games_last_10,
        sum(covered) over (
            partition by player_id, team_abbr, season_year order by team_game_seq asc nulls first
            rows between 9 preceding and current row
        ) as roster_games_last_10
    from roster_games
),

-- A row reads the windows at the team's last completed game before d.
availability as (
    select
        upcg_rows.game_date,
        upcg_rows.player_id,
        roster_windows.missed_last_3 as injury_risk,
        roster_windows.roster_games_last_10,
        roster_windows.missed_games_last_10
    from upcg_rows
    inner join team_history
        on team_history.team_abbr = upcg_rows.team_abbr
        and team_history.season_year = upcg_rows.season_year
        and team_history.game_date = upcg_rows.game_date
    inner join roster_windows
        on roster_windows.player_id = upcg_rows.player_id
        and roster_windows.team_abbr = upcg_rows.team_abbr
        and roster_windows.season_year = upcg_rows.season_year
        and roster_windows.team_game_seq = team_history.team_games_before
),

-- Step 5: opponent history, [d - 365, d - 1], any season and phase.
opponent_history as (
    select
        upcg_rows.game_date,
        upcg_rows.player_id,
        avg(played_any_season.points) as points_avg_vs_opponent,
        count(*) as games_vs_opponent
    from upcg_rows
    inner join played_any_season
        on played_any_season.player_id = upcg_rows.player_id
        and played_any_season.opponent_team_abbr = upcg_rows.opponent_team_abbr
        and played_any_season.game_date >= upcg_rows.game_date - interval 365 day
        and played_any_season.game_date < upcg_rows.game_date
    group by upcg_rows.game_date, upcg_rows.player_id
),

-- Step 6: seasons with shot zones (a TOGS game with has_shot_zones before d in the season).
shot_seasons as (
    select season_year, min(game_date) as first_shot_date
    from togs
    where has_shot_zones
    group by season_year
),

-- The season usage of each team-game's listed-inactive players (the row's own is removed below).
-- Summed in millionths as integers, so the sum does not depend on the order of aggregation.
inactive_usage_rows as (
    select
        upcg_rows.game_date,
        upcg_rows.player_id,
        upcg_rows.game_id,
        upcg_rows.team_abbr,
        case
            when upcg_rows.is_listed_inactive then cast(round(1000000 * coalesce(
                pdc.usage_rate_avg_season, player_history.usage_rate_avg_season, 0
            )) as bigint)
            else 0
        end as usage_millionths
    from upcg_rows
    left join pdc
        on pdc.cache_date = upcg_rows.game_date
        and pdc.player_id = upcg_rows.player_id
    left join player_history
        on player_history.game_date = upcg_rows.game_date
        and player_history.player_id = upcg_rows.player_id
        and player_history.season_year = upcg_rows.season_year
),

inactive_usage_teams as (
    select game_id, team_abbr, sum(usage_millionths) as usage_millionths
    from inactive_usage_rows
    group by game_id, team_abbr
),

inactive_usage as (
    select
        inactive_usage_rows.game_date,
        inactive_usage_rows.player_id,
        cast(inactive_usage_teams.usage_millionths - inactive_usage_rows.usage_millionths as double)
        / 1000000 as inactive_teammate_usage
    from inactive_usage_rows
    inner join inactive_usage_teams
        on inactive_usage_teams.game_id = inactive_usage_rows.game_id
        and inactive_usage_teams.team_abbr = inactive_usage_rows.team_abbr
),

-- Step 7: every feature's first-available candidate (value, source); no defaults here.
inputs as (
    select
        upcg_rows.*,
        shot_seasons.first_shot_date is not null
        and shot_seasons.first_shot_date < upcg_rows.game_date as shots_covered,
        pdc.points_avg_last_5 as pdc_points_avg_last_5,
        pdc.points_avg_last_10 as pdc_points_avg_last_10,
        pdc.points_avg_season as pdc_points_avg_season,
        pdc.points_std_last_10 as pdc_points_std_last_10,
        pdc.minutes_avg_last_10 as pdc_minutes_avg_last_10,
        pdc.minutes_avg_season as pdc_minutes_avg_season,
        pdc.ppm_avg_last_10 as pdc_ppm_avg_last_10,
        pdc.usage_rate_avg_season as pdc_usage_rate_avg_season,
        pdc.pct_free_throw_last_10 as pdc_pct_free_throw_last_10,
        pdc.team_pace_avg_last_10 as pdc_team_pace_avg_last_10,
        pdc.team_offensive_rating_avg_last_10 as pdc_team_offensive_rating_avg_last_10,
        pdc.team_win_pct_season as pdc_team_win_pct_season,
        pcf.fatigue_score as pcf_fatigue_score,
        pcf.shot_zone_mismatch_score as pcf_shot_zone_mismatch_score,
        pcf.pace_score as pcf_pace_score,
        pcf.usage_spike_score as pcf_usage_spike_score,
        psza.paint_rate_last_10 as psza_paint_rate_last_10,
        psza.mid_range_rate_last_10 as psza_mid_range_rate_last_10,
        psza.three_rate_last_10 as psza_three_rate_last_10,
        tdza.defensive_rating_avg_last_15 as tdza_defensive_rating_avg_last_15,
        tdza.pace_avg_last_15 as tdza_pace_avg_last_15,
        utgc.team_pace_avg_last_10 as utgc_team_pace_avg_last_10,
        utgc.team_offensive_rating_avg_last_10 as utgc_team_offensive_rating_avg_last_10,
        utgc.opponent_pace_avg_last_10 as utgc_opponent_pace_avg_last_10,
        utgc.opponent_defensive_rating_avg_last_10 as utgc_opponent_defensive_rating_avg_last_10,
        player_history.games_before,
        player_history.last_team_abbr,
        player_history.last_game_date,
        player_history.last_points_line,
        player_history.segment_games,
        player_history.points_avg_last_3 as pgs_points_avg_last_3,
        player_history.points_avg_last_5 as pgs_points_avg_last_5,
        player_history.games_last_5,
        player_history.points_avg_newest_2,
        player_history.points_avg_older_3,
        player_history.points_avg_last_10 as pgs_points_avg_last_10,
        player_history.points_std_last_10 as pgs_points_std_last_10,
        player_history.games_last_10,
        player_history.points_slope_last_10,
        player_history.points_slope_last_7,
        player_history.games_last_7,
        player_history.points_avg_season as pgs_points_avg_season,
        player_history.points_std_season,
        player_history.minutes_avg_last_10 as pgs_minutes_avg_last_10,
        player_history.minutes_std_last_10 as pgs_minutes_std_last_10,
        player_history.ppm_avg_last_10 as pgs_ppm_avg_last_10,
        player_history.usage_rate_avg_last_5 as pgs_usage_rate_avg_last_5,
        player_history.usage_games_last_5,
        player_history.over_rate_last_10 as pgs_over_rate_last_10,
        player_history.line_margin_avg_last_5 as pgs_line_margin_avg_last_5,
        coalesce(availability.injury_risk, 0) as availability_injury_risk,
        coalesce(availability.roster_games_last_10, 0) as roster_games_last_10,
        coalesce(availability.missed_games_last_10, 0) as missed_games_last_10,
        opponent_history.points_avg_vs_opponent,
        coalesce(opponent_history.games_vs_opponent, 0) as opponent_games,
        team_history.hist_games_expected,
        team_history.hist_games_found,
        team_history.hist_game_dates,
        team_history.blowout_minutes_risk as team_blowout_minutes_risk,
        inactive_usage.inactive_teammate_usage
    from upcg_rows
    left join shot_seasons
        on shot_seasons.season_year = upcg_rows.season_year
    left join pdc
        on pdc.cache_date = upcg_rows.game_date
        and pdc.player_id = upcg_rows.player_id
    left join pcf
        on pcf.game_date = upcg_rows.game_date
        and pcf.player_id = upcg_rows.player_id
    left join psza
        on psza.analysis_date = upcg_rows.game_date
        and psza.player_id = upcg_rows.player_id
    left join tdza
        on tdza.analysis_date = upcg_rows.game_date
        and tdza.team_abbr = upcg_rows.opponent_team_abbr
    left join utgc
        on utgc.game_id = upcg_rows.game_id
        and utgc.team_abbr = upcg_rows.team_abbr
    left join player_history
        on player_history.game_date = upcg_rows.game_date
        and player_history.player_id = upcg_rows.player_id
        and player_history.season_year = upcg_rows.season_year
    left join availability
        on availability.game_date = upcg_rows.game_date
        and availability.player_id = upcg_rows.player_id
    left join opponent_history
        on opponent_history.game_date = upcg_rows.game_date
        and opponent_history.player_id = upcg_rows.player_id
    left join team_history
        on team_history.team_abbr = upcg_rows.team_abbr
        and team_history.season_year = upcg_rows.season_year
        and team_history.game_date = upcg_rows.game_date
    left join inactive_usage
        on inactive_usage.game_date = upcg_rows.game_date
        and inactive_usage.player_id = upcg_rows.player_id
),

candidate_values as (
    select
        inputs.*,
        coalesce(pdc_points_avg_last_5, pgs_points_avg_last_5) as points_avg_last_5,
        coalesce(pdc_points_avg_last_10, pgs_points_avg_last_10) as points_avg_last_10,
        coalesce(pdc_points_avg_season, pgs_points_avg_season) as points_avg_season,
        coalesce(pdc_points_std_last_10, pgs_points_std_last_10) as points_std_last_10,
        cast(games_in_last_7_days as double) as games_in_last_7_days_value,
        pcf_fatigue_score as fatigue_score,
        case when shots_covered then pcf_shot_zone_mismatch_score end as shot_zone_mismatch_score,
        pcf_pace_score as pace_score,
        pcf_usage_spike_score as usage_spike_score,
        case
            when days_rest is null or opponent_days_rest is null then 0.0
            else cast(greatest(least(days_rest - opponent_days_rest, 2), -2) as double)
        end as rest_advantage,
        cast(availability_injury_risk as double) as injury_risk,
        case
            when games_last_5 < 5 or games_last_5 is null then null
            when points_avg_newest_2 - points_avg_older_3 >= 5 then 2.0
            when points_avg_newest_2 - points_avg_older_3 >= 2 then 1.0
            when points_avg_newest_2 - points_avg_older_3 <= -5 then -2.0
            when points_avg_newest_2 - points_avg_older_3 <= -2 then -1.0
            else 0.0
        end as recent_trend,
        case
            when (pdc_minutes_avg_last_10 - pdc_minutes_avg_season)
                / nullif(pdc_minutes_avg_season, 0) >= 0.20 then 2.0
            when (pdc_minutes_avg_last_10 - pdc_minutes_avg_season)
                / nullif(pdc_minutes_avg_season, 0) >= 0.10 then 1.0
            when (pdc_minutes_avg_last_10 - pdc_minutes_avg_season)
                / nullif(pdc_minutes_avg_season, 0) <= -0.20 then -2.0
            when (pdc_minutes_avg_last_10 - pdc_minutes_avg_season)
                / nullif(pdc_minutes_avg_season, 0) <= -0.10 then -1.0
            when (pdc_minutes_avg_last_10 - pdc_minutes_avg_season)
                / nullif(pdc_minutes_avg_season, 0) is not null then 0.0
        end as minutes_change,
        coalesce(tdza_defensive_rating_avg_last_15, utgc_opponent_defensive_rating_avg_last_10)
            as opponent_def_rating,
        coalesce(tdza_pace_avg_last_15, utgc_opponent_pace_avg_last_10) as opponent_pace,
        case when home_game then 1.0 when not home_game then 0.0 end as home_away,
        case when days_rest = 1 then 1.0 else 0.0 end as back_to_back,
        case
            when season_phase in ('play_in', 'playoffs') then 1.0
            when season_phase is not null then 0.0
        end as playoff_game,
        case when shots_covered then psza_paint_rate_last_10 end as pct_paint,
        case when shots_covered then psza_mid_range_rate_last_10 end as pct_mid_range,
        case when shots_covered then psza_three_rate_last_10 end as pct_three,
        pdc_pct_free_throw_last_10 as pct_free_throw,
        coalesce(pdc_team_pace_avg_last_10, utgc_team_pace_avg_last_10) as team_pace,
        coalesce(pdc_team_offensive_rating_avg_last_10, utgc_team_offensive_rating_avg_last_10)
            as team_off_rating,
        pdc_team_win_pct_season as team_win_pct,
        cast(points_line as double) as vegas_points_line,
        cast(opening_points_line as double) as vegas_opening_line,
        cast(points_line - opening_points_line as double) as vegas_line_move,
        case when points_line is not null then 1.0 else 0.0 end as has_vegas_line,
        cast(opponent_games as double) as games_vs_opponent,
        coalesce(pdc_minutes_avg_last_10, pgs_minutes_avg_last_10) as minutes_avg_last_10,
        coalesce(pdc_ppm_avg_last_10, pgs_ppm_avg_last_10) as ppm_avg_last_10,
        case
            when roster_games_last_10 >= 3
                then cast(missed_games_last_10 as double) / roster_games_last_10
        end as dnp_rate,
        case when games_last_10 >= 5 then points_slope_last_10 end as pts_slope_10g,
        case
            when pgs_points_std_last_10 > 0 then greatest(least(
                (pgs_points_avg_last_5 - pgs_points_avg_season) / pgs_points_std_last_10, 3.0
            ), -3.0)
        end as pts_vs_season_zscore,
        case
            when pgs_points_std_last_10 is null then null
            when pgs_points_avg_last_5 > pgs_points_avg_season + 1.5 * pgs_points_std_last_10
                then 1.0
            else 0.0
        end as breakout_flag,
        cast(star_teammates_out as double) as star_teammates_out_value,
        cast(game_total as double) as game_total_line,
        cast(days_rest as double) as days_rest_value,
        cast(minutes_in_last_7_days as double) as minutes_in_last_7_days_value,
        cast(abs(game_spread) as double) as spread_magnitude,
        cast(implied_team_total as double) as implied_team_total_value,
        pgs_points_avg_last_3 as points_avg_last_3,
        case when games_last_7 >= 4 then points_slope_last_7 end as scoring_trend_slope,
        case
            when points_std_season > 0
                then (pgs_points_avg_last_3 - pgs_points_avg_season) / points_std_season
        end as deviation_from_avg_last_3,
        case when is_listed_inactive is not null then inactive_teammate_usage end
            as teammate_usage_available,
        case when usage_games_last_5 >= 3 then pgs_usage_rate_avg_last_5 end
            as usage_rate_avg_last_5,
        case
            when games_before = 0 or games_before is null then 0.0
            when last_team_abbr <> team_abbr then 0.0
            when date_diff('day', last_game_date, game_date) > 14 then 0.0
            else cast(least(segment_games, 30) as double)
        end as games_since_structural_change,
        cast(prop_over_streak as double) as prop_over_streak_value,
        cast(prop_under_streak as double) as prop_under_streak_value,
        cast(points_line - coalesce(pdc_points_avg_season, pgs_points_avg_season) as double)
            as line_vs_season_avg,
        cast(points_line - last_points_line as double) as prop_line_delta,
        pgs_over_rate_last_10 as over_rate_last_10,
        pgs_line_margin_avg_last_5 as line_margin_avg_last_5,
        team_blowout_minutes_risk as blowout_minutes_risk,
        pgs_minutes_std_last_10 as minutes_std_last_10
    from inputs
),

candidates as (
    select
        candidate_values.*,
        coalesce(points_avg_vs_opponent, points_avg_season) as avg_points_vs_opponent,
        team_pace - opponent_pace as opponent_pace_mismatch,
        case
            when pdc_points_avg_last_5 is not null then 'phase4'
            when pgs_points_avg_last_5 is not null then 'phase3'
        end as points_avg_last_5_source,
        case
            when pdc_points_avg_last_10 is not null then 'phase4'
            when pgs_points_avg_last_10 is not null then 'phase3'
        end as points_avg_last_10_source,
        case
            when pdc_points_avg_season is not null then 'phase4'
            when pgs_points_avg_season is not null then 'phase3'
        end as points_avg_season_source,
        case
            when pdc_points_std_last_10 is not null then 'phase4'
            when pgs_points_std_last_10 is not null then 'phase3'
        end as points_std_last_10_source,
        case when games_in_last_7_days is not null then 'phase3' end
            as games_in_last_7_days_source,
        case when fatigue_score is not null then 'phase4' end as fatigue_score_source,
        case
            when not shots_covered then 'not_covered'
            when shot_zone_mismatch_score is not null then 'phase4'
        end as shot_zone_mismatch_score_source,
        case when pace_score is not null then 'phase4' end as pace_score_source,
        case when usage_spike_score is not null then 'phase4' end as usage_spike_score_source,
        'calculated' as rest_advantage_source,
        'calculated' as injury_risk_source,
        case when recent_trend is not null then 'calculated' end as recent_trend_source,
        case when minutes_change is not null then 'phase4' end as minutes_change_source,
        case
            when tdza_defensive_rating_avg_last_15 is not null then 'phase4'
            when utgc_opponent_defensive_rating_avg_last_10 is not null then 'phase3'
        end as opponent_def_rating_source,
        case
            when tdza_pace_avg_last_15 is not null then 'phase4'
            when utgc_opponent_pace_avg_last_10 is not null then 'phase3'
        end as opponent_pace_source,
        case when home_away is not null then 'phase3' end as home_away_source,
        'phase3' as back_to_back_source,
        case when playoff_game is not null then 'phase3' end as playoff_game_source,
        case
            when not shots_covered then 'not_covered'
            when pct_paint is not null then 'phase4'
        end as pct_paint_source,
        case
            when not shots_covered then 'not_covered'
            when pct_mid_range is not null then 'phase4'
        end as pct_mid_range_source,
        case
            when not shots_covered then 'not_covered'
            when pct_three is not null then 'phase4'
        end as pct_three_source,
        case when pct_free_throw is not null then 'phase4' end as pct_free_throw_source,
        case
            when pdc_team_pace_avg_last_10 is not null then 'phase4'
            when utgc_team_pace_avg_last_10 is not null then 'phase3'
        end as team_pace_source,
        case
            when pdc_team_offensive_rating_avg_last_10 is not null then 'phase4'
            when utgc_team_offensive_rating_avg_last_10 is not null then 'phase3'
        end as team_off_rating_source,
        case when team_win_pct is not null then 'phase4' end as team_win_pct_source,
        case when vegas_points_line is not null then 'vegas' end as vegas_points_line_source,
        case when vegas_opening_line is not null then 'vegas' end as vegas_opening_line_source,
        case when vegas_line_move is not null then 'vegas' end as vegas_line_move_source,
        'calculated' as has_vegas_line_source,
        case
            when points_avg_vs_opponent is not null then 'opponent_history'
            when points_avg_season is not null then 'calculated'
        end as avg_points_vs_opponent_source,
        'opponent_history' as games_vs_opponent_source,
        case
            when pdc_minutes_avg_last_10 is not null then 'phase4'
            when pgs_minutes_avg_last_10 is not null then 'phase3'
        end as minutes_avg_last_10_source,
        case
            when pdc_ppm_avg_last_10 is not null then 'phase4'
            when pgs_ppm_avg_last_10 is not null then 'phase3'
        end as ppm_avg_last_10_source,
        case when dnp_rate is not null then 'phase3' end as dnp_rate_source,
        case when pts_slope_10g is not null then 'phase3' end as pts_slope_10g_source,
        case when pts_vs_season_zscore is not null then 'phase3' end
            as pts_vs_season_zscore_source,
        case when breakout_flag is not null then 'phase3' end as breakout_flag_source,
        case when star_teammates_out is not null then 'phase3' else 'not_covered' end
            as star_teammates_out_source,
        case when game_total_line is not null then 'vegas' end as game_total_line_source,
        case when days_rest is not null then 'phase3' end as days_rest_source,
        case when minutes_in_last_7_days is not null then 'phase3' end
            as minutes_in_last_7_days_source,
        case when spread_magnitude is not null then 'vegas' end as spread_magnitude_source,
        case when implied_team_total is not null then 'vegas' end as implied_team_total_source,
        case when points_avg_last_3 is not null then 'phase3' end as points_avg_last_3_source,
        case when scoring_trend_slope is not null then 'phase3' end as scoring_trend_slope_source,
        case when deviation_from_avg_last_3 is not null then 'phase3' end
            as deviation_from_avg_last_3_source,
        case
            when is_listed_inactive is null then 'not_covered'
            when teammate_usage_available is not null then 'calculated'
        end as teammate_usage_available_source,
        case when usage_rate_avg_last_5 is not null then 'phase3' end
            as usage_rate_avg_last_5_source,
        'phase3' as games_since_structural_change_source,
        case when prop_over_streak is not null then 'phase3' end as prop_over_streak_source,
        case when prop_under_streak is not null then 'phase3' end as prop_under_streak_source,
        case when line_vs_season_avg is not null then 'calculated' end
            as line_vs_season_avg_source,
        case when prop_line_delta is not null then 'calculated' end as prop_line_delta_source,
        case when over_rate_last_10 is not null then 'phase3' end as over_rate_last_10_source,
        case when line_margin_avg_last_5 is not null then 'phase3' end
            as line_margin_avg_last_5_source,
        case when blowout_minutes_risk is not null then 'phase3' end
            as blowout_minutes_risk_source,
        case when minutes_std_last_10 is not null then 'phase3' end as minutes_std_last_10_source,
        case when team_pace is not null and opponent_pace is not null then 'calculated' end
            as opponent_pace_mismatch_source
    from candidate_values
),

-- Step 8: resolve every feature against the contract (meta.feature_contract, pivoted to one row):
-- a candidate keeps its value and tag; no candidate -> the contract default (NULL for optional
-- features); not_covered -> NULL. Placeholder rows (bootstrap) have every feature NULL.
contract_defaults as (
    select
        max(case when name = 'points_avg_last_5' then default_value end) as points_avg_last_5,
        max(case when name = 'points_avg_last_10' then default_value end) as points_avg_last_10,
        max(case when name = 'points_avg_season' then default_value end) as points_avg_season,
        max(case when name = 'points_std_last_10' then default_value end) as points_std_last_10,
        max(case when name = 'games_in_last_7_days' then default_value end) as games_in_last_7_days,
        max(case when name = 'fatigue_score' then default_value end) as fatigue_score,
        max(case when name = 'shot_zone_mismatch_score' then default_value end)
            as shot_zone_mismatch_score,
        max(case when name = 'pace_score' then default_value end) as pace_score,
        max(case when name = 'usage_spike_score' then default_value end) as usage_spike_score,
        max(case when name = 'rest_advantage' then default_value end) as rest_advantage,
        max(case when name = 'injury_risk' then default_value end) as injury_risk,
        max(case when name = 'recent_trend' then default_value end) as recent_trend,
        max(case when name = 'minutes_change' then default_value end) as minutes_change,
        max(case when name = 'opponent_def_rating' then default_value end) as opponent_def_rating,
        max(case when name = 'opponent_pace' then default_value end) as opponent_pace,
        max(case when name = 'home_away' then default_value end) as home_away,
        max(case when name = 'back_to_back' then default_value end) as back_to_back,
        max(case when name = 'playoff_game' then default_value end) as playoff_game,
        max(case when name = 'pct_paint' then default_value end) as pct_paint,
        max(case when name = 'pct_mid_range' then default_value end) as pct_mid_range,
        max(case when name = 'pct_three' then default_value end) as pct_three,
        max(case when name = 'pct_free_throw' then default_value end) as pct_free_throw,
        max(case when name = 'team_pace' then default_value end) as team_pace,
        max(case when name = 'team_off_rating' then default_value end) as team_off_rating,
        max(case when name = 'team_win_pct' then default_value end) as team_win_pct,
        max(case when name = 'vegas_points_line' then default_value end) as vegas_points_line,
        max(case when name = 'vegas_opening_line' then default_value end) as vegas_opening_line,
        max(case when name = 'vegas_line_move' then default_value end) as vegas_line_move,
        max(case when name = 'has_vegas_line' then default_value end) as has_vegas_line,
        max(case when name = 'avg_points_vs_opponent' then default_value end)
            as avg_points_vs_opponent,
        max(case when name = 'games_vs_opponent' then default_value end) as games_vs_opponent,
        max(case when name = 'minutes_avg_last_10' then default_value end) as minutes_avg_last_10,
        max(case when name = 'ppm_avg_last_10' then default_value end) as ppm_avg_last_10,
        max(case when name = 'dnp_rate' then default_value end) as dnp_rate,
        max(case when name = 'pts_slope_10g' then default_value end) as pts_slope_10g,
        max(case when name = 'pts_vs_season_zscore' then default_value end) as pts_vs_season_zscore,
        max(case when name = 'breakout_flag' then default_value end) as breakout_flag,
        max(case when name = 'star_teammates_out' then default_value end) as star_teammates_out,
        max(case when name = 'game_total_line' then default_value end) as game_total_line,
        max(case when name = 'days_rest' then default_value end) as days_rest,
        max(case when name = 'minutes_in_last_7_days' then default_value end)
            as minutes_in_last_7_days,
        max(case when name = 'spread_magnitude' then default_value end) as spread_magnitude,
        max(case when name = 'implied_team_total' then default_value end) as implied_team_total,
        max(case when name = 'points_avg_last_3' then default_value end) as points_avg_last_3,
        max(case when name = 'scoring_trend_slope' then default_value end) as scoring_trend_slope,
        max(case when name = 'deviation_from_avg_last_3' then default_value end)
            as deviation_from_avg_last_3,
        max(case when name = 'teammate_usage_available' then default_value end)
            as teammate_usage_available,
        max(case when name = 'usage_rate_avg_last_5' then default_value end)
            as usage_rate_avg_last_5,
        max(case when name = 'games_since_structural_change' then default_value end)
            as games_since_structural_change,
        max(case when name = 'prop_over_streak' then default_value end) as prop_over_streak,
        max(case when name = 'prop_under_streak' then default_value end) as prop_under_streak,
        max(case when name = 'line_vs_season_avg' then default_value end) as line_vs_season_avg,
        max(case when name = 'prop_line_delta' then default_value end) as prop_line_delta,
        max(case when name = 'over_rate_last_10' then default_value end) as over_rate_last_10,
        max(case when name = 'line_margin_avg_last_5' then default_value end)
            as line_margin_avg_last_5,
        max(case when name = 'blowout_minutes_risk' then default_value end) as blowout_minutes_risk,
        max(case when name = 'minutes_std_last_10' then default_value end) as minutes_std_last_10,
        max(case when name = 'opponent_pace_mismatch' then default_value end)
            as opponent_pace_mismatch
    from contract
),

feature_values as (
    select
        candidates.game_date,
        candidates.player_id,
        candidates.game_id,
        candidates.season_year,
        candidates.season_phase,
        candidates.player_lookup,
        candidates.team_abbr,
        candidates.opponent_team_abbr,
        candidates.home_game,
        candidates.is_prediction_eligible,
        case
            when candidates.early_season_flag then null
            when candidates.points_avg_last_5_source is null
                then contract_defaults.points_avg_last_5
            when candidates.points_avg_last_5_source <> 'not_covered'
                then candidates.points_avg_last_5
        end as points_avg_last_5,
        case
            when candidates.early_season_flag then null
            when candidates.points_avg_last_10_source is null
                then contract_defaults.points_avg_last_10
            when candidates.points_avg_last_10_source <> 'not_covered'
                then candidates.points_avg_last_10
        end as points_avg_last_10,
        case
            when candidates.early_season_flag then null
            when candidates.points_avg_season_source is null
                then contract_defaults.points_avg_season
            when candidates.points_avg_season_source <> 'not_covered'
                then candidates.points_avg_season
        end as points_avg_season,
        case
            when candidates.early_season_flag then null
            when candidates.points_std_last_10_source is null
                then contract_defaults.points_std_last_10
            when candidates.points_std_last_10_source <> 'not_covered'
                then candidates.points_std_last_10
        end as points_std_last_10,
        case
            when candidates.early_season_flag then null
            when candidates.games_in_last_7_days_source is null
                then contract_defaults.games_in_last_7_days
            when candidates.games_in_last_7_days_source <> 'not_covered'
                then candidates.games_in_last_7_days_value
        end as games_in_last_7_days,
        case
            when candidates.early_season_flag then null
            when candidates.fatigue_score_source is null then contract_defaults.fatigue_score
            when candidates.fatigue_score_source <> 'not_covered' then candidates.fatigue_score
        end as fatigue_score,
        case
            when candidates.early_season_flag then null
            when candidates.shot_zone_mismatch_score_source is null
                then contract_defaults.shot_zone_mismatch_score
            when candidates.shot_zone_mismatch_score_source <> 'not_covered'
                then candidates.shot_zone_mismatch_score
        end as shot_zone_mismatch_score,
        case
            when candidates.early_season_flag then null
            when candidates.pace_score_source is null then contract_defaults.pace_score
            when candidates.pace_score_source <> 'not_covered' then candidates.pace_score
        end as pace_score,
        case
            when candidates.early_season_flag then null
            when candidates.usage_spike_score_source is null
                then contract_defaults.usage_spike_score
            when candidates.usage_spike_score_source <> 'not_covered'
                then candidates.usage_spike_score
        end as usage_spike_score,
        case
            when candidates.early_season_flag then null
            when candidates.rest_advantage_source is null then contract_defaults.rest_advantage
            when candidates.rest_advantage_source <> 'not_covered' then candidates.rest_advantage
        end as rest_advantage,
        case
            when candidates.early_season_flag then null
            when candidates.injury_risk_source is null then contract_defaults.injury_risk
            when candidates.injury_risk_source <> 'not_covered' then candidates.injury_risk
        end as injury_risk,
        case
            when candidates.early_season_flag then null
            when candidates.recent_trend_source is null then contract_defaults.recent_trend
            when candidates.recent_trend_source <> 'not_covered' then candidates.recent_trend
        end as recent_trend,
        case
            when candidates.early_season_flag then null
            when candidates.minutes_change_source is null then contract_defaults.minutes_change
            when candidates.minutes_change_source <> 'not_covered' then candidates.minutes_change
        end as minutes_change,
        case
            when candidates.early_season_flag then null
            when candidates.opponent_def_rating_source is null
                then contract_defaults.opponent_def_rating
            when candidates.opponent_def_rating_source <> 'not_covered'
                then candidates.opponent_def_rating
        end as opponent_def_rating,
        case
            when candidates.early_season_flag then null
            when candidates.opponent_pace_source is null then contract_defaults.opponent_pace
            when candidates.opponent_pace_source <> 'not_covered' then candidates.opponent_pace
        end as opponent_pace,
        case
            when candidates.early_season_flag then null
            when candidates.home_away_source is null then contract_defaults.home_away
            when candidates.home_away_source <> 'not_covered' then candidates.home_away
        end as home_away,
        case
            when candidates.early_season_flag then null
            when candidates.back_to_back_source is null then contract_defaults.back_to_back
            when candidates.back_to_back_source <> 'not_covered' then candidates.back_to_back
        end as back_to_back,
        case
            when candidates.early_season_flag then null
            when candidates.playoff_game_source is null then contract_defaults.playoff_game
            when candidates.playoff_game_source <> 'not_covered' then candidates.playoff_game
        end as playoff_game,
        case
            when candidates.early_season_flag then null
            when candidates.pct_paint_source is null then contract_defaults.pct_paint
            when candidates.pct_paint_source <> 'not_covered' then candidates.pct_paint
        end as pct_paint,
        case
            when candidates.early_season_flag then null
            when candidates.pct_mid_range_source is null then contract_defaults.pct_mid_range
            when candidates.pct_mid_range_source <> 'not_covered' then candidates.pct_mid_range
        end as pct_mid_range,
        case
            when candidates.early_season_flag then null
            when candidates.pct_three_source is null then contract_defaults.pct_three
            when candidates.pct_three_source <> 'not_covered' then candidates.pct_three
        end as pct_three,
        case
            when candidates.early_season_flag then null
            when candidates.pct_free_throw_source is null then contract_defaults.pct_free_throw
            when candidates.pct_free_throw_source <> 'not_covered' then candidates.pct_free_throw
        end as pct_free_throw,
        case
            when candidates.early_season_flag then null
            when candidates.team_pace_source is null then contract_defaults.team_pace
            when candidates.team_pace_source <> 'not_covered' then candidates.team_pace
        end as team_pace,
        case
            when candidates.early_season_flag then null
            when candidates.team_off_rating_source is null then contract_defaults.team_off_rating
            when candidates.team_off_rating_source <> 'not_covered' then candidates.team_off_rating
        end as team_off_rating,
        case
            when candidates.early_season_flag then null
            when candidates.team_win_pct_source is null then contract_defaults.team_win_pct
            when candidates.team_win_pct_source <> 'not_covered' then candidates.team_win_pct
        end as team_win_pct,
        case
            when candidates.early_season_flag then null
            when candidates.vegas_points_line_source is null
                then contract_defaults.vegas_points_line
            when candidates.vegas_points_line_source <> 'not_covered'
                then candidates.vegas_points_line
        end as vegas_points_line,
        case
            when candidates.early_season_flag then null
            when candidates.vegas_opening_line_source is null
                then contract_defaults.vegas_opening_line
            when candidates.vegas_opening_line_source <> 'not_covered'
                then candidates.vegas_opening_line
        end as vegas_opening_line,
        case
            when candidates.early_season_flag then null
            when candidates.vegas_line_move_source is null then contract_defaults.vegas_line_move
            when candidates.vegas_line_move_source <> 'not_covered' then candidates.vegas_line_move
        end as vegas_line_move,
        case
            when candidates.early_season_flag then null
            when candidates.has_vegas_line_source is null then contract_defaults.has_vegas_line
            when candidates.has_vegas_line_source <> 'not_covered' then candidates.has_vegas_line
        end as has_vegas_line,
        case
            when candidates.early_season_flag then null
            when candidates.avg_points_vs_opponent_source is null
                then contract_defaults.avg_points_vs_opponent
            when candidates.avg_points_vs_opponent_source <> 'not_covered'
                then candidates.avg_points_vs_opponent
        end as avg_points_vs_opponent,
        case
            when candidates.early_season_flag then null
            when candidates.games_vs_opponent_source is null
                then contract_defaults.games_vs_opponent
            when candidates.games_vs_opponent_source <> 'not_covered'
                then candidates.games_vs_opponent
        end as games_vs_opponent,
        case
            when candidates.early_season_flag then null
            when candidates.minutes_avg_last_10_source is null
                then contract_defaults.minutes_avg_last_10
            when candidates.minutes_avg_last_10_source <> 'not_covered'
                then candidates.minutes_avg_last_10
        end as minutes_avg_last_10,
        case
            when candidates.early_season_flag then null
            when candidates.ppm_avg_last_10_source is null then contract_defaults.ppm_avg_last_10
            when candidates.ppm_avg_last_10_source <> 'not_covered' then candidates.ppm_avg_last_10
        end as ppm_avg_last_10,
        case
            when candidates.early_season_flag then null
            when candidates.dnp_rate_source is null then contract_defaults.dnp_rate
            when candidates.dnp_rate_source <> 'not_covered' then candidates.dnp_rate
        end as dnp_rate,
        case
            when candidates.early_season_flag then null
            when candidates.pts_slope_10g_source is null then contract_defaults.pts_slope_10g
            when candidates.pts_slope_10g_source <> 'not_covered' then candidates.pts_slope_10g
        end as pts_slope_10g,
        case
            when candidates.early_season_flag then null
            when candidates.pts_vs_season_zscore_source is null
                then contract_defaults.pts_vs_season_zscore
            when candidates.pts_vs_season_zscore_source <> 'not_covered'
                then candidates.pts_vs_season_zscore
        end as pts_vs_season_zscore,
        case
            when candidates.early_season_flag then null
            when candidates.breakout_flag_source is null then contract_defaults.breakout_flag
            when candidates.breakout_flag_source <> 'not_covered' then candidates.breakout_flag
        end as breakout_flag,
        case
            when candidates.early_season_flag then null
            when candidates.star_teammates_out_source is null
                then contract_defaults.star_teammates_out
            when candidates.star_teammates_out_source <> 'not_covered'
                then candidates.star_teammates_out_value
        end as star_teammates_out,
        case
            when candidates.early_season_flag then null
            when candidates.game_total_line_source is null then contract_defaults.game_total_line
            when candidates.game_total_line_source <> 'not_covered' then candidates.game_total_line
        end as game_total_line,
        case
            when candidates.early_season_flag then null
            when candidates.days_rest_source is null then contract_defaults.days_rest
            when candidates.days_rest_source <> 'not_covered' then candidates.days_rest_value
        end as days_rest,
        case
            when candidates.early_season_flag then null
            when candidates.minutes_in_last_7_days_source is null
                then contract_defaults.minutes_in_last_7_days
            when candidates.minutes_in_last_7_days_source <> 'not_covered'
                then candidates.minutes_in_last_7_days_value
        end as minutes_in_last_7_days,
        case
            when candidates.early_season_flag then null
            when candidates.spread_magnitude_source is null then contract_defaults.spread_magnitude
            when candidates.spread_magnitude_source <> 'not_covered'
                then candidates.spread_magnitude
        end as spread_magnitude,
        case
            when candidates.early_season_flag then null
            when candidates.implied_team_total_source is null
                then contract_defaults.implied_team_total
            when candidates.implied_team_total_source <> 'not_covered'
                then candidates.implied_team_total_value
        end as implied_team_total,
        case
            when candidates.early_season_flag then null
            when candidates.points_avg_last_3_source is null
                then contract_defaults.points_avg_last_3
            when candidates.points_avg_last_3_source <> 'not_covered'
                then candidates.points_avg_last_3
        end as points_avg_last_3,
        case
            when candidates.early_season_flag then null
            when candidates.scoring_trend_slope_source is null
                then contract_defaults.scoring_trend_slope
            when candidates.scoring_trend_slope_source <> 'not_covered'
                then candidates.scoring_trend_slope
        end as scoring_trend_slope,
        case
            when candidates.early_season_flag then null
            when candidates.deviation_from_avg_last_3_source is null
                then contract_defaults.deviation_from_avg_last_3
            when candidates.deviation_from_avg_last_3_source <> 'not_covered'
                then candidates.deviation_from_avg_last_3
        end as deviation_from_avg_last_3,
        case
            when candidates.early_season_flag then null
            when candidates.teammate_usage_available_source is null
                then contract_defaults.teammate_usage_available
            when candidates.teammate_usage_available_source <> 'not_covered'
                then candidates.teammate_usage_available
        end as teammate_usage_available,
        case
            when candidates.early_season_flag then null
            when candidates.usage_rate_avg_last_5_source is null
                then contract_defaults.usage_rate_avg_last_5
            when candidates.usage_rate_avg_last_5_source <> 'not_covered'
                then candidates.usage_rate_avg_last_5
        end as usage_rate_avg_last_5,
        case
            when candidates.early_season_flag then null
            when candidates.games_since_structural_change_source is null
                then contract_defaults.games_since_structural_change
            when candidates.games_since_structural_change_source <> 'not_covered'
                then candidates.games_since_structural_change
        end as games_since_structural_change,
        case
            when candidates.early_season_flag then null
            when candidates.prop_over_streak_source is null then contract_defaults.prop_over_streak
            when candidates.prop_over_streak_source <> 'not_covered'
                then candidates.prop_over_streak_value
        end as prop_over_streak,
        case
            when candidates.early_season_flag then null
            when candidates.prop_under_streak_source is null
                then contract_defaults.prop_under_streak
            when candidates.prop_under_streak_source <> 'not_covered'
                then candidates.prop_under_streak_value
        end as prop_under_streak,
        case
            when candidates.early_season_flag then null
            when candidates.line_vs_season_avg_source is null
                then contract_defaults.line_vs_season_avg
            when candidates.line_vs_season_avg_source <> 'not_covered'
                then candidates.line_vs_season_avg
        end as line_vs_season_avg,
        case
            when candidates.early_season_flag then null
            when candidates.prop_line_delta_source is null then contract_defaults.prop_line_delta
            when candidates.prop_line_delta_source <> 'not_covered' then candidates.prop_line_delta
        end as prop_line_delta,
        case
            when candidates.early_season_flag then null
            when candidates.over_rate_last_10_source is null
                then contract_defaults.over_rate_last_10
            when candidates.over_rate_last_10_source <> 'not_covered'
                then candidates.over_rate_last_10
        end as over_rate_last_10,
        case
            when candidates.early_season_flag then null
            when candidates.line_margin_avg_last_5_source is null
                then contract_defaults.line_margin_avg_last_5
            when candidates.line_margin_avg_last_5_source <> 'not_covered'
                then candidates.line_margin_avg_last_5
        end as line_margin_avg_last_5,
        case
            when candidates.early_season_flag then null
            when candidates.blowout_minutes_risk_source is null
                then contract_defaults.blowout_minutes_risk
            when candidates.blowout_minutes_risk_source <> 'not_covered'
                then candidates.blowout_minutes_risk
        end as blowout_minutes_risk,
        case
            when candidates.early_season_flag then null
            when candidates.minutes_std_last_10_source is null
                then contract_defaults.minutes_std_last_10
            when candidates.minutes_std_last_10_source <> 'not_covered'
                then candidates.minutes_std_last_10
        end as minutes_std_last_10,
        case
            when candidates.early_season_flag then null
            when candidates.opponent_pace_mismatch_source is null
                then contract_defaults.opponent_pace_mismatch
            when candidates.opponent_pace_mismatch_source <> 'not_covered'
                then candidates.opponent_pace_mismatch
        end as opponent_pace_mismatch,
        candidates.early_season_flag,
        candidates.hist_games_expected,
        candidates.hist_games_found,
        candidates.hist_game_dates,
        array_to_string([
            coalesce(candidates.points_avg_last_5_source, 'none'),
            coalesce(candidates.points_avg_last_10_source, 'none'),
            coalesce(candidates.points_avg_season_source, 'none'),
            coalesce(candidates.points_std_last_10_source, 'none'),
            coalesce(candidates.games_in_last_7_days_source, 'none'),
            coalesce(candidates.fatigue_score_source, 'none'),
            coalesce(candidates.shot_zone_mismatch_score_source, 'none'),
            coalesce(candidates.pace_score_source, 'none'),
            coalesce(candidates.usage_spike_score_source, 'none'),
            coalesce(candidates.rest_advantage_source, 'none'),
            coalesce(candidates.injury_risk_source, 'none'),
            coalesce(candidates.recent_trend_source, 'none'),
            coalesce(candidates.minutes_change_source, 'none'),
            coalesce(candidates.opponent_def_rating_source, 'none'),
            coalesce(candidates.opponent_pace_source, 'none'),
            coalesce(candidates.home_away_source, 'none'),
            coalesce(candidates.back_to_back_source, 'none'),
            coalesce(candidates.playoff_game_source, 'none'),
            coalesce(candidates.pct_paint_source, 'none'),
            coalesce(candidates.pct_mid_range_source, 'none'),
            coalesce(candidates.pct_three_source, 'none'),
            coalesce(candidates.pct_free_throw_source, 'none'),
            coalesce(candidates.team_pace_source, 'none'),
            coalesce(candidates.team_off_rating_source, 'none'),
            coalesce(candidates.team_win_pct_source, 'none'),
            coalesce(candidates.vegas_points_line_source, 'none'),
            coalesce(candidates.vegas_opening_line_source, 'none'),
            coalesce(candidates.vegas_line_move_source, 'none'),
            coalesce(candidates.has_vegas_line_source, 'none'),
            coalesce(candidates.avg_points_vs_opponent_source, 'none'),
            coalesce(candidates.games_vs_opponent_source, 'none'),
            coalesce(candidates.minutes_avg_last_10_source, 'none'),
            coalesce(candidates.ppm_avg_last_10_source, 'none'),
            coalesce(candidates.dnp_rate_source, 'none'),
            coalesce(candidates.pts_slope_10g_source, 'none'),
            coalesce(candidates.pts_vs_season_zscore_source, 'none'),
            coalesce(candidates.breakout_flag_source, 'none'),
            coalesce(candidates.star_teammates_out_source, 'none'),
            coalesce(candidates.game_total_line_source, 'none'),
            coalesce(candidates.days_rest_source, 'none'),
            coalesce(candidates.minutes_in_last_7_days_source, 'none'),
            coalesce(candidates.spread_magnitude_source, 'none'),
            coalesce(candidates.implied_team_total_source, 'none'),
            coalesce(candidates.points_avg_last_3_source, 'none'),
            coalesce(candidates.scoring_trend_slope_source, 'none'),
            coalesce(candidates.deviation_from_avg_last_3_source, 'none'),
            coalesce(candidates.teammate_usage_available_source, 'none'),
            coalesce(candidates.usage_rate_avg_last_5_source, 'none'),
            coalesce(candidates.games_since_structural_change_source, 'none'),
            coalesce(candidates.prop_over_streak_source, 'none'),
            coalesce(candidates.prop_under_streak_source, 'none'),
            coalesce(candidates.line_vs_season_avg_source, 'none'),
            coalesce(candidates.prop_line_delta_source, 'none'),
            coalesce(candidates.over_rate_last_10_source, 'none'),
            coalesce(candidates.line_margin_avg_last_5_source, 'none'),
            coalesce(candidates.blowout_minutes_risk_source, 'none'),
            coalesce(candidates.minutes_std_last_10_source, 'none'),
            coalesce(candidates.opponent_pace_mismatch_source, 'none')
        ], ',') as source_pattern
    from candidates
    cross join contract_defaults
),

-- Step 9: the source tags. A row's candidate tags ('none' = no candidate), in contract order, form
-- its source pattern; the few distinct patterns are resolved and scored against the contract (role,
-- version, weights) and joined back, so the per-feature work is done once per pattern, not per row.
source_patterns as (
    select distinct source_pattern
    from feature_values
),

pattern_features as (
    select
        source_patterns.source_pattern,
        contract.feature_index,
        contract.role,
        contract.is_v1,
        case split_part(source_patterns.source_pattern, ',', contract.position)
            when 'none' then contract.fallback_source
            else split_part(source_patterns.source_pattern, ',', contract.position)
        end as feature_source
    from source_patterns
    cross join contract
),

pattern_counts as (
    select
        pattern_features.source_pattern,
        array_agg(pattern_features.feature_source order by pattern_features.feature_index asc nulls first)
            as feature_sources,
        avg(
            case
                when pattern_features.is_v1
                    and pattern_features.feature_source not in ('missing', 'not_covered')
                    then source_weights.weight
            end
        ) as mean_source_weight,
        count(
            case when pattern_features.is_v1 and pattern_features.feature_source = 'default' then 1 end
        ) as default_feature_count,
        count(
            case
                when pattern_features.is_v1 and pattern_features.role = 'R'
                    and pattern_features.feature_source = 'default' then 1
            end
        ) as required_default_count,
        array_agg(pattern_features.feature_index order by pattern_features.feature_index asc nulls first)
            filter (where pattern_features.is_v1 and pattern_features.feature_source = 'default')
            as default_feature_indices,
        array_agg(pattern_features.feature_index order by pattern_features.feature_index asc nulls first)
            filter (where pattern_features.is_v1 and pattern_features.feature_source = 'not_covered')
            as uncovered_feature_indices,
        count(
            case
                when pattern_features.is_v1
                    and pattern_features.feature_source not in ('missing', 'not_covered') then 1
            end
        ) as covered_feature_count,
        count(case when pattern_features.is_v1 and pattern_features.feature_source = 'phase4' then 1 end)
            as phase4_feature_count,
        count(case when pattern_features.is_v1 and pattern_features.feature_source = 'phase3' then 1 end)
            as phase3_feature_count
    from pattern_features
    left join source_weights
        on source_weights.source = pattern_features.feature_source
    group by pattern_features.source_pattern
),

pattern_quality as (
    select
        source_pattern,
        feature_sources,
        least(
            mean_source_weight,
            case
                when required_default_count >= 5 then 49.0
                when required_default_count >= 1 then 69.0
                else 100.0
            end
        ) as feature_quality_score,
        default_feature_count,
        required_default_count,
        coalesce(default_feature_indices, cast([] as integer[])) as default_feature_indices,
        coalesce(uncovered_feature_indices, cast([] as integer[])) as uncovered_feature_indices,
        case
            when phase4_feature_count > 0.9 * covered_feature_count then 'phase4'
            when phase3_feature_count > 0.5 * covered_feature_count then 'phase3'
            else 'mixed'
        end as data_source
    from pattern_counts
),

final as (
    select
        feature_values.game_date,
        feature_values.player_id,
        feature_values.game_id,
        feature_values.season_year,
        feature_values.season_phase,
        feature_values.player_lookup,
        feature_values.team_abbr,
        feature_values.opponent_team_abbr,
        feature_values.home_game,
        feature_values.is_prediction_eligible,
        feature_values.points_avg_last_5,
        feature_values.points_avg_last_10,
        feature_values.points_avg_season,
        feature_values.points_std_last_10,
        feature_values.games_in_last_7_days,
        feature_values.fatigue_score,
        feature_values.shot_zone_mismatch_score,
        feature_values.pace_score,
        feature_values.usage_spike_score,
        feature_values.rest_advantage,
        feature_values.injury_risk,
        feature_values.recent_trend,
        feature_values.minutes_change,
        feature_values.opponent_def_rating,
        feature_values.opponent_pace,
        feature_values.home_away,
        feature_values.back_to_back,
        feature_values.playoff_game,
        feature_values.pct_paint,
        feature_values.pct_mid_range,
        feature_values.pct_three,
        feature_values.pct_free_throw,
        feature_values.team_pace,
        feature_values.team_off_rating,
        feature_values.team_win_pct,
        feature_values.vegas_points_line,
        feature_values.vegas_opening_line,
        feature_values.vegas_line_move,
        feature_values.has_vegas_line,
        feature_values.avg_points_vs_opponent,
        feature_values.games_vs_opponent,
        feature_values.minutes_avg_last_10,
        feature_values.ppm_avg_last_10,
        feature_values.dnp_rate,
        feature_values.pts_slope_10g,
        feature_values.pts_vs_season_zscore,
        feature_values.breakout_flag,
        feature_values.star_teammates_out,
        feature_values.game_total_line,
        feature_values.days_rest,
        feature_values.minutes_in_last_7_days,
        feature_values.spread_magnitude,
        feature_values.implied_team_total,
        feature_values.points_avg_last_3,
        feature_values.scoring_trend_slope,
        feature_values.deviation_from_avg_last_3,
        feature_values.teammate_usage_available,
        feature_values.usage_rate_avg_last_5,
        feature_values.games_since_structural_change,
        feature_values.prop_over_streak,
        feature_values.prop_under_streak,
        feature_values.line_vs_season_avg,
        feature_values.prop_line_delta,
        feature_values.over_rate_last_10,
        feature_values.line_margin_avg_last_5,
        feature_values.blowout_minutes_risk,
        feature_values.minutes_std_last_10,
        feature_values.opponent_pace_mismatch,
        case when not feature_values.early_season_flag then pattern_quality.feature_sources end
            as feature_sources,
        case
            when not feature_values.early_season_flag then pattern_quality.feature_quality_score
        end as feature_quality_score,
        case
            when feature_values.early_season_flag then null
            when pattern_quality.feature_quality_score >= 95 then 'gold'
            when pattern_quality.feature_quality_score >= 85 then 'silver'
            when pattern_quality.feature_quality_score >= 70 then 'bronze'
            when pattern_quality.feature_quality_score >= 50 then 'poor'
            else 'critical'
        end as quality_tier,
        case
            when not feature_values.early_season_flag then pattern_quality.default_feature_count
        end as default_feature_count,
        case
            when not feature_values.early_season_flag then pattern_quality.required_default_count
        end as required_default_count,
        case
            when not feature_values.early_season_flag then pattern_quality.default_feature_indices
        end as default_feature_indices,
        case
            when not feature_values.early_season_flag then pattern_quality.uncovered_feature_indices
        end as uncovered_feature_indices,
        case
            when feature_values.early_season_flag then 'early_season'
            else pattern_quality.data_source
        end as data_source,
        feature_values.early_season_flag,
        coalesce(feature_values.hist_games_expected, 0) as hist_games_expected,
        coalesce(feature_values.hist_games_found, 0) as hist_games_found,
        coalesce(feature_values.hist_games_found, 0) = coalesce(feature_values.hist_games_expected, 0)
            as hist_is_complete,
        coalesce(feature_values.hist_game_dates, cast([] as date[])) as hist_game_dates,
        coalesce(
            not feature_values.early_season_flag
            and pattern_quality.feature_quality_score >= 85
            and pattern_quality.required_default_count = 0
            and coalesce(feature_values.hist_games_found, 0)
            = coalesce(feature_values.hist_games_expected, 0),
            false
        ) as is_training_ready,
        feature_counts.feature_version,
        feature_counts.feature_count
    from feature_values
    inner join pattern_quality
        on pattern_quality.source_pattern = feature_values.source_pattern
    cross join feature_counts
)

select * from final
