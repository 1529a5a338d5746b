//! Registry errors, each with the HTTP meaning the server gives it.

/// Why a registry operation failed.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// Configuration or startup problem.
    #[error("{0}")]
    Config(String),
    /// The database failed.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// No or an unknown credential.
    #[error("authentication required: {0}")]
    Unauthenticated(String),
    /// The credential does not allow this.
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// Nothing with that id.
    #[error("not found: {0}")]
    NotFound(String),
    /// The request conflicts with the registry's state.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The input is invalid; the problems name the place.
    #[error("invalid input: {message}")]
    Invalid {
        /// Summary.
        message: String,
        /// Located problems, when there are any.
        problems: Vec<iotlabel_declaration::Problem>,
    },
    /// The stored log does not match its own checkpoints: storage was tampered with.
    #[error("the transparency log's storage is inconsistent: {0}")]
    Tampered(String),
    /// The log's writer has stopped.
    #[error("the log sequencer is not running")]
    SequencerGone,
}

impl RegistryError {
    /// An invalid-input error without located problems.
    pub fn invalid(message: impl Into<String>) -> Self {
        RegistryError::Invalid {
            message: message.into(),
            problems: Vec::new(),
        }
    }

    /// The HTTP status code this error means.
    pub fn status(&self) -> u16 {
        match self {
            RegistryError::Unauthenticated(_) => 401,
            RegistryError::Forbidden(_) => 403,
            RegistryError::NotFound(_) => 404,
            RegistryError::Conflict(_) => 409,
            RegistryError::Invalid { .. } => 422,
            RegistryError::Config(_)
            | RegistryError::Db(_)
            | RegistryError::Tampered(_)
            | RegistryError::SequencerGone => 500,
        }
    }
}

impl From<iotlabel_declaration::DeclarationError> for RegistryError {
    fn from(e: iotlabel_declaration::DeclarationError) -> Self {
        match e {
            iotlabel_declaration::DeclarationError::Invalid(problems) => RegistryError::Invalid {
                message: format!(
                    "the declaration has {} problem(s)",
                    problems
                        .iter()
                        .filter(|p| p.severity == iotlabel_declaration::Severity::Error)
                        .count()
                ),
                problems,
            },
            other => RegistryError::invalid(other.to_string()),
        }
    }
}
