//! Writing official documents (公文) to .docx in the layout of GB/T 9704-2012
//! (党政机关公文格式): the campaign office's bulletins (通报), supervision
//! notices (督查通报) and meeting minutes (会议纪要).
//!
//! The page is A4 with 天头 37 mm and 订口 28 mm, giving the standard 156 × 225 mm
//! 版心 of 22 lines × 28 characters of 仿宋_GB2312 三号. Fonts are named with
//! the standard GB names (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312, 宋体);
//! a .docx cannot carry a fallback list, so Word and WPS substitute a font that
//! is missing on the reader's machine. Latin letters and digits use Times New
//! Roman.
//!
//! Deviations from the standard, by design: the 版记 follows the 成文日期
//! instead of sitting on the bottom edge of the last page, there is no seal
//! (the 署名 and 成文日期 are laid out as for a document without one), and the
//! table header row is not repeated on following pages.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BorderType, BreakType, DocGrid, Docx, FieldCharType, Footer, InstrPAGE,
    InstrText, LineSpacing, LineSpacingType, PageMargin, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SpecialIndentType, Tab, TabValueType,
    Table, TableBorder, TableBorderPosition, TableBorders, TableCell, TableCellMargins,
    TableLayoutType, TableRow, VAlignType, WidthType,
};

/// A block of the body.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Block {
    /// 一级标题 "一、……": 黑体 三号.
    Heading1(String),
    /// 二级标题 "（一）……": 楷体_GB2312 三号.
    Heading2(String),
    /// A body paragraph: 仿宋_GB2312 三号, first line indented two characters.
    /// Line breaks in the text start new paragraphs.
    Paragraph(String),
    /// A simple table: 仿宋 四号 (小四 when it has more than five columns),
    /// full width, single borders, header row in 黑体. Short rows are padded.
    Table {
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

/// An official document: 版头, 主体 and 版记.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OfficialDoc {
    /// 发文机关标志, e.g. "龙湾区“两个年”活动领导小组办公室": red 方正小标宋简体, centered.
    pub issuer_mark: String,
    /// 发文字号, e.g. "龙两个年办〔2006〕3号": 仿宋 三号, centered under the mark;
    /// empty to leave it out.
    pub doc_number: String,
    /// 标题: 方正小标宋简体 二号, centered; a line break splits it into lines.
    pub title: String,
    /// 主送机关, e.g. "各镇人民政府、街道办事处，区各有关部门：": flush left.
    pub addressee: String,
    pub body: Vec<Block>,
    /// 发文机关署名, right side above the date.
    pub signer: String,
    /// 成文日期 in Arabic numerals, e.g. "2006年6月30日".
    pub date: String,
    /// 抄送 in the 版记, without the "抄送：" prefix; empty to leave it out.
    pub copy_to: String,
    /// 印发机关 (版记, left).
    pub printer: String,
    /// 印发日期 (版记, right), e.g. "2006年6月30日印发".
    pub print_date: String,
}

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
#[error("生成 Word 文件失败：{0}")]
pub struct DocxError(String);

// Lengths in twips (1/20 pt; 1 mm = 56.7 twips).
const PAGE_W: u32 = 11906; // 210 mm
const PAGE_H: u32 = 16838; // 297 mm
const MARGIN_TOP: i32 = 2098; // 天头 37 mm
const MARGIN_BOTTOM: i32 = 1984; // 35 mm
const MARGIN_LEFT: i32 = 1587; // 订口 28 mm
const MARGIN_RIGHT: i32 = 1474; // 26 mm
/// 版心 width, 156 mm.
const TEXT_W: i32 = PAGE_W as i32 - MARGIN_LEFT - MARGIN_RIGHT;
/// Fixed line pitch: 225 mm / 22 lines ≈ 28.95 pt.
const LINE: i32 = 579;
/// One character of 三号 (16 pt).
const EM: i32 = 320;
/// Tightening of 三号 body text so that 28 characters fill a line (15.75 pt each).
const BODY_KERN: i32 = -5;
/// One character of 四号 (14 pt).
const EM4: i32 = 280;
/// Footer distance: the page number's line (18 pt high) starts 7 mm below the 版心.
const FOOTER: i32 = MARGIN_BOTTOM - 397 - 360;

