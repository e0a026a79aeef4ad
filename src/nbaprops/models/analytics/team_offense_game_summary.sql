-- analytics.team_offense_game_summary (TOGS), SPEC §4.1.
-- One row per team per completed game (the team's offence): grain (game_id, team_abbr).
-- Games: `final` games of raw.schedule_games in [$start_date, $end_date] with season_phase in
-- regular/play_in/playoffs/cup_final between two of the 30 NBA teams.
-- Team box source, chosen per game so both rows of a game share one source (SPEC §3.4):
--   1. NBA.com team game log, 2. bref team box, 3. the sum of the player rows of the first player
--   source (bref box, NBA.com league log, partial logs) accepted for both teams: >= 5 played rows,
--   Σ minutes within ±6 of team_minutes (tolerance: integer minutes in the NBA.com logs) and
--   Σ points = the schedule's final score. Otherwise the game gets no row (the gate reports it).
-- team_minutes = 240 + 25·ot_periods, ot_periods from raw.schedule_games (never the rounded team MIN). possessions = basketball-reference
-- estimate averaged over both teams (same value on both rows); zero denominators give NULL.
-- Shot zones come from raw.nbacom_shots (zone already decided by SHOT_TYPE); NULL when the game is not
-- in the shot chart.
with

schedule as (
    select
        game_id,
        game_date,
        season_year,
        season_phase,
        home_team_abbr,
        away_team_abbr,
        home_points,
        away_points,
        ot_periods,
        bref_game_key
    from raw.schedule_games
    where game_status = 'final'
      and season_phase in ('regular', 'play_in', 'playoffs', 'cup_final')
      and game_date between $start_date and $end_date
      and home_team_abbr in (select team_abbr from meta.team_codes where is_nba)
      and away_team_abbr in (select team_abbr from meta.team_codes where is_nba)
),

nba_teams as (
    select distinct team_abbr, nba_team_id
    from meta.team_codes
    where is_nba
),

nbacom_team_log as (
    select
        game_id,
        team_abbreviation as team_abbr,
        pts,
        fgm,
        fga,
        fg3m,
        fg3a,
        ftm,
        fta,
        oreb,
        dreb,
        reb,
        ast,
        stl,
        blk,
        tov,
        pf,
        plus_minus
    from raw.nbacom_team_game_logs
),

bref_team_box as (
    select
        game_key,
        team_abbr,
        pts,
        fg,
        fga,
        fg3,
        fg3a,
        ft,
        fta,
        orb,
        drb,
        trb,
        ast,
        stl,
        blk,
        tov,
        pf
    from raw.bref_team_box
),

bref_player_box as (
    select game_key, team_abbr, status, mp, pts, fg, fga, fg3, fg3a, ft, fta, orb, drb, trb, ast, stl, blk, tov, pf
    from raw.bref_player_box
),

nbacom_player_log as (
    select game_id, team_abbreviation as team_abbr, min, pts, fgm, fga, fg3m, fg3a, ftm, fta, oreb, dreb, reb, ast, stl, blk, tov, pf
    from raw.nbacom_player_game_logs
),

partial_player_log as (
    select
        game_date,
        team_abbreviation as team_abbr,
        minutes,
        pts,
        fgm,
        fga,
        threes_made,
        threes_attempted,
        ftm,
        fta,
        oreb,
        dreb,
        reb,
        ast,
        stl,
        blk,
        tov,
        pf
    from raw.nbacom_player_game_logs_partial
),

shots as (
    select game_id, team_id, zone, shot_made
    from raw.nbacom_shots
),

-- One row per (game, team) of the schedule, with the team's perspective.
team_games as (
    select
        game_id, game_date, season_year, season_phase, bref_game_key, ot_periods,
        home_team_abbr as team_abbr, away_team_abbr as opponent_team_abbr, true as home_game,
        home_points as sched_points
    from schedule
    union all
    select
        game_id, game_date, season_year, season_phase, bref_game_key, ot_periods,
        away_team_abbr as team_abbr, home_team_abbr as opponent_team_abbr, false as home_game,
        away_points as sched_points
    from schedule
),

-- Candidate team boxes, one set per source, in canonical names.
from_nbacom as (
    select
        tg.game_id, tg.team_abbr, 1 as source_rank, 'nbacom_team_log' as team_box_source,
        l.pts as points, l.fgm as fg_makes, l.fga as fg_attempts, l.fg3m as three_pt_makes,
        l.fg3a as three_pt_attempts, l.ftm as ft_makes, l.fta as ft_attempts,
        l.oreb as offensive_rebounds, l.dreb as defensive_rebounds, l.reb as rebounds,
        l.ast as assists, l.stl as steals, l.blk as blocks, l.tov as turnovers,
        l.pf as personal_fouls, l.plus_minus
    from team_games as tg
    inner join nbacom_team_log as l
        on l.game_id = tg.game_id and l.team_abbr = tg.team_abbr
),

from_bref as (
    select
        tg.game_id, tg.team_abbr, 2 as source_rank, 'bref_team_box' as team_box_source,
        b.pts as points, b.fg as fg_makes, b.fga as fg_attempts, b.fg3 as three_pt_makes,
        b.fg3a as three_pt_attempts, b.ft as ft_makes, b.fta as ft_attempts,
        b.orb as offensive_rebounds, b.drb as defensive_rebounds, b.trb as rebounds,
        b.ast as assists, b.stl as steals, b.blk as blocks, b.tov as turnovers,
        b.pf as personal_fouls, cast(null as double) as plus_minus
    from team_games as tg
    inner join bref_team_box as b
        on b.game_key = tg.bref_game_key and b.team_abbr = tg.team_abbr
),

-- Player-row sums per team-game and player source (1 bref box, 2 NBA.com league log, 3 partial logs).
player_sums_by_source as (
    select
        tg.game_id, tg.team_abbr, 1 as player_rank,
        count(*) as played_rows, sum(p.mp) as minutes_sum,
        sum(p.pts) as points, sum(p.fg) as fg_makes, sum(p.fga) as fg_attempts,
        sum(p.fg3) as three_pt_makes, sum(p.fg3a) as three_pt_attempts, sum(p.ft) as ft_makes,
        sum(p.fta) as ft_attempts, sum(p.orb) as offensive_rebounds, sum(p.drb) as defensive_rebounds,
        sum(p.trb) as rebounds, sum(p.ast) as assists, sum(p.stl) as steals, sum(p.blk) as blocks,
        sum(p.tov) as turnovers, sum(p.pf) as personal_fouls
    from team_games as tg
    inner join bref_player_box as p
        on p.game_key = tg.bref_game_key and p.team_abbr = tg.team_abbr
    where p.status is null
    group by tg.game_id, tg.team_abbr
    union all
    select
        tg.game_id, tg.team_abbr, 2 as player_rank,
        count(*), sum(p.min), sum(p.pts), sum(p.fgm), sum(p.fga), sum(p.fg3m), sum(p.fg3a),
        sum(p.ftm), sum(p.fta), sum(p.oreb), sum(p.dreb), sum(p.reb), sum(p.ast), sum(p.stl),
        sum(p.blk), sum(p.tov), sum(p.pf)
    from team_games as tg
    inner join nbacom_player_log as p
        on p.game_id = tg.game_id and p.team_abbr = tg.team_abbr
    group by tg.game_id, tg.team_abbr
    union all
    select
        tg.game_id, tg.team_abbr, 3 as player_rank,
        count(*), sum(p.minutes), sum(p.pts), sum(p.fgm), sum(p.fga), sum(p.threes_made),
        sum(p.threes_attempted), sum(p.ftm), sum(p.fta), sum(p.oreb), sum(p.dreb), sum(p.reb),
        sum(p.ast), sum(p.stl), sum(p.blk), sum(p.tov), sum(p.pf)
    from team_games as tg
    inner join partial_player_log as p
        on p.game_date = tg.game_date and p.team_abbr = tg.team_abbr
    group by tg.game_id, tg.team_abbr
),

-- Accepted sums: >= 5 played rows, Σ minutes within ±6 of team_minutes, Σ points = final score.
accepted_player_sums as (
    select
        s.*
    from player_sums_by_source as s
    inner join team_games as tg
        on tg.game_id = s.game_id and tg.team_abbr = s.team_abbr
    where s.played_rows >= 5
      and abs(s.minutes_sum - (240 + 25 * coalesce(tg.ot_periods, 0))) <= 6
      and s.points = tg.sched_points
),

-- The game's player source: the first (bref, NBA.com log, partial logs) accepted for both teams.
game_player_source as (
    select game_id, min(player_rank) as player_rank
    from (
        select game_id, player_rank
        from accepted_player_sums
        group by game_id, player_rank
        having count(*) = 2
    ) as both_teams
    group by game_id
),

from_player_sum as (
    select
        s.game_id, s.team_abbr, 3 as source_rank, 'player_sum' as team_box_source,
        s.points, s.fg_makes, s.fg_attempts, s.three_pt_makes, s.three_pt_attempts, s.ft_makes,
        s.ft_attempts, s.offensive_rebounds, s.defensive_rebounds, s.rebounds, s.assists, s.steals,
        s.blocks, s.turnovers, s.personal_fouls, cast(null as double) as plus_minus
    from accepted_player_sums as s
    inner join game_player_source as g
        on g.game_id = s.game_id and g.player_rank = s.player_rank
),

candidates as (
    select * from from_nbacom
    union all
    select * from from_bref
    union all
    select * from from_player_sum
),

-- A source counts for a game only when it has both teams' rows.
complete_sources as (
    select game_id, source_rank
    from candidates
    group by game_id, source_rank
    having count(distinct team_abbr) = 2 and count(*) = 2
),

chosen_source as (
    select game_id, min(source_rank) as source_rank
    from complete_sources
    group by game_id
),

team_box as (
    select c.*
    from candidates as c
    inner join chosen_source as s
        on s.game_id = c.game_id and s.source_rank = c.source_rank
),

shot_zones as (
    select
        s.game_id,
        t.team_abbr,
        sum(case when s.zone = 'paint' then 1 else 0 end) as paint_attempts,
        sum(case when s.zone = 'paint' and s.shot_made then 1 else 0 end) as paint_makes,
        sum(case when s.zone = 'mid_range' then 1 else 0 end) as mid_range_attempts,
        sum(case when s.zone = 'mid_range' and s.shot_made then 1 else 0 end) as mid_range_makes
    from shots as s
    inner join nba_teams as t
        on t.nba_team_id = s.team_id
    where s.game_id in (select game_id from schedule)
    group by s.game_id, t.team_abbr
),

shot_games as (
    select distinct game_id
    from shot_zones
),

-- Both rows of a game, joined to the opponent's box (same game_id).
paired as (
    select
        tg.game_id,
        tg.game_date,
        tg.season_year,
        tg.season_phase,
        tg.team_abbr,
        tg.opponent_team_abbr,
        tg.home_game,
        coalesce(tg.ot_periods, 0) as ot_periods,
        240 + 25 * coalesce(tg.ot_periods, 0) as team_minutes,
        t.team_box_source,
        t.points, t.fg_makes, t.fg_attempts, t.three_pt_makes, t.three_pt_attempts, t.ft_makes,
        t.ft_attempts, t.offensive_rebounds, t.defensive_rebounds, t.rebounds, t.assists,
        t.steals, t.blocks, t.turnovers, t.personal_fouls, t.plus_minus,
        o.points as opp_points,
        t.fg_attempts + 0.4 * t.ft_attempts
            - 1.07 * (cast(t.offensive_rebounds as double)
                      / nullif(t.offensive_rebounds + o.defensive_rebounds, 0))
              * (t.fg_attempts - t.fg_makes)
            + t.turnovers as team_poss,
        o.fg_attempts + 0.4 * o.ft_attempts
            - 1.07 * (cast(o.offensive_rebounds as double)
                      / nullif(o.offensive_rebounds + t.defensive_rebounds, 0))
              * (o.fg_attempts - o.fg_makes)
            + o.turnovers as opp_poss
    from team_games as tg
    inner join team_box as t
        on t.game_id = tg.game_id and t.team_abbr = tg.team_abbr
    inner join team_box as o
        on o.game_id = tg.game_id and o.team_abbr = tg.opponent_team_abbr
),

final as (
    select
        p.game_id,
        p.game_date,
        p.season_year,
        p.season_phase,
        p.team_abbr,
        p.opponent_team_abbr,
        p.home_game,
        cast(p.points as integer) as points,
        cast(p.opp_points as integer) as opp_points,
        p.points > p.opp_points as win_flag,
        cast(p.points - p.opp_points as integer) as point_margin,
        p.ot_periods,
        p.team_minutes,
        cast(p.fg_makes as integer) as fg_makes,
        cast(p.fg_attempts as integer) as fg_attempts,
        cast(p.three_pt_makes as integer) as three_pt_makes,
        cast(p.three_pt_attempts as integer) as three_pt_attempts,
        cast(p.ft_makes as integer) as ft_makes,
        cast(p.ft_attempts as integer) as ft_attempts,
        cast(p.offensive_rebounds as integer) as offensive_rebounds,
        cast(p.defensive_rebounds as integer) as defensive_rebounds,
        cast(p.rebounds as integer) as rebounds,
        cast(p.assists as integer) as assists,
        cast(p.steals as integer) as steals,
        cast(p.blocks as integer) as blocks,
        cast(p.turnovers as integer) as turnovers,
        cast(p.personal_fouls as integer) as personal_fouls,
        coalesce(p.plus_minus, cast(p.points - p.opp_points as double)) as plus_minus,
        0.5 * (p.team_poss + p.opp_poss) as possessions,
        48.0 * (p.team_poss + p.opp_poss) / (2.0 * (p.team_minutes / 5.0)) as pace,
        100.0 * p.points / nullif(0.5 * (p.team_poss + p.opp_poss), 0) as offensive_rating,
        100.0 * p.opp_points / nullif(0.5 * (p.team_poss + p.opp_poss), 0) as defensive_rating,
        cast(p.points as double) / nullif(2.0 * (p.fg_attempts + 0.44 * p.ft_attempts), 0) as ts_pct,
        (p.fg_makes + 0.5 * p.three_pt_makes) / nullif(cast(p.fg_attempts as double), 0) as efg_pct,
        case when g.game_id is not null then cast(coalesce(z.paint_attempts, 0) as integer) end as paint_attempts,
        case when g.game_id is not null then cast(coalesce(z.paint_makes, 0) as integer) end as paint_makes,
        case when g.game_id is not null then cast(coalesce(z.mid_range_attempts, 0) as integer) end as mid_range_attempts,
        case when g.game_id is not null then cast(coalesce(z.mid_range_makes, 0) as integer) end as mid_range_makes,
        g.game_id is not null as has_shot_zones,
        case when g.game_id is not null then 'nbacom_shots' end as shot_zone_source,
        p.team_box_source,
        case when p.team_box_source = 'player_sum' then 'bronze' else 'gold' end as data_quality_tier
    from paired as p
    left join shot_games as g
        on g.game_id = p.game_id
    left join shot_zones as z
        on z.game_id = p.game_id and z.team_abbr = p.team_abbr
)

select * from final
