-- analytics.player_game_summary (PGS), SPEC §4.3.
-- One row per player per game: grain (game_id, player_id), for every player listed for a completed game
-- (`final` games of raw.schedule_games in [$start_date, $end_date], phases regular/play_in/playoffs/
-- cup_final, two of the 30 NBA teams).
-- Player source, chosen per game (never per date range, SPEC §3.4):
--   gold   `bref_box`: the bref box has the game, i.e. played rows for both teams whose points sum to the
--          team's final score (a game with a quarantined bref row fails this and falls back to NBA.com).
--          Rows: every box row (played + DNP/DND/NWT/suspended by `status`) plus raw.bref_inactives
--          (`inactive`). NBA.com players with no bref row are not added (identity reports them as
--          `reconcile_missing_in_bref`).
--   silver `nbacom_game_log`: the NBA.com league log (appeared players only, integer minutes, no starters).
--   bronze `nbacom_player_log_partial`: the partial logs, game resolved by (date, team) in the schedule.
-- player_id comes from meta.player_registry (bref slug → player_id); bref rows whose slug has no
-- player_id cannot be keyed and are absent here (meta.unresolved_identities lists them).
-- usage_rate uses the TOGS row of the same (game_id, team_abbr); capped at 100.0, uncapped value kept in
-- usage_rate_raw. Box stats are NULL unless played_flag. Prop lines follow SPEC §3.5 (pre-tip
-- snapshots only, main line per snapshot/book, book priority draftkings, fanduel, then alphabetical).
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
        bref_game_key
    from raw.schedule_games
    where game_status = 'final'
      and season_phase in ('regular', 'play_in', 'playoffs', 'cup_final')
      and game_date between $start_date and $end_date
      and home_team_abbr in (select team_abbr from meta.team_codes where is_nba)
      and away_team_abbr in (select team_abbr from meta.team_codes where is_nba)
),

registry as (
    select player_id, player_name, player_lookup, bref_player_slug
    from meta.player_registry
),

bref_player_box as (
    select
        game_key, team_abbr, bref_player_slug, player, starter, status, mp, pts, fg, fga, fg3, fg3a,
        ft, fta, orb, drb, trb, ast, stl, blk, tov, pf, plus_minus
    from raw.bref_player_box
    -- every raw read is limited to the games built (a one-date build reads one date)
    where game_key in (select bref_game_key from schedule)
),

bref_inactives as (
    select game_key, team_abbr, bref_player_slug, player
    from raw.bref_inactives
    where game_key in (select bref_game_key from schedule)
),

nbacom_player_log as (
    select
        game_id, player_id, player_name, team_abbreviation as team_abbr, min, pts, fgm, fga, fg3m,
        fg3a, ftm, fta, oreb, dreb, reb, ast, stl, blk, tov, pf, plus_minus
    from raw.nbacom_player_game_logs
    where game_id in (select game_id from schedule)
),

partial_player_log as (
    select
        player_id, player, game_date, team_abbreviation as team_abbr, minutes, pts, fgm, fga,
        threes_made, threes_attempted, ftm, fta, oreb, dreb, reb, ast, stl, blk, tov, pf, plus_minus
    from raw.nbacom_player_game_logs_partial
    where game_date between $start_date and $end_date
),

team_offense as (
    select
        game_id, team_abbr, team_minutes, fg_attempts, ft_attempts, turnovers, win_flag,
        team_box_source
    from analytics.team_offense_game_summary
    where game_date between $start_date and $end_date
),

shots as (
    select game_id, player_id, zone, shot_made
    from raw.nbacom_shots
    where game_id in (select game_id from schedule)
),

points_props as (
    select player, game_date, home_team_abbr, away_team_abbr, bookmaker, line, over_odds, under_odds, snapshot_ts
    from raw.oddsapi_player_points_props
    where is_pre_tip and game_date between $start_date and $end_date
),