// Sizes in half-points.
const SANHAO: usize = 32; // 三号 16 pt
const ERHAO: usize = 44; // 二号 22 pt
const SIHAO: usize = 28; // 四号 14 pt
const XIAOSI: usize = 24; // 小四 12 pt

const XIAOBIAOSONG: &str = "方正小标宋简体";
const FANGSONG: &str = "仿宋_GB2312";
const HEITI: &str = "黑体";
const KAITI: &str = "楷体_GB2312";
const SONGTI: &str = "宋体";
const LATIN: &str = "Times New Roman";
const RED: &str = "FF0000";

/// Writes the document to a .docx file in memory.
pub fn official_document(doc: &OfficialDoc) -> Result<Vec<u8>, DocxError> {
    let mut docx = Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header(851)
                .footer(FOOTER)
                .gutter(0),
        )
        .default_fonts(fonts(FANGSONG))
        .default_size(SANHAO)
        .default_line_spacing(exact(LINE))
        .footer(page_number_footer(false))
        .even_footer(page_number_footer(true));
    // No layout grid: the fixed line spacing alone gives 22 lines per page.
    docx.document = docx.document.doc_grid(DocGrid::with_empty());

    for p in head(doc) {
        docx = docx.add_paragraph(p);
    }
    for block in &doc.body {
        match block {
            Block::Heading1(t) => docx = docx.add_paragraph(heading(t, HEITI)),
            Block::Heading2(t) => docx = docx.add_paragraph(heading(t, KAITI)),
            Block::Paragraph(t) => {
                for line in t.lines() {
                    docx = docx.add_paragraph(body_paragraph(line));
                }
            }
            Block::Table { headers, rows } => {
                if let Some(t) = table(headers, rows) {
                    // A table directly after another would merge with it.
                    docx = docx.add_table(t).add_paragraph(body_paragraph(""));
                }
            }
        }
    }
    for p in signature(doc) {
        docx = docx.add_paragraph(p);
    }
    if let Some(t) = colophon(doc) {
        docx = docx.add_paragraph(empty_line()).add_table(t);
    }

    let mut buf = Cursor::new(Vec::new());
    docx.pack(&mut buf).map_err(|e| DocxError(e.to_string()))?;
    Ok(buf.into_inner())
}

/// Latin text in Times New Roman, Chinese in `east_asia`; punctuation such as
/// “” is drawn with the Chinese font.
fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .ascii(LATIN)
        .hi_ansi(LATIN)
        .east_asia(east_asia)
        .hint("eastAsia")
}

fn exact(twips: i32) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(twips)
}

/// A run of 三号 text in the given font, tightened to 28 characters a line.
fn body_run(text: &str, font: &str) -> Run {
    Run::new()
        .add_text(text)
        .fonts(fonts(font))
        .size(SANHAO)
        .character_spacing(BODY_KERN)
}

fn empty_line() -> Paragraph {
    Paragraph::new().line_spacing(exact(LINE))
}

/// 版头 (发文机关标志, 发文字号, red separator) and 标题, 主送机关.
fn head(doc: &OfficialDoc) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let red_rule = ParagraphBorder::new(ParagraphBorderPosition::Bottom)
        .val(BorderType::Single)
        .size(12) // 1.5 pt
        .space(11) // 4 mm below the 发文字号
        .color(RED);

    // The mark's top edge is 35 mm below the 版心's; it is as large as fits
    // on one line, at most 26 pt.
    let mark_pt = (TEXT_W * 96 / 100 / (half_ems(&doc.issuer_mark).max(1) * 10)).clamp(16, 26);
    let mark_line = LINE.max(mark_pt * 24);
    let gap_above_glyphs = (mark_line - mark_pt * 20) / 2;
    let mut mark = Paragraph::new()
        .align(AlignmentType::Center)
        .line_spacing(exact(mark_line).before((1984 - gap_above_glyphs) as u32))
        .add_run(
            Run::new()
                .add_text(&doc.issuer_mark)
                .fonts(fonts(XIAOBIAOSONG))
                .size(mark_pt as usize * 2)
                .color(RED),
        );
    if doc.doc_number.is_empty() {
        mark.property = mark
            .property
            .set_borders(ParagraphBorders::with_empty().set(red_rule));
        out.push(mark);
    } else {
        out.push(mark);
        // Two blank lines below the mark.
        let mut number = Paragraph::new()
            .align(AlignmentType::Center)
            .line_spacing(exact(LINE).before(2 * LINE as u32))
            .add_run(body_run(&doc.doc_number, FANGSONG));
        number.property = number
            .property
            .set_borders(ParagraphBorders::with_empty().set(red_rule));
        out.push(number);
    }

    // Title: two blank lines below the separator, one blank line after.
    let mut title = Paragraph::new()
        .align(AlignmentType::Center)
        .line_spacing(exact(LINE).before(2 * LINE as u32).after(LINE as u32));
    for (i, line) in doc.title.lines().enumerate() {
        let mut run = Run::new();
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        title = title.add_run(run.add_text(line).fonts(fonts(XIAOBIAOSONG)).size(ERHAO));
    }
    out.push(title);

    if !doc.addressee.is_empty() {
        out.push(
            Paragraph::new()
                .align(AlignmentType::Both)
                .line_spacing(exact(LINE))
                .add_run(body_run(&doc.addressee, FANGSONG)),
        );
    }
    out
}

