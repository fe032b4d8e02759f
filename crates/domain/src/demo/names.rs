//! Names of the demo: places, industries, enterprises, projects and people.

use super::rng::Rng;
use std::collections::HashSet;

/// Townships, sub-districts and the development zone, weighted by how many
/// projects they carry (the zone most).
pub(super) const TOWNSHIPS: [(&str, u64); 11] = [
    ("etdz", 22),
    ("yongzhong", 10),
    ("haicheng", 10),
    ("shacheng", 10),
    ("zhuangyuan", 9),
    ("yongxing", 8),
    ("yaoxi", 8),
    ("puzhou", 8),
    ("haibin", 7),
    ("tianhe", 5),
    ("lingkun", 3),
];

/// The district's industries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Industry {
    Valve,
    Pump,
    Shoe,
    Garment,
    Electrical,
}

const INDUSTRIES: [(Industry, u64); 5] = [
    (Industry::Valve, 34),
    (Industry::Pump, 14),
    (Industry::Shoe, 20),
    (Industry::Garment, 12),
    (Industry::Electrical, 20),
];

impl Industry {
    fn suffixes(self) -> &'static [&'static str] {
        match self {
            Industry::Valve => &["阀门有限公司", "阀门制造有限公司", "阀业有限公司"],
            Industry::Pump => &["泵业有限公司", "泵阀制造有限公司", "流体设备有限公司"],
            Industry::Shoe => &["鞋业有限公司", "鞋业制造有限公司"],
            Industry::Garment => &["服饰有限公司", "服装有限公司", "制衣有限公司"],
            Industry::Electrical => &["电气有限公司", "电器有限公司", "电气科技有限公司"],
        }
    }

    /// (product with its unit, yearly quantity from, to).
    fn products(self) -> &'static [(&'static str, i64, i64)] {
        match self {
            Industry::Valve => &[
                ("万台高中压阀门", 2, 15),
                ("万台球阀、闸阀", 3, 30),
                ("万套不锈钢阀门", 5, 50),
                ("万台蝶阀及电动执行机构", 1, 10),
                ("台（套）电站阀门", 800, 5000),
                ("万台低温阀门", 1, 8),
                ("万台调节阀", 1, 6),
            ],
            Industry::Pump => &[
                ("万台离心泵", 1, 10),
                ("万台磁力驱动泵", 1, 5),
                ("台化工流程泵", 2000, 20000),
                ("万台不锈钢管道泵", 1, 8),
                ("万台螺杆泵", 1, 3),
            ],
            Industry::Shoe => &[
                ("万双皮鞋", 50, 500),
                ("万双休闲鞋", 100, 600),
                ("万双童鞋", 50, 300),
                ("万双运动鞋", 100, 800),
            ],
            Industry::Garment => &[
                ("万套西服", 10, 80),
                ("万件休闲服装", 50, 300),
                ("万件针织服装", 50, 400),
                ("万件衬衫", 50, 300),
            ],
            Industry::Electrical => &[
                ("万台低压电器", 10, 100),
                ("万套高低压开关柜", 1, 5),
                ("万只塑壳断路器", 50, 500),
                ("台（套）箱式变电站", 500, 3000),
                ("万只交流接触器", 50, 300),
                ("万台电力仪表", 5, 50),
            ],
        }
    }

    /// Technical-renovation items of this industry, besides the general ones.
    fn renovations(self) -> &'static [&'static str] {
        match self {
            Industry::Valve => &[
                "阀门密封性能检测中心",
                "阀体精密铸造生产线",
                "数控阀门加工中心",
            ],
            Industry::Pump => &["泵类性能试验台", "数控泵体加工生产线"],
            Industry::Shoe => &["电脑针车及自动化成型流水线", "鞋材环保胶粘工艺"],
            Industry::Garment => &["电脑自动裁床及吊挂生产系统", "服装CAD/CAM设计系统"],
            Industry::Electrical => &["断路器自动化装配检测线", "开关柜钣金数控加工线"],
        }
    }
}

const GENERAL_RENOVATIONS: [&str; 5] = [
    "数控设备更新",
    "节能降耗",
    "企业信息化（ERP）建设",
    "新产品研发中心",
    "自动化生产线",
];

const BRAND: [&str; 40] = [
    "瑞", "泰", "华", "东", "海", "龙", "永", "强", "宏", "通", "达", "顺", "恒", "力", "盛", "鑫",
    "利", "德", "中", "天", "正", "科", "博", "诚", "信", "隆", "昌", "安", "丰", "凯", "远", "康",
    "佳", "明", "荣", "兴", "邦", "森", "宇", "新",
];

const SURNAMES: [&str; 24] = [
    "王", "陈", "李", "张", "林", "周", "郑", "黄", "吴", "叶", "潘", "徐", "朱", "胡", "金", "杨",
    "蔡", "谢", "戴", "项", "池", "卢", "薛", "章",
];

const GIVEN: [&str; 30] = [
    "建国", "志强", "海波", "晓东", "丽娟", "伟", "敏", "新华", "国平", "雪芬", "爱国", "林峰",
    "小平", "建平", "益民", "定国", "学军", "晓燕", "红霞", "永明", "文斌", "振华", "国强", "春燕",
    "一鸣", "海燕", "成龙", "旭东", "建华", "秀英",
];

/// Hands out enterprise names, each brand once.
#[derive(Default)]
pub(super) struct Namer {
    used: HashSet<(usize, usize)>,
}

impl Namer {
    pub(super) fn industry(rng: &mut Rng) -> Industry {
        *rng.weighted(&INDUSTRIES)
    }

    pub(super) fn enterprise(&mut self, rng: &mut Rng, industry: Industry) -> String {
        let (a, b) = loop {
            let a = rng.below(BRAND.len() as u64) as usize;
            let b = rng.below(BRAND.len() as u64) as usize;
            if a != b && self.used.insert((a, b)) {
                break (a, b);
            }
        };
        let place = if rng.chance(22) { "浙江" } else { "温州" };
        format!(
            "{place}{}{}{}",
            BRAND[a],
            BRAND[b],
            rng.pick(industry.suffixes())
        )
    }

    /// A new or expanded plant: "年产5万台高中压阀门建设项目".
    pub(super) fn industrial_name(rng: &mut Rng, enterprise: &str, industry: Industry) -> String {
        let (product, lo, hi) = *rng.pick(industry.products());
        let mut n = rng.range(lo, hi);
        if n > 100 {
            n = n / 10 * 10;
        }
        let kind = rng.pick(&["建设项目", "建设项目", "新建项目", "迁扩建项目"]);
        format!("{enterprise}年产{n}{product}{kind}")
    }

    /// A technical renovation: "……阀门密封性能检测中心技术改造项目".
    pub(super) fn renovation_name(rng: &mut Rng, enterprise: &str, industry: Industry) -> String {
        let item = if rng.chance(55) {
            *rng.pick(industry.renovations())
        } else {
            *rng.pick(&GENERAL_RENOVATIONS)
        };
        format!("{enterprise}{item}技术改造项目")
    }

    pub(super) fn person(rng: &mut Rng) -> String {
        format!("{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN))
    }

    pub(super) fn phone(rng: &mut Rng) -> String {
        let exchange = rng.pick(&["8688", "8698", "8696", "8665"]);
        format!("0577-{exchange}{:04}", rng.below(10_000))
    }
}
