//! The columns of each sheet: Chinese header, the API field it fills, whether
//! it is required, what a cell holds, and the help text of the template.

use super::Sheet;

/// What a column's cells hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Text, at most this many characters.
    Text(usize),
    /// Whole yuan.
    Money,
    /// A whole number of another unit (kilowatt-hours, people ...).
    Count,
    /// Mu with at most 3 decimals.
    Mu,
    Date,
    /// A month (YYYY-MM).
    Month,
    /// 是/否.
    Flag,
    Year,
    /// One of these labels (identifiers also accepted).
    Choice(&'static [&'static str]),
}

/// One column of a sheet.
#[derive(Debug)]
pub(crate) struct Column {
    /// The header, without the "*" that marks a required column.
    pub header: &'static str,
    /// The API field name.
    pub field: &'static str,
    pub required: bool,
    pub kind: Kind,
    /// What to write, for the 填写说明 sheet.
    pub help: &'static str,
}

const fn col(
    header: &'static str,
    field: &'static str,
    required: bool,
    kind: Kind,
    help: &'static str,
) -> Column {
    Column {
        header,
        field,
        required,
        kind,
        help,
    }
}

const ACTUAL: &str =
    "实际日期；已发生的各环节日期须按 入库→立项→供地→进场→开工→竣工→投产 的先后顺序";
const PLANNED: &str = "计划日期；实际日期晚于计划日期时须填写延误原因";
const UNIT: &str = "填写单位名称或代码，须与系统“组织单位”中显示的一致";

pub(crate) const KINDS: &[&str] = &["工业项目", "技改项目"];
pub(crate) const STATUSES: &[&str] = &["正常推进", "暂缓", "已取消"];
pub(crate) const FLAGS: &[&str] = &["是", "否"];

