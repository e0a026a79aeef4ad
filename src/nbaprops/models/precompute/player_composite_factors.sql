-- precompute.player_composite_factors (PCF), SPEC §5.4, calculation_version 'v1_4factors'.
-- One row per UPCG player per non-bootstrap date (game_date, player_id). Four factors:
--   fatigue (UPCG rest and load; the raw 0-100 score is stored, plus the adjustment, pitfall 12),
--   shot-zone mismatch (PSZA primary zone vs the opponent's TDZA pp, same date),
--   pace (UPCG pace_differential), usage spike (PDC season usage vs UPCG last-7-days usage).
-- A NULL input zeroes its factor and is named in factor_inputs_missing; no input is ever replaced by
-- a constant (pitfall 53). NULL fatigue inputs contribute 0 (SPEC §5.4); a NULL among the counts that
-- UPCG always fills is also recorded. Deferred factors (referee, look-ahead, travel, opponent strength,
-- age) are not stored at all (pitfall 36).
-- All inputs are dated on the same game date and are themselves strictly backward-looking.
-- A player listed twice on one date (two UPCG rows) is kept once: the row of the first team_abbr.
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
    select
        game_date,
        game_id,
        player_id,
        season_year,
        team_abbr,
        opponent_team_abbr,
        days_rest,
        back_to_back,
        games_in_last_7_days,
        minutes_in_last_7_days,
        avg_minutes_per_game_last_7_days,
        back_to_backs_last_14_days,
        usage_rate_avg_last_7_days,
        star_teammates_out,
        pace_differential
    from analytics.upcoming_player_game_context
),

psza as (
    select
        analysis_date,
        player_id,
        primary_scoring_zone,
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
        paint_defense_vs_league_pp,
        mid_range_defense_vs_league_pp,
        three_defense_vs_league_pp
    from precompute.team_defense_zone_analysis
    where analysis_date between $start_date and $end_date
),

pdc as (
    select cache_date, player_id, usage_rate_avg_season
    from precompute.player_daily_cache
    where cache_date between $start_date and $end_date
),

ranked as (
    select
        upcg.*,
        row_number() over (
            partition by upcg.game_date, upcg.player_id order by upcg.team_abbr asc nulls first
        ) as listing_rank
    from upcg
    inner join calendar on calendar.season_year = upcg.season_year
    cross join settings
    where upcg.game_date between $start_date and $end_date
        and not (
            date_diff('day', calendar.season_start, upcg.game_date) >= 0
            and date_diff('day', calendar.season_start, upcg.game_date) < settings.bootstrap_days
        )
),

inputs as (
    select
        ranked.game_date,
        ranked.player_id,
        ranked.game_id,
        ranked.season_year,
        ranked.team_abbr,
        ranked.opponent_team_abbr,
        ranked.days_rest,
        ranked.back_to_back,
        ranked.games_in_last_7_days,
        ranked.minutes_in_last_7_days,
        ranked.avg_minutes_per_game_last_7_days,
        ranked.back_to_backs_last_14_days,
        ranked.usage_rate_avg_last_7_days,
        ranked.star_teammates_out,
        ranked.pace_differential,
        psza.player_id is not null as has_psza,
        psza.primary_scoring_zone,
        psza.paint_rate_last_10,
        psza.mid_range_rate_last_10,
        psza.three_rate_last_10,
        tdza.paint_defense_vs_league_pp,
        tdza.mid_range_defense_vs_league_pp,
        tdza.three_defense_vs_league_pp,
        pdc.usage_rate_avg_season
    from ranked
    left join psza
        on psza.analysis_date = ranked.game_date
        and psza.player_id = ranked.player_id
    left join tdza
        on tdza.analysis_date = ranked.game_date
        and tdza.team_abbr = ranked.opponent_team_abbr
    left join pdc
        on pdc.cache_date = ranked.game_date
        and pdc.player_id = ranked.player_id
    where ranked.listing_rank = 1
),

fatigue as (
    select
        *,
        greatest(
            0,
            least(
                100,
                100
                + case
                    when back_to_back then -15
                    when days_rest >= 3 then 5
                    else 0
                end
                + case when games_in_last_7_days >= 4 then -10 else 0 end
                + case when minutes_in_last_7_days > 240 then -10 else 0 end
                + case when avg_minutes_per_game_last_7_days > 35 then -8 else 0 end
                + case
                    when back_to_backs_last_14_days >= 2 then -12
                    when back_to_backs_last_14_days = 1 then -5
                    else 0
                end
            )
        ) as fatigue_score
    from inputs
),

