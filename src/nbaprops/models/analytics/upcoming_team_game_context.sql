-- analytics.upcoming_team_game_context (UTGC), SPEC §4.4.
-- One row per team per scheduled game: 2 rows for every game of raw.schedule_games whose status is
-- final or scheduled, past and future.
-- As of tip-off: only games dated before game_date (and pre-tip lines) enter a row.
-- History: the 366 days before $start_date are read, enough for every season-to-date window
-- (a season, 2019-20 included, spans < 366 days).
-- Windows in days ([d-N, d-1]) are RANGE frames over a day number; a team plays at most once a day.
-- Float sums and means run on DECIMAL(18, 6) values so that they do not depend on the order rows are
-- added in: a date's rows are then identical whatever batch builds them.
-- Rest (§2.5): days_rest = days since the team's previous game of the same season (any phase);
-- back_to_back = (days_rest = 1); a first game has NULL days_rest and back_to_back FALSE.
-- Travel (§3.9): haversine (R = 3958.8 statute miles) from the previous game's arena of the same
-- season, or from the home arena before the first game; 0 when the arena does not change.
-- Game lines (§3.6): each raw.sbr_game_odds row is dated by its single candidate date with a
-- (home, away) game in that season's schedule; zero or two candidates leave the game without a line.
-- Streaks, last margin and last-10 averages: TOGS games of the current season before game_date.
-- star_players_out: stars (§4.5) on bref's pre-game inactive list; NULL when bref does not cover
-- the game (no availability source after 2024-03-20).

with

schedule as (
    select
        game_id,
        game_date,
        season_year,
        season_phase,
        home_team_abbr,
        away_team_abbr,
        tip_time_et,
        arena_key,
        bref_game_key
    from raw.schedule_games
    where game_status in ('final', 'scheduled')
      and season_phase in ('regular', 'play_in', 'playoffs', 'cup_final')
      and game_date >= cast($start_date as date) - interval 366 day
      and game_date <= cast($end_date as date)
),