/// 项目 sheet.
pub(crate) const PROJECTS: &[Column] = &[
    col(
        "项目编号",
        "code",
        true,
        Kind::Text(40),
        "字母、数字、“-”“_”“.”，最多 40 个字符；编号已存在的项目将被更新",
    ),
    col(
        "全国项目代码",
        "national_code",
        false,
        Kind::Text(40),
        "投资项目在线审批监管平台的项目代码，最多 40 个字符",
    ),
    col("项目名称", "name", true, Kind::Text(200), "最多 200 个字符"),
    col(
        "企业统一社会信用代码",
        "enterprise_credit_code",
        false,
        Kind::Text(18),
        "18 位统一社会信用代码",
    ),
    col(
        "企业名称",
        "enterprise_name",
        false,
        Kind::Text(200),
        "项目业主企业的名称",
    ),
    col(
        "所在镇街",
        "township_code",
        true,
        Kind::Text(100),
        "项目所在的镇、街道或开发区；填写单位名称或代码，须与系统“组织单位”中显示的一致",
    ),
    col(
        "项目类型",
        "kind",
        true,
        Kind::Choice(KINDS),
        "工业项目 或 技改项目（也可填 industrial / tech_renovation）",
    ),
    col(
        "重点项目",
        "key_project",
        false,
        Kind::Flag,
        "是 或 否（也可填 Y/N、1/0）；不填为否",
    ),
    col(
        "计划总投资（元）",
        "planned_investment_yuan",
        false,
        Kind::Money,
        "以元为单位的整数，如 50000000（5000 万元）；可带千分位逗号",
    ),
    col(
        "用地面积（亩）",
        "land_area_millimu",
        false,
        Kind::Mu,
        "以亩为单位，最多 3 位小数，如 12.5；已供地的工业项目必填",
    ),
    col(
        "责任单位",
        "responsible_unit_code",
        false,
        Kind::Text(100),
        UNIT,
    ),
    col(
        "责任人",
        "responsible_person",
        false,
        Kind::Text(50),
        "最多 50 个字符",
    ),
    col(
        "联系电话",
        "responsible_phone",
        false,
        Kind::Text(40),
        "数字、“-”、“+”、空格和括号",
    ),
    col(
        "前期经费（元）",
        "pre_phase_funding_yuan",
        false,
        Kind::Money,
        "以元为单位的整数",
    ),
    col("备注", "notes", false, Kind::Text(2000), "最多 2000 个字符"),
    col("入库日期", "reserved_on", false, Kind::Date, ACTUAL),
    col("立项日期", "approved_on", false, Kind::Date, ACTUAL),
    col("供地日期", "land_supplied_on", false, Kind::Date, ACTUAL),
    col("进场日期", "site_entered_on", false, Kind::Date, ACTUAL),
    col("开工日期", "started_on", false, Kind::Date, ACTUAL),
    col("竣工日期", "completed_on", false, Kind::Date, ACTUAL),
    col("投产日期", "in_production_on", false, Kind::Date, ACTUAL),
    col(
        "计划入库日期",
        "planned_reserved_on",
        false,
        Kind::Date,
        PLANNED,
    ),
    col(
        "计划立项日期",
        "planned_approved_on",
        false,
        Kind::Date,
        PLANNED,
    ),
    col(
        "计划供地日期",
        "planned_land_supplied_on",
        false,
        Kind::Date,
        PLANNED,
    ),
    col(
        "计划进场日期",
        "planned_site_entered_on",
        false,
        Kind::Date,
        PLANNED,
    ),
    col(
        "计划开工日期",
        "planned_started_on",
        false,
        Kind::Date,
        PLANNED,
    ),
    col(
        "计划竣工日期",
        "planned_completed_on",
        false,
        Kind::Date,
        PLANNED,
    ),
    col(
        "计划投产日期",
        "planned_in_production_on",
        false,
        Kind::Date,
        PLANNED,
    ),
    col(
        "延误原因",
        "variance_note",
        false,
        Kind::Text(500),
        "任一环节实际日期晚于计划日期时必填，最多 500 个字符",
    ),
    col(
        "计划竣工年度",
        "planned_completion_year",
        false,
        Kind::Year,
        "四位年份，如 2006",
    ),
    col(
        "状态",
        "status",
        false,
        Kind::Choice(STATUSES),
        "正常推进、暂缓 或 已取消；不填为正常推进",
    ),
    col(
        "状态日期",
        "status_on",
        false,
        Kind::Date,
        "暂缓或取消的日期；状态为暂缓、已取消时必填",
    ),
    col(
        "状态原因",
        "status_reason",
        false,
        Kind::Text(500),
        "暂缓或取消的原因；状态为暂缓、已取消时必填",
    ),
];

/// 月度进展 sheet.
pub(crate) const PROGRESS: &[Column] = &[
    col(
        "项目编号",
        "project_code",
        true,
        Kind::Text(40),
        "系统中已有的项目（或同一文件“项目”表中）的项目编号",
    ),
    col(
        "月份",
        "period",
        true,
        Kind::Month,
        "如 2006-03，也可填该月的任一日期；同一项目同一月份只能有一行",
    ),
    col(
        "当月完成投资（元）",
        "investment_completed_yuan",
        true,
        Kind::Money,
        "当月完成的投资，以元为单位的整数，不能为负数",
    ),
    col(
        "进展说明",
        "note",
        false,
        Kind::Text(500),
        "最多 500 个字符",
    ),
];

/// 地块 sheet.
pub(crate) const PARCELS: &[Column] = &[
    col(
        "地块编号",
        "code",
        true,
        Kind::Text(40),
        "字母、数字、“-”“_”“.”，最多 40 个字符；编号已存在的地块将被更新",
    ),
    col(
        "所在镇街",
        "township_code",
        true,
        Kind::Text(100),
        "地块所在的镇、街道或开发区；填写单位名称或代码，须与系统“组织单位”中显示的一致",
    ),
    col(
        "面积（亩）",
        "area_millimu",
        true,
        Kind::Mu,
        "以亩为单位，大于 0，最多 3 位小数，如 1455.739",
    ),
    col(
        "征收日期",
        "expropriated_on",
        false,
        Kind::Date,
        "征收（已征）的日期",
    ),
    col(
        "供地日期",
        "supplied_on",
        false,
        Kind::Date,
        "不得早于征收日期；填写了供地项目编号时必填",
    ),
    col(
        "供地项目编号",
        "project_code",
        false,
        Kind::Text(40),
        "地块供给的项目的项目编号",
    ),
    col("备注", "notes", false, Kind::Text(2000), "最多 2000 个字符"),
];