threes_props as (
    select player, game_date, home_team_abbr, away_team_abbr, bookmaker, line, over_odds, under_odds, snapshot_ts
    from raw.oddsapi_player_threes_props
    where is_pre_tip and game_date between $start_date and $end_date
),

prop_player_map as (
    select source_table, player, game_date, home_team_abbr, away_team_abbr, player_id
    from meta.prop_player_map
    where player_id is not null and game_date between $start_date and $end_date
),

-- One row per (game, team) of the schedule, with the team's perspective and its final score.
team_games as (
    select
        game_id, game_date, season_year, season_phase, bref_game_key,
        home_team_abbr as team_abbr, away_team_abbr as opponent_team_abbr, true as home_game,
        home_points as team_points, away_points as opp_points
    from schedule
    union all
    select
        game_id, game_date, season_year, season_phase, bref_game_key,
        away_team_abbr as team_abbr, home_team_abbr as opponent_team_abbr, false as home_game,
        away_points as team_points, home_points as opp_points
    from schedule
),

-- Per-game source choice ------------------------------------------------------------------------
bref_team_check as (
    select
        tg.game_id,
        tg.team_abbr,
        sum(case when b.status is null then 1 else 0 end) as played_rows,
        sum(case when b.status is null then b.pts else 0 end) as points_sum,
        max(tg.team_points) as team_points
    from team_games as tg
    inner join bref_player_box as b
        on b.game_key = tg.bref_game_key and b.team_abbr = tg.team_abbr
    group by tg.game_id, tg.team_abbr
),

bref_games as (
    select game_id
    from bref_team_check
    where played_rows > 0
      and (team_points is null or points_sum = team_points)
    group by game_id
    having count(*) = 2
),

nbacom_games as (
    select distinct l.game_id
    from nbacom_player_log as l
    inner join team_games as tg
        on tg.game_id = l.game_id and tg.team_abbr = l.team_abbr
),

partial_rows as (
    select tg.game_id, p.*
    from partial_player_log as p
    inner join team_games as tg
        on tg.game_date = p.game_date and tg.team_abbr = p.team_abbr
),

partial_games as (
    select distinct game_id
    from partial_rows
),

game_source as (
    select
        s.game_id,
        case
            when b.game_id is not null then 'bref_box'
            when n.game_id is not null then 'nbacom_game_log'
            when p.game_id is not null then 'nbacom_player_log_partial'
        end as primary_source
    from schedule as s
    left join bref_games as b
        on b.game_id = s.game_id
    left join nbacom_games as n
        on n.game_id = s.game_id
    left join partial_games as p
        on p.game_id = s.game_id
),

shot_games as (
    select distinct game_id
    from shots
    where game_id in (select game_id from schedule)
),

-- Per (game, team): the schedule view, the game's player source, the TOGS row and shot coverage.
team_context as (
    select
        tg.game_id,
        tg.team_abbr,
        tg.game_date,
        tg.season_year,
        tg.season_phase,
        tg.opponent_team_abbr,
        tg.home_game,
        tg.bref_game_key,
        coalesce(
            case when tg.team_points > tg.opp_points then true
                 when tg.team_points < tg.opp_points then false end,
            t.win_flag
        ) as win_flag,
        g.primary_source,
        t.team_minutes,
        t.fg_attempts as team_fg_attempts,
        t.ft_attempts as team_ft_attempts,
        t.turnovers as team_turnovers,
        t.team_box_source,
        sg.game_id is not null as has_shot_zones
    from team_games as tg
    inner join game_source as g
        on g.game_id = tg.game_id
    left join team_offense as t
        on t.game_id = tg.game_id and t.team_abbr = tg.team_abbr
    left join shot_games as sg
        on sg.game_id = tg.game_id
),