fn body_paragraph(text: &str) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Both)
        .line_spacing(exact(LINE))
        .indent(None, Some(SpecialIndentType::FirstLine(2 * EM)), None, None)
        .widow_control(true)
        .add_run(body_run(text, FANGSONG))
}

fn heading(text: &str, font: &str) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Both)
        .line_spacing(exact(LINE))
        .indent(None, Some(SpecialIndentType::FirstLine(2 * EM)), None, None)
        .keep_next(true)
        .add_run(body_run(text, font))
}

/// 发文机关署名 and 成文日期 for a document without a seal: one blank line
/// below the body, the signer two characters from the right edge and the
/// date below it starting two characters further right — unless the date is
/// the longer, then the date keeps two characters from the edge and the
/// signer moves left.
fn signature(doc: &OfficialDoc) -> Vec<Paragraph> {
    let (right_signer, right_date) = signature_indents(&doc.signer, &doc.date);
    let line = |text: &str, right: i32, before: u32| {
        Paragraph::new()
            .align(AlignmentType::Right)
            .line_spacing(exact(LINE).before(before))
            .indent(None, None, Some(right), None)
            .keep_next(true)
            .add_run(body_run(text, FANGSONG))
    };
    let mut out = Vec::new();
    let mut before = LINE as u32;
    if !doc.signer.is_empty() {
        out.push(line(&doc.signer, right_signer, before));
        before = 0;
    }
    if !doc.date.is_empty() {
        out.push(line(&doc.date, right_date, before));
    }
    out
}

/// Right indents in twips of the 署名 and the 成文日期 (see [`signature`]).
fn signature_indents(signer: &str, date: &str) -> (i32, i32) {
    let width = |s: &str| {
        s.chars()
            .map(|c| if c.is_ascii() { EM / 2 } else { EM } + BODY_KERN)
            .sum::<i32>()
    };
    let (ws, wd) = (width(signer), width(date));
    if signer.is_empty() {
        (0, 2 * EM)
    } else if ws - wd >= 2 * EM {
        (2 * EM, ws - wd)
    } else {
        (4 * EM + wd - ws, 2 * EM)
    }
}

