//! Spreadsheets and documents in and out; no HTTP. `xlsx` writes what a page
//! shows as a workbook people open in Excel, WPS or LibreOffice; `import`
//! reads the import workbook (项目, 月度进展, 地块) into domain records, all or
//! nothing with every bad cell named, and writes its template.

pub mod import;
pub mod xlsx;
