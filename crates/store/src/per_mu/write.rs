//! Writes of the per-mu evaluation: annual data (all or nothing, merged
//! field by field), evaluations and their settings, the computation (a
//! year's subjects gathered here and handed to `domain::per_mu::evaluate`,
//! the results replaced in one transaction), the lifecycle, the office's
//! adjustments and the objections. Each write is checked against the
//! evaluation's state and records an audit row.

use super::{PREFILL_COLUMNS, PerMuEvaluation, data_from_row, months_of, prefill_from_row};
use crate::audit::{self, Actor};
use crate::requests::Viewer;
use crate::{Result, Store, StoreError, now_text, one_row_or_conflict};
use chrono::NaiveDate;
use domain::per_mu::data::{Change, DataPatch, effective};
use domain::per_mu::rules::Subject;
use domain::per_mu::{Action, Field, Settings, Status, check_action, evaluate};
use domain::users::{FieldError, Role};
use sqlx::Row;
use std::collections::HashMap;

impl Store {
    /// Upserts annual data by credit code and year, all or nothing: every bad
    /// row is named by its index and field; a figure a row does not change
    /// keeps its stored value. Returns how many rows were written.
    pub async fn upsert_per_mu_data(&self, actor: &Actor, rows: &[DataPatch]) -> Result<usize> {
        let mut errs = vec![];
        let mut seen: HashMap<(String, i32), usize> = HashMap::new();
        let mut ids: Vec<Option<i64>> = vec![];
        for (i, r) in rows.iter().enumerate() {
            let mut err = |f: &str, m: String| errs.push(FieldError::new(&format!("[{i}].{f}"), m));
            let id: Option<i64> = sqlx::query("SELECT id FROM enterprises WHERE credit_code = $1")
                .bind(r.credit_code.trim())
                .fetch_optional(self.pool())
                .await?
                .map(|x| x.try_get("id"))
                .transpose()?;
            if id.is_none() {
                err(
                    "credit_code",
                    format!(
                        "企业库中没有统一社会信用代码为“{}”的企业",
                        r.credit_code.trim()
                    ),
                );
            }
            if !(2000..=2100).contains(&r.year) {
                err("year", "年度应在 2000 至 2100 之间".into());
            }
            for (f, c) in &r.changes {
                if let Change::Set(v) = c
                    && let Err(m) = f.check(*v)
                {
                    err(f.key(), m);
                }
            }
            if let Some(first) = seen.insert((r.credit_code.trim().to_string(), r.year), i) {
                err(
                    "credit_code",
                    format!("与第 {} 条是同一企业同一年度", first + 1),
                );
            }
            ids.push(id);
        }
        if rows.is_empty() {
            errs.push(FieldError::new("body", "没有数据"));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let cols: Vec<&str> = Field::ALL.iter().map(|f| f.key()).collect();
        let now = now_text();
        let mut tx = self.begin().await?;
        Store::take_turn(&mut tx).await?;
        for (r, id) in rows.iter().zip(&ids) {
            let id = id.expect("checked");
            let sql = format!(
                "SELECT {} FROM per_mu_data WHERE enterprise_id = $1 AND year = $2",
                cols.join(", ")
            );
            let stored = match sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .bind(r.year as i64)
                .fetch_optional(&mut *tx)
                .await?
            {
                Some(row) => data_from_row(&row, "")?,
                None => Default::default(),
            };
            let merged = r.apply(&stored);
            let placeholders: Vec<String> =
                (0..cols.len()).map(|k| format!("${}", k + 3)).collect();
            let updates: Vec<String> = cols.iter().map(|c| format!("{c} = excluded.{c}")).collect();
            let sql = format!(
                "INSERT INTO per_mu_data (enterprise_id, year, {}, updated_at, updated_by) VALUES ($1, $2, {}, ${}, ${}) \
                 ON CONFLICT (enterprise_id, year) DO UPDATE SET {}, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                cols.join(", "),
                placeholders.join(", "),
                cols.len() + 3,
                cols.len() + 4,
                updates.join(", ")
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .bind(r.year as i64);
            for f in Field::ALL {
                q = q.bind(merged.get(f));
            }
            q.bind(&now).bind(&actor.name).execute(&mut *tx).await?;
            audit::record(
                &mut tx,
                actor,
                "per_mu_data",
                &format!("{}/{}", r.credit_code.trim(), r.year),
                "upsert",
                Some(&serde_json::json!(stored)),
                Some(&serde_json::json!(merged)),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }

    /// Creates the evaluation of a data year (one per year), in draft.
    pub async fn create_per_mu_evaluation(
        &self,
        actor: &Actor,
        year: i32,
        s: &Settings,
    ) -> Result<PerMuEvaluation> {
        let mut errs = s.check();
        if !(2000..=2100).contains(&year) {
            errs.push(FieldError::new("year", "数据年度应在 2000 至 2100 之间"));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let now = now_text();
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO per_mu_evaluations (year, status, settings_json, created_by, created_at, updated_at) \
             VALUES ($1, 'draft', $2, $3, $4, $4) RETURNING id",
        )
        .bind(year as i64)
        .bind(serde_json::to_string(s).expect("settings serialise"))
        .bind(&actor.name)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| crate::conflict_on_unique(e, format!("{year} 年度的亩均效益评价已经建立")))?
        .try_get("id")?;
        audit::record(
            &mut tx,
            actor,
            "per_mu_evaluation",
            &id.to_string(),
            "create",
            None,
            Some(&serde_json::json!({"year": year, "settings": s})),
        )
        .await?;
        tx.commit().await?;
        self.per_mu_evaluation_or_missing(id).await
    }

    /// Changes the settings while draft (recompute to apply them).
    pub async fn update_per_mu_settings(
        &self,
        actor: &Actor,
        id: i64,
        s: &Settings,
    ) -> Result<PerMuEvaluation> {
        let errs = s.check();
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let before = self.per_mu_evaluation_or_missing(id).await?;
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE per_mu_evaluations SET settings_json = $2, version = version + 1, updated_at = $3 WHERE id = $1 AND status = 'draft'",
        )
        .bind(id)
        .bind(serde_json::to_string(s).expect("settings serialise"))
        .bind(now_text())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        one_row_or_conflict(n, "评价已公示，设置不能再修改")?;
        audit::record(
            &mut tx,
            actor,
            "per_mu_evaluation",
            &id.to_string(),
            "settings",
            Some(&serde_json::json!(before.settings)),
            Some(&serde_json::json!(s)),
        )
        .await?;
        tx.commit().await?;
        self.per_mu_evaluation_or_missing(id).await
    }

    /// The year's subjects: every enterprise with its figures (entered, else
    /// prefilled), group, age, veto and the office's adjustments.
    async fn per_mu_subjects(&self, id: i64, year: i32) -> Result<Vec<Subject>> {
        let (from, to) = months_of(year);
        let cols: Vec<String> = Field::ALL
            .iter()
            .map(|f| format!("d.{0} AS d_{0}", f.key()))
            .collect();
        let sql = format!(
            "SELECT e.id, e.credit_code, e.name, e.industry_code, e.established_on, t.code AS township, \
             COALESCE(y.above_scale, 0) AS above, {}, {PREFILL_COLUMNS}, \
             (SELECT MIN(c.description) FROM credit_events c WHERE c.enterprise_id = e.id AND c.kind = 'veto' \
              AND c.on_date BETWEEN $5 AND $6) AS veto, \
             a.bonus, a.bonus_reason, a.deduction, a.deduction_reason \
             FROM enterprises e JOIN org_units t ON t.id = e.township_id \
             LEFT JOIN enterprise_years y ON y.enterprise_id = e.id AND y.year = $3 \
             LEFT JOIN per_mu_data d ON d.enterprise_id = e.id AND d.year = $3 \
             LEFT JOIN per_mu_adjustments a ON a.enterprise_id = e.id AND a.evaluation_id = $4 \
             ORDER BY e.credit_code",
            cols.join(", ")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&from)
            .bind(&to)
            .bind(year as i64)
            .bind(id)
            .bind(format!("{year:04}-01-01"))
            .bind(format!("{year:04}-12-31"))
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                let entered = data_from_row(r, "d_")?;
                let (prefill, _) = prefill_from_row(r)?;
                let (data, _) = effective(&entered, &prefill);
                Ok(Subject {
                    credit_code: r.try_get("credit_code")?,
                    name: r.try_get("name")?,
                    township: r.try_get("township")?,
                    industry_code: r.try_get("industry_code")?,
                    above: r.try_get::<i64, _>("above")? != 0,
                    established_on: r
                        .try_get::<Option<String>, _>("established_on")?
                        .and_then(|s| s.parse::<NaiveDate>().ok()),
                    data,
                    veto: r.try_get("veto")?,
                    bonus: r.try_get::<Option<i64>, _>("bonus")?.unwrap_or(0),
                    bonus_reason: r
                        .try_get::<Option<String>, _>("bonus_reason")?
                        .unwrap_or_default(),
                    deduction: r.try_get::<Option<i64>, _>("deduction")?.unwrap_or(0),
                    deduction_reason: r
                        .try_get::<Option<String>, _>("deduction_reason")?
                        .unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Computes the results from the data as it stands (draft, or during the
    /// 公示 after a correction) and replaces the stored ones in one transaction.
    pub async fn compute_per_mu(&self, actor: &Actor, id: i64) -> Result<PerMuEvaluation> {
        let ev = self.per_mu_evaluation_or_missing(id).await?;
        if ev.status == Status::Final {
            return Err(StoreError::Conflict("评价已定稿，结果已冻结".into()));
        }
        let subjects = self.per_mu_subjects(id, ev.year).await?;
        let outcome = evaluate(ev.year, &subjects, &ev.settings);
        let ids: HashMap<String, i64> = sqlx::query("SELECT id, credit_code FROM enterprises")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get("credit_code")?, r.try_get("id")?)))
            .collect::<Result<_>>()?;
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE per_mu_evaluations SET benchmarks_json = $3, out_of_scope_json = $4, computed_at = $5, \
             version = version + 1, updated_at = $5 WHERE id = $1 AND version = $2 AND status <> 'final'",
        )
        .bind(id)
        .bind(ev.version)
        .bind(serde_json::to_string(&outcome.benchmarks).expect("benchmarks serialise"))
        .bind(serde_json::to_string(&outcome.out_of_scope).expect("list serialises"))
        .bind(now_text())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        one_row_or_conflict(n, "评价已被他人修改，请刷新后再计算")?;
        sqlx::query("DELETE FROM per_mu_results WHERE evaluation_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for chunk in outcome.items.chunks(200) {
            let mut sql = String::from(
                "INSERT INTO per_mu_results (evaluation_id, enterprise_id, grp, class, rank, total, township_code, industry_code, detail_json) VALUES ",
            );
            let values: Vec<String> = (0..chunk.len())
                .map(|k| {
                    let b = k * 9;
                    format!(
                        "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6,
                        b + 7,
                        b + 8,
                        b + 9
                    )
                })
                .collect();
            sql.push_str(&values.join(", "));
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for e in chunk {
                q = q
                    .bind(id)
                    .bind(ids[&e.credit_code])
                    .bind(e.group.as_str())
                    .bind(e.class.as_str())
                    .bind(e.rank.map(|r| r as i64))
                    .bind(e.total)
                    .bind(e.township.clone())
                    .bind(e.industry_code.clone())
                    .bind(serde_json::to_string(e).expect("result serialises"));
            }
            q.execute(&mut *tx).await?;
        }
        audit::record(&mut tx, actor, "per_mu_evaluation", &id.to_string(), "compute", None,
            Some(&serde_json::json!({"items": outcome.items.len(), "out_of_scope": outcome.out_of_scope.len()}))).await?;
        tx.commit().await?;
        self.per_mu_evaluation_or_missing(id).await
    }

    /// Takes a step: compute, publish (on `on`, the 公示's first day) or finalize.
    pub async fn per_mu_action(
        &self,
        actor: &Actor,
        id: i64,
        action: Action,
        today: NaiveDate,
        on: NaiveDate,
        cal: &domain::calendar::Calendar,
    ) -> Result<PerMuEvaluation> {
        let ev = self.per_mu_evaluation_or_missing(id).await?;
        let open: i64 = sqlx::query("SELECT COUNT(*) AS n FROM per_mu_objections WHERE evaluation_id = $1 AND status = 'open'")
            .bind(id)
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
        let next = check_action(
            ev.status,
            action,
            ev.computed_at.is_some(),
            today,
            on,
            ev.notice_ends_on,
            open,
        )
        .map_err(StoreError::Conflict)?;
        if action == Action::Compute {
            return self.compute_per_mu(actor, id).await;
        }
        let mut tx = self.begin().await?;
        let (published, ends, finalized) = match action {
            Action::Publish => (
                Some(on.to_string()),
                Some(
                    domain::evaluation::lifecycle::notice_ends(cal, on, ev.settings.notice_days)
                        .to_string(),
                ),
                None,
            ),
            _ => (None, None, Some(on.to_string())),
        };
        let n = sqlx::query(
            "UPDATE per_mu_evaluations SET status = $3, published_on = COALESCE($4, published_on), \
             notice_ends_on = COALESCE($5, notice_ends_on), finalized_on = COALESCE($6, finalized_on), \
             version = version + 1, updated_at = $7 WHERE id = $1 AND version = $2 \
             AND NOT EXISTS (SELECT 1 FROM per_mu_objections o WHERE o.evaluation_id = $1 AND o.status = 'open' AND $3 = 'final')",
        )
        .bind(id)
        .bind(ev.version)
        .bind(next.as_str())
        .bind(published)
        .bind(ends)
        .bind(finalized)
        .bind(now_text())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        one_row_or_conflict(n, "评价已被他人修改或有新的异议，请刷新后再操作")?;
        audit::record(
            &mut tx,
            actor,
            "per_mu_evaluation",
            &id.to_string(),
            action.as_str(),
            Some(&serde_json::json!({"status": ev.status.as_str()})),
            Some(&serde_json::json!({"status": next.as_str(), "on": on.to_string()})),
        )
        .await?;
        tx.commit().await?;
        self.per_mu_evaluation_or_missing(id).await
    }

    /// Sets the office's bonus and deduction (ten-thousandths of a point)
    /// for an enterprise, each with a reason; recompute to apply.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_per_mu_adjustment(
        &self,
        actor: &Actor,
        id: i64,
        credit_code: &str,
        bonus: i64,
        bonus_reason: &str,
        deduction: i64,
        deduction_reason: &str,
    ) -> Result<()> {
        let mut errs = vec![];
        if !(0..=1_000_000).contains(&bonus) {
            errs.push(FieldError::new("bonus", "加分应在 0 至 100 分之间"));
        }
        if !(0..=1_000_000).contains(&deduction) {
            errs.push(FieldError::new("deduction", "减分应在 0 至 100 分之间"));
        }
        if bonus > 0 && bonus_reason.trim().is_empty() {
            errs.push(FieldError::new("bonus_reason", "加分须注明理由"));
        }
        if deduction > 0 && deduction_reason.trim().is_empty() {
            errs.push(FieldError::new("deduction_reason", "减分须注明理由"));
        }
        let eid: Option<i64> = sqlx::query("SELECT id FROM enterprises WHERE credit_code = $1")
            .bind(credit_code.trim())
            .fetch_optional(self.pool())
            .await?
            .map(|r| r.try_get("id"))
            .transpose()?;
        if eid.is_none() {
            errs.push(FieldError::new(
                "credit_code",
                format!("企业库中没有“{}”", credit_code.trim()),
            ));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin().await?;
        let n = sqlx::query("UPDATE per_mu_evaluations SET version = version + 1 WHERE id = $1 AND status <> 'final'")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        one_row_or_conflict(n, "评价已定稿，不能再加减分")?;
        sqlx::query(
            "INSERT INTO per_mu_adjustments (evaluation_id, enterprise_id, bonus, bonus_reason, deduction, deduction_reason, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (evaluation_id, enterprise_id) DO UPDATE SET \
             bonus = excluded.bonus, bonus_reason = excluded.bonus_reason, deduction = excluded.deduction, \
             deduction_reason = excluded.deduction_reason, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(id)
        .bind(eid)
        .bind(bonus)
        .bind(bonus_reason.trim())
        .bind(deduction)
        .bind(deduction_reason.trim())
        .bind(&actor.name)
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        audit::record(&mut tx, actor, "per_mu_evaluation", &id.to_string(), "adjust", None,
            Some(&serde_json::json!({"enterprise": credit_code.trim(), "bonus": bonus, "bonus_reason": bonus_reason.trim(),
                "deduction": deduction, "deduction_reason": deduction_reason.trim()}))).await?;
        tx.commit().await?;
        Ok(())
    }

    /// An enterprise objects to its result during the 公示 (until the end of
    /// its last day), with a reason and maybe one attachment; the office may
    /// lodge one for an enterprise.
    pub async fn lodge_per_mu_objection(
        &self,
        v: &Viewer,
        id: i64,
        credit_code: &str,
        reason: &str,
        file: Option<(&str, &[u8])>,
        today: NaiveDate,
    ) -> Result<i64> {
        let code = credit_code.trim();
        match v.role {
            Role::Admin => {}
            Role::Enterprise if v.enterprise_code.as_deref() == Some(code) => {}
            _ => {
                return Err(StoreError::Forbidden(
                    "企业只能对本企业的评价结果提出异议".into(),
                ));
            }
        }
        let mut errs = vec![];
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 2000 {
            errs.push(FieldError::new("reason", "异议理由须为 1 到 2000 个字"));
        }
        let file = match file {
            Some((name, bytes)) => match domain::requests::attachment::check(name, bytes) {
                Ok(ct) => Some((domain::requests::attachment::safe_name(name), ct, bytes)),
                Err(m) => {
                    errs.push(FieldError::new("attachment", m));
                    None
                }
            },
            None => None,
        };
        let eid: Option<i64> = sqlx::query(
            "SELECT r.enterprise_id FROM per_mu_results r JOIN enterprises e ON e.id = r.enterprise_id \
             WHERE r.evaluation_id = $1 AND e.credit_code = $2",
        )
        .bind(id)
        .bind(code)
        .fetch_optional(self.pool())
        .await?
        .map(|r| r.try_get("enterprise_id"))
        .transpose()?;
        if eid.is_none() {
            errs.push(FieldError::new(
                "credit_code",
                format!("企业“{code}”不在本次评价范围内"),
            ));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE per_mu_evaluations SET updated_at = updated_at WHERE id = $1 AND status = 'publicized' AND notice_ends_on >= $2",
        )
        .bind(id)
        .bind(today.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        one_row_or_conflict(n, "只能在公示期内提出异议")?;
        let oid: i64 = sqlx::query(
            "INSERT INTO per_mu_objections (evaluation_id, enterprise_id, reason, filename, content_type, data, lodged_by, lodged_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(id)
        .bind(eid)
        .bind(reason)
        .bind(file.as_ref().map(|f| f.0.clone()))
        .bind(file.as_ref().map(|f| f.1.to_string()))
        .bind(file.as_ref().map(|f| f.2.to_vec()))
        .bind(&v.actor.name)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit::record(
            &mut tx,
            &v.actor,
            "per_mu_evaluation",
            &id.to_string(),
            "objection",
            None,
            Some(&serde_json::json!({"enterprise": code, "reason": reason})),
        )
        .await?;
        tx.commit().await?;
        Ok(oid)
    }

    /// The office handles an objection once: `corrected` (the data was
    /// corrected and the results recomputed) or `rejected`, with an answer.
    pub async fn answer_per_mu_objection(
        &self,
        actor: &Actor,
        id: i64,
        objection_id: i64,
        status: &str,
        answer: &str,
    ) -> Result<()> {
        let mut errs = vec![];
        if !matches!(status, "corrected" | "rejected") {
            errs.push(FieldError::new(
                "status",
                "处理结果应为 corrected（更正）或 rejected（不予采纳）",
            ));
        }
        let answer = answer.trim();
        if answer.is_empty() || answer.chars().count() > 2000 {
            errs.push(FieldError::new("answer", "答复须为 1 到 2000 个字"));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE per_mu_objections SET status = $3, answer = $4, answered_by = $5, answered_at = $6 \
             WHERE id = $1 AND evaluation_id = $2 AND status = 'open' \
             AND EXISTS (SELECT 1 FROM per_mu_evaluations v WHERE v.id = $2 AND v.status <> 'final')",
        )
        .bind(objection_id)
        .bind(id)
        .bind(status)
        .bind(answer)
        .bind(&actor.name)
        .bind(now_text())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        one_row_or_conflict(n, "该异议不存在或已处理")?;
        audit::record(
            &mut tx,
            actor,
            "per_mu_evaluation",
            &id.to_string(),
            "answer_objection",
            None,
            Some(
                &serde_json::json!({"objection": objection_id, "status": status, "answer": answer}),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
