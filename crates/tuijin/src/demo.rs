//! The demo data `tuijin serve --demo` loads: the 2006 pipeline and
//! enterprises, a year of enterprise requests up to today, and the demo users.

use domain::requests::Status;
use store::requests::write::{ActInput, NewRequest, NewVisit};
use store::requests::{Filter, Viewer};
use store::{Actor, Store};

/// The 2006 demo pipeline: projects, parcels and monthly progress whose
/// cohorts match the document exactly.
pub async fn load(s: &Store) -> anyhow::Result<()> {
    let d = domain::demo::longwan_2006();
    let batch = store::batch::Batch {
        projects: d
            .projects
            .into_iter()
            .map(domain::patch::Patch::full)
            .collect(),
        parcels: d
            .parcels
            .into_iter()
            .map(domain::patch::Patch::full)
            .collect(),
        progress: d
            .progress
            .into_iter()
            .map(
                |(project_code, period, investment_yuan, note)| store::projects::ProgressEntry {
                    project_code,
                    period,
                    investment_yuan,
                    note,
                },
            )
            .collect(),
    };
    let r = s
        .apply_batch(&Actor::system("演示"), &domain::users::Scope::All, &batch)
        .await?;
    println!(
        "演示数据：{} 个项目，{} 宗地块，{} 条月度进展",
        r.projects.created, r.parcels.created, r.progress.created
    );
    let e = domain::demo::enterprises::longwan_2006_enterprises();
    let actor = Actor::system("演示");
    s.upsert_enterprises(&actor, &e.enterprises).await?;
    for (code, year, tier) in &e.tiers {
        s.set_enterprise_year(&actor, code.as_str(), *year, *tier, "")
            .await?;
    }
    let stats = s.upsert_stats(&actor, &e.stats).await?;
    s.upsert_brands(&actor, &e.brands).await?;
    for (code, item) in &e.credit {
        match item {
            domain::demo::enterprises::CreditItem::Rating {
                year,
                rating,
                source,
            } => {
                s.add_credit(&actor, code.as_str(), Some((*year, rating)), None, source)
                    .await?
            }
            domain::demo::enterprises::CreditItem::Event {
                on,
                kind,
                description,
                source,
            } => {
                let ev = store::enterprises::CreditEvent {
                    on_date: on.to_string(),
                    kind: kind.clone(),
                    description: description.clone(),
                    source: source.clone(),
                };
                s.add_credit(&actor, code.as_str(), None, Some(&ev), source)
                    .await?
            }
        }
    }
    println!(
        "演示企业：{} 家，{} 条月度统计，{} 个品牌",
        e.enterprises.len(),
        stats.created,
        e.brands.len()
    );
    let codes: Vec<String> = e
        .enterprises
        .iter()
        .map(|x| x.credit_code.as_str().to_string())
        .collect();
    load_requests(s, &codes, web::today()).await?;
    load_meetings(s, web::today()).await?;
    load_evaluations(s, &codes).await?;
    load_per_mu(s, &e).await?;
    load_power(s, &e).await?;
    load_financing(s, &codes, web::today()).await?;
    load_fiscal(s, &codes, web::today()).await?;
    load_policies(s, &codes).await
}

