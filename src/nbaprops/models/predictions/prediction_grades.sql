-- predictions.prediction_grades, SPEC §6.
-- One row per prediction: grain (game_date, game_id, player_id, market, model_id), graded against the
-- player's PGS row of the game (points for `points`, three_pt_makes for `threes`).
-- * actual_value, errors and within_3/within_5 exist only when the player played (played_flag);
--   a prediction for a player who did not play (or has no PGS row yet) is a void: every graded field
--   stays NULL and played_flag is FALSE. A later PGS rebuild makes the date stale and re-grades it.
-- * line_result: OVER if actual > line, UNDER if actual < line, PUSH if equal (never OVER, pitfall 23);
--   NULL without a line or when not played.
-- * prediction_correct: recommendation = line_result, only for OVER/UNDER recommendations against an
--   OVER/UNDER result; NULL for PASS, PUSH, no line and voids (they are excluded from hit rates).
-- * graded_at: when the graded inputs were last written (greatest of the prediction's created_at and
--   the PGS row's processed_at). A grade is a pure function of its inputs, so re-grading unchanged
--   inputs gives byte-identical rows (pitfall 20); the engine's processed_at says when grading ran.
with

predictions as (
    select
        game_date,
        game_id,
        player_id,
        market,
        model_id,
        model_family,
        predicted_value,
        line,
        edge,
        recommendation,
        created_at
    from predictions.player_prop_predictions
    where game_date between cast($start_date as date) and cast($end_date as date)
),

labels as (
    select
        game_id,
        player_id,
        played_flag,
        points,
        three_pt_makes,
        processed_at
    from analytics.player_game_summary
    where game_date between cast($start_date as date) and cast($end_date as date)
),

joined as (
    select
        p.game_date,
        p.game_id,
        p.player_id,
        p.market,
        p.model_id,
        p.model_family,
        p.predicted_value,
        p.line,
        p.edge,
        p.recommendation,
        coalesce(l.played_flag, false) as played_flag,
        case
            when not coalesce(l.played_flag, false) then null
            when p.market = 'points' then cast(l.points as double)
            when p.market = 'threes' then cast(l.three_pt_makes as double)
        end as actual_value,
        case
            when l.processed_at is null then p.created_at
            else greatest(p.created_at, l.processed_at)
        end as graded_at
    from predictions as p
    left join labels as l
        on l.game_id = p.game_id
       and l.player_id = p.player_id
),

graded as (
    select
        *,
        case
            when actual_value is null or line is null then null
            when actual_value > line then 'OVER'
            when actual_value < line then 'UNDER'
            else 'PUSH'
        end as line_result,
        abs(predicted_value - actual_value) as absolute_error,
        predicted_value - actual_value as signed_error
    from joined
),

final as (
    select
        game_date,
        game_id,
        player_id,
        market,
        model_id,
        model_family,
        predicted_value,
        line,
        edge,
        recommendation,
        actual_value,
        played_flag,
        line_result,
        case
            when recommendation in ('OVER', 'UNDER') and line_result in ('OVER', 'UNDER')
                then recommendation = line_result
        end as prediction_correct,
        absolute_error,
        signed_error,
        absolute_error <= 3 as within_3,
        absolute_error <= 5 as within_5,
        graded_at
    from graded
)

select * from final
