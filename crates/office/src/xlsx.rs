//! Writing tables to .xlsx.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// A cell: text or an integer (kept a number so Excel can sum it).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Int(v)
    }
}

/// One sheet: a name, a header row and the rows.
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
#[error("生成 Excel 文件失败：{0}")]
pub struct XlsxWriteError(String);

/// Writes the sheets to an .xlsx file in memory, with a bold, frozen header row.
pub fn write(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxWriteError> {
    let e = |e: XlsxError| XlsxWriteError(e.to_string());
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name).map_err(e)?;
        for (c, h) in s.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)
                .map_err(e)?;
            let width = s
                .rows
                .iter()
                .map(|r| match r.get(c) {
                    Some(Cell::Text(t)) => t.chars().count() * 2,
                    Some(Cell::Int(v)) => v.to_string().len(),
                    None => 0,
                })
                .chain([h.chars().count() * 2])
                .max()
                .unwrap_or(8)
                .clamp(6, 60);
            ws.set_column_width(c as u16, width as f64 + 2.0)
                .map_err(e)?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match cell {
                    Cell::Text(t) => ws.write_string(r, c, t).map_err(e)?,
                    Cell::Int(v) => ws.write_number(r, c, *v as f64).map_err(e)?,
                };
            }
        }
        ws.set_freeze_panes(1, 0).map_err(e)?;
    }
    wb.save_to_buffer().map_err(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_zip_with_the_sheet() {
        let bytes = write(&[Sheet {
            name: "单位".into(),
            headers: vec!["代码".into(), "名称".into(), "数量".into()],
            rows: vec![vec!["economy".into(), "区经贸(交通)局".into(), 3i64.into()]],
        }])
        .unwrap();
        assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip");
        assert!(bytes.len() > 1000);
    }

    #[test]
    fn bad_sheet_name_is_an_error() {
        let r = write(&[Sheet {
            name: "a/b".into(),
            headers: vec![],
            rows: vec![],
        }]);
        assert!(r.is_err());
    }
}
