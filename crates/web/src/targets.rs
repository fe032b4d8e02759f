//! Targets at an as-of date: the dashboard API and what the home page shows.
//! Figures come from the KPI engine (`domain::targets::evaluate`) over the
//! stored facts; each links to the records behind it.

use crate::Shared;
use crate::auth::{ApiCan, need};
use crate::error::{ApiError, AppError};
use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::NaiveDate;
use domain::campaign::{Formula, ValueUnit, time_progress};
use domain::format::{money, mu, percent};
use domain::targets::{Actual, Outcome, Status, Subject, evaluate};
use serde::{Deserialize, Serialize};
use store::campaigns::{Campaign, Target};
use utoipa::{IntoParams, ToSchema};

/// A target with its outcome at a date.
pub struct Evaluated {
    pub target: Target,
    pub outcome: Outcome,
    pub as_of: NaiveDate,
}

/// A rate with one decimal, or more where one decimal would round a miss up
/// to the target (19.96% against 20% shows "19.96%", not "20%").
pub fn rate_display(
    num: i64,
    den: i64,
    target: domain::campaign::TargetValue,
    achieved: bool,
) -> String {
    let target_text = target.display("");
    let mut places = 1;
    loop {
        let text = percent(num, den, places).unwrap_or_else(|| "暂无数据".into());
        if achieved || text != target_text || places >= 4 {
            return text;
        }
        places += 1;
    }
}

/// Parses an as-of date from a query (YYYY-MM-DD), clamped into the campaign
/// year; today (clamped) when absent.
pub fn as_of_for(c: &Campaign, raw: Option<&str>) -> Result<NaiveDate, AppError> {
    let start = NaiveDate::from_ymd_opt(c.year, 1, 1).expect("valid year");
    let end = NaiveDate::from_ymd_opt(c.year, 12, 31).expect("valid year");
    let d = match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s
            .parse::<NaiveDate>()
            .map_err(|_| AppError::BadRequest(format!("as_of：“{s}”不是 YYYY-MM-DD 格式的日期")))?,
        None => crate::layout::today(),
    };
    Ok(d.clamp(start, end))
}

/// The target behind a drill-down list: `code` at `as_of`, which must be
/// computed from `subject` records (`noun` names them in the error).
pub async fn drilldown_target(
    st: &Shared,
    campaign: Option<&Campaign>,
    code: &str,
    as_of: NaiveDate,
    subject: Subject,
    noun: &str,
) -> Result<Evaluated, AppError> {
    let c = campaign.ok_or_else(|| AppError::NotFound("年度活动".into()))?;
    let e = evaluate_all_with_records(st, c, as_of)
        .await?
        .into_iter()
        .find(|e| e.target.code == code)
        .ok_or_else(|| AppError::NotFound(format!("目标“{code}”")))?;
    if e.outcome.subject != subject {
        return Err(AppError::BadRequest(format!(
            "目标“{}”不是按{noun}计算的",
            e.target.name
        )));
    }
    Ok(e)
}

/// Evaluates every target of a campaign at `as_of` over facts already loaded.
pub async fn evaluate_with(
    store: &store::Store,
    c: &Campaign,
    as_of: NaiveDate,
    facts: &domain::targets::Facts,
) -> Result<Vec<Evaluated>, AppError> {
    Ok(store
        .targets(c.id)
        .await?
        .into_iter()
        .map(|t| {
            let outcome = evaluate(&t.formula, t.value, c.year, as_of, facts);
            Evaluated {
                target: t,
                outcome,
                as_of,
            }
        })
        .collect())
}

/// Evaluates every target of a campaign at `as_of` with the records behind
/// each figure (`members`, `reached`), on the reference engine: for
/// drill-down lists. Slower than `evaluate_all` at province scale.
pub async fn evaluate_all_with_records(
    st: &Shared,
    c: &Campaign,
    as_of: NaiveDate,
) -> Result<Vec<Evaluated>, AppError> {
    let facts = st.store.kpi_facts_cached().await?;
    let targets = st.store.targets(c.id).await?;
    let year = c.year;
    tokio::task::spawn_blocking(move || {
        targets
            .into_iter()
            .map(|t| {
                let outcome = evaluate(&t.formula, t.value, year, as_of, &facts);
                Evaluated {
                    target: t,
                    outcome,
                    as_of,
                }
            })
            .collect()
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))
}

