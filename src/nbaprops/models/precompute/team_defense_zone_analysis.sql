-- precompute.team_defense_zone_analysis (TDZA), SPEC §5.1.
-- One row per team per analysis date: every non-bootstrap date with games in raw.schedule_games,
-- for every team with at least 5 TDGS games earlier in the same season (no minimum ladder, pitfall 39).
-- Windows are strictly before the date (game_date < analysis_date), current season, all phases:
--   * the team's last 15 TDGS games (min 5) for ratings, pace and points allowed;
--   * the team's last 15 games with has_shot_zones for the zone columns (NULL below 5 such games,
--     and NULL when any game of that window lacks the zone counts, so contamination stays visible);
--   * league zone FG% = mean over teams with >= 10 zone games in [d-30, d-1] (same-day games never
--     count, pitfall 15) of the team's ratio of sums (each rounded to 1e-12 so the mean is summed
--     exactly: tolerance 1e-12, for order-independent bits); below 10 qualifying teams the SPEC defaults
--     (paint 0.575, mid_range 0.418, three 0.362) are used.
-- The three zone uses the box counts (opp_three_pt_makes / opp_three_pt_attempts) of zone games; the
-- shot chart's threes equal the box FG3A on >= 99.9% of games (SPEC §9), so this is the same figure.
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

schedule as (
    select game_date, season_year
    from raw.schedule_games
),

tdgs as (
    select
        team_abbr,
        season_year,
        game_date,
        has_shot_zones,
        opp_points,
        defensive_rating,
        pace,
        opp_paint_attempts,
        opp_paint_makes,
        opp_mid_range_attempts,
        opp_mid_range_makes,
        opp_three_pt_attempts,
        opp_three_pt_makes,
        paint_points_allowed
    from analytics.team_defense_game_summary
    -- every window is current-season: the seasons of the dates built are all the history read
    where season_year in (
        select season_year from schedule where game_date between $start_date and $end_date
    )
),

season_ends as (
    select season_year, max(game_date) as season_end
    from schedule
    group by season_year
),

analysis_dates as (
    select distinct
        schedule.game_date as analysis_date,
        schedule.season_year
    from schedule
    inner join calendar on calendar.season_year = schedule.season_year
    cross join settings
    where schedule.game_date between $start_date and $end_date
        and not (
            date_diff('day', calendar.season_start, schedule.game_date) >= 0
            and date_diff('day', calendar.season_start, schedule.game_date) < settings.bootstrap_days
        )
),

-- Rolling aggregates over the last 15 games, as they stand after each game; a game's aggregates
-- serve the dates after it up to (and including) the team's next game date.
team_windows as (
    select
        tdgs.team_abbr,
        tdgs.season_year,
        tdgs.game_date,
        coalesce(
            lead(tdgs.game_date) over (
                partition by tdgs.team_abbr, tdgs.season_year order by tdgs.game_date asc nulls first
            ),
            season_ends.season_end
        ) as valid_through,
        count(*) over (
            partition by tdgs.team_abbr, tdgs.season_year order by tdgs.game_date asc nulls first
            rows between 14 preceding and current row
        ) as games_in_sample,
        avg(tdgs.defensive_rating) over (
            partition by tdgs.team_abbr, tdgs.season_year order by tdgs.game_date asc nulls first
            rows between 14 preceding and current row
        ) as defensive_rating_avg_last_15,
        avg(tdgs.pace) over (
            partition by tdgs.team_abbr, tdgs.season_year order by tdgs.game_date asc nulls first
            rows between 14 preceding and current row
        ) as pace_avg_last_15,
        avg(tdgs.opp_points) over (
            partition by tdgs.team_abbr, tdgs.season_year order by tdgs.game_date asc nulls first
            rows between 14 preceding and current row
        ) as opp_points_avg_last_15
    from tdgs
    inner join season_ends on season_ends.season_year = tdgs.season_year
),