/// The 版记: 抄送 and 印发机关/印发日期 in 仿宋 四号 between full-width rules,
/// the first and last thicker (0.35 mm) than the one between (0.25 mm).
fn colophon(doc: &OfficialDoc) -> Option<Table> {
    let run = |t: &str| Run::new().add_text(t).fonts(fonts(FANGSONG)).size(SIHAO);
    let para = || Paragraph::new().line_spacing(exact(LINE));
    let mut rows = Vec::new();
    if !doc.copy_to.is_empty() {
        // Left and right one character; continuation lines align after "抄送：".
        let p = para()
            .align(AlignmentType::Both)
            .indent(
                Some(EM4 + 3 * EM4),
                Some(SpecialIndentType::Hanging(3 * EM4)),
                Some(EM4),
                None,
            )
            .add_run(run("抄送："))
            .add_run(run(&doc.copy_to));
        rows.push(p);
    }
    if !doc.printer.is_empty() || !doc.print_date.is_empty() {
        let p = para()
            .indent(Some(EM4), None, None, None)
            .add_tab(
                Tab::new()
                    .val(TabValueType::Right)
                    .pos((TEXT_W - EM4) as usize),
            )
            .add_run(run(&doc.printer))
            .add_run(Run::new().add_tab())
            .add_run(run(&doc.print_date));
        rows.push(p);
    }
    if rows.is_empty() {
        return None;
    }
    let rule = |pos, size| {
        TableBorder::new(pos)
            .border_type(BorderType::Single)
            .size(size)
            .color("000000")
    };
    let borders = TableBorders::with_empty()
        .set(rule(TableBorderPosition::Top, 8))
        .set(rule(TableBorderPosition::InsideH, 6))
        .set(rule(TableBorderPosition::Bottom, 8));
    let rows = rows
        .into_iter()
        .map(|p| {
            TableRow::new(vec![
                TableCell::new()
                    .width(TEXT_W as usize, WidthType::Dxa)
                    .vertical_align(VAlignType::Center)
                    .add_paragraph(p),
            ])
            .cant_split()
        })
        .collect();
    Some(
        Table::new(rows)
            .set_borders(borders)
            .set_grid(vec![TEXT_W as usize])
            .width(TEXT_W as usize, WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
            .margins(TableCellMargins::new().margin(0, 0, 0, 0)),
    )
}

/// A body table, or nothing when it has no columns.
fn table(headers: &[String], rows: &[Vec<String>]) -> Option<Table> {
    let cols = rows.iter().map(Vec::len).chain([headers.len()]).max()?;
    if cols == 0 {
        return None;
    }
    let size = if cols > 5 { XIAOSI } else { SIHAO };
    let em = size as i32 * 10;

    // Column widths in proportion to the widest text (at least two characters,
    // at most twelve), then the left-over twips to the last column.
    let wanted: Vec<i32> = (0..cols)
        .map(|c| {
            rows.iter()
                .map(|r| cell_text(r, c))
                .chain([cell_text(headers, c)])
                .map(half_ems)
                .max()
                .unwrap_or(0)
                .clamp(4, 24)
                + 1
        })
        .collect();
    let total: i32 = wanted.iter().sum();
    let mut widths: Vec<i32> = wanted.iter().map(|w| TEXT_W * w / total).collect();
    let used: i32 = widths.iter().sum();
    if let Some(last) = widths.last_mut() {
        *last += TEXT_W - used;
    }
    // A column whose text fits on one line is centred, otherwise left-aligned.
    let centred: Vec<bool> = (0..cols)
        .map(|c| {
            rows.iter()
                .map(|r| cell_text(r, c))
                .all(|t| half_ems(t) * em / 2 + 216 <= widths[c])
        })
        .collect();

    let cell = |text: &str, c: usize, header: bool| {
        let align = if header || centred[c] {
            AlignmentType::Center
        } else {
            AlignmentType::Both
        };
        let run = Run::new()
            .add_text(text)
            .fonts(fonts(if header { HEITI } else { FANGSONG }))
            .size(size);
        TableCell::new()
            .width(widths[c] as usize, WidthType::Dxa)
            .vertical_align(VAlignType::Center)
            .add_paragraph(
                Paragraph::new()
                    .align(align)
                    .line_spacing(
                        LineSpacing::new()
                            .line_rule(LineSpacingType::Auto)
                            .line(240),
                    )
                    .add_run(run),
            )
    };
    let row = |r: &[String], header: bool| {
        TableRow::new(
            (0..cols)
                .map(|c| cell(cell_text(r, c), c, header))
                .collect(),
        )
        .cant_split()
    };
    let mut all = Vec::with_capacity(rows.len() + 1);
    if !headers.is_empty() {
        all.push(row(headers, true));
    }
    all.extend(rows.iter().map(|r| row(r, false)));

    let line = |pos| {
        TableBorder::new(pos)
            .border_type(BorderType::Single)
            .size(4)
            .color("000000")
    };
    let borders = TableBorders::with_empty()
        .set(line(TableBorderPosition::Top))
        .set(line(TableBorderPosition::Bottom))
        .set(line(TableBorderPosition::Left))
        .set(line(TableBorderPosition::Right))
        .set(line(TableBorderPosition::InsideH))
        .set(line(TableBorderPosition::InsideV));
    Some(
        Table::new(all)
            .set_borders(borders)
            .set_grid(widths.iter().map(|&w| w as usize).collect())
            .width(TEXT_W as usize, WidthType::Dxa)
            .layout(TableLayoutType::Fixed),
    )
}

/// Page number "— 1 —" in 宋体 四号, one character in from the outside edge:
/// right on odd pages, left on even ones.
fn page_number_footer(even: bool) -> Footer {
    let run = || {
        Run::new()
            .fonts(
                RunFonts::new()
                    .ascii(SONGTI)
                    .hi_ansi(SONGTI)
                    .east_asia(SONGTI),
            )
            .size(SIHAO)
    };
    let (align, left, right) = if even {
        (AlignmentType::Left, Some(EM4), None)
    } else {
        (AlignmentType::Right, None, Some(EM4))
    };
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(align)
            .indent(left, None, right, None)
            .line_spacing(exact(360))
            .add_run(run().add_text("— "))
            .add_run(
                run()
                    .add_field_char(FieldCharType::Begin, false)
                    .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
                    .add_field_char(FieldCharType::Separate, false)
                    .add_text("1")
                    .add_field_char(FieldCharType::End, false),
            )
            .add_run(run().add_text(" —")),
    )
}

