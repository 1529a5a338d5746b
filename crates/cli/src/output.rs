//! Terminal output: headings, wrapped fields, aligned tables, JSON.
//!
//! Text goes through `anstream`, which strips colour when stdout is not a terminal or when
//! `NO_COLOR` is set, so pipes and files get plain text.

use std::io::{IsTerminal, Write};

use comfy_table::{ContentArrangement, Table, presets};
use owo_colors::OwoColorize;
use serde::Serialize;

/// Where command output goes.
pub struct Out {
    stream: anstream::AutoStream<std::io::Stdout>,
    width: usize,
}

impl Out {
    /// Standard output, wrapped to the terminal width (or 100 columns when not a terminal).
    pub fn stdout() -> Self {
        let width = if std::io::stdout().is_terminal() {
            textwrap::termwidth().clamp(40, 160)
        } else {
            100
        };
        Self {
            stream: anstream::stdout(),
            width,
        }
    }

    /// Writes raw text.
    pub fn write(&mut self, text: &str) {
        // A closed pipe (e.g. `| head`) is not an error worth reporting.
        let _ = self.stream.write_all(text.as_bytes());
    }

    /// Writes one line.
    pub fn line(&mut self, text: &str) {
        self.write(text);
        self.write("\n");
    }

    /// A blank line.
    pub fn blank(&mut self) {
        self.write("\n");
    }

    /// A bold heading.
    pub fn heading(&mut self, text: &str) {
        let s = format!("{}\n", text.bold());
        self.write(&s);
    }

    /// A dimmed sub-heading.
    pub fn subheading(&mut self, text: &str) {
        let s = format!("{}\n", text.underline());
        self.write(&s);
    }

    /// `label: text`, wrapped and indented under the label.
    pub fn field(&mut self, label: &str, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        let indent = "    ";
        let options = textwrap::Options::new(self.width)
            .initial_indent(indent)
            .subsequent_indent(indent);
        let body = textwrap::fill(text.trim(), options);
        let s = format!("  {}\n{body}\n", label.cyan());
        self.write(&s);
    }

    /// A wrapped paragraph with an indent.
    pub fn para(&mut self, indent: &str, text: &str) {
        let options = textwrap::Options::new(self.width)
            .initial_indent(indent)
            .subsequent_indent(indent);
        let s = format!("{}\n", textwrap::fill(text.trim(), options));
        self.write(&s);
    }

    /// An aligned table without borders, fitted to the width.
    pub fn table(&mut self, header: &[&str], rows: Vec<Vec<String>>) {
        let mut table = Table::new();
        table
            .load_style(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(u16::try_from(self.width).unwrap_or(100))
            .set_header(header.to_vec());
        for row in rows {
            table.add_row(row);
        }
        let s = format!("{table}\n");
        // comfy-table pads every cell, trailing ones included; trim for tidy output.
        let trimmed: String = s.lines().map(|l| format!("{}\n", l.trim_end())).collect();
        self.write(&trimmed);
    }

    /// Pretty JSON.
    pub fn json<T: Serialize>(&mut self, value: &T) -> Result<(), serde_json::Error> {
        let s = serde_json::to_string_pretty(value)?;
        self.line(&s);
        Ok(())
    }
}