zone_games as (
    select
        team_abbr,
        season_year,
        game_date,
        opp_paint_attempts,
        opp_paint_makes,
        opp_mid_range_attempts,
        opp_mid_range_makes,
        opp_three_pt_attempts,
        opp_three_pt_makes,
        paint_points_allowed,
        case
            when opp_paint_attempts is not null and opp_paint_makes is not null
                and opp_mid_range_attempts is not null and opp_mid_range_makes is not null
                and opp_three_pt_attempts is not null and opp_three_pt_makes is not null
                and paint_points_allowed is not null
                then 1
            else 0
        end as zone_counts_present
    from tdgs
    where has_shot_zones
),

zone_windows as (
    select
        zone_games.team_abbr,
        zone_games.season_year,
        zone_games.game_date,
        coalesce(
            lead(zone_games.game_date) over (
                partition by zone_games.team_abbr, zone_games.season_year
                order by zone_games.game_date asc nulls first
            ),
            season_ends.season_end
        ) as valid_through,
        count(*) over (
            partition by zone_games.team_abbr, zone_games.season_year
            order by zone_games.game_date asc nulls first
            rows between 14 preceding and current row
        ) as zone_games_in_sample,
        sum(zone_games.zone_counts_present) over (
            partition by zone_games.team_abbr, zone_games.season_year
            order by zone_games.game_date asc nulls first
            rows between 14 preceding and current row
        ) as zone_games_with_counts,
        sum(zone_games.opp_paint_attempts) over (
            partition by zone_games.team_abbr, zone_games.season_year
            order by zone_games.game_date asc nulls first
            rows between 14 preceding and current row
        ) as paint_attempts_sum,
        sum(zone_games.opp_paint_makes) over (
            partition by zone_games.team_abbr, zone_games.season_year
            order by zone_games.game_date asc nulls first
            rows between 14 preceding and current row
        ) as paint_makes_sum,
        sum(zone_games.opp_mid_range_attempts) over (
            partition by zone_games.team_abbr, zone_games.season_year
            order by zone_games.game_date asc nulls first
            rows between 14 preceding and current row
        ) as mid_range_attempts_sum,
        sum(zone_games.opp_mid_range_makes) over (
            partition by zone_games.team_abbr, zone_games.season_year
            order by zone_games.game_date asc nulls first
            rows between 14 preceding and current row
        ) as mid_range_makes_sum,
        sum(zone_games.opp_three_pt_attempts) over (
            partition by zone_games.team_abbr, zone_games.season_year
            order by zone_games.game_date asc nulls first
            rows between 14 preceding and current row
        ) as three_attempts_sum,
        sum(zone_games.opp_three_pt_makes) over (
            partition by zone_games.team_abbr, zone_games.season_year
            order by zone_games.game_date asc nulls first
            rows between 14 preceding and current row
        ) as three_makes_sum,
        sum(zone_games.paint_points_allowed) over (
            partition by zone_games.team_abbr, zone_games.season_year
            order by zone_games.game_date asc nulls first
            rows between 14 preceding and current row
        ) as paint_points_sum
    from zone_games
    inner join season_ends on season_ends.season_year = zone_games.season_year
),

team_dates as (
    select
        analysis_dates.analysis_date,
        analysis_dates.season_year,
        team_windows.team_abbr,
        team_windows.games_in_sample,
        team_windows.defensive_rating_avg_last_15,
        team_windows.pace_avg_last_15,
        team_windows.opp_points_avg_last_15
    from analysis_dates
    inner join team_windows
        on team_windows.season_year = analysis_dates.season_year
        and team_windows.game_date < analysis_dates.analysis_date
        and team_windows.valid_through >= analysis_dates.analysis_date
    where team_windows.games_in_sample >= 5
),

