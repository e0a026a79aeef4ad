-- precompute.player_daily_cache (PDC), SPEC §5.3.
-- One row per UPCG player per non-bootstrap date with at least 3 played games (minutes_played > 0)
-- this season before the date. Every window is the player's own (partition by player, never a global
-- row number, pitfall 13), current season, all phases, strictly before the date (pitfall 14).
-- "Played game" = played_flag and minutes_played > 0, in every column (the same games as the row rule).
-- Team columns come from TOGS for the team of the UPCG row (the player's current team), its games this
-- season before the date; team_win_pct_season is NULL below 5 team games.
-- Bootstrap dates (0 <= d - season_start < meta.settings bootstrap_days) get no rows.
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

upcg as (
    select game_date, player_id, season_year, team_abbr
    from analytics.upcoming_player_game_context
),

-- Every window is current-season: the seasons of the dates built are all the history read.
target_seasons as (
    select distinct season_year
    from upcg
    where game_date between $start_date and $end_date
),

pgs as (
    select
        player_id,
        season_year,
        game_date,
        played_flag,
        minutes_played,
        points,
        usage_rate,
        fg_attempts,
        ft_attempts,
        ft_makes,
        three_pt_attempts,
        three_pt_makes
    from analytics.player_game_summary
    where season_year in (select season_year from target_seasons)
),

togs as (
    select team_abbr, season_year, game_date, pace, offensive_rating, win_flag
    from analytics.team_offense_game_summary
    where season_year in (select season_year from target_seasons)
),

targets as (
    select
        upcg.game_date as cache_date,
        upcg.player_id,
        upcg.season_year,
        min(upcg.team_abbr) as team_abbr
    from upcg
    inner join calendar on calendar.season_year = upcg.season_year
    cross join settings
    where upcg.game_date between $start_date and $end_date
        and not (
            date_diff('day', calendar.season_start, upcg.game_date) >= 0
            and date_diff('day', calendar.season_start, upcg.game_date) < settings.bootstrap_days
        )
    group by upcg.game_date, upcg.player_id, upcg.season_year
),

last_target_date as (
    select max(cache_date) as last_date
    from targets
),

played as (
    select
        player_id,
        season_year,
        game_date,
        -- exact decimals: sums of fractional values must not depend on the order rows are added in
        -- (a date's row is the same whether its range is built whole or day by day)
        cast(minutes_played as decimal(18, 9)) as minutes_played,
        points,
        cast(usage_rate as decimal(18, 9)) as usage_rate,
        fg_attempts + 0.44 * ft_attempts as true_shot_attempts,
        ft_makes,
        three_pt_attempts,
        three_pt_makes
    from pgs
    where played_flag and minutes_played > 0
),

-- Aggregates as they stand after each played game; they serve the dates after that game up to (and
-- including) the player's next played game date.
player_windows as (
    select
        played.player_id,
        played.season_year,
        played.game_date,
        coalesce(
            lead(played.game_date) over (
                partition by played.player_id, played.season_year
                order by played.game_date asc nulls first
            ),
            last_target_date.last_date
        ) as valid_through,
        count(*) over (
            partition by played.player_id, played.season_year order by played.game_date asc nulls first
            rows between unbounded preceding and current row
        ) as games_played_season,
        count(*) over (
            partition by played.player_id, played.season_year order by played.game_date asc nulls first
            rows between 9 preceding and current row
        ) as games_last_10,
        avg(played.points) over (
            partition by played.player_id, played.season_year order by played.game_date asc nulls first
            rows between 4 preceding and current row
        ) as points_avg_last_5,
        avg(played.points) over (
            partition by played.player_id, played.season_year order by played.game_date asc nulls first
            rows between 9 preceding and current row
        ) as points_avg_last_10,
        avg(played.points) over (
            partition by played.player_id, played.season_year order by played.game_date asc nulls first
            rows between unbounded preceding and current row
        ) as points_avg_season,
        stddev_samp(played.points) over (
            partition by played.player_id, played.season_year order by played.game_date asc nulls first
            rows between 9 preceding and current row
        ) as points_std_last_10,
        cast(avg(played.minutes_played) over (
            partition by played.player_id, played.season_year order by played.game_date asc nulls first
            rows between 9 preceding and current row
        ) as double) as minutes_avg_last_10,
        cast(avg(played.minutes_played) over (
            partition by played.player_id, played.season_year order by played.game_date asc nulls first
            rows between unbounded preceding and current row
        ) as double) as minutes_avg_season,
        sum(played.points) over (
            partition by played.player_id, played.season_year order by played.game_date asc nulls first
            rows between 9 preceding and current row
        ) as points_sum_last_10,
        sum(played.minutes_played) over (
            partition by played.player_id, played.season_year order by played.game_date asc nulls first
            rows between 9 preceding and current row
        ) as minutes_sum_last_10,
        cast(avg(played.usage_rate) over (
            partition by played.player_id, played.season_year order by played.game_date asc nulls first
            rows between 9 preceding and current row
        ) as double) as usage_rate_avg_last_10,
        cast(avg(played.usage_rate) over (
            partition by played.player_id, played.season_year order by played.game_date asc nulls first
            rows between unbounded preceding and current row
        ) as double) as usage_rate_avg_season,
        sum(played.true_shot_attempts) over (
            partition by played.player_id, played.season_year order by played.game_date asc nulls first
            rows between 9 preceding and current row
        ) as true_shot_attempts_last_10,
        avg(played.three_pt_attempts) over (
            partition by played.player_id, played.season_year order by played.game_date asc nulls first
            rows between 9 preceding and current row
        ) as three_pt_attempts_avg_last_10,
        avg(played.three_pt_makes) over (
            partition by played.player_id, played.season_year order by played.game_date asc nulls first
            rows between 9 preceding and current row
        ) as three_pt_makes_avg_last_10,
        sum(played.ft_makes) over (
            partition by played.player_id, played.season_year order by played.game_date asc nulls first
            rows between 9 preceding and current row
        ) as ft_makes_sum_last_10
    from played
    cross join last_target_date
),

team_windows as (
    select
        togs.team_abbr,
        togs.season_year,
        togs.game_date,
        coalesce(
            lead(togs.game_date) over (
                partition by togs.team_abbr, togs.season_year order by togs.game_date asc nulls first
            ),
            last_target_date.last_date
        ) as valid_through,
        cast(avg(cast(togs.pace as decimal(18, 9))) over (
            partition by togs.team_abbr, togs.season_year order by togs.game_date asc nulls first
            rows between 9 preceding and current row
        ) as double) as team_pace_avg_last_10,
        cast(avg(cast(togs.offensive_rating as decimal(18, 9))) over (
            partition by togs.team_abbr, togs.season_year order by togs.game_date asc nulls first
            rows between 9 preceding and current row
        ) as double) as team_offensive_rating_avg_last_10,
        count(*) over (
            partition by togs.team_abbr, togs.season_year order by togs.game_date asc nulls first
            rows between unbounded preceding and current row
        ) as team_games_played_season,
        sum(case when togs.win_flag then 1 else 0 end) over (
            partition by togs.team_abbr, togs.season_year order by togs.game_date asc nulls first
            rows between unbounded preceding and current row
        ) as team_wins_season
    from togs
    cross join last_target_date
),

player_as_of as (
    select
        targets.cache_date,
        targets.player_id,
        targets.season_year,
        targets.team_abbr,
        player_windows.games_played_season,
        player_windows.games_last_10,
        player_windows.points_avg_last_5,
        player_windows.points_avg_last_10,
        player_windows.points_avg_season,
        player_windows.points_std_last_10,
        player_windows.minutes_avg_last_10,
        player_windows.minutes_avg_season,
        player_windows.points_sum_last_10
            / nullif(player_windows.minutes_sum_last_10, 0) as ppm_avg_last_10,
        player_windows.usage_rate_avg_last_10,
        player_windows.usage_rate_avg_season,
        player_windows.points_sum_last_10
            / nullif(2 * player_windows.true_shot_attempts_last_10, 0) as ts_pct_last_10,
        player_windows.three_pt_attempts_avg_last_10,
        player_windows.three_pt_makes_avg_last_10,
        case
            when player_windows.games_last_10 < 5 then null
            else greatest(
                0.0,
                least(
                    0.5,
                    player_windows.ft_makes_sum_last_10
                        / nullif(player_windows.points_sum_last_10, 0)
                )
            )
        end as pct_free_throw_last_10
    from targets
    inner join player_windows
        on player_windows.player_id = targets.player_id
        and player_windows.season_year = targets.season_year
        and player_windows.game_date < targets.cache_date
        and player_windows.valid_through >= targets.cache_date
    where player_windows.games_played_season >= 3
),

final as (
    select
        player_as_of.cache_date,
        player_as_of.player_id,
        player_as_of.season_year,
        player_as_of.team_abbr,
        player_as_of.games_played_season,
        player_as_of.points_avg_last_5,
        player_as_of.points_avg_last_10,
        player_as_of.points_avg_season,
        player_as_of.points_std_last_10,
        player_as_of.minutes_avg_last_10,
        player_as_of.minutes_avg_season,
        player_as_of.ppm_avg_last_10,
        player_as_of.usage_rate_avg_last_10,
        player_as_of.usage_rate_avg_season,
        player_as_of.ts_pct_last_10,
        player_as_of.three_pt_attempts_avg_last_10,
        player_as_of.three_pt_makes_avg_last_10,
        player_as_of.pct_free_throw_last_10,
        team_windows.team_pace_avg_last_10,
        team_windows.team_offensive_rating_avg_last_10,
        coalesce(team_windows.team_games_played_season, 0) as team_games_played_season,
        case
            when team_windows.team_games_played_season >= 5
                then team_windows.team_wins_season / team_windows.team_games_played_season
        end as team_win_pct_season,
        player_as_of.games_played_season < 10 as low_sample_flag
    from player_as_of
    left join team_windows
        on team_windows.team_abbr = player_as_of.team_abbr
        and team_windows.season_year = player_as_of.season_year
        and team_windows.game_date < player_as_of.cache_date
        and team_windows.valid_through >= player_as_of.cache_date
)

select * from final