-- Player rows per source, in canonical names, with their team-game context -----------------------
bref_rows as (
    select
        tc.game_id,
        tc.game_date,
        tc.season_year,
        tc.season_phase,
        tc.team_abbr,
        tc.opponent_team_abbr,
        tc.home_game,
        tc.win_flag,
        tc.primary_source,
        tc.team_minutes,
        tc.team_fg_attempts,
        tc.team_ft_attempts,
        tc.team_turnovers,
        tc.team_box_source,
        tc.has_shot_zones,
        r.player_id,
        r.player_name,
        r.player_lookup,
        b.bref_player_slug,
        case
            when b.status is null then 'played'
            when lower(trim(b.status)) = 'did not play' then 'did_not_play'
            when lower(trim(b.status)) = 'did not dress' then 'did_not_dress'
            when lower(trim(b.status)) = 'not with team' then 'not_with_team'
            when lower(trim(b.status)) = 'player suspended' then 'suspended'
            else replace(lower(trim(b.status)), ' ', '_')
        end as player_status,
        coalesce(b.starter, false) as starter_flag,
        b.mp as minutes_played,
        b.pts as points, b.fg as fg_makes, b.fga as fg_attempts, b.fg3 as three_pt_makes,
        b.fg3a as three_pt_attempts, b.ft as ft_makes, b.fta as ft_attempts,
        b.orb as offensive_rebounds, b.drb as defensive_rebounds, b.trb as rebounds,
        b.ast as assists, b.stl as steals, b.blk as blocks, b.tov as turnovers,
        b.pf as personal_fouls, cast(b.plus_minus as double) as plus_minus
    from team_context as tc
    inner join bref_player_box as b
        on b.game_key = tc.bref_game_key and b.team_abbr = tc.team_abbr
    inner join registry as r
        on r.bref_player_slug = b.bref_player_slug
    where tc.primary_source = 'bref_box'
),

inactive_rows as (
    select
        tc.game_id,
        tc.game_date,
        tc.season_year,
        tc.season_phase,
        tc.team_abbr,
        tc.opponent_team_abbr,
        tc.home_game,
        tc.win_flag,
        tc.primary_source,
        tc.team_minutes,
        tc.team_fg_attempts,
        tc.team_ft_attempts,
        tc.team_turnovers,
        tc.team_box_source,
        tc.has_shot_zones,
        r.player_id,
        r.player_name,
        r.player_lookup,
        i.bref_player_slug,
        'inactive' as player_status,
        false as starter_flag,
        cast(null as double) as minutes_played,
        cast(null as bigint) as points, cast(null as bigint) as fg_makes,
        cast(null as bigint) as fg_attempts, cast(null as bigint) as three_pt_makes,
        cast(null as bigint) as three_pt_attempts, cast(null as bigint) as ft_makes,
        cast(null as bigint) as ft_attempts, cast(null as bigint) as offensive_rebounds,
        cast(null as bigint) as defensive_rebounds, cast(null as bigint) as rebounds,
        cast(null as bigint) as assists, cast(null as bigint) as steals,
        cast(null as bigint) as blocks, cast(null as bigint) as turnovers,
        cast(null as bigint) as personal_fouls, cast(null as double) as plus_minus
    from team_context as tc
    inner join bref_inactives as i
        on i.game_key = tc.bref_game_key and i.team_abbr = tc.team_abbr
    inner join registry as r
        on r.bref_player_slug = i.bref_player_slug
    -- the inactive list and the box are disjoint; a box row wins should both list a player
    left join bref_player_box as b
        on b.game_key = i.game_key and b.bref_player_slug = i.bref_player_slug
    where tc.primary_source = 'bref_box'
      and b.bref_player_slug is null
),