/// The aggregates the dashboard reads for a campaign and its targets.
pub async fn aggregates(
    st: &Shared,
    c: &Campaign,
    targets: &[Target],
) -> Result<std::sync::Arc<domain::targets::fast::Aggregates>, AppError> {
    let formulas: Vec<Formula> = targets.iter().map(|t| t.formula.clone()).collect();
    Ok(st.store.kpi_aggregates(c.year, &formulas).await?)
}

/// Evaluates every target of a campaign at `as_of` from the aggregates
/// (the figures only: `members` and `reached` stay empty; drill-downs use
/// `evaluate_all_with_records`).
pub async fn evaluate_all(
    st: &Shared,
    c: &Campaign,
    as_of: NaiveDate,
) -> Result<Vec<Evaluated>, AppError> {
    let targets = st.store.targets(c.id).await?;
    let agg = aggregates(st, c, &targets).await?;
    Ok(targets
        .into_iter()
        .map(|t| {
            let outcome = agg.outcome(&t.formula, t.value, as_of);
            Evaluated {
                target: t,
                outcome,
                as_of,
            }
        })
        .collect())
}

impl Evaluated {
    /// The actual value for people: "12.3%", "5.2亿元", "7个", or 暂无数据.
    pub fn actual_display(&self) -> String {
        match self.outcome.actual {
            None => "暂无数据".into(),
            Some(Actual::Ratio { num, den }) => {
                rate_display(num, den, self.target.value, self.outcome.achieved)
            }
            Some(Actual::Yuan(v)) => money(v),
            Some(Actual::Count(n)) => format!("{n}{}", self.target.count_word),
        }
    }
    /// Completion as a percentage of the target, for cumulative targets.
    pub fn completion_display(&self) -> String {
        match (self.outcome.actual, self.target.value.unit) {
            (Some(Actual::Yuan(v) | Actual::Count(v)), ValueUnit::Yuan | ValueUnit::Count) => {
                percent(v, self.target.value.value, 1).unwrap_or_else(|| "—".into())
            }
            _ => "—".into(),
        }
    }
    /// The bar's width in percent (0-100): completion for sums and counts,
    /// the rate for rates.
    pub fn bar_width(&self) -> i64 {
        let w = match (self.outcome.actual, self.target.value.unit) {
            (Some(Actual::Ratio { num, den }), _) if den != 0 => num as i128 * 100 / den as i128,
            (Some(Actual::Yuan(v) | Actual::Count(v)), _) if self.target.value.value > 0 => {
                v as i128 * 100 / self.target.value.value as i128
            }
            _ => 0,
        };
        w.clamp(0, 100) as i64
    }
    /// Where the target line sits on the bar (percent), for rates.
    pub fn target_mark(&self) -> i64 {
        match self.target.value.unit {
            ValueUnit::Ratio => (self.target.value.value / 100).clamp(0, 100),
            _ => 100,
        }
    }
    pub fn time_progress_display(&self) -> String {
        let (e, n) = self.outcome.time_progress;
        percent(e, n, 1).unwrap_or_default()
    }
    pub fn status_class(&self) -> &'static str {
        match self.outcome.status {
            Status::OnTrack => "ok",
            Status::Behind => "behind",
            Status::NoData => "nodata",
        }
    }
    pub fn status_label(&self) -> &'static str {
        if self.outcome.achieved {
            "已完成"
        } else {
            self.outcome.status.label()
        }
    }
    /// Count and area behind a rate, e.g. "3/4 个；面积 12.5/20 亩".
    pub fn detail(&self) -> String {
        if matches!(self.target.formula, Formula::Growth { .. }) {
            return match (self.outcome.numerator, self.outcome.denominator) {
                (Some(n), Some(d)) => format!("本年 {} / 上年同期 {}", money(n), money(d)),
                _ => String::new(),
            };
        }
        let mut parts = Vec::new();
        if let (Some(n), Some(d)) = (self.outcome.numerator, self.outcome.denominator) {
            parts.push(format!(
                "{n}/{d} {}",
                if self.outcome.subject == Subject::Parcels {
                    "宗"
                } else {
                    "个"
                }
            ));
        }
        if let (Some(n), Some(d)) = (
            self.outcome.area_numerator_millimu,
            self.outcome.area_denominator_millimu,
        ) {
            parts.push(format!("面积 {}/{} 亩", mu(n), mu(d)));
        }
        parts.join("；")
    }
    /// The list of records behind the figure, if there is one to show.
    pub fn drilldown(&self) -> Option<String> {
        let base = match self.outcome.subject {
            Subject::Projects => "/projects",
            Subject::Parcels => "/land-parcels",
            Subject::Enterprises => "/enterprises",
            Subject::Brands => "/brands",
        };
        Some(format!(
            "{base}?target={}&as_of={}",
            self.target.code, self.as_of
        ))
    }
    /// The records reached (the numerator), for rates.
    pub fn drilldown_reached(&self) -> Option<String> {
        if !matches!(self.target.formula, Formula::CohortRate { .. }) {
            return None;
        }
        self.drilldown().map(|u| format!("{u}&part=reached"))
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// YYYY-MM-DD; default today, clamped to the campaign year.
    pub as_of: Option<String>,
}

