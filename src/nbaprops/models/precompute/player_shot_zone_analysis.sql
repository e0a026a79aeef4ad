-- precompute.player_shot_zone_analysis (PSZA), SPEC §5.2.
-- One row per UPCG player per non-bootstrap date with at least 5 eligible games.
-- Eligible games: the player's played PGS games with has_shot_zones and fg_attempts > 0, in the current
-- season (all phases), strictly before the date; windows are the last 10 (primary) and last 20 (trend)
-- eligible games, partitioned per player. A game whose paint or mid-range counts are NULL despite
-- has_shot_zones is not eligible (the zone rates could not sum to 1).
-- Three-zone attempts/makes are the box three_pt_attempts / three_pt_makes (SHOT_TYPE rule: the shot
-- chart's threes equal the box FG3A on >= 99.9% of player-games, SPEC §9); the zone denominator is
-- paint + mid_range + three attempts, so the L10 rates sum to 1 exactly.
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
    select game_date, player_id, season_year
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
        has_shot_zones,
        fg_attempts,
        paint_attempts,
        paint_makes,
        mid_range_attempts,
        mid_range_makes,
        three_pt_attempts,
        three_pt_makes
    from analytics.player_game_summary
    where season_year in (select season_year from target_seasons)
),

targets as (
    select distinct
        upcg.game_date as analysis_date,
        upcg.player_id,
        upcg.season_year
    from upcg
    inner join calendar on calendar.season_year = upcg.season_year
    cross join settings
    where upcg.game_date between $start_date and $end_date
        and not (
            date_diff('day', calendar.season_start, upcg.game_date) >= 0
            and date_diff('day', calendar.season_start, upcg.game_date) < settings.bootstrap_days
        )
),

last_target_date as (
    select max(analysis_date) as last_date
    from targets
),

eligible as (
    select
        player_id,
        season_year,
        game_date,
        paint_attempts,
        paint_makes,
        mid_range_attempts,
        mid_range_makes,
        three_pt_attempts,
        three_pt_makes,
        paint_attempts + mid_range_attempts + three_pt_attempts as zone_attempts
    from pgs
    where played_flag
        and has_shot_zones
        and fg_attempts > 0
        and paint_attempts is not null
        and paint_makes is not null
        and mid_range_attempts is not null
        and mid_range_makes is not null
        and three_pt_attempts is not null
        and three_pt_makes is not null
),

-- Aggregates as they stand after each eligible game; they serve the dates after that game up to
-- (and including) the player's next eligible game date.
windows as (
    select
        eligible.player_id,
        eligible.season_year,
        eligible.game_date,
        coalesce(
            lead(eligible.game_date) over (
                partition by eligible.player_id, eligible.season_year
                order by eligible.game_date asc nulls first
            ),
            last_target_date.last_date
        ) as valid_through,
        count(*) over (
            partition by eligible.player_id, eligible.season_year
            order by eligible.game_date asc nulls first
            rows between 9 preceding and current row
        ) as games_in_sample_10,
        count(*) over (
            partition by eligible.player_id, eligible.season_year
            order by eligible.game_date asc nulls first
            rows between 19 preceding and current row
        ) as games_in_sample_20,
        sum(eligible.paint_attempts) over (
            partition by eligible.player_id, eligible.season_year
            order by eligible.game_date asc nulls first
            rows between 9 preceding and current row
        ) as paint_attempts_10,
        sum(eligible.paint_makes) over (
            partition by eligible.player_id, eligible.season_year
            order by eligible.game_date asc nulls first
            rows between 9 preceding and current row
        ) as paint_makes_10,
        sum(eligible.mid_range_attempts) over (
            partition by eligible.player_id, eligible.season_year
            order by eligible.game_date asc nulls first
            rows between 9 preceding and current row
        ) as mid_range_attempts_10,
        sum(eligible.mid_range_makes) over (
            partition by eligible.player_id, eligible.season_year
            order by eligible.game_date asc nulls first
            rows between 9 preceding and current row
        ) as mid_range_makes_10,
        sum(eligible.three_pt_attempts) over (
            partition by eligible.player_id, eligible.season_year
            order by eligible.game_date asc nulls first
            rows between 9 preceding and current row
        ) as three_attempts_10,
        sum(eligible.three_pt_makes) over (
            partition by eligible.player_id, eligible.season_year
            order by eligible.game_date asc nulls first
            rows between 9 preceding and current row
        ) as three_makes_10,
        sum(eligible.zone_attempts) over (
            partition by eligible.player_id, eligible.season_year
            order by eligible.game_date asc nulls first
            rows between 9 preceding and current row
        ) as zone_attempts_10,
        sum(eligible.paint_attempts) over (
            partition by eligible.player_id, eligible.season_year
            order by eligible.game_date asc nulls first
            rows between 19 preceding and current row
        ) as paint_attempts_20,
        sum(eligible.three_pt_attempts) over (
            partition by eligible.player_id, eligible.season_year
            order by eligible.game_date asc nulls first
            rows between 19 preceding and current row
        ) as three_attempts_20,
        sum(eligible.zone_attempts) over (
            partition by eligible.player_id, eligible.season_year
            order by eligible.game_date asc nulls first
            rows between 19 preceding and current row
        ) as zone_attempts_20
    from eligible
    cross join last_target_date
),

