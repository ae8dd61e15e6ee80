//! The report as PDF: the Word document laid out by LibreOffice (`soffice --headless
//! --convert-to pdf`, Debian's libreoffice-writer), so that the PDF is page for page the
//! document the office edits and signs, with its fonts embedded. LibreOffice is an optional
//! companion of the service: without it, a PDF is refused with a sentence saying so and the
//! Word file still downloads.

use std::process::{Command, Stdio};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "a PDF needs LibreOffice on this server (apt-get install libreoffice-writer); the Word \
         document (--format docx) needs nothing"
    )]
    NoLibreOffice,
    #[error("LibreOffice could not convert the report: {0}")]
    Conversion(String),
    #[error("a temporary folder for the conversion: {0}")]
    Io(#[from] std::io::Error),
}

impl PdfError {
    /// The refusal a reader is shown, when no PDF can be made here at all.
    pub fn refusal(&self) -> Option<crate::services::Refusal> {
        match self {
            Self::NoLibreOffice => Some(crate::services::Refusal::new(
                "format",
                "refusal-report-no-pdf",
            )),
            Self::Conversion(_) | Self::Io(_) => None,
        }
    }
}

/// Converts a `.docx` into PDF bytes (blocking: seconds; run it off the executor).
pub fn from_docx(docx: &[u8]) -> Result<Vec<u8>, PdfError> {
    let dir = tempfile::tempdir()?;
    let input = dir.path().join("report.docx");
    std::fs::write(&input, docx)?;
    // A profile of its own per conversion: two at once must not share LibreOffice's lock.
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.path().join("profile").display()
    );
    let output = Command::new("soffice")
        .arg(profile)
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&input)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => PdfError::NoLibreOffice,
            _ => PdfError::Io(e),
        })?;
    let pdf = dir.path().join("report.pdf");
    if !output.status.success() || !pdf.exists() {
        return Err(PdfError::Conversion(
            String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        ));
    }
    Ok(std::fs::read(pdf)?)
}
