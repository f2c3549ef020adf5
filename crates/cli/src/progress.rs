//! Progress bars on stderr for long work, shown only when stderr is a terminal.

use std::io::{IsTerminal, Read};

use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar, or nothing when output is not watched by a person.
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar counting bytes read, out of `total` when known.
    pub fn bytes(total: Option<u64>, message: &'static str) -> Self {
        if !std::io::stderr().is_terminal() {
            return Self { bar: None };
        }
        let bar = match total {
            Some(total) => ProgressBar::new(total).with_style(
                ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            ),
            None => ProgressBar::new_spinner(),
        };
        bar.set_message(message);
        Self { bar: Some(bar) }
    }

    /// Wrap a reader so that reading from it moves the bar.
    pub fn wrap_read<R: Read + 'static>(&self, reader: R) -> Box<dyn Read> {
        match &self.bar {
            Some(bar) => Box::new(bar.wrap_read(reader)),
            None => Box::new(reader),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