nbacom_rows as (
    select
        tc.game_id,
        tc.game_date,
        tc.season_year,
        tc.season_phase,
        tc.team_abbr,
        tc.opponent_team_abbr,
        tc.home_game,
        tc.win_flag,
        tc.primary_source,
        tc.team_minutes,
        tc.team_fg_attempts,
        tc.team_ft_attempts,
        tc.team_turnovers,
        tc.team_box_source,
        tc.has_shot_zones,
        l.player_id,
        coalesce(r.player_name, l.player_name) as player_name,
        r.player_lookup,
        r.bref_player_slug,
        'played' as player_status,
        cast(null as boolean) as starter_flag,
        l.min as minutes_played,
        l.pts as points, l.fgm as fg_makes, l.fga as fg_attempts, l.fg3m as three_pt_makes,
        l.fg3a as three_pt_attempts, l.ftm as ft_makes, l.fta as ft_attempts,
        l.oreb as offensive_rebounds, l.dreb as defensive_rebounds, l.reb as rebounds,
        l.ast as assists, l.stl as steals, l.blk as blocks, l.tov as turnovers,
        l.pf as personal_fouls, cast(l.plus_minus as double) as plus_minus
    from team_context as tc
    inner join nbacom_player_log as l
        on l.game_id = tc.game_id and l.team_abbr = tc.team_abbr
    left join registry as r
        on r.player_id = l.player_id
    where tc.primary_source = 'nbacom_game_log'
),

partial_source_rows as (
    select
        tc.game_id,
        tc.game_date,
        tc.season_year,
        tc.season_phase,
        tc.team_abbr,
        tc.opponent_team_abbr,
        tc.home_game,
        tc.win_flag,
        tc.primary_source,
        tc.team_minutes,
        tc.team_fg_attempts,
        tc.team_ft_attempts,
        tc.team_turnovers,
        tc.team_box_source,
        tc.has_shot_zones,
        p.player_id,
        coalesce(r.player_name, p.player) as player_name,
        r.player_lookup,
        r.bref_player_slug,
        'played' as player_status,
        cast(null as boolean) as starter_flag,
        p.minutes as minutes_played,
        p.pts as points, p.fgm as fg_makes, p.fga as fg_attempts, p.threes_made as three_pt_makes,
        p.threes_attempted as three_pt_attempts, p.ftm as ft_makes, p.fta as ft_attempts,
        p.oreb as offensive_rebounds, p.dreb as defensive_rebounds, p.reb as rebounds,
        p.ast as assists, p.stl as steals, p.blk as blocks, p.tov as turnovers,
        p.pf as personal_fouls, cast(p.plus_minus as double) as plus_minus
    from team_context as tc
    inner join partial_rows as p
        on p.game_id = tc.game_id and p.team_abbr = tc.team_abbr
    left join registry as r
        on r.player_id = p.player_id
    where tc.primary_source = 'nbacom_player_log_partial'
),

player_rows as (
    select * from bref_rows
    union all
    select * from inactive_rows
    union all
    select * from nbacom_rows
    union all
    select * from partial_source_rows
),

-- Shot zones per (game, player) ------------------------------------------------------------------
player_zones as (
    select
        game_id,
        player_id,
        sum(case when zone = 'paint' then 1 else 0 end) as paint_attempts,
        sum(case when zone = 'paint' and shot_made then 1 else 0 end) as paint_makes,
        sum(case when zone = 'mid_range' then 1 else 0 end) as mid_range_attempts,
        sum(case when zone = 'mid_range' and shot_made then 1 else 0 end) as mid_range_makes,
        sum(case when zone = 'three' then 1 else 0 end) as three_attempts
    from shots
    where game_id in (select game_id from schedule)
    group by game_id, player_id
),

