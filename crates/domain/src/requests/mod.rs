//! Enterprise service requests (企业诉求) as a closed loop: the status flow and
//! who may move it (`flow`), working-day deadlines (`clock`), routing rules
//! (`routing`), satisfaction, and the statistics per unit and category
//! (`stats`). Categories and routes are data kept by the office.

pub mod clock;
pub mod flow;
pub mod routing;
pub mod stats;

pub use clock::{Deadlines, Limits, StepState};
pub use flow::{Action, Actor, Refusal, Status};

use serde::{Deserialize, Serialize};

/// What a request is: an enterprise's own difficulty, or an action item
/// decided by the joint meeting (tracked the same way, closed by the office).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Enterprise,
    ActionItem,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Enterprise => "enterprise",
            Kind::ActionItem => "action_item",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "enterprise" => Some(Kind::Enterprise),
            "action_item" => Some(Kind::ActionItem),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Kind::Enterprise => "企业诉求",
            Kind::ActionItem => "会议交办事项",
        }
    }
}

/// A category with its time limits in working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub code: String,
    pub name: String,
    pub limits: Limits,
}

/// The ten categories of the Enterprise Service Year with the default limits
/// (accept 1, first reply 3, resolve 15 working days). The office can change
/// them; these are what a new database starts with.
pub fn default_categories() -> Vec<Category> {
    [
        ("land", "用地"),
        ("financing", "融资"),
        ("power", "用电"),
        ("approvals", "审批"),
        ("talent_labour", "人才与用工"),
        ("tax", "税收"),
        ("policy", "政策"),
        ("infrastructure", "基础设施"),
        ("environment_safety", "环保与安全"),
        ("other", "其他"),
    ]
    .into_iter()
    .map(|(code, name)| Category {
        code: code.into(),
        name: name.into(),
        limits: Limits::default(),
    })
    .collect()
}

/// Satisfaction, five levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    VerySatisfied,
    Satisfied,
    Basic,
    Unsatisfied,
    VeryUnsatisfied,
}

impl Satisfaction {
    pub const ALL: [Satisfaction; 5] = [
        Satisfaction::VerySatisfied,
        Satisfaction::Satisfied,
        Satisfaction::Basic,
        Satisfaction::Unsatisfied,
        Satisfaction::VeryUnsatisfied,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Satisfaction::VerySatisfied => "very_satisfied",
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::Basic => "basic",
            Satisfaction::Unsatisfied => "unsatisfied",
            Satisfaction::VeryUnsatisfied => "very_unsatisfied",
        }
    }
    pub fn parse(s: &str) -> Option<Satisfaction> {
        Satisfaction::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Satisfaction::VerySatisfied => "非常满意",
            Satisfaction::Satisfied => "满意",
            Satisfaction::Basic => "基本满意",
            Satisfaction::Unsatisfied => "不满意",
            Satisfaction::VeryUnsatisfied => "非常不满意",
        }
    }
    /// 不满意 and 非常不满意 reopen the request for rework.
    pub fn reopens(self) -> bool {
        matches!(
            self,
            Satisfaction::Unsatisfied | Satisfaction::VeryUnsatisfied
        )
    }
    /// Points for an average score: 5 (非常满意) down to 1 (非常不满意).
    pub fn points(self) -> i64 {
        match self {
            Satisfaction::VerySatisfied => 5,
            Satisfaction::Satisfied => 4,
            Satisfaction::Basic => 3,
            Satisfaction::Unsatisfied => 2,
            Satisfaction::VeryUnsatisfied => 1,
        }
    }
}

/// Checks a new request's text fields; errors name the field.
pub fn check_text(title: &str, description: &str) -> Vec<crate::users::FieldError> {
    let mut errs = vec![];
    let t = title.trim();
    if t.is_empty() {
        errs.push(crate::users::FieldError::new("title", "请填写诉求标题"));
    } else if t.chars().count() > 100 {
        errs.push(crate::users::FieldError::new(
            "title",
            "标题不能超过 100 个字",
        ));
    }
    let d = description.trim();
    if d.is_empty() {
        errs.push(crate::users::FieldError::new(
            "description",
            "请描述遇到的困难或问题",
        ));
    } else if d.chars().count() > 5000 {
        errs.push(crate::users::FieldError::new(
            "description",
            "描述不能超过 5000 个字",
        ));
    }
    errs
}

