-- analytics.upcoming_player_game_context (UPCG), SPEC §4.5.
-- One row per player per scheduled game, for the expected roster of each team (UTGC team-games).
-- Expected roster, pre-tip only (the same rule for past and future games; hindsight ban, §8 #27):
--   * players whose most recent played game before d was for the team and who played for it in at
--     least one of the team's last 10 games before d of the current season. The team's games are the
--     ones with played PGS rows (box data). Before the team's first such game of the season, its last
--     10 games of the previous season (post-season included) are used;
--   * plus players with a pre-tip prop line (points or threes) for the game, resolved to player_id by
--     meta.prop_player_map, on the team of their most recent played game before d when that team
--     plays in the game (a line alone does not say which team a player is on).
--   A row dated d uses PGS games dated before d only: game d's own box score never counts.
-- Prop lines (§3.5): snapshots with snapshot_ts < game_time only; main line per (snapshot, book):
-- the both-priced line minimising |p_over - p_under| (ties: the lower line), else the median line;
-- book = draftkings, fanduel, then alphabetical; current = latest snapshot, opening = earliest.
-- has_prop_line: a pre-tip points or threes line exists for the player-game.
-- Player windows in days ([d-N, d-1]) join the player's played games 1..N days before d (at most
-- one a day). Season-to-date values use played games of the current season before d.
-- Availability (is_listed_inactive, star_teammates_out): bref's pre-game inactive list; NULL when
-- UTGC has no availability source for the game (star_players_out NULL). is_prediction_eligible
-- treats an unknown listing as not inactive.
-- Float sums and means run on DECIMAL(18, 6) values so that they do not depend on the order rows are
-- added in: a date's rows are then identical whatever batch builds them.
-- History: the 366 days before $start_date.

with

team_context as (
    select *
    from analytics.upcoming_team_game_context
    where game_date between cast($start_date as date) and cast($end_date as date)
),

player_games as (
    select
        game_id,
        game_date,
        season_year,
        player_id,
        team_abbr,
        played_flag,
        minutes_played,
        points,
        usage_rate
    from analytics.player_game_summary
    where game_date >= cast($start_date as date) - interval 366 day
      and game_date < cast($end_date as date)
),

points_props as (
    select
        player, bookmaker, line, over_odds, under_odds, game_time, snapshot_ts, is_pre_tip,
        game_date, home_team_abbr, away_team_abbr
    from raw.oddsapi_player_points_props
    where game_date between cast($start_date as date) and cast($end_date as date)
),

threes_props as (
    select
        player, bookmaker, line, over_odds, under_odds, game_time, snapshot_ts, is_pre_tip,
        game_date, home_team_abbr, away_team_abbr
    from raw.oddsapi_player_threes_props
    where game_date between cast($start_date as date) and cast($end_date as date)
),

prop_identities as (
    select source_table, player, game_date, home_team_abbr, away_team_abbr, player_id
    from meta.prop_player_map
    where player_id is not null
      and game_date between cast($start_date as date) and cast($end_date as date)
),

registry as (
    select player_id, player_lookup, bref_player_slug
    from meta.player_registry
),

inactive_list as (
    select game_date, team_abbr, bref_player_slug
    from raw.bref_inactives
    where game_date between cast($start_date as date) and cast($end_date as date)
),

-- played games, numbered per player-season. Columns named *_through include the game itself: they
-- describe the player after that game and are read only by rows dated after it.
-- next_played_date: the player's next played game. A row at date d reads the game g with
-- g.game_date < d <= next_played_date (or no next game): the player's most recent played game
-- before d. That test only asks whether a game lies between g and d, so it needs nothing dated d
-- or later.
played as (
    select
        g.*,
        date_diff('day', cast($start_date as date), g.game_date) as day_number,
        date_diff('day', lag(g.game_date) over player_season, g.game_date) as days_rest,
        row_number() over player_season as season_game_seq,
        lead(g.game_date) over (
            partition by g.player_id order by g.game_date asc nulls first, g.game_id asc nulls first
        ) as next_played_date,
        sum(g.points) over season_through as season_points_through,
        count(g.points) over season_through as season_points_games_through,
        sum(cast(g.minutes_played as decimal(18, 6))) over season_through as season_minutes_through,
        count(g.minutes_played) over season_through as season_minutes_games_through,
        cast(avg(cast(g.minutes_played as decimal(18, 6))) over (
            partition by g.player_id, g.season_year
            order by g.game_date asc nulls first, g.game_id asc nulls first
            rows between 9 preceding and current row
        ) as double) as minutes_avg_last_10_through
    from player_games g
    where g.played_flag
    window
        player_season as (
            partition by g.player_id, g.season_year
            order by g.game_date asc nulls first, g.game_id asc nulls first
        ),
        season_through as (
            partition by g.player_id, g.season_year
            order by g.game_date asc nulls first, g.game_id asc nulls first
            rows between unbounded preceding and current row
        )
),