-- Prop lines (SPEC §3.5), points and threes through the same steps -----------------------------
prop_rows as (
    select
        'points' as market, s.game_id, m.player_id, p.bookmaker, p.line, p.snapshot_ts,
        p.over_odds, p.under_odds
    from points_props as p
    inner join prop_player_map as m
        on m.source_table = 'oddsapi_player_points_props'
        and m.player = p.player
        and m.game_date = p.game_date
        and m.home_team_abbr = p.home_team_abbr
        and m.away_team_abbr = p.away_team_abbr
    inner join schedule as s
        on s.game_date = p.game_date
        and least(s.home_team_abbr, s.away_team_abbr) = least(p.home_team_abbr, p.away_team_abbr)
        and greatest(s.home_team_abbr, s.away_team_abbr) = greatest(p.home_team_abbr, p.away_team_abbr)
    union all
    select
        'threes' as market, s.game_id, m.player_id, p.bookmaker, p.line, p.snapshot_ts,
        p.over_odds, p.under_odds
    from threes_props as p
    inner join prop_player_map as m
        on m.source_table = 'oddsapi_player_threes_props'
        and m.player = p.player
        and m.game_date = p.game_date
        and m.home_team_abbr = p.home_team_abbr
        and m.away_team_abbr = p.away_team_abbr
    inner join schedule as s
        on s.game_date = p.game_date
        and least(s.home_team_abbr, s.away_team_abbr) = least(p.home_team_abbr, p.away_team_abbr)
        and greatest(s.home_team_abbr, s.away_team_abbr) = greatest(p.home_team_abbr, p.away_team_abbr)
),

prop_prices as (
    select
        market, game_id, player_id, bookmaker, line, snapshot_ts,
        case bookmaker when 'draftkings' then 1 when 'fanduel' then 2 else 3 end as book_priority,
        case
            when over_odds is null or under_odds is null then null
            else abs(
                (case when over_odds > 0 then 100.0 / (over_odds + 100.0)
                      else -1.0 * over_odds / (-1.0 * over_odds + 100.0) end)
                - (case when under_odds > 0 then 100.0 / (under_odds + 100.0)
                        else -1.0 * under_odds / (-1.0 * under_odds + 100.0) end)
            )
        end as price_gap
    from prop_rows
),

-- Per (market, game, player, book, snapshot): the smallest |p_over - p_under| and the row count.
snapshot_books as (
    select
        market, game_id, player_id, bookmaker, snapshot_ts,
        min(book_priority) as book_priority,
        min(price_gap) as best_gap,
        count(*) as n_lines
    from prop_prices
    group by market, game_id, player_id, bookmaker, snapshot_ts
),

-- Main line: the best-priced row (ties: the lower line) ...
priced_main_lines as (
    select
        p.market, p.game_id, p.player_id, p.bookmaker, p.snapshot_ts,
        min(b.book_priority) as book_priority,
        min(p.line) as main_line
    from prop_prices as p
    inner join snapshot_books as b
        on b.market = p.market and b.game_id = p.game_id and b.player_id = p.player_id
        and b.bookmaker = p.bookmaker and b.snapshot_ts = p.snapshot_ts
        and p.price_gap = b.best_gap
    group by p.market, p.game_id, p.player_id, p.bookmaker, p.snapshot_ts
),

-- ... or, when no row of the snapshot has both prices, the median line.
unpriced_rows as (
    select
        p.market, p.game_id, p.player_id, p.bookmaker, p.snapshot_ts, p.line, b.book_priority,
        b.n_lines,
        row_number() over (
            partition by p.market, p.game_id, p.player_id, p.bookmaker, p.snapshot_ts
            order by p.line asc nulls first
        ) as line_rank
    from prop_prices as p
    inner join snapshot_books as b
        on b.market = p.market and b.game_id = p.game_id and b.player_id = p.player_id
        and b.bookmaker = p.bookmaker and b.snapshot_ts = p.snapshot_ts
    where b.best_gap is null
),

unpriced_main_lines as (
    select
        market, game_id, player_id, bookmaker, snapshot_ts,
        min(book_priority) as book_priority,
        avg(line) as main_line
    from unpriced_rows
    where line_rank in (
        cast(floor((n_lines + 1) / 2.0) as integer), cast(ceil((n_lines + 1) / 2.0) as integer)
    )
    group by market, game_id, player_id, bookmaker, snapshot_ts
),

main_lines as (
    select * from priced_main_lines
    where main_line is not null
    union all
    select * from unpriced_main_lines
    where main_line is not null
),