-- every game of the seasons the range reaches, for dating SBR rows (a row's two candidate dates are a
-- year apart and are matched against its whole season's schedule); a date's season started in the
-- date's calendar year or the year before
all_games as (
    select game_id, game_date, season_year, home_team_abbr, away_team_abbr
    from raw.schedule_games
    where game_status in ('final', 'scheduled')
      and season_phase in ('regular', 'play_in', 'playoffs', 'cup_final')
      and season_year between year(cast($start_date as date) - interval 366 day) - 1
                          and year(cast($end_date as date))
),

arena_rows as (
    select arena_key, lat, lon, utc_offset_std, team_abbr, valid_from_season, valid_to_season
    from meta.arena_locations
),

team_offense as (
    select
        game_id,
        game_date,
        season_year,
        team_abbr,
        win_flag,
        point_margin,
        pace,
        offensive_rating,
        defensive_rating
    from analytics.team_offense_game_summary
    where game_date >= cast($start_date as date) - interval 366 day
      and game_date < cast($end_date as date)
),

played_games as (
    select game_date, season_year, player_id, points, minutes_played
    from analytics.player_game_summary
    where played_flag
      and game_date >= cast($start_date as date) - interval 366 day
      and game_date < cast($end_date as date)
),

bref_covered_games as (
    select game_key
    from raw.bref_games
),

inactive_list as (
    select game_date, team_abbr, bref_player_slug
    from raw.bref_inactives
    where game_date between cast($start_date as date) and cast($end_date as date)
),

registry as (
    select player_id, bref_player_slug
    from meta.player_registry
    where bref_player_slug is not null
),

sbr_odds as (
    select
        source_table,
        date_text,
        date_format,
        season_year,
        home_team_abbr,
        away_team_abbr,
        ou,
        spread,
        ml_home,
        ml_away
    from raw.sbr_game_odds
    -- only the seasons of `all_games`: a game's line comes from its own season's table
    where season_year between year(cast($start_date as date) - interval 366 day) - 1
                          and year(cast($end_date as date))
),

-- one row per arena site (a site has one row per tenancy, all with the same coordinates)
arenas as (
    select arena_key, min(lat) as lat, min(lon) as lon, min(utc_offset_std) as utc_offset_std
    from arena_rows
    group by arena_key
),

team_games as (
    select
        game_id, game_date, season_year, season_phase, tip_time_et, arena_key, bref_game_key,
        home_team_abbr as team_abbr, away_team_abbr as opponent_team_abbr, true as home_game
    from schedule
    union all
    select
        game_id, game_date, season_year, season_phase, tip_time_et, arena_key, bref_game_key,
        away_team_abbr as team_abbr, home_team_abbr as opponent_team_abbr, false as home_game
    from schedule
),

-- the team's home arena in each season (its tenancy), where a season's travel starts
home_arenas as (
    select s.team_abbr, s.season_year, a.arena_key
    from (select distinct team_abbr, season_year from team_games) s
    join arena_rows a
      on a.team_abbr = s.team_abbr
     and s.season_year between coalesce(a.valid_from_season, -9999)
                           and coalesce(a.valid_to_season, 9999)
    qualify row_number() over (
        partition by s.team_abbr, s.season_year
        order by coalesce(a.valid_from_season, -9999) desc nulls last, a.arena_key asc nulls first
    ) = 1
),

sequenced as (
    select
        g.*,
        date_diff('day', cast($start_date as date), g.game_date) as day_number,
        row_number() over season_order as game_number_in_season,
        lag(g.game_date) over season_order as previous_game_date,
        coalesce(lag(g.arena_key) over season_order, h.arena_key) as origin_arena_key,
        cast(coalesce(sum(case when o.game_id is not null then 1 else 0 end) over (
            partition by g.team_abbr, g.season_year
            order by g.game_date asc nulls first, g.game_id asc nulls first
            rows between unbounded preceding and 1 preceding
        ), 0) as integer) as earlier_togs_games
    from team_games g
    left join home_arenas h on h.team_abbr = g.team_abbr and h.season_year = g.season_year
    left join team_offense o on o.game_id = g.game_id and o.team_abbr = g.team_abbr
    window season_order as (
        partition by g.team_abbr, g.season_year
        order by g.game_date asc nulls first, g.game_id asc nulls first
    )
),

travelled as (
    select
        s.*,
        date_diff('day', s.previous_game_date, s.game_date) as days_rest,
        coalesce(date_diff('day', s.previous_game_date, s.game_date) = 1, false) as back_to_back,
        case
            when s.origin_arena_key = s.arena_key then 0.0
            else 2 * 3958.8 * asin(sqrt(
                power(sin(radians(here.lat - origin.lat) / 2), 2)
                + cos(radians(origin.lat)) * cos(radians(here.lat))
                * power(sin(radians(here.lon - origin.lon) / 2), 2)
            ))
        end as travel_miles,
        cast(round(abs(here.utc_offset_std - origin.utc_offset_std)) as integer) as time_zones_crossed
    from sequenced s
    left join arenas here on here.arena_key = s.arena_key
    left join arenas origin on origin.arena_key = s.origin_arena_key
),

day_windows as (
    select
        t.*,
        count(*) over (
            partition by t.team_abbr order by t.day_number asc nulls first
            range between 7 preceding and 1 preceding
        ) as games_in_last_7_days,
        count(*) over (
            partition by t.team_abbr order by t.day_number asc nulls first
            range between 14 preceding and 1 preceding
        ) as games_in_last_14_days,
        coalesce(sum(case when t.back_to_back then 1 else 0 end) over (
            partition by t.team_abbr order by t.day_number asc nulls first
            range between 14 preceding and 1 preceding
        ), 0) as back_to_backs_last_14_days,
        cast(sum(cast(t.travel_miles as decimal(18, 6))) over (
            partition by t.team_abbr order by t.day_number asc nulls first
            range between 14 preceding and current row
        ) as double) as travel_miles_last_14_days,
        sum(t.time_zones_crossed) over (
            partition by t.team_abbr order by t.day_number asc nulls first
            range between 14 preceding and current row
        ) as time_zones_crossed_last_14_days
    from travelled t
),

output_games as (
    select *
    from day_windows
    where game_date between cast($start_date as date) and cast($end_date as date)
),

-- the team's TOGS games of each season in order; run_length = wins (or losses) in a row ending at
-- that game. Read only by games dated after it (togs_seq = the number of earlier TOGS games).
team_offense_sequenced as (
    select
        o.*,
        row_number() over (
            partition by o.team_abbr, o.season_year
            order by o.game_date asc nulls first, o.game_id asc nulls first
        ) as togs_seq
    from team_offense o
),

team_offense_runs as (
    select
        r.*,
        row_number() over (
            partition by r.team_abbr, r.season_year, r.win_flag, r.togs_seq - r.result_seq
            order by r.togs_seq asc nulls first
        ) as run_length
    from (
        select
            s.*,
            row_number() over (
                partition by s.team_abbr, s.season_year, s.win_flag
                order by s.togs_seq asc nulls first
            ) as result_seq
        from team_offense_sequenced s
    ) r
),

-- entering game d: the streak and margin of the team's most recent TOGS game of the season
form as (
    select
        g.game_id,
        g.team_abbr,
        case when r.win_flag then r.run_length else 0 end as win_streak_entering,
        case when r.win_flag then 0 else r.run_length end as loss_streak_entering,
        r.point_margin as last_game_margin
    from output_games g
    join team_offense_runs r
      on r.team_abbr = g.team_abbr
     and r.season_year = g.season_year
     and r.togs_seq = g.earlier_togs_games
),

-- the team's last 10 TOGS games of the season before d
last_10 as (
    select
        g.game_id,
        g.team_abbr,
        cast(avg(cast(s.pace as decimal(18, 6))) as double) as pace_avg_last_10,
        cast(avg(cast(s.offensive_rating as decimal(18, 6))) as double) as offensive_rating_avg_last_10,
        cast(avg(cast(s.defensive_rating as decimal(18, 6))) as double) as defensive_rating_avg_last_10
    from output_games g
    join team_offense_sequenced s
      on s.team_abbr = g.team_abbr
     and s.season_year = g.season_year
     and s.togs_seq between g.earlier_togs_games - 9 and g.earlier_togs_games
    group by g.game_id, g.team_abbr
),

-- SBR (§3.6): candidate dates, kept when exactly one has a (home, away) game in the season
sbr_candidates as (
    select
        o.*,
        case
            when o.date_format = 'iso' then try_cast(o.date_text as date)
            else try_cast(concat(
                cast(o.season_year + y.year_offset as varchar), '-',
                substr(o.date_text, 9, 2), '-', substr(o.date_text, 11, 2)
            ) as date)
        end as candidate_date
    from sbr_odds o
    cross join (select 0 as year_offset union all select 1 as year_offset) y
    where o.date_format = 'season_mmdd' or y.year_offset = 0
),

sbr_matches as (
    select
        c.*,
        s.game_id,
        count(*) over (
            partition by c.source_table, c.date_text, c.home_team_abbr, c.away_team_abbr
        ) as candidates_matched
    from sbr_candidates c
    join all_games s
      on s.game_date = c.candidate_date
     and s.home_team_abbr = c.home_team_abbr
     and s.away_team_abbr = c.away_team_abbr
     and s.season_year = c.season_year
),

game_lines as (
    select
        game_id,
        ou as game_total,
        -- up to odds_2021-22 `spread` is the unsigned favourite margin (favourite = lower
        -- moneyline); from odds_2022-23 it is the away team's line (positive = home favoured)
        case
            when season_year >= 2022 then -spread
            when spread = 0 or ml_home is null or ml_away is null or ml_home = ml_away then null
            when ml_home < ml_away then -spread
            else spread
        end as home_spread
    from sbr_matches
    where candidates_matched = 1
    qualify row_number() over (
        partition by game_id order by source_table asc nulls first, date_text asc nulls first
    ) = 1
),

listed_inactive as (
    select g.game_id, g.team_abbr, g.game_date, g.season_year, r.player_id
    from output_games g
    join inactive_list i on i.game_date = g.game_date and i.team_abbr = g.team_abbr
    join registry r on r.bref_player_slug = i.bref_player_slug
),

inactive_stars as (
    select l.game_id, l.team_abbr, l.player_id
    from listed_inactive l
    join played_games p
      on p.player_id = l.player_id
     and p.season_year = l.season_year
     and p.game_date < l.game_date
    group by l.game_id, l.team_abbr, l.player_id
    having count(*) >= 10
       and (avg(p.points) >= 18
            or (avg(cast(p.minutes_played as decimal(18, 6))) >= 28 and avg(p.points) >= 12))
),

stars_out as (
    select game_id, team_abbr, count(*) as stars
    from inactive_stars
    group by game_id, team_abbr
),

final as (
    select
        g.game_id,
        g.game_date,
        g.season_year,
        g.season_phase,
        g.team_abbr,
        g.opponent_team_abbr,
        g.home_game,
        g.tip_time_et,
        cast(g.game_number_in_season as integer) as game_number_in_season,
        cast(g.days_rest as integer) as days_rest,
        g.back_to_back,
        cast(opp.days_rest as integer) as opponent_days_rest,
        cast(g.games_in_last_7_days as integer) as games_in_last_7_days,
        cast(g.games_in_last_14_days as integer) as games_in_last_14_days,
        cast(g.back_to_backs_last_14_days as integer) as back_to_backs_last_14_days,
        g.travel_miles,
        g.time_zones_crossed,
        g.travel_miles_last_14_days,
        cast(g.time_zones_crossed_last_14_days as integer) as time_zones_crossed_last_14_days,
        case when g.home_game then l.home_spread else -l.home_spread end as game_spread,
        l.game_total,
        cast(null as double) as opening_spread,
        cast(null as double) as opening_total,
        cast(null as double) as spread_movement,
        cast(null as double) as total_movement,
        (l.game_total - case when g.home_game then l.home_spread else -l.home_spread end) / 2
            as implied_team_total,
        case when l.game_id is not null then 'sbr' end as game_line_source,
        -- a first game of the season enters on no streak; later games without TOGS history: NULL
        cast(case
            when f.game_id is not null then f.win_streak_entering
            when g.days_rest is null then 0
        end as integer) as win_streak_entering,
        cast(case
            when f.game_id is not null then f.loss_streak_entering
            when g.days_rest is null then 0
        end as integer) as loss_streak_entering,
        cast(f.last_game_margin as integer) as last_game_margin,
        t10.pace_avg_last_10 as team_pace_avg_last_10,
        t10.offensive_rating_avg_last_10 as team_offensive_rating_avg_last_10,
        t10.defensive_rating_avg_last_10 as team_defensive_rating_avg_last_10,
        o10.pace_avg_last_10 as opponent_pace_avg_last_10,
        o10.offensive_rating_avg_last_10 as opponent_offensive_rating_avg_last_10,
        o10.defensive_rating_avg_last_10 as opponent_defensive_rating_avg_last_10,
        t10.pace_avg_last_10 - o10.pace_avg_last_10 as pace_differential,
        cast(case
            when b.game_key is not null then coalesce(so.stars, 0)
        end as integer) as star_players_out
    from output_games g
    left join output_games opp
      on opp.game_id = g.game_id and opp.team_abbr = g.opponent_team_abbr
    left join game_lines l on l.game_id = g.game_id
    left join form f on f.game_id = g.game_id and f.team_abbr = g.team_abbr
    left join last_10 t10 on t10.game_id = g.game_id and t10.team_abbr = g.team_abbr
    left join last_10 o10 on o10.game_id = g.game_id and o10.team_abbr = g.opponent_team_abbr
    left join bref_covered_games b on b.game_key = g.bref_game_key
    left join stars_out so on so.game_id = g.game_id and so.team_abbr = g.team_abbr
)

select * from final
