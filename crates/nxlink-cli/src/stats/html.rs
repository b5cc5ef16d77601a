//! `nxlink calls stats --html FILE`: the summary as one self-contained page, charts as
//! inline SVG and styles inline, so it opens anywhere with no network and no script.

use std::fmt::Write as _;

use super::Summary;

/// The page for `summary`; `title` names what was counted (a task id, a file).
pub(crate) fn report(summary: &Summary, title: &str) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let rate = summary.answer_rate.map_or_else(|| "–".to_owned(), |r| format!("{:.1}%", r * 100.0));
    let median = summary.talk_time.p50.map_or_else(|| "–".to_owned(), |s| format!("{s} s"));
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Calls: {title}</title><style>{STYLE}</style></head><body>\
         <h1>Calls</h1><p class=\"sub\">{title}</p><div class=\"cards\">{}{}{}{}</div>",
        card("records", &summary.records.to_string()),
        card("answer rate", &rate),
        card("answered of finished", &format!("{} / {}", summary.answered, summary.finished)),
        card("median talk time", &median),
        title = escape(title),
    );
    let rows = |counts: &[super::Count]| -> Vec<(String, u64)> {
        counts
            .iter()
            .map(|c| (c.code.map_or_else(|| c.name.to_owned(), |code| format!("{} ({code})", c.name)), c.records))
            .collect()
    };
    section(&mut out, "Records by call status", &bars(&rows(&summary.by_status)));
    section(&mut out, "Records by call result", &bars(&rows(&summary.by_result)));
    let intents: Vec<(String, u64)> = summary.top_intents.iter().map(|i| (i.intent.clone(), i.records)).collect();
    section(&mut out, "Top intents", &if intents.is_empty() { "<p>No intents.</p>".into() } else { bars(&intents) });
    section(&mut out, "Calls per hour of day (UTC, by call start)", &columns(&summary.per_hour_utc));
    let t = &summary.talk_time;
    let secs = |v: Option<i64>| v.map_or_else(|| "–".to_owned(), |v| format!("{v} s"));
    let percentiles: Vec<(String, u64)> = [("p50", t.p50), ("p90", t.p90), ("p99", t.p99), ("max", t.max)]
        .iter()
        .map(|(name, v)| (format!("{name}: {}", secs(*v)), v.map_or(0, |v| u64::try_from(v).unwrap_or(0))))
        .collect();
    section(&mut out, &format!("Talk time of answered calls ({} calls, seconds)", t.calls), &bars(&percentiles));
    out.push_str(
        "<p class=\"sub\">Answered: callResult in the spec's <code>connected</code> group. Finished: \
         callStatus not in <code>inProgress</code>. Made by <code>nxlink calls stats</code>.</p></body></html>\n",
    );
    out
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:960px;color:#1d2433;padding:0 16px}\
h1{margin:0}h2{font-size:16px;margin:28px 0 8px}.sub{color:#5b6475}\
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}.card{border:1px solid #d9dde5;border-radius:8px;padding:12px 16px;min-width:150px}\
.card b{display:block;font-size:24px}.card span{color:#5b6475}svg text{font:12px system-ui,sans-serif;fill:#1d2433}";

const BAR: &str = "#3b6fd8";

fn card(label: &str, value: &str) -> String {
    format!("<div class=\"card\"><b>{}</b><span>{}</span></div>", escape(value), escape(label))
}

fn section(out: &mut String, title: &str, body: &str) {
    let _ = write!(out, "<h2>{}</h2>{body}", escape(title));
}

/// A horizontal bar per row, longest first as given, the count at the bar's end.
fn bars(rows: &[(String, u64)]) -> String {
    const LABEL: u64 = 300;
    const WIDTH: u64 = 560;
    const ROW: u64 = 22;
    let peak = rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let height = ROW * rows.len() as u64 + 4;
    let total = LABEL + WIDTH + 80;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{total}\" height=\"{height}\" viewBox=\"0 0 {total} {height}\" role=\"img\">"
    );
    for (i, (label, n)) in rows.iter().enumerate() {
        let y = ROW * i as u64;
        let w = (n * WIDTH / peak).max(u64::from(*n > 0));
        let short: String = label.chars().take(46).collect();
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{LABEL}\" y=\"{}\" width=\"{w}\" height=\"{}\" fill=\"{BAR}\"><title>{}: {n}</title></rect><text x=\"{}\" y=\"{}\">{n}</text>",
            LABEL - 8,
            y + 15,
            escape(&short),
            y + 3,
            ROW - 6,
            escape(label),
            LABEL + w + 6,
            y + 15,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A column per hour of day.
fn columns(hours: &[u64; 24]) -> String {
    const HEIGHT: u64 = 160;
    const COLUMN: u64 = 36;
    let peak = hours.iter().copied().max().unwrap_or(0).max(1);
    let (width, height) = (COLUMN * 24 + 10, HEIGHT + 40);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">"
    );
    for (hour, n) in hours.iter().enumerate() {
        let x = COLUMN * hour as u64 + 5;
        let h = n * HEIGHT / peak;
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{h}\" fill=\"{BAR}\"><title>{hour:02}:00 UTC: {n} calls</title></rect><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{hour:02}</text>",
            x + 3,
            HEIGHT + 14 - h,
            COLUMN - 6,
            x + COLUMN / 2,
            HEIGHT + 32,
        );
        if *n > 0 {
            let _ = write!(
                svg,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{n}</text>",
                x + COLUMN / 2,
                HEIGHT + 10 - h
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Text safe inside an element or a quoted attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_records_cannot_open_a_tag() {
        assert_eq!(
            escape("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }
}
