//! Values as pages show them.

use jiff::Timestamp;

/// `2031-12` as `12/2031` (how the label and the law write support periods).
pub fn month_year(year_month: &str) -> String {
    match year_month.split_once('-') {
        Some((y, m)) if y.len() == 4 && m.len() == 2 => format!("{m}/{y}"),
        _ => year_month.to_owned(),
    }
}

/// A Unix time as a date (`2026-11-22`).
pub fn date(seconds: i64) -> String {
    Timestamp::from_second(seconds)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// A Unix time as date and time in UTC (`2026-11-22 14:03 UTC`).
pub fn date_time(seconds: i64) -> String {
    Timestamp::from_second(seconds)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// A product's name as people say it: brand and model.
pub fn product_name(brand: &str, model: &str) -> String {
    if model.starts_with(brand) || brand.is_empty() {
        model.to_owned()
    } else {
        format!("{brand} {model}")
    }
}

/// A CSV field per RFC 4180, with cells that a spreadsheet would run as a formula neutralised
/// (OWASP's CSV injection advice).
pub fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// One CSV line (CRLF-terminated, as RFC 4180 says).
pub fn csv_line<S: AsRef<str>>(fields: &[S]) -> String {
    let mut line = fields
        .iter()
        .map(|f| csv_field(f.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(
            csv_line(&["a", "b,c", "say \"hi\""]),
            "a,\"b,c\",\"say \"\"hi\"\"\"\r\n"
        );
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
    }

    #[test]
    fn support_periods_read_month_first() {
        assert_eq!(month_year("2031-12"), "12/2031");
        assert_eq!(month_year("soon"), "soon");
        assert_eq!(product_name("Acme", "Acme Plug"), "Acme Plug");
        assert_eq!(product_name("Acme", "Plug"), "Acme Plug");
    }
}