/// A dozen 2006 policies with their rules, published through the same
/// matching as the office's, and read by part of the enterprises.
async fn load_policies(s: &Store, enterprises: &[String]) -> anyhow::Result<()> {
    use domain::policies::AppliesTo;
    use store::policies::NewPolicy;
    let d = |m, day| chrono::NaiveDate::from_ymd_opt(2006, m, day).expect("a valid day");
    let office = Viewer::office("演示 活动办公室");
    let words = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    // (title, number, issuing body, issued, expires, categories, who it applies to)
    type Row<'a> = (
        &'a str,
        &'a str,
        &'a str,
        chrono::NaiveDate,
        Option<chrono::NaiveDate>,
        Vec<&'a str>,
        AppliesTo,
    );
    let list: Vec<Row> = vec![
        (
            "关于加快工业经济发展的若干政策意见",
            "龙政发〔2006〕1号",
            "龙湾区人民政府",
            d(1, 10),
            None,
            vec!["fiscal", "tax"],
            AppliesTo::default(),
        ),
        (
            "龙湾区工业企业技术改造项目财政补助办法",
            "龙政发〔2006〕5号",
            "龙湾区人民政府",
            d(2, 20),
            None,
            vec!["fiscal"],
            AppliesTo {
                above_scale_only: true,
                ..Default::default()
            },
        ),
        (
            "关于扶持阀门产业转型升级的实施意见",
            "龙经贸〔2006〕12号",
            "区经贸(交通)局",
            d(3, 8),
            None,
            vec!["fiscal", "financing"],
            AppliesTo {
                industries: words(&["344"]),
                ..Default::default()
            },
        ),
        (
            "鞋业服装企业品牌培育奖励办法",
            "龙经贸〔2006〕15号",
            "区经贸(交通)局",
            d(3, 20),
            None,
            vec!["fiscal"],
            AppliesTo {
                industries: words(&["18", "19"]),
                ..Default::default()
            },
        ),
        (
            "中小企业融资担保风险补偿办法",
            "龙财〔2006〕9号",
            "区财政局",
            d(4, 6),
            None,
            vec!["financing"],
            AppliesTo {
                tiers: words(&["growth_sme"]),
                ..Default::default()
            },
        ),
        (
            "关于规模以上工业企业用电保障的通知",
            "龙经贸〔2006〕21号",
            "区经贸(交通)局",
            d(5, 18),
            Some(d(9, 30)),
            vec!["energy_land"],
            AppliesTo {
                above_scale_only: true,
                per_mu_classes: words(&["A", "B"]),
                ..Default::default()
            },
        ),
        (
            "永中街道工业园区企业用地优惠政策",
            "永街〔2006〕3号",
            "永中街道办事处",
            d(5, 25),
            None,
            vec!["energy_land"],
            AppliesTo {
                townships: words(&["yongzhong"]),
                ..Default::default()
            },
        ),
        (
            "海滨、海城企业社保费缓缴办法",
            "龙劳社〔2006〕4号",
            "区劳动和社会保障局",
            d(6, 12),
            None,
            vec!["labour", "fees"],
            AppliesTo {
                townships: words(&["haibin", "haicheng"]),
                ..Default::default()
            },
        ),
        (
            "行业龙头企业培育扶持办法",
            "龙政办发〔2006〕30号",
            "龙湾区人民政府办公室",
            d(7, 1),
            None,
            vec!["fiscal", "tax"],
            AppliesTo {
                tiers: words(&["industry_leader", "large_group"]),
                ..Default::default()
            },
        ),
        (
            "电气机械企业研发费用加计扣除操作指引",
            "龙地税〔2006〕6号",
            "区地方税务局",
            d(7, 20),
            None,
            vec!["tax"],
            AppliesTo {
                industries: words(&["38"]),
                ..Default::default()
            },
        ),
        (
            "关于减免部分行政事业性收费的通知",
            "龙价〔2006〕2号",
            "区物价局",
            d(8, 15),
            None,
            vec!["fees", "institutional"],
            AppliesTo::default(),
        ),
        (
            "低效用地企业整治提升办法",
            "龙国土〔2006〕11号",
            "区国土资源分局",
            d(9, 5),
            None,
            vec!["energy_land"],
            AppliesTo {
                per_mu_classes: words(&["C", "D"]),
                ..Default::default()
            },
        ),
    ];
    let mut matched = 0;
    for (k, (title, number, body_org, issued, expires, cats, applies)) in
        list.into_iter().enumerate()
    {
        let p = s
            .create_policy(
                &office,
                &NewPolicy {
                    title: title.into(),
                    document_number: number.into(),
                    issuing_body: body_org.into(),
                    issued_on: Some(issued),
                    effective_on: None,
                    expires_on: expires,
                    body: format!("为贯彻落实“两个年”活动部署，{title}如下：\n一、适用范围……\n二、支持内容……\n三、申报程序……\n四、本政策自发布之日起施行。"),
                    interpretation: "本政策主要解决企业反映集中的问题。符合条件的企业可通过本平台咨询，由区经贸局负责解释。".into(),
                    categories: cats.iter().map(|c| c.to_string()).collect(),
                    applies_to: applies,
                    contact: "区经贸(交通)局企业服务科 0577-86900000".into(),
                },
            )
            .await?;
        let p = s.publish_policy(&office, p.id, issued).await?;
        matched += p.matched;
        // Some of the enterprises concerned have opened it.
        for code in enterprises.iter().skip(k % 3).step_by(3).take(10) {
            let v = Viewer {
                role: domain::users::Role::Enterprise,
                unit_code: None,
                enterprise_code: Some(code.clone()),
                actor: Actor::system("演示企业"),
            };
            s.policy(&v, p.id).await?;
        }
    }
    println!("演示政策：12 项 2006 年政策，送达企业 {matched} 家次");
    Ok(())
}