-- Per book: its latest and earliest pre-tip snapshots; the book for a player-game is the
-- highest-priority one (draftkings, fanduel, then alphabetical).
book_spans as (
    select
        market, game_id, player_id, bookmaker,
        min(book_priority) as book_priority,
        max(snapshot_ts) as latest_ts,
        min(snapshot_ts) as earliest_ts
    from main_lines
    group by market, game_id, player_id, bookmaker
),

book_choice as (
    select
        market, game_id, player_id, bookmaker, latest_ts, earliest_ts,
        row_number() over (
            partition by market, game_id, player_id
            order by book_priority asc nulls first, bookmaker asc nulls first
        ) as book_rank,
        count(*) over (partition by market, game_id, player_id) as book_count
    from book_spans
),

prop_lines as (
    select
        c.market,
        c.game_id,
        c.player_id,
        c.bookmaker as line_book,
        c.book_count,
        max(case when l.snapshot_ts = c.latest_ts then l.main_line end) as current_line,
        max(case when l.snapshot_ts = c.earliest_ts then l.main_line end) as opening_line
    from book_choice as c
    inner join main_lines as l
        on l.market = c.market and l.game_id = c.game_id and l.player_id = c.player_id
        and l.bookmaker = c.bookmaker
    where c.book_rank = 1
    group by c.market, c.game_id, c.player_id, c.bookmaker, c.book_count
),

-- One row per (game, player) with both markets side by side.
player_lines as (
    select
        game_id,
        player_id,
        max(case when market = 'points' then current_line end) as points_line,
        max(case when market = 'points' then opening_line end) as opening_points_line,
        max(case when market = 'points' then line_book end) as points_line_book,
        max(case when market = 'points' then book_count end) as points_line_book_count,
        max(case when market = 'threes' then current_line end) as threes_line,
        max(case when market = 'threes' then line_book end) as threes_line_book
    from prop_lines
    group by game_id, player_id
),

-- Assembly ----------------------------------------------------------------------------------------
-- Per (game, player): shot zones and prop lines.
player_extras as (
    select
        coalesce(z.game_id, pl.game_id) as game_id,
        coalesce(z.player_id, pl.player_id) as player_id,
        z.paint_attempts as z_paint_attempts,
        z.paint_makes as z_paint_makes,
        z.mid_range_attempts as z_mid_range_attempts,
        z.mid_range_makes as z_mid_range_makes,
        z.three_attempts as z_three_attempts,
        pl.points_line,
        pl.opening_points_line,
        pl.points_line_book,
        pl.points_line_book_count,
        pl.threes_line,
        pl.threes_line_book
    from player_zones as z
    full outer join player_lines as pl
        on pl.game_id = z.game_id and pl.player_id = z.player_id
),

joined as (
    select
        pr.*,
        pr.player_status = 'played' as played_flag,
        case
            when pr.player_status = 'played' and pr.minutes_played > 0 then
                100.0 * (pr.fg_attempts + 0.44 * pr.ft_attempts + pr.turnovers) * (pr.team_minutes / 5.0)
                / nullif(
                    pr.minutes_played
                    * (pr.team_fg_attempts + 0.44 * pr.team_ft_attempts + pr.team_turnovers),
                    0
                )
        end as usage_rate_raw,
        x.z_paint_attempts,
        x.z_paint_makes,
        x.z_mid_range_attempts,
        x.z_mid_range_makes,
        x.z_three_attempts,
        x.points_line,
        x.opening_points_line,
        x.points_line_book,
        x.points_line_book_count,
        x.threes_line,
        x.threes_line_book
    from player_rows as pr
    left join player_extras as x
        on x.game_id = pr.game_id and x.player_id = pr.player_id
),

