//! Writes applied to facts kept in memory, so that a read after a write sees
//! it without reloading millions of rows: the store re-reads only the records
//! a write touched and hands them here. Each change leaves the facts exactly
//! as a fresh load of the database would give them (same records, same
//! statistics folded per enterprise and year).

use super::index::EnterpriseYear;
use super::{BrandFacts, EnterpriseFacts, Facts, InvestmentFacts, ParcelFacts, ProjectFacts};
use crate::projects::Period;
use std::collections::{HashMap, HashSet};

/// One enterprise's figures for one month, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthFigures {
    pub enterprise_id: i64,
    pub output_value_yuan: i64,
    pub sales_value_yuan: i64,
}

impl Facts {
    /// Folds the monthly rows per enterprise and year and drops the rows
    /// (they are what takes the memory); every formula reads the folding.
    pub fn fold_and_drop_rows(&mut self) {
        self.enterprise_years();
        self.stats = Vec::new();
    }

    fn folded_mut(&mut self) -> &mut Vec<EnterpriseYear> {
        self.fold_and_drop_rows();
        self.folded.get_mut().expect("folded above")
    }

    /// Sets the statistics of `period` to `rows`: every enterprise's stored
    /// figures for that month (enterprises absent from `rows` have none).
    pub fn set_stats_month(&mut self, period: Period, rows: &[MonthFigures]) {
        let mut new: HashMap<i64, (i64, i64)> = HashMap::with_capacity(rows.len());
        for r in rows {
            let e = new.entry(r.enterprise_id).or_default();
            e.0 += r.output_value_yuan;
            e.1 += r.sales_value_yuan;
        }
        let i = period.month as usize - 1;
        let folded = self.folded_mut();
        let mut emptied = false;
        for ey in folded.iter_mut().filter(|e| e.year == period.year) {
            match new.remove(&ey.enterprise_id) {
                Some((o, s)) => {
                    ey.output[i] = o;
                    ey.sales[i] = s;
                    ey.months |= 1 << i;
                }
                None => {
                    ey.output[i] = 0;
                    ey.sales[i] = 0;
                    ey.months &= !(1 << i);
                    emptied |= ey.months == 0;
                }
            }
        }
        if emptied {
            folded.retain(|e| e.months != 0);
        }
        if !new.is_empty() {
            for (id, (o, s)) in new {
                let mut ey = EnterpriseYear {
                    enterprise_id: id,
                    year: period.year,
                    output: [0; 12],
                    sales: [0; 12],
                    months: 1 << i,
                };
                ey.output[i] = o;
                ey.sales[i] = s;
                folded.push(ey);
            }
            folded.sort_by_key(|e| (e.enterprise_id, e.year));
        }
    }

    /// Sets the statistics of `period` for the enterprises `ids` to `rows`
    /// (their stored figures; an id absent from `rows` has none), leaving
    /// every other enterprise's month as it is.
    pub fn set_stats_of(&mut self, period: Period, ids: &[i64], rows: &[MonthFigures]) {
        let mut new: HashMap<i64, (i64, i64)> = ids.iter().map(|id| (*id, (0, 0))).collect();
        let mut present: HashSet<i64> = HashSet::new();
        for r in rows {
            if let Some(e) = new.get_mut(&r.enterprise_id) {
                e.0 += r.output_value_yuan;
                e.1 += r.sales_value_yuan;
                present.insert(r.enterprise_id);
            }
        }
        let i = period.month as usize - 1;
        let folded = self.folded_mut();
        let (mut emptied, mut added) = (false, false);
        for (id, (o, s)) in new {
            let has = present.contains(&id);
            match folded.binary_search_by_key(&(id, period.year), |e| (e.enterprise_id, e.year)) {
                Ok(k) => {
                    let ey = &mut folded[k];
                    ey.output[i] = o;
                    ey.sales[i] = s;
                    if has {
                        ey.months |= 1 << i;
                    } else {
                        ey.months &= !(1 << i);
                        emptied |= ey.months == 0;
                    }
                }
                Err(_) if has => {
                    let mut ey = EnterpriseYear {
                        enterprise_id: id,
                        year: period.year,
                        output: [0; 12],
                        sales: [0; 12],
                        months: 1 << i,
                    };
                    ey.output[i] = o;
                    ey.sales[i] = s;
                    folded.push(ey);
                    added = true;
                }
                Err(_) => {}
            }
        }
        if emptied {
            folded.retain(|e| e.months != 0);
        }
        if added {
            folded.sort_by_key(|e| (e.enterprise_id, e.year));
        }
    }

    /// Replaces or adds enterprises (by id); kept sorted by id.
    pub fn upsert_enterprises(&mut self, list: Vec<EnterpriseFacts>) {
        let mut added = false;
        for e in list {
            match self.enterprises.binary_search_by_key(&e.id, |x| x.id) {
                Ok(i) => self.enterprises[i] = e,
                Err(_) => {
                    self.enterprises.push(e);
                    added = true;
                }
            }
        }
        if added {
            self.enterprises.sort_by_key(|e| e.id);
        }
    }

    /// Replaces or adds projects (by id) with all their monthly investment.
    pub fn upsert_projects(&mut self, list: Vec<ProjectFacts>, investments: Vec<InvestmentFacts>) {
        let ids: HashSet<i64> = list.iter().map(|p| p.id).collect();
        let mut at: HashMap<i64, usize> = self
            .projects
            .iter()
            .enumerate()
            .filter(|(_, p)| ids.contains(&p.id))
            .map(|(i, p)| (p.id, i))
            .collect();
        for p in list {
            match at.get(&p.id) {
                Some(i) => self.projects[*i] = p,
                None => {
                    at.insert(p.id, self.projects.len());
                    self.projects.push(p);
                }
            }
        }
        self.investments.retain(|i| !ids.contains(&i.project_id));
        self.investments.extend(
            investments
                .into_iter()
                .filter(|i| ids.contains(&i.project_id)),
        );
    }

    /// Replaces or adds land parcels (by id).
    pub fn upsert_parcels(&mut self, list: Vec<ParcelFacts>) {
        let mut at: HashMap<i64, usize> = self
            .parcels
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i))
            .collect();
        for p in list {
            match at.get(&p.id) {
                Some(i) => self.parcels[*i] = p,
                None => {
                    at.insert(p.id, self.parcels.len());
                    self.parcels.push(p);
                }
            }
        }
    }

    /// Replaces every brand.
    pub fn set_brands(&mut self, brands: Vec<BrandFacts>) {
        self.brands = brands;
    }
}