/// Fiscal support: the 2006 technical-renovation programme run to the end
/// (applications with eligibility, one returned and resubmitted, the
/// ineligible rejected, five experts with a conflict, a deduction, the
/// ranking within the budget, 公示 with an answered objection, final,
/// payments in part and a performance self-evaluation) and this year's
/// programme open for applications.
async fn load_fiscal(
    s: &Store,
    enterprises: &[String],
    today: chrono::NaiveDate,
) -> anyhow::Result<()> {
    use chrono::Datelike;
    use store::fiscal::{NewApplication, NewProgramme};
    let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).expect("a valid day");
    let actor = Actor::system("演示");
    let office = Viewer::office("演示 活动办公室");
    let mut experts = vec![];
    for (i, name) in ["王工", "李教授", "陈高工", "赵会计师", "周工"]
        .iter()
        .enumerate()
    {
        let nu = domain::users::parse_new_user(
            &format!("pingshen{}", i + 1),
            &format!("评审专家{name}"),
            "expert",
            None,
            None,
        )
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        experts.push(
            s.create_user(&actor, &nu, &store::users::random_token())
                .await?,
        );
    }
    let names: Vec<String> = experts.iter().map(|u| u.username.clone()).collect();
    // Approved projects, each with its enterprise (or one of the demo's).
    let known: std::collections::HashSet<&str> = enterprises.iter().map(String::as_str).collect();
    let mut pairs = vec![];
    for (i, p) in domain::demo::longwan_2006().projects.iter().enumerate() {
        if p.dates
            .actual(domain::projects::Milestone::Approved)
            .is_none()
        {
            continue;
        }
        let owner = if p.enterprise_credit_code.is_empty() {
            enterprises[(i * 5) % enterprises.len()].clone()
        } else if known.contains(p.enterprise_credit_code.as_str()) {
            p.enterprise_credit_code.clone()
        } else {
            continue;
        };
        if pairs.iter().any(|(o, _): &(String, String)| *o == owner) {
            continue;
        }
        pairs.push((owner, p.code.clone()));
        if pairs.len() == 12 {
            break;
        }
    }
    let finished = s
        .create_fiscal_programme(
            &office,
            &NewProgramme {
                title: "2006年工业技术改造专项资金".into(),
                budget_yuan: 3_000_000,
                opens_on: Some(d(2006, 3, 1)),
                closes_on: Some(d(2006, 4, 30)),
                ..NewProgramme::default()
            },
        )
        .await?;
    s.set_fiscal_experts(&office, finished, &names).await?;
    let cal = s.calendar().await?;
    let (a, b) = pairs.split_at(pairs.len().min(9));
    let mut passed = vec![];
    for (k, (owner, project)) in a.iter().enumerate() {
        let inv = 4_000_000 + 2_500_000 * k as i64;
        let app = s
            .submit_fiscal_application(
                &office,
                finished,
                &NewApplication {
                    enterprise: owner.clone(),
                    project: project.clone(),
                    eligible_investment_yuan: inv,
                    amount_yuan: inv / 8,
                    description: "购置数控加工中心及自动化生产线，提升产品精度和产能。".into(),
                    ..NewApplication::default()
                },
                d(2006, 3, 10 + k as u32),
            )
            .await?;
        if !app.eligible {
            s.review_fiscal_application(
                &office,
                app.id,
                "reject",
                &format!("不符合申报条件：{}", app.reasons.join("；")),
            )
            .await?;
            continue;
        }
        if k == 1 {
            s.review_fiscal_application(
                &office,
                app.id,
                "return",
                "请补充设备购置合同和发票复印件",
            )
            .await?;
            s.resubmit_fiscal_application(
                &office,
                app.id,
                &NewApplication {
                    project: project.clone(),
                    eligible_investment_yuan: inv,
                    amount_yuan: inv / 8,
                    description: "已补充设备购置合同和发票。".into(),
                    ..NewApplication::default()
                },
                d(2006, 4, 20),
            )
            .await?;
        }
        s.review_fiscal_application(&office, app.id, "pass", "")
            .await?;
        passed.push(app.id);
    }
    s.fiscal_programme_action(&office, finished, "close", d(2006, 5, 8), &cal)
        .await?;
    for (k, id) in passed.iter().enumerate() {
        for (j, expert) in experts.iter().enumerate() {
            let v = Viewer::of(expert);
            if k == 0 && j == 4 {
                s.score_fiscal_application(&v, *id, None).await?; // 回避
                continue;
            }
            // Marks in hundredths within 20 / 35 / 25 / 20, varying by application and expert.
            let w = ((k * 7 + j * 3) % 9) as i64;
            let marks = [1200 + 80 * w, 2000 + 150 * w, 1500 + 100 * w, 1300 + 60 * w];
            s.score_fiscal_application(&v, *id, Some(&marks)).await?;
        }
    }
    if let Some(id) = passed.get(2) {
        s.set_fiscal_deduction(&office, *id, 300, "2005年有环保行政处罚记录")
            .await?;
    }
    s.fiscal_programme_action(&office, finished, "rank", d(2006, 5, 20), &cal)
        .await?;
    s.fiscal_programme_action(&office, finished, "publish", d(2006, 5, 22), &cal)
        .await?;
    let objection = s
        .file_fiscal_objection(
            &office,
            finished,
            &store::fiscal::NewObjection {
                application: None,
                author: "张某".into(),
                contact: "0577-8668xxxx".into(),
                body: "某企业设备为二手设备，是否符合条件？".into(),
            },
            d(2006, 5, 25),
        )
        .await?;
    s.answer_fiscal_objection(
        &office,
        finished,
        objection,
        "经核查，设备为新购，符合申报条件。",
        d(2006, 5, 29),
    )
    .await?;
    s.fiscal_programme_action(&office, finished, "finalize", d(2006, 6, 5), &cal)
        .await?;
    let results = s.fiscal_results(finished).await?;
    let awarded: Vec<_> = results
        .iter()
        .filter(|a| a.award_yuan.unwrap_or(0) > 0)
        .collect();
    for (k, a) in awarded.iter().enumerate() {
        let award = a.award_yuan.unwrap_or(0);
        s.record_fiscal_payment(&office, a.id, award / 2, d(2006, 7, 10), "第一期（50%）")
            .await?;
        if k == 0 {
            s.record_fiscal_payment(
                &office,
                a.id,
                award - award / 2,
                d(2006, 12, 15),
                "第二期（验收后）",
            )
            .await?;
            s.file_fiscal_performance(
                &office,
                a.id,
                [9, 45, 26, 9],
                "项目按期投产，新增产值超过预期。",
                d(2007, 3, 1),
            )
            .await?;
        }
    }
    // This year's programme, open for applications: two already in.
    let open = s
        .create_fiscal_programme(
            &office,
            &NewProgramme {
                title: format!("{}年工业技术改造专项资金", today.year()),
                budget_yuan: 5_000_000,
                opens_on: Some(today - chrono::Duration::days(10)),
                closes_on: Some(today + chrono::Duration::days(20)),
                ..NewProgramme::default()
            },
        )
        .await?;
    s.set_fiscal_experts(&office, open, &names[..3]).await?;
    for (owner, project) in b.iter().take(2) {
        s.submit_fiscal_application(
            &office,
            open,
            &NewApplication {
                enterprise: owner.clone(),
                project: project.clone(),
                eligible_investment_yuan: 12_000_000,
                amount_yuan: 1_200_000,
                description: "智能化技术改造。".into(),
                ..NewApplication::default()
            },
            today,
        )
        .await?;
    }
    println!(
        "演示专项资金：2006年技改专项 {} 份申报、{} 个项目获资助（已定稿、部分拨付），{}年专项申报中",
        a.len(),
        awarded.len(),
        today.year()
    );
    Ok(())
}

