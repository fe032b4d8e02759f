//! Statistics of requests per responsible unit or per category for a period
//! (by submission date): received, on-time acceptance, reply and resolution
//! with their samples, resolution, median handling time in working days,
//! overdue and open now, satisfaction; ranked among the groups with at least
//! `min_count` received. Admins and leaders read it; a unit reads it too
//! (the figures are the district's aggregates, which bulletins publish
//! anyway) with its own row highlighted; enterprises may not.

use super::opt_date;
use crate::Shared;
use crate::auth::{ApiCan, Can, need};
use crate::error::{ApiError, AppError};
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{Datelike, NaiveDate};
use domain::requests::Kind;
use domain::requests::stats::{Row, Share, compute};
use domain::users::{FieldError, Role};
use office::xlsx::{Cell, Sheet};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use store::requests::{Filter, Viewer};
use store::users::User;
use utoipa::{IntoParams, ToSchema};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/requests/stats", get(page))
        .route("/requests/stats/export.xlsx", get(export))
}

/// The parameters of the statistics (page and API).
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// First submission date counted (default 1 January of this year).
    from: Option<String>,
    /// Last submission date counted (default today).
    to: Option<String>,
    /// unit (default) or category.
    by: Option<String>,
    /// Fewest received for a rank (default 5).
    min_count: Option<String>,
    /// enterprise or action_item (default both).
    kind: Option<String>,
    /// rank (default), received, overdue or satisfaction.
    sort: Option<String>,
}

/// The parameters, checked.
struct Checked {
    from: NaiveDate,
    to: NaiveDate,
    by_category: bool,
    min_count: i64,
    kind: Option<Kind>,
    sort: &'static str,
}

fn check(p: &StatsParams, today: NaiveDate) -> Result<Checked, AppError> {
    let mut errs = vec![];
    let from = opt_date(&p.from, "from", "起始日期", &mut errs)
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("valid"));
    let to = opt_date(&p.to, "to", "截止日期", &mut errs).unwrap_or(today);
    if errs.is_empty() && from > to {
        errs.push(FieldError::new("to", "截止日期不能早于起始日期"));
    }
    let by_category = match p.by.as_deref().map(str::trim).unwrap_or("") {
        "" | "unit" => false,
        "category" => true,
        _ => {
            errs.push(FieldError::new("by", "统计口径只能是按单位或按类别"));
            false
        }
    };
    let min_count = match p.min_count.as_deref().map(str::trim).unwrap_or("") {
        "" => 5,
        s => match s.parse::<i64>() {
            Ok(n) if (1..=10000).contains(&n) => n,
            _ => {
                errs.push(FieldError::new(
                    "min_count",
                    "参与排名的最少件数应为 1 至 10000 的整数",
                ));
                5
            }
        },
    };
    let kind = match p.kind.as_deref().map(str::trim).unwrap_or("") {
        "" => None,
        k => {
            let parsed = Kind::parse(k);
            if parsed.is_none() {
                errs.push(FieldError::new(
                    "kind",
                    "事项类型只能是企业诉求或会议交办事项",
                ));
            }
            parsed
        }
    };
    let sort = match p.sort.as_deref().unwrap_or("") {
        "received" => "received",
        "overdue" => "overdue",
        "satisfaction" => "satisfaction",
        _ => "rank",
    };
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    Ok(Checked {
        from,
        to,
        by_category,
        min_count,
        kind,
        sort,
    })
}

/// A row with the group's name.
pub struct Named {
    pub name: String,
    pub row: Row,
    /// The viewer's own unit.
    pub mine: bool,
}

impl Named {
    /// "66.6%（2/3）" or "—".
    pub fn share(s: &Share) -> String {
        if s.den == 0 {
            "—".into()
        } else {
            format!("{}（{}/{}）", s.display(), s.num, s.den)
        }
    }
}