zone_dates as (
    select
        analysis_dates.analysis_date,
        zone_windows.team_abbr,
        zone_windows.zone_games_in_sample,
        case when zone_windows.zone_games_with_counts = zone_windows.zone_games_in_sample
            and zone_windows.zone_games_in_sample >= 5 then 1 else 0 end as zone_ok,
        zone_windows.paint_makes_sum / nullif(zone_windows.paint_attempts_sum, 0) as paint_fg_pct,
        zone_windows.mid_range_makes_sum / nullif(zone_windows.mid_range_attempts_sum, 0)
            as mid_range_fg_pct,
        zone_windows.three_makes_sum / nullif(zone_windows.three_attempts_sum, 0) as three_fg_pct,
        zone_windows.paint_attempts_sum / zone_windows.zone_games_in_sample as paint_attempts_avg,
        zone_windows.mid_range_attempts_sum / zone_windows.zone_games_in_sample
            as mid_range_attempts_avg,
        zone_windows.three_attempts_sum / zone_windows.zone_games_in_sample as three_attempts_avg,
        zone_windows.paint_points_sum / zone_windows.zone_games_in_sample as paint_points_avg
    from analysis_dates
    inner join zone_windows
        on zone_windows.season_year = analysis_dates.season_year
        and zone_windows.game_date < analysis_dates.analysis_date
        and zone_windows.valid_through >= analysis_dates.analysis_date
),

-- League: each team's zone games with counts in [d-30, d-1], same season.
league_team_windows as (
    select
        analysis_dates.analysis_date,
        zone_games.team_abbr,
        count(*) as zone_games_30d,
        sum(zone_games.opp_paint_makes) / nullif(sum(zone_games.opp_paint_attempts), 0)
            as paint_fg_pct,
        sum(zone_games.opp_mid_range_makes) / nullif(sum(zone_games.opp_mid_range_attempts), 0)
            as mid_range_fg_pct,
        sum(zone_games.opp_three_pt_makes) / nullif(sum(zone_games.opp_three_pt_attempts), 0)
            as three_fg_pct
    from analysis_dates
    inner join zone_games
        on zone_games.season_year = analysis_dates.season_year
        and zone_games.game_date < analysis_dates.analysis_date
        and date_diff('day', zone_games.game_date, analysis_dates.analysis_date) <= 30
    where zone_games.zone_counts_present = 1
    group by analysis_dates.analysis_date, zone_games.team_abbr
),

-- The mean over teams sums each team's FG% as an exact integer (units of 1e-12), so the result does not
-- depend on the order the rows are summed in (identical bits across batches and re-runs).
league_observed as (
    select
        analysis_date,
        count(*) as league_teams_in_sample,
        sum(cast(round(paint_fg_pct * 1000000000000) as bigint)) / count(paint_fg_pct)
            / 1000000000000 as paint_fg_pct,
        sum(cast(round(mid_range_fg_pct * 1000000000000) as bigint)) / count(mid_range_fg_pct)
            / 1000000000000 as mid_range_fg_pct,
        sum(cast(round(three_fg_pct * 1000000000000) as bigint)) / count(three_fg_pct)
            / 1000000000000 as three_fg_pct
    from league_team_windows
    where zone_games_30d >= 10
    group by analysis_date
),

league as (
    select
        analysis_dates.analysis_date,
        coalesce(league_observed.league_teams_in_sample, 0) as league_teams_in_sample,
        case when league_observed.league_teams_in_sample >= 10
            then league_observed.paint_fg_pct else 0.575 end as league_paint_fg_pct,
        case when league_observed.league_teams_in_sample >= 10
            then league_observed.mid_range_fg_pct else 0.418 end as league_mid_range_fg_pct,
        case when league_observed.league_teams_in_sample >= 10
            then league_observed.three_fg_pct else 0.362 end as league_three_fg_pct
    from analysis_dates
    left join league_observed on league_observed.analysis_date = analysis_dates.analysis_date
),