/// Financing: the template's three placeholder institutions named, and a
/// year of needs up to today: claims, choices, contacts, credits, loans
/// (one guaranteed), declines with reasons, unclaimed needs and a few
/// overdue contacts, all through the checked writes.
async fn load_financing(
    s: &Store,
    enterprises: &[String],
    today: chrono::NaiveDate,
) -> anyhow::Result<()> {
    use chrono::Datelike;
    use store::financing::{NewNeed, NewOutcome};
    let actor = Actor::system("演示");
    let banks = [
        ("bank-1", "中国工商银行温州龙湾支行"),
        ("bank-2", "中国农业银行温州龙湾支行"),
        ("bank-3", "温州银行龙湾支行"),
    ];
    for (code, name) in banks {
        s.update_unit(
            &actor,
            code,
            &store::org::UnitEdit {
                name: name.into(),
                kind: "financial_institution".into(),
                note: String::new(),
                parent: None,
                active: true,
            },
        )
        .await?;
    }
    let cal = s.calendar().await?;
    let bank = |code: &str| Viewer {
        role: domain::users::Role::Unit,
        unit_code: Some(code.into()),
        enterprise_code: None,
        actor: Actor::system(&format!("演示 {code}")),
    };
    let purposes = [
        "working_capital",
        "tech_renovation",
        "construction",
        "working_capital",
        "other",
    ];
    let mut posted = 0;
    for k in 0..24usize {
        let mut on = today - chrono::Duration::days(360 - 15 * k as i64);
        while matches!(on.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
            on += chrono::Duration::days(1);
        }
        let code = &enterprises[(k * 7) % enterprises.len()];
        let ent = Viewer {
            role: domain::users::Role::Enterprise,
            unit_code: None,
            enterprise_code: Some(code.clone()),
            actor: Actor::system("演示企业"),
        };
        let need = s
            .post_financing_need(
                &ent,
                &NewNeed {
                    amount_yuan: 1_000_000 * (1 + (k as i64 * 7) % 20),
                    purpose: purposes[k % purposes.len()].into(),
                    term_months: [6, 12, 24, 36][k % 4],
                    collateral: ["厂房抵押", "设备抵押", "信用", "担保公司担保"][k % 4].into(),
                    ..NewNeed::default()
                },
                on,
            )
            .await?;
        posted += 1;
        if k % 6 == 5 {
            continue; // nobody claims it
        }
        let claim_day = cal.add_working_days_provisional(on, 1).0;
        if claim_day > today {
            continue;
        }
        for b in banks.iter().cycle().skip(k % 3).take(1 + k % 3) {
            s.claim_financing_need(&bank(b.0), need.id, &cal, claim_day)
                .await?;
        }
        let first = banks[k % 3].0;
        // With three claimants the enterprise picks the second; otherwise the
        // first claimant is chosen when the window ends.
        let chosen = if k % 3 == 2 {
            let pick = banks[(k + 1) % 3].0;
            s.choose_financing_institution(&ent, need.id, pick, &cal, claim_day)
                .await?;
            (pick, claim_day)
        } else {
            (first, domain::financing::claim_deadline(&cal, on))
        };
        let contact_day = cal
            .add_working_days_provisional(chosen.1, 2 + (k as i64 % 5))
            .0;
        if contact_day > today || k % 8 == 7 {
            continue; // not contacted yet (some of them overdue)
        }
        let record =
            |kind: &str, amount: Option<i64>, day, reason: &str, guarantor: &str| NewOutcome {
                kind: kind.into(),
                amount_yuan: amount,
                on: Some(day),
                rate: if kind == "loan" {
                    "5.58%".into()
                } else {
                    String::new()
                },
                guarantor: guarantor.into(),
                guarantee_yuan: (!guarantor.is_empty()).then(|| amount.unwrap_or(0) / 2),
                reason: reason.into(),
            };
        s.record_financing_outcome(
            &bank(chosen.0),
            need.id,
            &record("contact", None, contact_day, "", ""),
            &cal,
            contact_day,
        )
        .await?;
        let decision_day = cal
            .add_working_days_provisional(contact_day, 5 + (k as i64 % 9))
            .0;
        if decision_day > today {
            continue;
        }
        let amount = need.amount_yuan * 8 / 10;
        let outcome = match k % 4 {
            0 => record("loan", Some(amount), decision_day, "", ""),
            1 => record("credit", Some(need.amount_yuan), decision_day, "", ""),
            2 => record(
                "decline",
                None,
                decision_day,
                "企业资产负债率偏高，现金流不足以覆盖还款",
                "",
            ),
            _ => record(
                "loan",
                Some(amount),
                decision_day,
                "",
                "温州市融资担保有限公司",
            ),
        };
        s.record_financing_outcome(&bank(chosen.0), need.id, &outcome, &cal, decision_day)
            .await?;
    }
    // The office reminds the institutions of the overdue contacts.
    let office = Viewer::office("演示 活动办公室");
    let overdue = s.financing_overdue(&office, &cal, today).await?;
    let late: Vec<i64> = overdue.iter().map(|o| o.need.id).take(2).collect();
    if !late.is_empty() {
        s.remind_financing(&office, &late, "请尽快与企业对接并反馈", &cal, today)
            .await?;
    }
    // A published promotion list of the key projects still raising money,
    // with interest from two banks, and a draft for the next meeting.
    let list = s
        .create_financing_promotion(
            &office,
            &format!("{}年重点工业项目融资推介清单", today.year()),
            Some(today - chrono::Duration::days(30)),
            "请各金融机构对照项目融资缺口主动对接。",
        )
        .await?;
    let mut codes = s.financing_promotion_candidates(list).await?;
    codes.truncate(8);
    let listed = codes.len();
    if !codes.is_empty() {
        s.add_financing_promotion_projects(&office, list, &codes, None, "")
            .await?;
        s.publish_financing_promotion(&office, list, today - chrono::Duration::days(35))
            .await?;
        let p = s
            .financing_promotion(&office, list)
            .await?
            .expect("just created");
        for (i, item) in p.items.iter().enumerate() {
            if i % 2 == 0 {
                let signed = (item.to_raise_yuan / 3 / 10_000) * 10_000;
                s.record_financing_interest(
                    &bank("bank-1"),
                    item.id,
                    signed,
                    "已签订授信协议",
                    today,
                )
                .await?;
            }
            if i % 3 == 0 {
                s.record_financing_interest(&bank("bank-3"), item.id, 0, "正在调查", today)
                    .await?;
            }
        }
    }
    s.create_financing_promotion(&office, "下一期银企对接会推介清单（草稿）", None, "")
        .await?;
    println!(
        "演示银企对接：3 家金融机构，{posted} 条融资需求（{} 条逾期，已催办 {}），推介清单 {listed} 个项目",
        overdue.len(),
        late.len()
    );
    Ok(())
}

