//! Form plumbing the portal's pages share: reading multipart bodies within limits, fields
//! that keep what the person typed, and located problems shown next to their fields.

use std::collections::BTreeMap;

use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::page::{PageCtx, WebError};

/// Longest text field accepted in a multipart form (a description or justification).
const MAX_TEXT_FIELD: usize = 64 * 1024;
/// Most parts in one form (the guided declaration has a few hundred fields).
const MAX_PARTS: usize = 4000;

/// A file sent with a form.
pub struct Upload {
    /// The form field it came in.
    pub field: String,
    /// The name the browser gave (a hint only; never used as a path).
    pub file_name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A multipart form's text fields (in order, repeated names kept) and files.
#[derive(Default)]
pub struct Posted {
    /// Text fields.
    pub fields: Vec<(String, String)>,
    /// Files (empty file inputs are left out).
    pub files: Vec<Upload>,
}

impl Posted {
    /// The first value of a field, or "".
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The files sent in a field.
    pub fn files(&self, field: &str) -> impl Iterator<Item = &Upload> {
        self.files.iter().filter(move |f| f.field == field)
    }

    /// Reads a multipart body: files up to `max_file` bytes each and `max_total` together.
    pub async fn read(
        ctx: &PageCtx,
        multipart: Result<Multipart, MultipartRejection>,
        max_file: usize,
        max_total: usize,
    ) -> Result<Self, WebError> {
        let too_large =
            || WebError::BadRequest(ctx.t.t1("portal-too-large", "size", human_size(max_file)));
        let mut multipart =
            multipart.map_err(|_| WebError::BadRequest(ctx.t("portal-form-unreadable")))?;
        let mut out = Posted::default();
        let mut total = 0usize;
        let mut parts = 0usize;
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
                Err(_) => return Err(WebError::BadRequest(ctx.t("portal-form-unreadable"))),
            };
            parts += 1;
            if parts > MAX_PARTS {
                return Err(WebError::BadRequest(ctx.t("portal-form-unreadable")));
            }
            let name = field.name().unwrap_or_default().to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let limit = if file_name.is_some() {
                max_file
            } else {
                MAX_TEXT_FIELD
            };
            let mut field = field;
            let mut bytes = Vec::new();
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        total += chunk.len();
                        if bytes.len() + chunk.len() > limit || total > max_total {
                            return Err(too_large());
                        }
                        bytes.extend_from_slice(&chunk);
                    }
                    Ok(None) => break,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return Err(too_large());
                    }
                    Err(_) => return Err(WebError::BadRequest(ctx.t("portal-form-unreadable"))),
                }
            }
            match file_name {
                // A file input left empty still sends a part, with an empty name and no bytes.
                Some(f) if f.is_empty() && bytes.is_empty() => {}
                Some(f) => out.files.push(Upload {
                    field: name,
                    file_name: f.chars().take(200).collect(),
                    bytes,
                }),
                None => {
                    let text = String::from_utf8(bytes)
                        .map_err(|_| WebError::BadRequest(ctx.t("portal-form-unreadable")))?;
                    out.fields.push((name, text));
                }
            }
        }
        Ok(out)
    }
}

/// `16 MiB`, `128 KiB`.
pub fn human_size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", (bytes / 1024).max(1))
    }
}

/// One choice of a radio group or select.
pub struct Choice {
    /// Submitted value.
    pub value: String,
    /// Shown text.
    pub label: String,
    /// Whether it is chosen.
    pub checked: bool,
}

/// A form field with what was typed into it and what is wrong with it.
pub struct Field {
    /// Name and element id.
    pub name: String,
    /// `text`, `email`, `url`, `month`, `number`, `textarea`, `radio`, `select`.
    pub kind: &'static str,
    /// Label (or legend of a radio group).
    pub label: String,
    /// What the question means, plainly ("" for none).
    pub hint: String,
    /// The value typed.
    pub value: String,
    /// Whether it must be filled in.
    pub required: bool,
    /// Choices of a radio group or select.
    pub choices: Vec<Choice>,
    /// Problems with it.
    pub errors: Vec<String>,
    /// The label and hint are the catalogue's English text on a page in another language.
    pub english: bool,
    /// Longest value the element accepts (0 = no limit set).
    pub maxlength: usize,
}

impl Field {
    /// A field of `kind`.
    pub fn new(kind: &'static str, name: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            kind,
            label: label.into(),
            hint: String::new(),
            value: String::new(),
            required: false,
            choices: Vec::new(),
            errors: Vec::new(),
            english: false,
            maxlength: 0,
        }
    }

    /// With a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    /// Required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// With a length limit.
    pub fn max(mut self, n: usize) -> Self {
        self.maxlength = n;
        self
    }

    /// With choices; the one equal to the value is checked.
    pub fn choices(mut self, choices: Vec<(String, String)>) -> Self {
        self.choices = choices
            .into_iter()
            .map(|(value, label)| Choice {
                value,
                label,
                checked: false,
            })
            .collect();
        self
    }

    /// Fills the value and the errors from the form state.
    pub fn fill(mut self, state: &FormState) -> Self {
        self.value = state.value(&self.name).to_owned();
        for c in &mut self.choices {
            c.checked = c.value == self.value;
        }
        self.errors = state.errors_of(&self.name);
        self
    }

    /// The id of the element the hint is in (for `aria-describedby`).
    pub fn hint_id(&self) -> String {
        format!("{}-hint", self.name)
    }

    /// The id of the element the errors are in.
    pub fn error_id(&self) -> String {
        format!("{}-error", self.name)
    }

    /// `aria-describedby` for the element.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(self.hint_id());
        }
        if !self.errors.is_empty() {
            ids.push(self.error_id());
        }
        ids.join(" ")
    }
}