final as (
    select
        game_id,
        game_date,
        season_year,
        season_phase,
        player_id,
        player_lookup,
        player_name,
        bref_player_slug,
        team_abbr,
        opponent_team_abbr,
        home_game,
        player_status,
        played_flag,
        starter_flag,
        case when played_flag then minutes_played end as minutes_played,
        case when played_flag then cast(points as integer) end as points,
        case when played_flag then cast(fg_makes as integer) end as fg_makes,
        case when played_flag then cast(fg_attempts as integer) end as fg_attempts,
        case when played_flag then cast(three_pt_makes as integer) end as three_pt_makes,
        case when played_flag then cast(three_pt_attempts as integer) end as three_pt_attempts,
        case when played_flag then cast(ft_makes as integer) end as ft_makes,
        case when played_flag then cast(ft_attempts as integer) end as ft_attempts,
        case when played_flag then cast(offensive_rebounds as integer) end as offensive_rebounds,
        case when played_flag then cast(defensive_rebounds as integer) end as defensive_rebounds,
        case when played_flag then cast(rebounds as integer) end as rebounds,
        case when played_flag then cast(assists as integer) end as assists,
        case when played_flag then cast(steals as integer) end as steals,
        case when played_flag then cast(blocks as integer) end as blocks,
        case when played_flag then cast(turnovers as integer) end as turnovers,
        case when played_flag then cast(personal_fouls as integer) end as personal_fouls,
        case when played_flag then plus_minus end as plus_minus,
        case when usage_rate_raw > 100.0 then 100.0 else usage_rate_raw end as usage_rate,
        usage_rate_raw,
        case when played_flag then
            cast(points as double) / nullif(2.0 * (fg_attempts + 0.44 * ft_attempts), 0)
        end as ts_pct,
        case when played_flag then
            (fg_makes + 0.5 * three_pt_makes) / nullif(cast(fg_attempts as double), 0)
        end as efg_pct,
        win_flag,
        case when played_flag and has_shot_zones then cast(coalesce(z_paint_attempts, 0) as integer) end as paint_attempts,
        case when played_flag and has_shot_zones then cast(coalesce(z_paint_makes, 0) as integer) end as paint_makes,
        case when played_flag and has_shot_zones then cast(coalesce(z_mid_range_attempts, 0) as integer) end as mid_range_attempts,
        case when played_flag and has_shot_zones then cast(coalesce(z_mid_range_makes, 0) as integer) end as mid_range_makes,
        has_shot_zones,
        case when played_flag and has_shot_zones then
            coalesce(z_paint_attempts, 0) + coalesce(z_mid_range_attempts, 0) + coalesce(z_three_attempts, 0) = fg_attempts
            and coalesce(z_three_attempts, 0) = three_pt_attempts
        end as shot_zones_reconciled,
        points_line,
        opening_points_line,
        points_line - opening_points_line as points_line_movement,
        points_line_book,
        cast(points_line_book_count as integer) as points_line_book_count,
        case
            when not played_flag or points_line is null then null
            when points > points_line then 'OVER'
            when points < points_line then 'UNDER'
            else 'PUSH'
        end as over_under_result,
        case when played_flag then points - points_line end as line_margin,
        threes_line,
        threes_line_book,
        case
            when not played_flag or threes_line is null then null
            when three_pt_makes > threes_line then 'OVER'
            when three_pt_makes < threes_line then 'UNDER'
            else 'PUSH'
        end as threes_over_under_result,
        case when primary_source = 'bref_box' then player_status = 'inactive' end as is_listed_inactive,
        case
            when primary_source = 'nbacom_player_log_partial' or team_box_source = 'player_sum' then 'bronze'
            when primary_source = 'bref_box' and team_box_source in ('nbacom_team_log', 'bref_team_box') then 'gold'
            else 'silver'
        end as data_quality_tier,
        primary_source,
        team_box_source,
        case when has_shot_zones then 'nbacom_shots' end as shot_zone_source,
        case when primary_source = 'bref_box' then 'bref_inactives' end as availability_source
    from joined
)

select * from final