/// 月度统计 sheet (the statistics office's workbook, read by `read_stats`).
pub(crate) const STATS: &[Column] = &[
    col(
        "统一社会信用代码",
        "credit_code",
        true,
        Kind::Text(40),
        "18 位统一社会信用代码（老企业可填 9 位组织机构代码），会检查校验位",
    ),
    col(
        "企业名称",
        "enterprise_name",
        false,
        Kind::Text(200),
        "仅供核对，导入时不使用",
    ),
    col(
        "月份",
        "period",
        true,
        Kind::Month,
        "如 2006-03（YYYY-MM），也可填该月的任一日期；同一企业同一月份只能有一行",
    ),
    col(
        "工业总产值（元）",
        "output_value_yuan",
        true,
        Kind::Money,
        "当月工业总产值，以元为单位的整数，不能为负数；可带千分位逗号",
    ),
    col(
        "销售产值（元）",
        "sales_value_yuan",
        true,
        Kind::Money,
        "当月销售产值，以元为单位的整数，不能为负数",
    ),
    col(
        "用电量（千瓦时）",
        "electricity_kwh",
        false,
        Kind::Count,
        "当月用电量，以千瓦时为单位的整数，不能为负数；新月份不填为 0",
    ),
    col(
        "综合能耗（千克标准煤）",
        "energy_kgce",
        false,
        Kind::Count,
        "当月综合能源消费量，以千克标准煤为单位的整数，不能为负数；新月份不填为 0",
    ),
    col(
        "税收（元）",
        "tax_yuan",
        false,
        Kind::Money,
        "当月实缴税收，以元为单位的整数，不能为负数；新月份不填为 0",
    ),
    col(
        "从业人员（人）",
        "employees",
        false,
        Kind::Count,
        "从业人员人数，整数，不能为负数；新月份不填为 0",
    ),
    col(
        "用地面积（亩）",
        "land_millimu",
        false,
        Kind::Mu,
        "以亩为单位，最多 3 位小数，如 12.5，不能为负数；新月份不填为 0",
    ),
];

/// Other names the store or the API may use for a field.
const ALIASES: &[(&str, &str)] = &[
    ("investment_yuan", "investment_completed_yuan"),
    ("month", "period"),
    ("responsible_unit", "responsible_unit_code"),
    ("township", "township_code"),
];

/// A column's header as the template writes it ("*" marks a required one).
pub(crate) fn header_text(c: &Column) -> String {
    if c.required {
        format!("{}*", c.header)
    } else {
        c.header.to_string()
    }
}

/// The columns of a sheet.
pub(crate) fn columns(sheet: Sheet) -> &'static [Column] {
    match sheet {
        Sheet::Projects => PROJECTS,
        Sheet::Progress => PROGRESS,
        Sheet::Parcels => PARCELS,
        Sheet::Stats => STATS,
    }
}

/// Whether a field is part of a row's key (or, on 月度进展, one of its
/// required figures): its column must be there and its cell filled. Other
/// required fields may be left out for a record that is already stored.
pub(crate) fn is_key(sheet: Sheet, field: &str) -> bool {
    match sheet {
        Sheet::Projects | Sheet::Parcels => field == "code",
        Sheet::Progress => find(sheet, field).is_some_and(|c| c.required),
        Sheet::Stats => matches!(field, "credit_code" | "period"),
    }
}

/// The column of a field, if the sheet has one.
pub(crate) fn find(sheet: Sheet, field: &str) -> Option<&'static Column> {
    let field = ALIASES
        .iter()
        .find(|(a, _)| *a == field)
        .map_or(field, |(_, f)| f);
    columns(sheet).iter().find(|c| c.field == field)
}

/// A header as written, made comparable: whitespace and a trailing "*" dropped,
/// ASCII parentheses taken as full-width ones.
pub(crate) fn normalize(header: &str) -> String {
    header
        .trim()
        .trim_end_matches(['*', '＊'])
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect()
}