/// The orderly-power plan: accounts for the demo enterprises and the summer
/// 2006 period: three issued plans (levels Ⅲ, Ⅱ and Ⅰ, the last with load
/// no account can cover), acknowledgements from most enterprises, actual
/// loads with some non-compliance, and a draft for the next day.
async fn load_power(
    s: &Store,
    e: &domain::demo::enterprises::EnterpriseDemo,
) -> anyhow::Result<()> {
    use domain::power::{Slot, parse_time};
    let actor = Actor::system("演示");
    let accounts = domain::demo::power::accounts(e);
    let sheddable: i64 = accounts.iter().map(|a| a.sheddable_kw()).sum();
    s.upsert_power_accounts(&actor, &accounts).await?;
    let period = "2006年夏季有序用电";
    let slot = |start: &str, end: &str, gap: i64, share_percent: i64| Slot {
        start: parse_time(start).expect("a demo time"),
        end: parse_time(end).expect("a demo time"),
        gap_kw: gap,
        forecast_max_kw: gap * 100 / share_percent,
    };
    let days = [
        (
            "2006-07-10",
            vec![
                slot("09:00", "11:30", sheddable / 5, 8),
                slot("13:30", "16:30", sheddable / 4, 9),
            ],
        ),
        (
            "2006-07-11",
            vec![
                slot("08:30", "11:30", sheddable * 2 / 5, 15),
                slot("13:00", "17:00", sheddable / 2, 18),
            ],
        ),
        (
            "2006-07-12",
            vec![
                slot("09:00", "12:00", sheddable * 3 / 4, 19),
                slot("13:00", "17:00", sheddable * 6 / 5, 25),
            ],
        ),
        (
            "2006-07-13",
            vec![slot("10:00", "12:00", sheddable / 3, 12)],
        ),
    ];
    let mut ids = vec![];
    for (date, slots) in &days {
        ids.push(s.create_power_plan(&actor, period, date, slots).await?.id);
    }
    let office = Viewer::office("演示");
    for &id in &ids[..3] {
        s.issue_power_plan(&office.actor, id).await?;
        let plan = s.power_plan(id).await?.expect("issued");
        let mut seen = std::collections::HashSet::new();
        for (k, slot) in plan.slots.iter().enumerate() {
            for (j, a) in slot.assignments.iter().enumerate() {
                // Most acknowledge; one in seven does not.
                if seen.insert(a.credit_code.clone()) && (j + k) % 7 != 3 {
                    let ent = Viewer {
                        role: domain::users::Role::Enterprise,
                        unit_code: None,
                        enterprise_code: Some(a.credit_code.clone()),
                        actor: Actor::system("演示企业"),
                    };
                    s.acknowledge_power_plan(&ent, id).await?;
                }
                // Actual loads for the first slot: one in five kept running.
                if k == 0 {
                    let peak = accounts
                        .iter()
                        .find(|x| x.account_no == a.account_no)
                        .map_or(0, |x| x.peak_kw);
                    let actual = if j % 5 == 2 { peak } else { peak - a.shed_kw };
                    s.record_power_actual(&actor, slot.id, &a.account_no, actual)
                        .await?;
                }
            }
        }
    }
    println!(
        "演示有序用电：{} 个用电户，{period} {} 个方案（3 个已下达）",
        accounts.len(),
        ids.len()
    );
    Ok(())
}