/// A problem shown at the top of a form, linked to its field when it has one.
pub struct ProblemLine {
    /// The field's element id, if it is on the page.
    pub anchor: Option<String>,
    /// Where: the field's label, or the declaration's field path and line.
    pub place: String,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub hint: String,
    /// Only a warning.
    pub warning: bool,
}

/// What the person typed and what is wrong with it.
#[derive(Default)]
pub struct FormState {
    values: BTreeMap<String, String>,
    errors: BTreeMap<String, Vec<String>>,
    /// Problems in the order found, for the summary.
    pub problems: Vec<ProblemLine>,
}

impl FormState {
    /// From submitted fields (the last value of a repeated name wins).
    pub fn from_fields(fields: &[(String, String)]) -> Self {
        let mut s = Self::default();
        for (k, v) in fields {
            s.values.insert(k.clone(), v.clone());
        }
        s
    }

    /// A value, or "".
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    /// A value, trimmed.
    pub fn trimmed(&self, name: &str) -> &str {
        self.value(name).trim()
    }

    /// Sets a value.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.values.insert(name.into(), value.into());
    }

    /// Every name starting with `prefix`.
    pub fn names_with(&self, prefix: &str) -> Vec<String> {
        self.values
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect()
    }

    /// The errors of a field.
    pub fn errors_of(&self, name: &str) -> Vec<String> {
        self.errors.get(name).cloned().unwrap_or_default()
    }

    /// Records a problem with a field on the page.
    pub fn fail(
        &mut self,
        name: &str,
        place: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let message = message.into();
        self.errors
            .entry(name.to_owned())
            .or_default()
            .push(message.clone());
        self.problems.push(ProblemLine {
            anchor: Some(name.to_owned()),
            place: place.to_owned(),
            message,
            hint: hint.into(),
            warning: false,
        });
    }

    /// Records a problem that belongs to no field on the page.
    pub fn fail_general(
        &mut self,
        place: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
        warning: bool,
    ) {
        self.problems.push(ProblemLine {
            anchor: None,
            place: place.to_owned(),
            message: message.into(),
            hint: hint.into(),
            warning,
        });
    }

    /// Whether any problem (other than a warning) was found.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| !p.warning)
    }
}

/// A `303 See Other` to a page of this site (after a successful POST), keeping the language.
pub fn see_other(ctx: &PageCtx, path: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(&ctx.href(path)) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// After a successful submission (form or upload): to the label's portal page, saying whether
/// the label is new or the declaration had been labelled already.
pub fn to_submitted_label(ctx: &PageCtx, submitted: &iotlabel_registry::Submitted) -> Response {
    let done = if submitted.created {
        "created"
    } else {
        "existing"
    };
    see_other(
        ctx,
        &format!("/portal/labels/{}?done={done}", submitted.label.id),
    )
}

/// Splits a list typed as `1.2.3, 1.2.4` or one per line.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([',', '\n', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Why a write was refused: lines to show with the form (what the person can fix), or an
/// error page (our failure, or nothing there to show).
pub enum Refusal {
    /// Shown with the form, with the status to answer.
    Shown(StatusCode, Vec<String>),
    /// An error page instead.
    Page(WebError),
}

impl From<WebError> for Refusal {
    fn from(e: WebError) -> Self {
        match e {
            WebError::Internal(_)
            | WebError::SignIn
            | WebError::NotFound(_)
            | WebError::Csrf(_)
            | WebError::TooMany(_) => Refusal::Page(e),
            other => Refusal::Shown(other.status(), vec![other.to_string()]),
        }
    }
}

impl From<iotlabel_registry::RegistryError> for Refusal {
    fn from(e: iotlabel_registry::RegistryError) -> Self {
        match e {
            // Each located problem on its own line, not the count the API's summary gives.
            iotlabel_registry::RegistryError::Invalid { message, problems } => {
                let lines = if problems.is_empty() {
                    vec![message]
                } else {
                    problems
                        .into_iter()
                        .map(|p| {
                            let mut line = if p.field.is_empty() {
                                p.message
                            } else {
                                format!("{}: {}", p.field, p.message)
                            };
                            if let Some(h) = p.hint {
                                line.push_str(&format!(" ({h})"));
                            }
                            line
                        })
                        .collect()
                };
                Refusal::Shown(StatusCode::UNPROCESSABLE_ENTITY, lines)
            }
            other => WebError::from(other).into(),
        }
    }
}