/// What an attachment may be: size and type limits, checked on the bytes
/// (the file's own signature), not on the name the browser sends.
pub mod attachment {
    /// At most 10 MiB per file.
    pub const MAX_BYTES: usize = 10 * 1024 * 1024;
    /// At most 5 files per request.
    pub const MAX_FILES: usize = 5;

    /// The accepted types: (content type, extensions).
    pub const TYPES: &[(&str, &[&str])] = &[
        ("application/pdf", &["pdf"]),
        ("image/jpeg", &["jpg", "jpeg"]),
        ("image/png", &["png"]),
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            &["docx"],
        ),
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &["xlsx"],
        ),
        ("application/msword", &["doc"]),
        ("application/vnd.ms-excel", &["xls"]),
        ("text/plain", &["txt"]),
    ];

    /// The content type of an accepted file, from its extension checked
    /// against its first bytes; an error in Chinese naming the file.
    pub fn check(name: &str, bytes: &[u8]) -> Result<&'static str, String> {
        let clean = safe_name(name);
        if bytes.is_empty() {
            return Err(format!("附件“{clean}”是空文件"));
        }
        if bytes.len() > MAX_BYTES {
            return Err(format!(
                "附件“{clean}”有 {:.1} MB，超过 10 MB 的上限",
                bytes.len() as f64 / 1048576.0
            ));
        }
        let ext = clean
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let Some((ct, _)) = TYPES.iter().find(|(_, exts)| exts.contains(&ext.as_str())) else {
            return Err(format!(
                "附件“{clean}”的类型不允许：只接受 PDF、JPG、PNG、Word、Excel 和 TXT 文件"
            ));
        };
        let zip = bytes.starts_with(b"PK\x03\x04");
        let ole = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
        let ok = match ext.as_str() {
            "pdf" => bytes.starts_with(b"%PDF-"),
            "jpg" | "jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            "docx" | "xlsx" => zip,
            "doc" | "xls" => ole,
            "txt" => std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0),
            _ => false,
        };
        if !ok {
            return Err(format!("附件“{clean}”的内容与扩展名不符"));
        }
        Ok(ct)
    }

    /// A file name safe to store and send back: the last path component,
    /// without control characters or quotes, at most 100 characters.
    pub fn safe_name(name: &str) -> String {
        let last = name.rsplit(['/', '\\']).next().unwrap_or("");
        let s: String = last
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':'))
            .take(100)
            .collect();
        let s = s.trim().trim_start_matches('.').to_string();
        if s.is_empty() { "附件".into() } else { s }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn types_are_checked_on_the_bytes() {
            assert_eq!(check("a.pdf", b"%PDF-1.7 ...").unwrap(), "application/pdf");
            assert!(check("a.pdf", b"MZ\x90\x00").unwrap_err().contains("不符"));
            assert!(check("run.exe", b"MZ").unwrap_err().contains("不允许"));
            assert!(check("x.txt", b"").unwrap_err().contains("空文件"));
            assert_eq!(check("说明.TXT", "中文".as_bytes()).unwrap(), "text/plain");
            let big = vec![b'a'; MAX_BYTES + 1];
            assert!(check("big.txt", &big).unwrap_err().contains("10 MB"));
        }

        #[test]
        fn names_are_made_safe() {
            assert_eq!(safe_name("../../etc/passwd"), "passwd");
            assert_eq!(safe_name("C:\\docs\\图纸.pdf"), "图纸.pdf");
            assert_eq!(safe_name("a\"b<c>.pdf"), "abc.pdf");
            assert_eq!(safe_name(".."), "附件");
        }
    }
}