/// The per-mu evaluation: 2005 and 2006 annual data, the 2005 evaluation
/// final with its results document, the 2006 one in 公示 with one objection
/// from the demo enterprise.
async fn load_per_mu(
    s: &Store,
    e: &domain::demo::enterprises::EnterpriseDemo,
) -> anyhow::Result<()> {
    use domain::per_mu::{Action, Settings};
    let actor = Actor::system("演示");
    let rows = domain::demo::per_mu::annual_data(e, &[2005, 2006]);
    let n = s.upsert_per_mu_data(&actor, &rows).await?;
    let cal = s.calendar().await?;
    let today = web::today();
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a valid day");
    let st = std::sync::Arc::new(web::AppState {
        store: s.clone(),
        secure_cookies: false,
    });
    let y2005 = s
        .create_per_mu_evaluation(&actor, 2005, &Settings::default())
        .await?;
    s.per_mu_action(&actor, y2005.id, Action::Compute, today, today, &cal)
        .await?;
    s.per_mu_action(
        &actor,
        y2005.id,
        Action::Publish,
        today,
        day(2006, 3, 1),
        &cal,
    )
    .await?;
    s.per_mu_action(
        &actor,
        y2005.id,
        Action::Finalize,
        today,
        day(2006, 3, 15),
        &cal,
    )
    .await?;
    let doc = web::per_mu::issue_notice(&st, &actor, y2005.id, day(2006, 3, 16))
        .await
        .map_err(web_err)?;
    let y2006 = s
        .create_per_mu_evaluation(&actor, 2006, &Settings::default())
        .await?;
    s.per_mu_action(&actor, y2006.id, Action::Compute, today, today, &cal)
        .await?;
    s.per_mu_action(&actor, y2006.id, Action::Publish, today, today, &cal)
        .await?;
    let first = e.enterprises[0].credit_code.as_str().to_string();
    let ent = Viewer {
        role: domain::users::Role::Enterprise,
        unit_code: None,
        enterprise_code: Some(first.clone()),
        actor: Actor::system("演示企业"),
    };
    s.lodge_per_mu_objection(
        &ent,
        y2006.id,
        &first,
        "我公司二期厂房 2006 年 10 月已投入使用，用地面积应含二期用地，请核实后重新计算。",
        None,
        today,
    )
    .await?;
    println!(
        "演示亩均评价：{n} 条年度数据；2005 年度已定稿（{}），2006 年度公示中（1 条异议）",
        doc.doc_number
    );
    Ok(())
}

