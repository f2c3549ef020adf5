//! Prometheus metrics in the text exposition format, kept by hand (a few counters and
//! histograms need no library): entries appended, requests by route and status,
//! commit batch sizes, commit and request latency.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds of the latency buckets, in seconds.
const LATENCY_BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];
/// Upper bounds of the batch-size buckets, in entries.
const BATCH_BUCKETS: [f64; 10] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 1024.0];

#[derive(Debug, Clone)]
struct Histogram {
    bounds: &'static [f64],
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Self {
        Self { bounds, counts: vec![0; bounds.len()], sum: 0.0, count: 0 }
    }

    fn observe(&mut self, value: f64) {
        for (bound, count) in self.bounds.iter().zip(&mut self.counts) {
            if value <= *bound {
                *count += 1;
            }
        }
        self.sum += value;
        self.count += 1;
    }

    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (bound, count) in self.bounds.iter().zip(&self.counts) {
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {count}");
        }
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}", self.count);
        let braces = if labels.is_empty() { String::new() } else { format!("{{{labels}}}") };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

#[derive(Debug, Default)]
struct Requests {
    by_route_status: BTreeMap<(String, u16), u64>,
    latency_by_route: BTreeMap<String, Histogram>,
}

/// The server's metrics. Cheap to update from any thread.
#[derive(Debug)]
pub struct Metrics {
    entries_appended: AtomicU64,
    checkpoints_signed: AtomicU64,
    batches: Mutex<(Histogram, Histogram)>,
    requests: Mutex<Requests>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            entries_appended: AtomicU64::new(0),
            checkpoints_signed: AtomicU64::new(0),
            batches: Mutex::new((Histogram::new(&BATCH_BUCKETS), Histogram::new(&LATENCY_BUCKETS))),
            requests: Mutex::new(Requests::default()),
        }
    }
}

impl Metrics {
    /// One committed batch of `entries` entries that took `seconds` to commit.
    pub fn batch_committed(&self, entries: usize, seconds: f64) {
        self.entries_appended.fetch_add(entries as u64, Ordering::Relaxed);
        if let Ok(mut batches) = self.batches.lock() {
            batches.0.observe(entries as f64);
            batches.1.observe(seconds);
        }
    }

    pub fn checkpoint_signed(&self) {
        self.checkpoints_signed.fetch_add(1, Ordering::Relaxed);
    }

    pub fn entries_appended(&self) -> u64 {
        self.entries_appended.load(Ordering::Relaxed)
    }

    /// One request to `route` (the route's pattern, never the raw path) answered with
    /// `status` after `seconds`.
    pub fn request(&self, route: &str, status: u16, seconds: f64) {
        if let Ok(mut requests) = self.requests.lock() {
            *requests.by_route_status.entry((route.to_owned(), status)).or_default() += 1;
            requests
                .latency_by_route
                .entry(route.to_owned())
                .or_insert_with(|| Histogram::new(&LATENCY_BUCKETS))
                .observe(seconds);
        }
    }

    /// The text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP armistice_entries_appended_total Entries appended to the journal by this server.\n");
        out.push_str("# TYPE armistice_entries_appended_total counter\n");
        let _ = writeln!(out, "armistice_entries_appended_total {}", self.entries_appended());
        out.push_str("# HELP armistice_checkpoints_signed_total Checkpoints this server signed and stored.\n");
        out.push_str("# TYPE armistice_checkpoints_signed_total counter\n");
        let _ = writeln!(out, "armistice_checkpoints_signed_total {}", self.checkpoints_signed.load(Ordering::Relaxed));
        if let Ok(batches) = self.batches.lock() {
            out.push_str("# HELP armistice_commit_batch_entries Entries per store transaction (group commit).\n");
            out.push_str("# TYPE armistice_commit_batch_entries histogram\n");
            batches.0.write(&mut out, "armistice_commit_batch_entries", "");
            out.push_str("# HELP armistice_commit_seconds Time to commit one batch (one transaction, one fsync).\n");
            out.push_str("# TYPE armistice_commit_seconds histogram\n");
            batches.1.write(&mut out, "armistice_commit_seconds", "");
        }
        if let Ok(requests) = self.requests.lock() {
            out.push_str("# HELP armistice_http_requests_total HTTP requests by route and status.\n");
            out.push_str("# TYPE armistice_http_requests_total counter\n");
            for ((route, status), n) in &requests.by_route_status {
                let _ = writeln!(out, "armistice_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}");
            }
            out.push_str("# HELP armistice_http_request_seconds HTTP request latency by route.\n");
            out.push_str("# TYPE armistice_http_request_seconds histogram\n");
            for (route, histogram) in &requests.latency_by_route {
                histogram.write(&mut out, "armistice_http_request_seconds", &format!("route=\"{route}\""));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let metrics = Metrics::default();
        metrics.batch_committed(3, 0.002);
        metrics.batch_committed(40, 0.004);
        metrics.request("/api/entries", 201, 0.003);
        let text = metrics.render();
        assert!(text.contains("armistice_entries_appended_total 43\n"), "{text}");
        assert!(text.contains("armistice_commit_batch_entries_bucket{le=\"4\"} 1\n"), "{text}");
        assert!(text.contains("armistice_commit_batch_entries_bucket{le=\"+Inf\"} 2\n"), "{text}");
        assert!(text.contains("armistice_http_requests_total{route=\"/api/entries\",status=\"201\"} 1\n"), "{text}");
        assert!(text.contains("armistice_http_request_seconds_count{route=\"/api/entries\"} 1\n"), "{text}");
    }
}
