//! Writing tables to .xlsx: whole sheets (`write`), or rows added one at a
//! time (`SheetWriter`) so a long export need not be held as cells first.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// A cell: text, an integer or a decimal (kept numbers so Excel can sum
/// them), or a date (a real Excel date cell).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Number(f64),
    Date(NaiveDate),
}

impl From<Option<NaiveDate>> for Cell {
    fn from(d: Option<NaiveDate>) -> Self {
        d.map_or(Cell::Text(String::new()), Cell::Date)
    }
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

impl From<XlsxError> for XlsxWriteError {
    fn from(e: XlsxError) -> Self {
        XlsxWriteError(e.to_string())
    }
}

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
                    Some(Cell::Number(v)) => v.to_string().len(),
                    Some(Cell::Date(_)) => 10,
                    None => 0,
                })
                .chain([h.chars().count() * 2])
                .max()
                .unwrap_or(8)
                .clamp(6, 60);
            ws.set_column_width(c as u16, width as f64 + 2.0)
                .map_err(e)?;
        }
        let date = date_format();
        for (r, row) in s.rows.iter().enumerate() {
            put_row(ws, r as u32 + 1, row, &date).map_err(e)?;
        }
        ws.set_freeze_panes(1, 0).map_err(e)?;
    }
    wb.save_to_buffer().map_err(e)
}

fn date_format() -> Format {
    Format::new().set_num_format("yyyy-mm-dd")
}

fn put_row(ws: &mut Worksheet, r: u32, row: &[Cell], date: &Format) -> Result<(), XlsxError> {
    for (c, cell) in row.iter().enumerate() {
        let c = c as u16;
        match cell {
            // An empty text cell is left blank (not an empty string).
            Cell::Text(t) if t.is_empty() => {}
            Cell::Text(t) => {
                ws.write_string(r, c, t)?;
            }
            Cell::Int(v) => {
                ws.write_number(r, c, *v as f64)?;
            }
            Cell::Number(v) => {
                ws.write_number(r, c, *v)?;
            }
            Cell::Date(d) => {
                let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                ws.write_datetime_with_format(r, c, &dt, date)?;
            }
        }
    }
    Ok(())
}

/// One sheet written a row at a time: headers first (bold, frozen), then
/// `push` each row, then `finish`.
pub struct SheetWriter {
    wb: Workbook,
    next_row: u32,
    date: Format,
}

impl SheetWriter {
    /// A workbook of one sheet named `name` with `headers` and column widths.
    pub fn new(name: &str, headers: &[String], widths: &[f64]) -> Result<Self, XlsxWriteError> {
        let e = |e: XlsxError| XlsxWriteError(e.to_string());
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(name).map_err(e)?;
        let bold = Format::new().set_bold();
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)
                .map_err(e)?;
            let w = widths.get(c).copied().unwrap_or(12.0);
            ws.set_column_width(c as u16, w).map_err(e)?;
        }
        ws.set_freeze_panes(1, 0).map_err(e)?;
        Ok(SheetWriter {
            wb,
            next_row: 1,
            date: date_format(),
        })
    }

    /// Adds a row under the last one.
    pub fn push(&mut self, row: &[Cell]) -> Result<(), XlsxWriteError> {
        let ws = self
            .wb
            .worksheet_from_index(0)
            .map_err(|e| XlsxWriteError(e.to_string()))?;
        put_row(ws, self.next_row, row, &self.date).map_err(|e| XlsxWriteError(e.to_string()))?;
        self.next_row += 1;
        Ok(())
    }

    /// The .xlsx file.
    pub fn finish(mut self) -> Result<Vec<u8>, XlsxWriteError> {
        self.wb
            .save_to_buffer()
            .map_err(|e| XlsxWriteError(e.to_string()))
    }
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