fn web_err(e: web::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

/// The year-end evaluation: a finished round (ballots from the demo
/// enterprises and every township, one veto inside the prize zone, 公示
/// posted in December 2006, final, its 通报 issued) and a second round open,
/// so the enterprise user finds a questionnaire in its inbox.
async fn load_evaluations(s: &Store, enterprises: &[String]) -> anyhow::Result<()> {
    use domain::evaluation::Action;
    use store::evaluations::write::NewBallot;
    let c = s
        .current_campaign()
        .await?
        .ok_or_else(|| anyhow::anyhow!("no campaign"))?;
    let st = std::sync::Arc::new(web::AppState {
        store: s.clone(),
        secure_cookies: false,
    });
    let office = Viewer::office("演示");
    let settings = web::evaluations::default_settings(&st, c.id)
        .await
        .map_err(web_err)?;
    let r = s
        .create_round(
            &office.actor,
            c.id,
            &format!("{}年度部门服务评议", c.year),
            &settings,
        )
        .await?;
    let units: Vec<String> = s
        .evaluated_units(&r)
        .await?
        .into_iter()
        .map(|u| u.code)
        .collect();
    let grassroots: Vec<String> = s
        .grassroots_units()
        .await?
        .into_iter()
        .map(|u| u.code)
        .collect();
    let day = |m: u32, d: u32| chrono::NaiveDate::from_ymd_opt(c.year, m, d).expect("a valid day");
    let step = |a: Action, on: chrono::NaiveDate| {
        let st = st.clone();
        let actor = office.actor.clone();
        async move {
            web::evaluations::act(&st, &actor, r.id, a, Some(&on.to_string()))
                .await
                .map_err(web_err)
        }
    };
    step(Action::Open, day(12, 1)).await?;
    let ballots: Vec<NewBallot> =
        domain::demo::evaluation::ballots(2006, enterprises, &grassroots, &units)
            .into_iter()
            .map(|b| NewBallot::of(b.group, &b.respondent, &b.unit, b.level, &b.comment))
            .collect();
    let n = s.submit_ballots(&office, r.id, &ballots, "paper").await?;
    step(Action::Close, day(12, 15)).await?;
    // The unit ranked second is vetoed: its prize passes on.
    let round = s.round_or_missing(r.id).await?;
    let results = web::evaluations::results_of(&st, &round)
        .await
        .map_err(web_err)?;
    if let Some(second) = results.units.iter().find(|u| u.rank == Some(2)) {
        s.set_veto(
            &office.actor,
            r.id,
            &second.unit,
            "年内发生一起较大安全生产责任事故，按规定一票否决",
        )
        .await?;
    }
    step(Action::Publish, day(12, 18)).await?;
    step(Action::Finalize, day(12, 29)).await?;
    let b = web::evaluations::issue_notice(&st, &office.actor, r.id, day(12, 30))
        .await
        .map_err(web_err)?;
    // A second round, open: the demo enterprise has not answered it yet.
    let open = s
        .create_round(
            &office.actor,
            c.id,
            &format!("{}年度企业服务满意度回访评议", c.year),
            &settings,
        )
        .await?;
    web::evaluations::act(&st, &office.actor, open.id, Action::Open, None)
        .await
        .map_err(web_err)?;
    let some: Vec<NewBallot> =
        domain::demo::evaluation::ballots(2007, &enterprises[1..8], &grassroots[..2], &units)
            .into_iter()
            .map(|b| NewBallot::of(b.group, &b.respondent, &b.unit, b.level, &b.comment))
            .collect();
    let m = s.submit_ballots(&office, open.id, &some, "paper").await?;
    println!(
        "演示评议：{}（{n} 张评议票，已定稿，通报 {}），{}（评议中，{m} 张评议票）",
        r.title, b.doc_number, open.title
    );
    Ok(())
}

/// Three joint meetings: two held (6 and 3 weeks ago) with decisions and
/// action items, one planned for next week; agendas taken from the
/// escalated requests and the lagging projects.
async fn load_meetings(s: &Store, today: chrono::NaiveDate) -> anyhow::Result<()> {
    use domain::meetings::MeetingInput;
    use store::meetings::AgendaSource;
    use store::requests::write::NewActionItem;
    let office = Viewer::office("演示");
    let escalated: Vec<_> = s
        .requests(
            &office,
            &Filter {
                status: Some(Status::Escalated),
                ..Filter::default()
            },
        )
        .await?;
    let lagging = s.lagging_projects(today).await?;
    let plans = [
        (
            42,
            "第一次",
            true,
            0..3,
            &[
                ("land", "落实重点项目用地指标调剂方案"),
                ("power-branch", "制定迎峰度夏有序用电方案"),
            ][..],
        ),
        (
            21,
            "第二次",
            true,
            3..6,
            &[
                ("economy", "组织银企对接会，落实流动资金续贷"),
                ("construction", "完成工业区道路积水点改造"),
            ][..],
        ),
        (-7, "第三次", false, 6..9, &[][..]),
    ];
    let mut n = 0;
    for (k, (days_ago, ordinal, held, range, items)) in plans.iter().enumerate() {
        let on = today - chrono::TimeDelta::days(*days_ago);
        let m = s
            .schedule_meeting(
                &office,
                &MeetingInput {
                    title: format!(
                        "{}年{ordinal}工业项目推进和企业服务联席会议",
                        on.format("%Y")
                    ),
                    held_on: on.to_string(),
                    start_time: "09:00".into(),
                    place: "区行政中心三楼会议室".into(),
                    chair: "分管副区长".into(),
                    summary: String::new(),
                },
            )
            .await?;
        n += 1;
        let mut topics = vec![];
        for r in escalated.iter().skip(range.start).take(range.len()) {
            topics.push(
                s.add_agenda_item(
                    &office,
                    m.id,
                    &AgendaSource::Request(r.id),
                    "",
                    on.min(today),
                )
                .await?,
            );
        }
        if let Some(p) = lagging.get(k) {
            topics.push(
                s.add_agenda_item(
                    &office,
                    m.id,
                    &AgendaSource::Project(p.code.clone()),
                    "",
                    today,
                )
                .await?,
            );
        }
        s.set_attendees(
            &office,
            m.id,
            &[
                "economy",
                "drc",
                "land",
                "construction",
                "power-branch",
                "state-tax",
            ]
            .map(String::from),
        )
        .await?;
        if !held {
            continue;
        }
        for (i, (unit, text)) in items.iter().enumerate() {
            s.add_decision(
                &office,
                m.id,
                &format!("会议议定：{text}，由责任单位牵头落实。"),
                topics.get(i).copied(),
            )
            .await?;
            let item = s
                .add_meeting_action_item(
                    &office,
                    &NewActionItem {
                        meeting_id: m.id,
                        title: text.to_string(),
                        description: format!("联席会议交办：{text}。"),
                        unit: unit.to_string(),
                        due: on + chrono::TimeDelta::days(28),
                        category: "other".into(),
                    },
                    on,
                )
                .await?;
            // The first meeting's items are done and closed; the second's are under way.
            let unit_viewer = Viewer {
                role: domain::users::Role::Unit,
                unit_code: Some(unit.to_string()),
                enterprise_code: None,
                actor: Actor::system("演示"),
            };
            let act = |action: &str, note: &str| ActInput {
                action: action.into(),
                note: note.into(),
                ..ActInput::default()
            };
            let cal = s.calendar().await?;
            let d1 = cal.add_working_days_provisional(on, 1).0;
            s.act_on_request(&unit_viewer, item.id, &act("accept", ""), d1)
                .await?;
            if *days_ago > 30 || i == 0 {
                let d2 = cal.add_working_days_provisional(on, 3).0;
                s.act_on_request(
                    &unit_viewer,
                    item.id,
                    &act("reply", "已制定工作方案，正在落实。"),
                    d2,
                )
                .await?;
            }
            if *days_ago > 30 {
                let d3 = cal.add_working_days_provisional(on, 12).0;
                s.act_on_request(
                    &unit_viewer,
                    item.id,
                    &act("resolve", "已按会议要求落实。"),
                    d3,
                )
                .await?;
                s.act_on_request(&office, item.id, &act("close", "经核实已落实"), d3)
                    .await?;
            }
        }
        s.mark_meeting_held(&office, m.id, on).await?;
    }
    println!("演示联席会议：{n} 次（2 次已召开，含议定事项和交办事项）");
    Ok(())
}

/// A year of requests up to `today`, played step by step through the same
/// checked actions users take; steps after today are left for later, so
/// recent requests are open and some are overdue.
async fn load_requests(
    s: &Store,
    enterprises: &[String],
    today: chrono::NaiveDate,
) -> anyhow::Result<()> {
    use domain::demo::requests::Who;
    let cal = s.calendar().await?;
    let office = Viewer::office("演示");
    let mut visits = 0;
    let list = domain::demo::requests::requests(today, enterprises.len(), &cal);
    for d in &list {
        let code = &enterprises[d.enterprise];
        let ent = Viewer {
            role: domain::users::Role::Enterprise,
            unit_code: None,
            enterprise_code: Some(code.clone()),
            actor: Actor::system("演示企业"),
        };
        let visit_id = match d.visit_on {
            Some(on) => {
                visits += 1;
                let v = s
                    .add_visit(
                        &office,
                        &NewVisit {
                            enterprise: code.clone(),
                            visited_on: on.to_string(),
                            visitors: "活动办公室 走访组".into(),
                            findings: format!("企业反映：{}", d.description),
                            follow_up_of: None,
                        },
                    )
                    .await?;
                Some(v.id)
            }
            None => None,
        };
        let input = NewRequest {
            enterprise: code.clone(),
            category: d.category.into(),
            title: d.title.clone(),
            description: d.description.clone(),
            project: None,
            visit_id,
        };
        let by = if visit_id.is_some() { &office } else { &ent };
        let r = s.submit_request(by, &input, &[], d.submitted_on).await?;
        for step in d.steps.iter().filter(|x| x.on <= today) {
            let now = s.request(&office, r.id).await?.expect("exists");
            let unit = Viewer {
                role: domain::users::Role::Unit,
                unit_code: now.unit_code.clone(),
                enterprise_code: None,
                actor: Actor::system(&format!(
                    "演示 {}",
                    now.unit_name.clone().unwrap_or_default()
                )),
            };
            let who = match step.who {
                Who::Enterprise => &ent,
                Who::Unit => &unit,
                Who::Office => &office,
            };
            match step.action {
                "extension" => s.ask_extension(who, r.id, 5, &step.note, step.on).await?,
                "extension_approve" => {
                    s.decide_extension(who, r.id, true, &step.note, step.on)
                        .await?
                }
                "visit" => {
                    visits += 1;
                    s.add_visit(
                        who,
                        &NewVisit {
                            enterprise: code.clone(),
                            visited_on: step.on.to_string(),
                            visitors: format!(
                                "{} 回访组",
                                now.unit_name.clone().unwrap_or_default()
                            ),
                            findings: step.note.clone(),
                            follow_up_of: Some(r.id),
                        },
                    )
                    .await
                    .map(|_| ())?
                }
                action => {
                    let input = ActInput {
                        action: action.into(),
                        note: step.note.clone(),
                        unit: step.unit.map(Into::into),
                        working_group: None,
                        rating: step.rating.map(Into::into),
                    };
                    s.act_on_request(who, r.id, &input, step.on)
                        .await
                        .map(|_| ())?
                }
            }
        }
    }
    let all = s.requests(&office, &Filter::default()).await?;
    let open = all.iter().filter(|r| !r.status.is_final()).count();
    let overdue = all.iter().filter(|r| r.overdue(today)).count();
    let escalated = all.iter().filter(|r| r.status == Status::Escalated).count();
    println!(
        "演示诉求：{} 件（办理中 {open} 件，其中超期 {overdue} 件；提交联席会议 {escalated} 件），走访 {visits} 次",
        all.len()
    );
    Ok(())
}

pub async fn create_users(s: &Store, pw: &str) -> anyhow::Result<()> {
    let actor = Actor::system("演示");
    let first = domain::demo::enterprises::longwan_2006_enterprises()
        .enterprises
        .first()
        .map(|e| e.credit_code.as_str().to_string());
    for (username, name, role, unit, ent) in [
        ("leader", "分管副区长", "leader", None, None),
        ("jingmao", "经贸局联络员", "unit", Some("economy"), None),
        ("guotu", "国土分局联络员", "unit", Some("land"), None),
        ("zhenjie", "永中街道联络员", "unit", Some("yongzhong"), None),
        (
            "yinhang",
            "工商银行龙湾支行客户经理",
            "unit",
            Some("bank-1"),
            None,
        ),
        ("qiye", "企业联系人", "enterprise", None, first.as_deref()),
        ("zhuanjia", "评审专家（演示）", "expert", None, None),
    ] {
        let nu = domain::users::parse_new_user(username, name, role, unit, ent)
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        s.create_user(&actor, &nu, pw).await?;
    }
    // The demo expert joins the programmes still running.
    let office = Viewer::office("演示 活动办公室");
    for p in s.fiscal_programmes(&office).await? {
        if p.status != domain::fiscal::Status::Final {
            let mut names: Vec<String> = p.experts.iter().map(|e| e.0.clone()).collect();
            names.push("zhuanjia".into());
            s.set_fiscal_experts(&office, p.id, &names).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The demo's requests and meetings depend on the day it runs: play them
    /// on days around the holidays and the turn of the year, on the backend
    /// TEST_DATABASE_URL names; every step must pass the checked flow.
    #[tokio::test]
    async fn the_demo_requests_play_on_any_day() {
        for day in [
            "2026-01-05",
            "2026-02-20",
            "2026-10-05",
            "2026-11-27",
            "2026-12-31",
        ] {
            let today: chrono::NaiveDate = day.parse().unwrap();
            let s = store::testing::fresh_store().await;
            let t = domain::campaign::template::builtin("longwan-2006").unwrap();
            let actor = Actor::system("测试");
            s.load_template(&actor, &t).await.unwrap();
            let e = domain::demo::enterprises::longwan_2006_enterprises();
            s.upsert_enterprises(&actor, &e.enterprises).await.unwrap();
            let codes: Vec<String> = e
                .enterprises
                .iter()
                .map(|x| x.credit_code.as_str().to_string())
                .collect();
            load_requests(&s, &codes, today)
                .await
                .unwrap_or_else(|e| panic!("{day}: {e:#}"));
            load_meetings(&s, today)
                .await
                .unwrap_or_else(|e| panic!("{day}: {e:#}"));
            let all = s
                .requests(&Viewer::office("t"), &Filter::default())
                .await
                .unwrap();
            assert!(all.len() > 100, "{day}: {}", all.len());
            assert!(
                all.iter().any(|r| r.overdue(today)),
                "{day}: some are overdue"
            );
            assert!(all.iter().any(|r| r.status == Status::Closed), "{day}");
            assert!(
                all.iter()
                    .any(|r| r.enterprise_code.as_deref() == Some(codes[0].as_str())),
                "{day}: the demo enterprise user has requests"
            );
        }
    }
}