as_of as (
    select
        targets.analysis_date,
        targets.player_id,
        targets.season_year,
        windows.games_in_sample_10,
        windows.games_in_sample_20,
        windows.paint_attempts_10 / nullif(windows.zone_attempts_10, 0) as paint_rate_last_10,
        windows.mid_range_attempts_10 / nullif(windows.zone_attempts_10, 0)
            as mid_range_rate_last_10,
        windows.three_attempts_10 / nullif(windows.zone_attempts_10, 0) as three_rate_last_10,
        windows.paint_attempts_20 / nullif(windows.zone_attempts_20, 0) as paint_rate_last_20,
        windows.three_attempts_20 / nullif(windows.zone_attempts_20, 0) as three_rate_last_20,
        windows.paint_makes_10 / nullif(windows.paint_attempts_10, 0) as paint_fg_pct_last_10,
        windows.mid_range_makes_10 / nullif(windows.mid_range_attempts_10, 0)
            as mid_range_fg_pct_last_10,
        windows.three_makes_10 / nullif(windows.three_attempts_10, 0) as three_fg_pct_last_10,
        windows.paint_attempts_10 / windows.games_in_sample_10 as paint_attempts_avg_last_10,
        windows.mid_range_attempts_10 / windows.games_in_sample_10
            as mid_range_attempts_avg_last_10,
        windows.three_attempts_10 / windows.games_in_sample_10 as three_pt_attempts_avg_last_10
    from targets
    inner join windows
        on windows.player_id = targets.player_id
        and windows.season_year = targets.season_year
        and windows.game_date < targets.analysis_date
        and windows.valid_through >= targets.analysis_date
    where windows.games_in_sample_10 >= 5
),

final as (
    select
        analysis_date,
        player_id,
        season_year,
        games_in_sample_10,
        games_in_sample_20,
        paint_rate_last_10,
        mid_range_rate_last_10,
        three_rate_last_10,
        paint_rate_last_20,
        three_rate_last_20,
        paint_fg_pct_last_10,
        mid_range_fg_pct_last_10,
        three_fg_pct_last_10,
        paint_attempts_avg_last_10,
        mid_range_attempts_avg_last_10,
        three_pt_attempts_avg_last_10,
        case
            when paint_rate_last_10 is null then null
            when paint_rate_last_10 >= 0.40 then 'paint'
            when three_rate_last_10 >= 0.40 then 'three'
            when mid_range_rate_last_10 >= 0.35 then 'mid_range'
            else 'balanced'
        end as primary_scoring_zone,
        games_in_sample_10 < 10 as low_sample_flag,
        case
            when games_in_sample_10 >= 10 then 'high'
            when games_in_sample_10 >= 7 then 'medium'
            else 'low'
        end as data_quality_tier
    from as_of
)

select * from final