/// One group's part of a target's figure.
#[derive(Serialize, ToSchema)]
pub struct PartJson {
    /// The township's or unit's code.
    group: String,
    actual_value: Option<f64>,
    numerator: Option<i64>,
    denominator: Option<i64>,
    /// Below the target (rates and growth only).
    lagging: bool,
}

/// A target's figure split by township and by responsible unit.
#[derive(Serialize, ToSchema, Default)]
pub struct Breakdowns {
    township: Vec<PartJson>,
    unit: Vec<PartJson>,
}

#[derive(Serialize, ToSchema)]
pub struct DashboardTarget {
    code: String,
    name: String,
    /// growth, sum, count or cohort_rate.
    kind: String,
    /// ratio, yuan or count.
    unit: String,
    target_value: f64,
    /// null when there is no value; `note` says why.
    actual_value: Option<f64>,
    /// Exact numerator and denominator of a rate (counts).
    numerator: Option<i64>,
    denominator: Option<i64>,
    /// For cohorts over land: exact areas in thousandths of a mu.
    area_numerator_millimu: Option<i64>,
    area_denominator_millimu: Option<i64>,
    declared_count: Option<i64>,
    declared_area_millimu: Option<i64>,
    /// actual / target, for sums and counts.
    completion: Option<f64>,
    /// The time progress this target is judged against.
    time_progress: f64,
    /// on_track, behind or no_data.
    status: String,
    achieved: bool,
    note: Option<String>,
    cohort_warning: Option<String>,
    /// The page listing the records behind the figure.
    drilldown: Option<String>,
    /// The figure by township and by responsible unit, best first.
    breakdowns: Breakdowns,
}

#[derive(Serialize, ToSchema)]
pub struct Dashboard {
    as_of: String,
    /// The share of the campaign year's days elapsed at as_of.
    time_progress: f64,
    targets: Vec<DashboardTarget>,
}