fn cell_text(row: &[String], col: usize) -> &str {
    row.get(col).map(String::as_str).unwrap_or("")
}

/// Width in half characters: ASCII is half as wide as Chinese.
fn half_ems(s: &str) -> i32 {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn sample() -> OfficialDoc {
        OfficialDoc {
            issuer_mark: "龙湾区“两个年”活动领导小组办公室".into(),
            doc_number: "龙两个年办〔2006〕3号".into(),
            title: "关于2006年5月份重点项目推进情况的通报".into(),
            addressee: "各镇人民政府、街道办事处，区各有关部门：".into(),
            body: vec![
                Block::Paragraph("为加快推进重点项目建设，现将5月份推进情况通报如下。".into()),
                Block::Heading1("一、总体情况".into()),
                Block::Heading2("（一）项目开工情况".into()),
                Block::Paragraph(
                    "全区共有重点项目42个，已开工31个，开工率73.8%。\n其中R&D项目<3>个。".into(),
                ),
                Block::Table {
                    headers: vec![
                        "序号".into(),
                        "项目名称".into(),
                        "责任单位".into(),
                        "进度".into(),
                    ],
                    rows: vec![
                        vec![
                            "1".into(),
                            "瓯江口新区围垦工程".into(),
                            "区农林局".into(),
                            "正常".into(),
                        ],
                        vec!["2".into(), "滨海大道".into()],
                    ],
                },
                Block::Heading1("二、存在问题".into()),
                Block::Paragraph("部分项目前期工作滞后。".into()),
            ],
            signer: "龙湾区“两个年”活动领导小组办公室".into(),
            date: "2006年6月30日".into(),
            copy_to: "区委办、区人大办、区政府办、区政协办。".into(),
            printer: "龙湾区“两个年”活动领导小组办公室".into(),
            print_date: "2006年6月30日印发".into(),
        }
    }

    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip archive");
        let mut s = String::new();
        zip.by_name(name)
            .expect("part present")
            .read_to_string(&mut s)
            .expect("utf-8 xml");
        s
    }

    #[test]
    fn writes_every_part_of_the_layout() {
        let bytes = official_document(&sample()).unwrap();
        let xml = part(&bytes, "word/document.xml");

        for text in [
            "关于2006年5月份重点项目推进情况的通报",
            "龙两个年办〔2006〕3号",
            "各镇人民政府、街道办事处，区各有关部门：",
            "一、总体情况",
            "（一）项目开工情况",
            "瓯江口新区围垦工程",
            "2006年6月30日",
            "抄送：",
            "区委办、区人大办、区政府办、区政协办。",
            "2006年6月30日印发",
        ] {
            assert!(xml.contains(text), "missing {text}");
        }
        // Escaped once by docx-rs, not twice.
        assert!(xml.contains("R&amp;D项目&lt;3&gt;个"));
        // Two body paragraphs from one block with a line break.
        assert!(!xml.contains("73.8%。\n"));

        for font in [FANGSONG, XIAOBIAOSONG, HEITI, KAITI] {
            assert!(
                xml.contains(&format!(r#"w:eastAsia="{font}""#)),
                "font {font}"
            );
        }
        assert!(xml.contains(r#"w:ascii="Times New Roman""#));

        // A4, 天头 37 mm, 订口 28 mm, bottom 35 mm, right 26 mm.
        assert!(xml.contains(r#"<w:pgSz w:w="11906" w:h="16838""#));
        let mm = |v: f64| (v * 1440.0 / 25.4).round() as i32;
        assert_eq!(
            (MARGIN_TOP, MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_RIGHT),
            (mm(37.0), mm(28.0), mm(35.0), mm(26.0))
        );
        assert!(
            xml.contains(r#"<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587""#)
        );

        // Fixed 28.95 pt lines: 22 fit in the 225 mm 版心, 23 do not.
        assert!(xml.contains(r#"w:line="579" w:lineRule="exact""#));
        let text_h = PAGE_H as i32 - MARGIN_TOP - MARGIN_BOTTOM;
        assert!((22 * LINE..23 * LINE).contains(&text_h));

        // Red 方正小标宋简体 mark, red rule under the number.
        let mark = xml.find("两个年”活动领导小组办公室").unwrap();
        let mark_run = &xml[xml[..mark].rfind("<w:r>").unwrap()..mark];
        assert!(
            mark_run.contains(r#"<w:color w:val="FF0000""#),
            "{mark_run}"
        );
        assert!(mark_run.contains(r#"w:eastAsia="方正小标宋简体""#));
        assert!(xml.contains(
            r#"<w:pBdr><w:bottom w:val="single" w:space="11" w:sz="12" w:color="FF0000" /></w:pBdr>"#
        ));

        // Title 二号, body 三号, body table plus 版记 table.
        assert!(xml.contains(r#"<w:sz w:val="44""#));
        assert!(xml.contains(r#"<w:sz w:val="32""#));
        assert_eq!(xml.matches("<w:tbl>").count(), 2);
        assert!(xml.contains(r#"<w:tblW w:w="8845" w:type="dxa""#));
        assert!(xml.contains(r#"w:firstLine="640""#));

        // Page numbers in the footers, "— PAGE —".
        let footers: String = (1..=2)
            .map(|i| part(&bytes, &format!("word/footer{i}.xml")))
            .collect();
        assert_eq!(footers.matches("PAGE").count(), 2);
        assert!(footers.contains("— ") && footers.contains(r#"w:eastAsia="宋体""#));
    }

    #[test]
    fn empty_doc_number_and_copy_to_are_left_out() {
        let doc = OfficialDoc {
            doc_number: String::new(),
            copy_to: String::new(),
            ..sample()
        };
        let xml = part(&official_document(&doc).unwrap(), "word/document.xml");
        assert!(!xml.contains("龙两个年办"));
        assert!(!xml.contains("抄送"));
        // The red rule then sits under the mark; the 版记 keeps the 印发 line.
        assert!(xml.contains(r#"w:color="FF0000""#));
        assert!(xml.contains("2006年6月30日印发"));
        assert_eq!(xml.matches("<w:tbl>").count(), 2);

        let bare = OfficialDoc {
            title: "会议纪要".into(),
            ..OfficialDoc::default()
        };
        let xml = part(&official_document(&bare).unwrap(), "word/document.xml");
        assert!(xml.contains("会议纪要"));
        assert!(!xml.contains("<w:tbl>"));
    }

    #[test]
    fn signer_and_date_keep_two_characters_apart() {
        let cjk = EM + BODY_KERN;
        let digit = EM / 2 + BODY_KERN;
        // Long signer: two characters from the right edge; the date starts
        // two characters right of the signer's first character.
        let signer = "龙湾区“两个年”活动领导小组办公室";
        let (rs, rd) = signature_indents(signer, "2006年6月30日");
        assert_eq!(rs, 2 * EM);
        assert_eq!(rd + 3 * cjk + 7 * digit, rs + 17 * cjk - 2 * EM);
        // Short signer: the date keeps two characters from the edge and the
        // signer moves left.
        let (rs, rd) = signature_indents("区督查办", "2006年12月30日");
        assert_eq!(rd, 2 * EM);
        assert_eq!(rd + 3 * cjk + 8 * digit, rs + 4 * cjk - 2 * EM);
        assert!(signature(&OfficialDoc::default()).is_empty());
    }

    #[test]
    fn tables_without_columns_are_skipped() {
        assert!(table(&[], &[]).is_none());
        assert!(table(&[], &[vec![]]).is_none());
        assert!(table(&["a".into()], &[]).is_some());
    }
}
