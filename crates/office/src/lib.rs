//! Spreadsheets and documents in and out; no HTTP. `xlsx` writes what a page
//! shows as a workbook people open in Excel, WPS or LibreOffice; `import`
//! reads the import workbook (项目, 月度进展, 地块) into domain records, all or
//! nothing with every bad cell named, and writes its template. `docx` writes
//! official documents (公文: 通报, 督查通报, 会议纪要) as .docx in the
//! GB/T 9704-2012 layout. `export` writes projects, parcels and statistics
//! in the import template's shape, so an export can be edited and imported.
//! `ballots` writes the paper ballots' (评议票) template and reads them back.
//! `per_mu` writes the per-mu evaluation's annual data template and reads it.
//! `power` writes the power company's accounts (用电户) template and reads it.

pub mod ballots;
pub mod docx;
pub mod export;
pub mod import;
pub mod per_mu;
pub mod power;
pub mod xlsx;
