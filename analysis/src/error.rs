use polars::prelude::PolarsError;

/// What can stop an analysis. Input errors name the file, the line (the header is line 1)
/// and the field, so that whoever prepared the files can fix them.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error("{file}: line {line}: field `{field}`: {message}")]
    Input {
        file: String,
        line: usize,
        field: String,
        message: String,
    },
    #[error("{file}: {message}")]
    File { file: String, message: String },
    #[error("data frame: {0}")]
    Polars(#[from] PolarsError),
}

impl AnalysisError {
    pub fn input(file: &str, line: usize, field: &str, message: impl Into<String>) -> Self {
        Self::Input {
            file: file.to_owned(),
            line,
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Self::File {
            file: file.to_owned(),
            message: message.into(),
        }
    }
}

pub type Result<T> = std::result::Result<T, AnalysisError>;