combined as (
    select
        team_dates.analysis_date,
        team_dates.team_abbr,
        team_dates.season_year,
        team_dates.games_in_sample,
        coalesce(zone_dates.zone_games_in_sample, 0) as zone_games_in_sample,
        case when zone_dates.zone_ok = 1 then zone_dates.paint_fg_pct end
            as paint_fg_pct_allowed_last_15,
        case when zone_dates.zone_ok = 1 then zone_dates.mid_range_fg_pct end
            as mid_range_fg_pct_allowed_last_15,
        case when zone_dates.zone_ok = 1 then zone_dates.three_fg_pct end
            as three_fg_pct_allowed_last_15,
        case when zone_dates.zone_ok = 1 then zone_dates.paint_attempts_avg end
            as paint_attempts_allowed_avg_last_15,
        case when zone_dates.zone_ok = 1 then zone_dates.mid_range_attempts_avg end
            as mid_range_attempts_allowed_avg_last_15,
        case when zone_dates.zone_ok = 1 then zone_dates.three_attempts_avg end
            as three_pt_attempts_allowed_avg_last_15,
        case when zone_dates.zone_ok = 1 then zone_dates.paint_points_avg end
            as paint_points_allowed_avg_last_15,
        league.league_teams_in_sample,
        league.league_paint_fg_pct,
        league.league_mid_range_fg_pct,
        league.league_three_fg_pct,
        team_dates.defensive_rating_avg_last_15,
        team_dates.pace_avg_last_15,
        team_dates.opp_points_avg_last_15
    from team_dates
    inner join league on league.analysis_date = team_dates.analysis_date
    left join zone_dates
        on zone_dates.analysis_date = team_dates.analysis_date
        and zone_dates.team_abbr = team_dates.team_abbr
),

with_pp as (
    select
        *,
        (paint_fg_pct_allowed_last_15 - league_paint_fg_pct) * 100 as paint_defense_vs_league_pp,
        (mid_range_fg_pct_allowed_last_15 - league_mid_range_fg_pct) * 100
            as mid_range_defense_vs_league_pp,
        (three_fg_pct_allowed_last_15 - league_three_fg_pct) * 100 as three_defense_vs_league_pp
    from combined
),

final as (
    select
        analysis_date,
        team_abbr,
        season_year,
        games_in_sample,
        zone_games_in_sample,
        paint_fg_pct_allowed_last_15,
        mid_range_fg_pct_allowed_last_15,
        three_fg_pct_allowed_last_15,
        paint_attempts_allowed_avg_last_15,
        mid_range_attempts_allowed_avg_last_15,
        three_pt_attempts_allowed_avg_last_15,
        paint_points_allowed_avg_last_15,
        league_teams_in_sample,
        league_paint_fg_pct,
        league_mid_range_fg_pct,
        league_three_fg_pct,
        paint_defense_vs_league_pp,
        mid_range_defense_vs_league_pp,
        three_defense_vs_league_pp,
        case
            when paint_defense_vs_league_pp is null or mid_range_defense_vs_league_pp is null
                or three_defense_vs_league_pp is null then null
            when paint_defense_vs_league_pp <= mid_range_defense_vs_league_pp
                and paint_defense_vs_league_pp <= three_defense_vs_league_pp then 'paint'
            when mid_range_defense_vs_league_pp <= three_defense_vs_league_pp then 'mid_range'
            else 'three'
        end as strongest_zone,
        case
            when paint_defense_vs_league_pp is null or mid_range_defense_vs_league_pp is null
                or three_defense_vs_league_pp is null then null
            when paint_defense_vs_league_pp >= mid_range_defense_vs_league_pp
                and paint_defense_vs_league_pp >= three_defense_vs_league_pp then 'paint'
            when mid_range_defense_vs_league_pp >= three_defense_vs_league_pp then 'mid_range'
            else 'three'
        end as weakest_zone,
        defensive_rating_avg_last_15,
        pace_avg_last_15,
        opp_points_avg_last_15,
        case
            when games_in_sample >= 15 then 'high'
            when games_in_sample >= 10 then 'medium'
            else 'low'
        end as data_quality_tier
    from with_pp
)

select * from final