-- ---- expected roster from the team's recent games ----
team_known_games as (
    select
        team_abbr,
        season_year,
        game_id,
        game_date,
        row_number() over (
            partition by team_abbr, season_year
            order by game_date asc nulls first, game_id asc nulls first
        ) as team_game_seq
    from (select distinct team_abbr, season_year, game_id, game_date from played) k
),

team_season_games as (
    select team_abbr, season_year, count(*) as season_games
    from team_known_games
    group by team_abbr, season_year
),

known_before as (
    select game_id, team_abbr, earlier_known_games
    from (
        select
            game_id,
            team_abbr,
            is_context,
            cast(coalesce(sum(case when is_context then 0 else 1 end) over (
                partition by team_abbr, season_year
                order by day_number asc nulls first
                range between unbounded preceding and 1 preceding
            ), 0) as integer) as earlier_known_games
        from (
            select
                game_id, team_abbr, season_year, true as is_context,
                date_diff('day', cast($start_date as date), game_date) as day_number
            from team_context
            union all
            select
                game_id, team_abbr, season_year, false as is_context,
                date_diff('day', cast($start_date as date), game_date) as day_number
            from team_known_games
        ) t
    ) c
    where is_context
),

-- the team's last 10 known games before d: this season's, else the previous season's last 10
roster_window as (
    select
        c.game_id,
        c.game_date,
        c.team_abbr,
        case when k.earlier_known_games > 0 then c.season_year else c.season_year - 1 end
            as reference_season,
        case when k.earlier_known_games > 0 then k.earlier_known_games
             else coalesce(p.season_games, 0) end as last_seq
    from team_context c
    join known_before k on k.game_id = c.game_id and k.team_abbr = c.team_abbr
    left join team_season_games p
      on p.team_abbr = c.team_abbr and p.season_year = c.season_year - 1
),

-- players who played in one of those games and have not played elsewhere since: the game they
-- played in is their most recent played game before d
roster_from_recent_games as (
    select w.game_id, w.team_abbr, p.player_id, p.game_id as latest_game_id
    from roster_window w
    join team_known_games k
      on k.team_abbr = w.team_abbr
     and k.season_year = w.reference_season
     and k.team_game_seq between w.last_seq - 9 and w.last_seq
    join played p
      on p.game_id = k.game_id
     and p.team_abbr = k.team_abbr
     and (p.next_played_date is null or p.next_played_date >= w.game_date)
),

-- ---- pre-tip prop lines (§3.5) ----
prop_rows as (
    select 'points' as market, r.*, m.player_id
    from points_props r
    join prop_identities m
      on m.source_table = 'oddsapi_player_points_props'
     and m.player = r.player
     and m.game_date = r.game_date
     and m.home_team_abbr = r.home_team_abbr
     and m.away_team_abbr = r.away_team_abbr
    union all
    select 'threes' as market, r.*, m.player_id
    from threes_props r
    join prop_identities m
      on m.source_table = 'oddsapi_player_threes_props'
     and m.player = r.player
     and m.game_date = r.game_date
     and m.home_team_abbr = r.home_team_abbr
     and m.away_team_abbr = r.away_team_abbr
),

pre_tip_quotes as (
    select
        c.game_id,
        r.market,
        r.player_id,
        r.bookmaker,
        r.snapshot_ts,
        r.line,
        r.over_odds is not null and r.under_odds is not null as is_priced,
        abs(
            case when r.over_odds > 0 then 100.0 / (r.over_odds + 100)
                 else -r.over_odds / (-r.over_odds + 100.0) end
            - case when r.under_odds > 0 then 100.0 / (r.under_odds + 100)
                   else -r.under_odds / (-r.under_odds + 100.0) end
        ) as price_gap
    from prop_rows r
    join team_context c
      on c.game_date = r.game_date
     and c.team_abbr = r.home_team_abbr
     and c.opponent_team_abbr = r.away_team_abbr
    where r.is_pre_tip
      and r.snapshot_ts < r.game_time
      and r.line is not null
),

main_lines as (
    select
        game_id,
        market,
        player_id,
        bookmaker,
        snapshot_ts,
        coalesce(max(case when pick = 1 and is_priced then line end), median(line)) as line
    from (
        select
            q.*,
            row_number() over (
                partition by q.game_id, q.market, q.player_id, q.bookmaker, q.snapshot_ts
                order by case when q.is_priced then 0 else 1 end asc nulls first,
                         q.price_gap asc nulls first,
                         q.line asc nulls first
            ) as pick
        from pre_tip_quotes q
    ) ranked
    group by game_id, market, player_id, bookmaker, snapshot_ts
),

