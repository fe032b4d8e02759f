//! The joint meeting (联席会议): a meeting's status and the checks of its
//! fields (here), which projects count as lagging and may be put on the
//! agenda (`lagging`), and the composition of the minutes (会议纪要) that the
//! .docx and the HTML preview both render (`minutes`).

pub mod lagging;
pub mod minutes;

use crate::users::FieldError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a meeting stands: scheduled, then held. Decisions and action items
/// may be recorded from scheduling on (the office often drafts them before);
/// the agenda is fixed once the meeting is held, and only a held meeting's
/// minutes are issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    Planned,
    Held,
}

impl MeetingStatus {
    pub const ALL: [MeetingStatus; 2] = [MeetingStatus::Planned, MeetingStatus::Held];
    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingStatus::Planned => "planned",
            MeetingStatus::Held => "held",
        }
    }
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            MeetingStatus::Planned => "拟召开",
            MeetingStatus::Held => "已召开",
        }
    }
    /// Parses the identifier.
    pub fn parse(s: &str) -> Option<MeetingStatus> {
        MeetingStatus::ALL.into_iter().find(|m| m.as_str() == s)
    }
    /// Agenda items may still be added or removed.
    pub fn agenda_open(self) -> bool {
        self == MeetingStatus::Planned
    }
    /// The minutes may be issued (downloaded as .docx).
    pub fn minutes_final(self) -> bool {
        self == MeetingStatus::Held
    }
}

/// A meeting's fields as entered (form or API), before checking.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MeetingInput {
    pub title: String,
    /// The date, `YYYY-MM-DD`.
    pub held_on: String,
    /// The start time, `HH:MM`; may be empty.
    #[serde(default)]
    pub start_time: String,
    pub place: String,
    /// Who chairs it (e.g. 分管副区长 某某).
    #[serde(default)]
    pub chair: String,
    /// The office's summary paragraph for the minutes; may be empty.
    #[serde(default)]
    pub summary: String,
}

/// A meeting's fields, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingFields {
    pub title: String,
    pub held_on: NaiveDate,
    pub start_time: String,
    pub place: String,
    pub chair: String,
    pub summary: String,
}

fn chars(s: &str) -> usize {
    s.trim().chars().count()
}

impl MeetingInput {
    /// Parses and checks every field; every problem is reported, by field.
    pub fn check(&self) -> Result<MeetingFields, Vec<FieldError>> {
        let mut e = Vec::new();
        if !(1..=100).contains(&chars(&self.title)) {
            e.push(FieldError::new("title", "会议名称须为 1 到 100 个字符"));
        }
        let held_on = if self.held_on.trim().is_empty() {
            e.push(FieldError::new("held_on", "请填写会议日期"));
            None
        } else {
            match crate::projects::parse_date(&self.held_on) {
                Ok(d) if (2000..=2100).contains(&chrono::Datelike::year(&d)) => Some(d),
                Ok(_) => {
                    e.push(FieldError::new(
                        "held_on",
                        "会议日期须在 2000 年到 2100 年之间",
                    ));
                    None
                }
                Err(m) => {
                    e.push(FieldError::new("held_on", m));
                    None
                }
            }
        };
        let start_time = self.start_time.trim().to_string();
        if !start_time.is_empty()
            && chrono::NaiveTime::parse_from_str(&start_time, "%H:%M").is_err()
        {
            e.push(FieldError::new(
                "start_time",
                "开始时间须写作“时:分”，如 09:30",
            ));
        }
        if !(1..=100).contains(&chars(&self.place)) {
            e.push(FieldError::new("place", "会议地点须为 1 到 100 个字符"));
        }
        if chars(&self.chair) > 50 {
            e.push(FieldError::new("chair", "主持人不能超过 50 个字符"));
        }
        if chars(&self.summary) > 2000 {
            e.push(FieldError::new("summary", "会议概述不能超过 2000 个字符"));
        }
        match held_on {
            Some(held_on) if e.is_empty() => Ok(MeetingFields {
                title: self.title.trim().to_string(),
                held_on,
                start_time,
                place: self.place.trim().to_string(),
                chair: self.chair.trim().to_string(),
                summary: self.summary.trim().to_string(),
            }),
            _ => Err(e),
        }
    }
}

/// Checks a decision's text (会议议定事项).
pub fn check_decision(text: &str) -> Result<String, FieldError> {
    if (1..=1000).contains(&chars(text)) {
        Ok(text.trim().to_string())
    } else {
        Err(FieldError::new("text", "议定事项须为 1 到 1000 个字符"))
    }
}

/// Checks an agenda note (may be empty).
pub fn check_note(note: &str) -> Result<String, FieldError> {
    if chars(note) <= 500 {
        Ok(note.trim().to_string())
    } else {
        Err(FieldError::new("note", "议题说明不能超过 500 个字符"))
    }
}

/// Whether a meeting may be marked held on `today`: it must have taken place
/// (its date not in the future) and have at least one attending unit, since
/// the minutes name them.
pub fn check_mark_held(
    status: MeetingStatus,
    held_on: NaiveDate,
    attendees: usize,
    today: NaiveDate,
) -> Result<(), String> {
    if status == MeetingStatus::Held {
        return Err("会议已标记为已召开".into());
    }
    if held_on > today {
        return Err(format!("会议日期 {held_on} 还未到，不能标记为已召开"));
    }
    if attendees == 0 {
        return Err("请先登记出席单位".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_meeting_needs_title_date_and_place() {
        let errs = MeetingInput::default().check().unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "held_on", "place"]);
        let errs = MeetingInput {
            title: "第一次联席会议".into(),
            held_on: "2026-02-30".into(),
            start_time: "9点".into(),
            place: "区政府三楼会议室".into(),
            ..Default::default()
        }
        .check()
        .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["held_on", "start_time"]);
        let ok = MeetingInput {
            title: " 第一次联席会议 ".into(),
            held_on: "2026年3月5日".into(),
            start_time: "09:30".into(),
            place: "区政府三楼会议室".into(),
            chair: "张副区长".into(),
            summary: String::new(),
        }
        .check()
        .unwrap();
        assert_eq!(ok.title, "第一次联席会议");
        assert_eq!(ok.held_on, d("2026-03-05"));
    }

    #[test]
    fn held_only_once_on_or_after_its_date_with_attendees() {
        let on = d("2026-03-05");
        assert!(check_mark_held(MeetingStatus::Planned, on, 0, on).is_err());
        assert!(check_mark_held(MeetingStatus::Planned, on, 3, d("2026-03-04")).is_err());
        assert!(check_mark_held(MeetingStatus::Planned, on, 3, on).is_ok());
        assert!(check_mark_held(MeetingStatus::Held, on, 3, on).is_err());
        assert!(MeetingStatus::Planned.agenda_open() && !MeetingStatus::Held.agenda_open());
        assert_eq!(MeetingStatus::parse("held"), Some(MeetingStatus::Held));
    }

    #[test]
    fn decisions_and_notes_are_bounded() {
        assert!(check_decision("  ").is_err());
        assert_eq!(
            check_decision(" 由国土分局牵头 ").unwrap(),
            "由国土分局牵头"
        );
        assert!(check_note(&"字".repeat(501)).is_err());
    }
}