zones as (
    select
        *,
        case primary_scoring_zone
            when 'paint' then paint_defense_vs_league_pp
            when 'mid_range' then mid_range_defense_vs_league_pp
            when 'three' then three_defense_vs_league_pp
        end as primary_zone_pp,
        case primary_scoring_zone
            when 'paint' then paint_rate_last_10
            when 'mid_range' then mid_range_rate_last_10
            when 'three' then three_rate_last_10
        end as primary_zone_rate,
        paint_rate_last_10 * paint_defense_vs_league_pp
            + mid_range_rate_last_10 * mid_range_defense_vs_league_pp
            + three_rate_last_10 * three_defense_vs_league_pp as balanced_mismatch
    from fatigue
),

zone_values as (
    select
        *,
        case
            when primary_scoring_zone = 'balanced' then balanced_mismatch
            else primary_zone_pp * least(primary_zone_rate / 0.50, 1.0)
        end as raw_mismatch,
        -- the mismatch needs a PSZA row with a zone and the opponent's pp for the zone(s) it uses
        case
            when primary_scoring_zone = 'balanced' then balanced_mismatch is not null
            else primary_zone_pp is not null and primary_zone_rate is not null
        end as mismatch_available
    from zones
),

factors as (
    select
        *,
        (fatigue_score - 100) / 20.0 as fatigue_adjustment,
        case
            when not mismatch_available then 0.0
            when primary_scoring_zone = 'balanced'
                then round(greatest(-10.0, least(10.0, raw_mismatch)), 1)
            when abs(raw_mismatch) > 5
                then round(greatest(-10.0, least(10.0, raw_mismatch * 1.2)), 1)
            else round(greatest(-10.0, least(10.0, raw_mismatch)), 1)
        end as shot_zone_mismatch_score,
        case
            when pace_differential is null then 0.0
            else greatest(-3.0, least(3.0, pace_differential / 2.0))
        end as pace_score,
        case
            when usage_rate_avg_last_7_days is null or usage_rate_avg_season is null then 0.0
            else greatest(
                -3.0,
                least(
                    3.0,
                    0.3 * (usage_rate_avg_last_7_days - usage_rate_avg_season)
                    * case
                        when usage_rate_avg_last_7_days - usage_rate_avg_season <= 0 then 1.0
                        when star_teammates_out >= 2 then 1.30
                        when star_teammates_out = 1 then 1.15
                        else 1.0
                    end
                )
            )
        end as usage_spike_score
    from zone_values
),

totals as (
    select
        *,
        fatigue_adjustment + shot_zone_mismatch_score + pace_score + usage_spike_score
            as total_composite_adjustment
    from factors
),

final as (
    select
        game_date,
        player_id,
        game_id,
        season_year,
        team_abbr,
        opponent_team_abbr,
        'v1_4factors' as calculation_version,
        fatigue_score,
        fatigue_adjustment,
        shot_zone_mismatch_score,
        pace_score,
        usage_spike_score,
        total_composite_adjustment,
        list_concat(
            case
                when back_to_back is null or games_in_last_7_days is null
                    or minutes_in_last_7_days is null or back_to_backs_last_14_days is null
                    then ['fatigue_inputs']
                else cast([] as varchar[])
            end,
            case
                when not has_psza then ['player_shot_zone_analysis']
                when primary_scoring_zone is null then ['primary_scoring_zone']
                else cast([] as varchar[])
            end,
            case
                when has_psza and primary_scoring_zone is not null and not mismatch_available
                    then ['opponent_zone_defense']
                else cast([] as varchar[])
            end,
            case
                when pace_differential is null then ['pace_differential']
                else cast([] as varchar[])
            end,
            case
                when usage_rate_avg_season is null then ['usage_rate_avg_season']
                else cast([] as varchar[])
            end,
            case
                when usage_rate_avg_last_7_days is null then ['usage_rate_avg_last_7_days']
                else cast([] as varchar[])
            end
        ) as factor_inputs_missing,
        list_concat(
            case when fatigue_score < 50 then ['fatigue_below_50'] else cast([] as varchar[]) end,
            case
                when abs(shot_zone_mismatch_score) > 8 then ['shot_zone_mismatch_above_8']
                else cast([] as varchar[])
            end,
            case
                when abs(total_composite_adjustment) > 12 then ['total_adjustment_above_12']
                else cast([] as varchar[])
            end
        ) as warnings
    from totals
)

select * from final