books as (
    select
        game_id,
        market,
        player_id,
        bookmaker,
        count(*) over (partition by game_id, market, player_id) as book_count,
        row_number() over (
            partition by game_id, market, player_id
            order by case bookmaker when 'draftkings' then 0 when 'fanduel' then 1 else 2 end
                         asc nulls first,
                     bookmaker asc nulls first
        ) as book_rank
    from (select distinct game_id, market, player_id, bookmaker from main_lines) b
),

chosen_book_lines as (
    select
        m.game_id,
        m.market,
        m.player_id,
        m.bookmaker,
        b.book_count,
        m.line,
        row_number() over (
            partition by m.game_id, m.market, m.player_id order by m.snapshot_ts asc nulls first
        ) as snapshot_seq,
        count(*) over (partition by m.game_id, m.market, m.player_id) as snapshots
    from main_lines m
    join books b
      on b.game_id = m.game_id and b.market = m.market and b.player_id = m.player_id
     and b.bookmaker = m.bookmaker and b.book_rank = 1
),

prop_lines as (
    select
        game_id,
        player_id,
        max(case when market = 'points' and snapshot_seq = snapshots then line end) as points_line,
        max(case when market = 'points' and snapshot_seq = 1 then line end) as opening_points_line,
        max(case when market = 'points' then bookmaker end) as points_line_book,
        max(case when market = 'points' then book_count end) as points_line_book_count,
        max(case when market = 'threes' and snapshot_seq = snapshots then line end) as threes_line,
        max(case when market = 'threes' then bookmaker end) as threes_line_book
    from chosen_book_lines
    group by game_id, player_id
),

-- players with a pre-tip line, on the team of their most recent played game before d
roster_from_prop_lines as (
    select l.game_id, p.team_abbr, l.player_id, p.game_id as latest_game_id
    from prop_lines l
    join team_context h on h.game_id = l.game_id and h.home_game
    join played p
      on p.player_id = l.player_id
     and p.game_date < h.game_date
     and (p.next_played_date is null or p.next_played_date >= h.game_date)
    where p.team_abbr in (h.team_abbr, h.opponent_team_abbr)
),

expected_roster as (
    select distinct game_id, team_abbr, player_id, latest_game_id
    from (
        select game_id, team_abbr, player_id, latest_game_id from roster_from_recent_games
        union all
        select game_id, team_abbr, player_id, latest_game_id from roster_from_prop_lines
    ) r
),

-- the player entering d, from his most recent played game (season values only if it is this season)
entering as (
    select
        r.game_id,
        r.team_abbr,
        r.player_id,
        c.game_date,
        c.season_year,
        case when p.season_year = c.season_year
             then date_diff('day', p.game_date, c.game_date) end as days_rest,
        case when p.season_year = c.season_year then p.season_game_seq else 0 end
            as games_played_season,
        case when p.season_year = c.season_year then p.minutes_avg_last_10_through end
            as minutes_avg_last_10,
        case when p.season_year = c.season_year
             then p.season_points_through / nullif(p.season_points_games_through, 0) end
            as points_avg_season,
        case when p.season_year = c.season_year
             then p.season_minutes_through / nullif(p.season_minutes_games_through, 0) end
            as minutes_avg_season,
        date_diff('day', cast($start_date as date), c.game_date) as day_number
    from expected_roster r
    join team_context c on c.game_id = r.game_id and c.team_abbr = r.team_abbr
    join played p on p.player_id = r.player_id and p.game_id = r.latest_game_id
),

-- the player's played games in [d-14, d-1] (at most one a day)
recent_days as (
    select
        e.game_id,
        e.player_id,
        count(case when o.days_back <= 7 then 1 end) as games_in_last_7_days,
        count(*) as games_in_last_14_days,
        sum(case when o.days_back <= 7 then cast(p.minutes_played as decimal(18, 6)) end)
            as minutes_in_last_7_days,
        sum(cast(p.minutes_played as decimal(18, 6))) as minutes_in_last_14_days,
        cast(avg(case when o.days_back <= 7 then cast(p.usage_rate as decimal(18, 6)) end) as double)
            as usage_rate_avg_last_7_days,
        count(case when p.days_rest = 1 then 1 end) as back_to_backs_last_14_days
    from entering e
    cross join (
        values (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14)
    ) as o(days_back)
    join played p
      on p.player_id = e.player_id
     and p.day_number = e.day_number - o.days_back
    group by e.game_id, e.player_id
),

