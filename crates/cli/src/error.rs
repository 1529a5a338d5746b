//! The CLI's error type: every library error becomes a message a person can act on, and an
//! exit code scripts can rely on.

use std::process::ExitCode;

/// Exit code when the input (a file, an argument, the catalogue) is invalid.
pub const EXIT_INVALID_INPUT: u8 = 2;

/// Something that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The catalogue could not be loaded.
    #[error("{0}")]
    Catalog(#[from] iotlabel_catalog::LoadError),
    /// A catalogue query named something unknown.
    #[error("{0}")]
    Query(#[from] iotlabel_catalog::query::QueryError),
    /// A declaration could not be loaded.
    #[error("{0}")]
    Declaration(#[from] iotlabel_declaration::DeclarationError),
    /// An input file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The assessment reached a lower level than `--min-level` asks.
    #[error("level {level} is below the required --min-level {min}")]
    BelowMinLevel {
        /// Level reached.
        level: u8,
        /// Level required.
        min: u8,
    },
    /// A key could not be made or read.
    #[error("{0}")]
    Key(#[from] iotlabel_label::KeyError),
    /// A trust file is unusable.
    #[error("{0}")]
    Trust(#[from] iotlabel_label::trust::TrustError),
    /// A label cannot be issued.
    #[error("{0}")]
    Issue(#[from] iotlabel_label::IssueError),
    /// An image holds no readable QR code.
    #[error("{0}")]
    Unreadable(String),
    /// The label is not genuine or not current.
    #[error("not genuine or not current: {0}")]
    NotGenuine(iotlabel_label::VerifyError),
    /// The QR code only carries a registry link.
    #[error("the QR code carries only a registry link; verify it online")]
    LinkOnly,
    /// Arguments that do not fit together.
    #[error("{0}")]
    Usage(String),
    /// Writing output failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The path being written.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Serialising JSON failed.
    #[error("cannot produce JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The command already printed its own report (e.g. JSON errors) and only fails.
    #[error("")]
    Reported,
    /// A registry refused a request or could not be reached.
    #[error("{0}")]
    Remote(String),
    /// The registry's own storage failed or is inconsistent.
    #[error("{0}")]
    Registry(#[from] iotlabel_registry::RegistryError),
    /// The log contradicts a checkpoint seen before: it forked or was rewritten.
    #[error("{0}")]
    LogFork(String),
    /// The log's signature or entries do not check out.
    #[error("{0}")]
    LogInvalid(String),
    /// An SBOM check could not read its inputs.
    #[error("{0}")]
    Match(#[from] iotlabel_match::MatchError),
    /// An SBOM check found open findings (affected or under investigation).
    #[error("{0} open finding(s): affected or under investigation")]
    OpenFindings(usize),
    /// A genuine label that is not active.
    #[error("the label is genuine but {status}: {reason}")]
    NotActive {
        /// Its status.
        status: String,
        /// Why.
        reason: String,
    },
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Catalog(_)
            | CliError::Query(_)
            | CliError::Usage(_)
            | CliError::Reported
            | CliError::Declaration(_)
            | CliError::Key(_)
            | CliError::Trust(_)
            | CliError::Issue(_)
            | CliError::Read { .. } => ExitCode::from(EXIT_INVALID_INPUT),
            CliError::Unreadable(_) => ExitCode::from(17),
            CliError::NotGenuine(e) => ExitCode::from(crate::label_cmd::verify_exit_code(e)),
            CliError::LinkOnly => ExitCode::from(18),
            CliError::Write { .. } | CliError::Json(_) | CliError::BelowMinLevel { .. } => {
                ExitCode::from(1)
            }
            CliError::Remote(_) => ExitCode::from(3),
            CliError::Registry(iotlabel_registry::RegistryError::Tampered(_)) => ExitCode::from(21),
            CliError::Registry(iotlabel_registry::RegistryError::Config(_)) => {
                ExitCode::from(EXIT_INVALID_INPUT)
            }
            CliError::Registry(_) => ExitCode::from(1),
            CliError::LogFork(_) => ExitCode::from(20),
            CliError::LogInvalid(_) => ExitCode::from(21),
            CliError::NotActive { .. } => ExitCode::from(19),
            CliError::Match(
                iotlabel_match::MatchError::Json(_)
                | iotlabel_match::MatchError::UnknownProductVersion(_),
            )
            | CliError::OpenFindings(_) => ExitCode::from(1),
            CliError::Match(_) => ExitCode::from(EXIT_INVALID_INPUT),
        }
    }
}