/// The statistics: the rows in display order and the district's total.
async fn figures(
    st: &Shared,
    user: &User,
    c: &Checked,
    today: NaiveDate,
) -> Result<(Vec<Named>, Named), AppError> {
    // Aggregates over every request, whoever looks (units see the district's figures).
    let records = st
        .store
        .requests(
            &Viewer::office("统计"),
            &Filter {
                from: Some(c.from),
                to: Some(c.to),
                kind: c.kind,
                ..Filter::default()
            },
        )
        .await?;
    let cal = st.store.calendar().await?;
    let mut names: HashMap<String, String> = HashMap::new();
    let facts: Vec<_> = records
        .iter()
        .map(|r| {
            let (key, name) = if c.by_category {
                (r.category_code.clone(), r.category_name.clone())
            } else {
                (
                    r.unit_code.clone().unwrap_or_default(),
                    r.unit_name.clone().unwrap_or_else(|| super::NO_UNIT.into()),
                )
            };
            names.entry(key.clone()).or_insert(name);
            r.fact(key, &cal, today)
        })
        .collect();
    let mine = |key: &str| !c.by_category && user.unit_code.as_deref() == Some(key);
    let mut rows: Vec<Named> = compute(&facts, c.from, c.to, c.min_count)
        .into_iter()
        .map(|row| Named {
            name: names.get(&row.key).cloned().unwrap_or_default(),
            mine: mine(&row.key),
            row,
        })
        .collect();
    rows.sort_by(|a, b| {
        let (x, y) = (&a.row, &b.row);
        let primary = match c.sort {
            "received" => y.received.cmp(&x.received),
            "overdue" => y.overdue_now.cmp(&x.overdue_now),
            "satisfaction" => y.satisfied.cmp_rate(&x.satisfied),
            _ => std::cmp::Ordering::Equal,
        };
        primary
            .then_with(|| match (x.rank, y.rank) {
                (Some(p), Some(q)) => p.cmp(&q),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => y.received.cmp(&x.received),
            })
            .then_with(|| x.key.cmp(&y.key))
    });
    let all: Vec<_> = facts
        .into_iter()
        .map(|mut f| {
            f.key = "total".into();
            f
        })
        .collect();
    let mut total = compute(&all, c.from, c.to, i64::MAX)
        .pop()
        .unwrap_or_default();
    total.key = String::new();
    Ok((
        rows,
        Named {
            name: "全区合计".into(),
            row: total,
            mine: false,
        },
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "supervision/stats.html")]
struct StatsPage {
    chrome: Chrome,
    rows: Vec<Named>,
    total: Named,
    from: NaiveDate,
    to: NaiveDate,
    by_category: bool,
    min_count: i64,
    kind: String,
    sort: &'static str,
    params: String,
    unit_view: bool,
}

fn params(c: &Checked) -> String {
    format!(
        "from={}&to={}&by={}&min_count={}&kind={}&sort={}",
        c.from,
        c.to,
        if c.by_category { "category" } else { "unit" },
        c.min_count,
        c.kind.map(|k| k.as_str()).unwrap_or(""),
        c.sort
    )
}

async fn page(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Query(p): Query<StatsParams>,
) -> Result<StatsPage, AppError> {
    let today = crate::layout::today();
    let c = check(&p, today)?;
    let (rows, total) = figures(&st, &page.user, &c, today).await?;
    Ok(StatsPage {
        rows,
        total,
        from: c.from,
        to: c.to,
        by_category: c.by_category,
        min_count: c.min_count,
        kind: c.kind.map(|k| k.as_str()).unwrap_or("").into(),
        sort: c.sort,
        params: params(&c),
        unit_view: page.user.role == Role::Unit,
        chrome: page.chrome("stats"),
    })
}

async fn export(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Query(p): Query<StatsParams>,
) -> Result<Response, AppError> {
    let today = crate::layout::today();
    let c = check(&p, today)?;
    let (rows, total) = figures(&st, &page.user, &c, today).await?;
    let mut headers = vec![if c.by_category {
        "类别"
    } else {
        "承办单位"
    }];
    headers.extend([
        "受理件数",
        "按时受理率",
        "按时受理",
        "受理样本",
        "按时答复率",
        "按时答复",
        "答复样本",
        "按时办结率",
        "按时办结",
        "办结样本",
        "办结率",
        "已办结",
        "办理用时中位数（工作日）",
        "用时样本",
        "当前超期",
        "未办结",
        "满意率",
        "满意",
        "评价样本",
        "平均分",
        "排名",
    ]);
    let line = |n: &Named| -> Vec<Cell> {
        let r = &n.row;
        let mut v = vec![Cell::from(n.name.as_str()), r.received.into()];
        for s in [&r.accepted_on_time, &r.replied_on_time, &r.resolved_on_time] {
            v.extend([Cell::from(s.display()), s.num.into(), s.den.into()]);
        }
        v.extend([
            Cell::from(r.resolved.display()),
            r.resolved.num.into(),
            r.median_display().into(),
            r.handling_sample.into(),
            r.overdue_now.into(),
            r.open_now.into(),
            r.satisfied.display().into(),
            r.satisfied.num.into(),
            r.satisfied.den.into(),
            r.score_display().into(),
            match r.rank {
                Some(k) => Cell::Int(k as i64),
                None => Cell::from("样本不足"),
            },
        ]);
        v
    };
    let mut out: Vec<Vec<Cell>> = rows.iter().map(line).collect();
    let mut t = line(&total);
    if let Some(last) = t.last_mut() {
        *last = Cell::from("");
    }
    out.push(t);
    let bytes = crate::layout::write_xlsx(&[Sheet {
        name: "诉求办理统计".into(),
        headers: headers.into_iter().map(String::from).collect(),
        rows: out,
    }])?;
    Ok(crate::layout::xlsx_download(
        bytes,
        &format!("request-stats-{}-{}.xlsx", c.from, c.to),
        &format!("诉求办理统计 {} 至 {}.xlsx", c.from, c.to),
    ))
}

/// An exact share with its rate (null without a sample).
#[derive(Serialize, ToSchema)]
pub struct ShareJson {
    num: i64,
    den: i64,
    rate: Option<f64>,
}

impl From<Share> for ShareJson {
    fn from(s: Share) -> Self {
        ShareJson {
            num: s.num,
            den: s.den,
            rate: (s.den > 0).then(|| s.num as f64 / s.den as f64),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StatRowJson {
    /// A unit or category code ("" for requests with no unit, and for the total).
    key: String,
    name: String,
    received: i64,
    accepted_on_time: ShareJson,
    replied_on_time: ShareJson,
    resolved_on_time: ShareJson,
    resolved: ShareJson,
    median_handling_working_days: Option<f64>,
    handling_sample: i64,
    overdue_now: i64,
    open_now: i64,
    /// 非常满意, 满意 and 基本满意 of the rated.
    satisfied: ShareJson,
    /// 5 (非常满意) to 1 (非常不满意), over `satisfied.den` ratings.
    average_score: Option<f64>,
    /// Null below `min_count` received.
    rank: Option<usize>,
}

impl From<Named> for StatRowJson {
    fn from(n: Named) -> Self {
        let r = n.row;
        StatRowJson {
            key: r.key,
            name: n.name,
            received: r.received,
            accepted_on_time: r.accepted_on_time.into(),
            replied_on_time: r.replied_on_time.into(),
            resolved_on_time: r.resolved_on_time.into(),
            resolved: r.resolved.into(),
            median_handling_working_days: r.median_handling_tenths.map(|t| t as f64 / 10.0),
            handling_sample: r.handling_sample,
            overdue_now: r.overdue_now,
            open_now: r.open_now,
            average_score: (r.satisfied.den > 0).then(|| r.points as f64 / r.satisfied.den as f64),
            satisfied: r.satisfied.into(),
            rank: r.rank,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StatsJson {
    from: String,
    to: String,
    /// unit or category.
    by: String,
    min_count: i64,
    rows: Vec<StatRowJson>,
    total: StatRowJson,
}

/// Statistics of requests per unit or category for a period (all roles but enterprise).
#[utoipa::path(get, path = "/api/v1/requests/stats", tag = "supervision", params(StatsParams), security(("bearer" = [])),
    responses((status = 200, body = StatsJson), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_stats(
    State(st): State<Shared>,
    u: ApiCan<need::ReadCampaign>,
    Query(p): Query<StatsParams>,
) -> Result<Json<StatsJson>, ApiError> {
    let today = crate::layout::today();
    let c = check(&p, today)?;
    let (rows, total) = figures(&st, &u.0, &c, today).await?;
    Ok(Json(StatsJson {
        from: c.from.to_string(),
        to: c.to.to_string(),
        by: if c.by_category { "category" } else { "unit" }.into(),
        min_count: c.min_count,
        rows: rows.into_iter().map(Into::into).collect(),
        total: total.into(),
    }))
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use axum::routing::get;
    use tower::ServiceExt;

    /// `/requests/stats` lives beside the request page `/requests/{id}` of
    /// another module: axum 0.8 (matchit) prefers the static segment, in
    /// whichever order the routers are merged.
    #[tokio::test]
    async fn the_static_stats_route_wins_over_a_request_id() {
        let detail = || axum::Router::new().route("/requests/{id}", get(|| async { "detail" }));
        let stats = || {
            axum::Router::new()
                .route("/requests/stats", get(|| async { "stats" }))
                .route("/requests/stats/export.xlsx", get(|| async { "export" }))
        };
        for app in [detail().merge(stats()), stats().merge(detail())] {
            for (path, want) in [
                ("/requests/stats", "stats"),
                ("/requests/stats/export.xlsx", "export"),
                ("/requests/12", "detail"),
            ] {
                let r = app
                    .clone()
                    .oneshot(Request::get(path).body(Body::empty()).unwrap())
                    .await
                    .unwrap();
                let body = axum::body::to_bytes(r.into_body(), 1024).await.unwrap();
                assert_eq!(&body[..], want.as_bytes(), "{path}");
            }
        }
    }
}