-- ---- over/under streaks against this game's points line ----
lined_history as (
    select e.game_id, e.player_id, h.game_date, h.points, l.points_line
    from entering e
    join prop_lines l on l.game_id = e.game_id and l.player_id = e.player_id
    join played h
      on h.player_id = e.player_id
     and h.season_year = e.season_year
     and h.game_date < e.game_date
    where l.points_line is not null
      and h.points is not null
      and h.points <> l.points_line
),

streak_breaks as (
    select
        game_id,
        player_id,
        max(case when points < points_line then game_date end) as last_under_date,
        max(case when points > points_line then game_date end) as last_over_date
    from lined_history
    group by game_id, player_id
),

prop_streaks as (
    select
        h.game_id,
        h.player_id,
        count(case when h.points > h.points_line
                    and (b.last_under_date is null or h.game_date > b.last_under_date)
                   then 1 end) as over_streak,
        count(case when h.points < h.points_line
                    and (b.last_over_date is null or h.game_date > b.last_over_date)
                   then 1 end) as under_streak
    from lined_history h
    join streak_breaks b on b.game_id = h.game_id and b.player_id = h.player_id
    group by h.game_id, h.player_id
),

listed_inactive as (
    select distinct i.game_date, i.team_abbr, r.player_id
    from inactive_list i
    join registry r on r.bref_player_slug = i.bref_player_slug
),

final as (
    select
        c.game_id,
        c.game_date,
        c.season_year,
        c.season_phase,
        c.team_abbr,
        c.opponent_team_abbr,
        c.home_game,
        c.tip_time_et,
        c.game_number_in_season,
        e.player_id,
        reg.player_lookup,
        cast(e.days_rest as integer) as days_rest,
        coalesce(e.days_rest = 1, false) as back_to_back,
        c.opponent_days_rest,
        cast(coalesce(d.games_in_last_7_days, 0) as integer) as games_in_last_7_days,
        cast(coalesce(d.games_in_last_14_days, 0) as integer) as games_in_last_14_days,
        cast(coalesce(d.minutes_in_last_7_days, 0) as double) as minutes_in_last_7_days,
        cast(coalesce(d.minutes_in_last_14_days, 0) as double) as minutes_in_last_14_days,
        cast(d.minutes_in_last_7_days as double) / nullif(d.games_in_last_7_days, 0)
            as avg_minutes_per_game_last_7_days,
        cast(coalesce(d.back_to_backs_last_14_days, 0) as integer) as back_to_backs_last_14_days,
        d.usage_rate_avg_last_7_days,
        c.travel_miles,
        c.travel_miles_last_14_days,
        c.time_zones_crossed,
        c.time_zones_crossed_last_14_days,
        c.game_spread,
        c.game_total,
        c.implied_team_total,
        c.pace_differential,
        c.team_pace_avg_last_10,
        c.opponent_pace_avg_last_10,
        c.opponent_offensive_rating_avg_last_10,
        c.opponent_defensive_rating_avg_last_10,
        coalesce(l.points_line is not null or l.threes_line is not null, false) as has_prop_line,
        l.points_line,
        l.opening_points_line,
        l.points_line - l.opening_points_line as points_line_movement,
        l.points_line_book,
        cast(l.points_line_book_count as integer) as points_line_book_count,
        l.threes_line,
        l.threes_line_book,
        cast(case when l.points_line is not null then coalesce(s.over_streak, 0) end as integer)
            as prop_over_streak,
        cast(case when l.points_line is not null then coalesce(s.under_streak, 0) end as integer)
            as prop_under_streak,
        -- the team's stars out (UTGC) without the player himself
        cast(c.star_players_out - case
            when i.player_id is not null
             and e.games_played_season >= 10
             and (e.points_avg_season >= 18
                  or (e.minutes_avg_season >= 28 and e.points_avg_season >= 12))
            then 1 else 0 end as integer) as star_teammates_out,
        case when c.star_players_out is not null then i.player_id is not null end
            as is_listed_inactive,
        cast(e.games_played_season as integer) as games_played_season,
        e.minutes_avg_last_10,
        coalesce(
            not (c.star_players_out is not null and i.player_id is not null)
            and (l.points_line is not null or l.threes_line is not null
                 or e.minutes_avg_last_10 >= 15),
            false
        ) as is_prediction_eligible
    from entering e
    join team_context c on c.game_id = e.game_id and c.team_abbr = e.team_abbr
    left join recent_days d on d.game_id = e.game_id and d.player_id = e.player_id
    left join registry reg on reg.player_id = e.player_id
    left join prop_lines l on l.game_id = e.game_id and l.player_id = e.player_id
    left join prop_streaks s on s.game_id = e.game_id and s.player_id = e.player_id
    left join listed_inactive i
      on i.game_date = c.game_date and i.team_abbr = c.team_abbr and i.player_id = e.player_id
)

select * from final