impl From<&Evaluated> for DashboardTarget {
    fn from(e: &Evaluated) -> Self {
        let o = &e.outcome;
        let (declared_count, declared_area_millimu) = match e.target.formula {
            Formula::CohortRate {
                declared_count,
                declared_area_millimu,
                ..
            } => (declared_count, declared_area_millimu),
            _ => (None, None),
        };
        let completion = match (o.actual, e.target.value.unit) {
            (Some(Actual::Yuan(v) | Actual::Count(v)), ValueUnit::Yuan | ValueUnit::Count)
                if e.target.value.value > 0 =>
            {
                Some(v as f64 / e.target.value.value as f64)
            }
            _ => None,
        };
        DashboardTarget {
            code: e.target.code.clone(),
            name: e.target.name.clone(),
            kind: e.target.formula.kind().into(),
            unit: e.target.value.unit.as_str().into(),
            target_value: e.target.value.as_f64(),
            actual_value: o.actual.map(Actual::as_f64),
            numerator: o.numerator,
            denominator: o.denominator,
            area_numerator_millimu: o.area_numerator_millimu,
            area_denominator_millimu: o.area_denominator_millimu,
            declared_count,
            declared_area_millimu,
            completion,
            time_progress: o.time_progress.0 as f64 / o.time_progress.1 as f64,
            status: serde_json::to_value(o.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            achieved: o.achieved,
            note: o.note.clone(),
            cohort_warning: o.cohort_warning.clone(),
            drilldown: e.drilldown(),
            breakdowns: Breakdowns::default(),
        }
    }
}

/// Every target of a campaign at a date: actual value, exact numerator and
/// denominator, status against the target and the time progress.
pub async fn dashboard_api_uncached(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
    Path(id): Path<i64>,
    Query(q): Query<DashboardQuery>,
) -> Result<Json<Dashboard>, ApiError> {
    let c = st
        .store
        .campaign(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的活动")))?;
    let as_of = as_of_for(&c, q.as_of.as_deref())?;
    let targets = st.store.targets(c.id).await?;
    let agg = aggregates(&st, &c, &targets).await?;
    // CPU work off the async threads.
    let d = tokio::task::spawn_blocking(move || dashboard(&agg, targets, c.year, as_of))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Json(d))
}

/// The dashboard from the aggregates: every target with its breakdowns.
pub fn dashboard(
    agg: &domain::targets::fast::Aggregates,
    targets: Vec<Target>,
    year: i32,
    as_of: NaiveDate,
) -> Dashboard {
    let tp = time_progress(year, as_of);
    Dashboard {
        as_of: as_of.to_string(),
        time_progress: tp.ratio(),
        targets: targets
            .into_iter()
            .map(|t| {
                let outcome = agg.outcome(&t.formula, t.value, as_of);
                let e = Evaluated {
                    target: t,
                    outcome,
                    as_of,
                };
                let mut t = DashboardTarget::from(&e);
                let parts = |dim| {
                    agg.breakdown(&e.target.formula, e.target.value, as_of, dim)
                        .into_iter()
                        .map(|p| PartJson {
                            group: p.group,
                            actual_value: p.actual.map(Actual::as_f64),
                            numerator: p.numerator,
                            denominator: p.denominator,
                            lagging: p.lagging,
                        })
                        .collect()
                };
                t.breakdowns = Breakdowns {
                    township: parts(domain::targets::Dimension::Township),
                    unit: parts(domain::targets::Dimension::Unit),
                };
                t
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::rate_display;
    use domain::campaign::{TargetValue, ValueUnit};

    #[test]
    fn a_miss_is_never_rounded_up_to_the_target() {
        let t = TargetValue {
            unit: ValueUnit::Ratio,
            value: 2000,
        };
        assert_eq!(rate_display(1996, 10_000, t, false), "19.96%");
        assert_eq!(rate_display(19_999, 100_000, t, false), "19.999%");
        assert_eq!(rate_display(2000, 10_000, t, true), "20%");
        assert_eq!(rate_display(1660, 10_000, t, false), "16.6%");
    }
}

/// Every target of a campaign at a date: actual value, exact numerator and
/// denominator, status against the target and the time progress, and the
/// breakdowns by township and unit.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/dashboard", tag = "campaigns",
    params(("id" = i64, Path, description = "campaign id"), DashboardQuery), security(("bearer" = [])),
    responses((status = 200, body = Dashboard), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn dashboard_api(
    State(st): State<Shared>,
    u: ApiCan<need::ReadCampaign>,
    Path(id): Path<i64>,
    Query(q): Query<DashboardQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let c = st
        .store
        .campaign(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的活动")))?;
    let as_of = as_of_for(&c, q.as_of.as_deref())?;
    // Computed once per version of the facts: a repeated read costs nothing
    // until the next write (of this process or, within a moment, another).
    st.store.follow_other_writers().await?;
    let generation = st.store.generation();
    let key = format!("dashboard/{id}/{as_of}");
    if let Some(body) = st.store.derived(&key) {
        return Ok((
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            (*body).clone(),
        )
            .into_response());
    }
    let Json(d) = dashboard_api_uncached(
        State(st.clone()),
        u,
        Path(id),
        Query(DashboardQuery {
            as_of: Some(as_of.to_string()),
        }),
    )
    .await?;
    let body = st.store.keep_derived(
        generation,
        key,
        serde_json::to_vec(&d).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        (*body).clone(),
    )
        .into_response())
}
