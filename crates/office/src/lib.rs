//! Spreadsheets and documents in and out; no HTTP. `xlsx` writes what a page
//! shows as a workbook people open in Excel, WPS or LibreOffice.

pub mod xlsx;
