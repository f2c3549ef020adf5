//! Draft and agreed provisions: fragments of `agreement.toml`, each provision known by
//! its identity, merged into an agreement and compared.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use toml::{Table, Value};

use crate::agreement::document::{
    Commission, Deadline, Effective, ExchangePoint, Geography, Island, Line, NeutralNation, Port, Provision, Side,
    Team, Zone,
};
use crate::agreement::{Id, Timestamp};

/// A fragment's top-level keys that hold one value, and the arrays of tables whose
/// elements are provisions of their own.
const SINGLE: [&str; 9] =
    ["format", "id", "name", "place", "signed_at", "languages", "summary", "effective", "geography"];
const ARRAYS: [&str; 11] = [
    "side",
    "neutral_nation",
    "line",
    "zone",
    "island",
    "port",
    "exchange_point",
    "deadline",
    "commission",
    "team",
    "provision",
];

/// What a fragment may hold, every part optional; each part is checked as the agreement
/// format defines it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // read only to check the fragment
struct Partial {
    format: Option<String>,
    id: Option<Id>,
    name: Option<String>,
    place: Option<String>,
    signed_at: Option<Timestamp>,
    languages: Option<Vec<String>>,
    summary: Option<String>,
    effective: Option<Effective>,
    geography: Option<Geography>,
    #[serde(default)]
    side: Vec<Side>,
    #[serde(default)]
    neutral_nation: Vec<NeutralNation>,
    #[serde(default)]
    line: Vec<Line>,
    #[serde(default)]
    zone: Vec<Zone>,
    #[serde(default)]
    island: Vec<Island>,
    #[serde(default)]
    port: Vec<Port>,
    #[serde(default)]
    exchange_point: Vec<ExchangePoint>,
    #[serde(default)]
    deadline: Vec<Deadline>,
    #[serde(default)]
    commission: Vec<Commission>,
    #[serde(default)]
    team: Vec<Team>,
    #[serde(default)]
    provision: Vec<Provision>,
}

/// Which provision a part of an agreement is: its table and its key within it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Identity {
    /// The table (`port`, `provision`) or the top-level key (`signed_at`).
    pub table: String,
    /// An element's id, or a provision's citation and rule kind; none for a top-level key.
    pub key: Option<String>,
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.key {
            Some(key) => write!(f, "{} {key}", self.table),
            None => f.write_str(&self.table),
        }
    }
}

/// A fragment read and checked: its provisions in the order written.
#[derive(Debug, Clone, PartialEq)]
pub struct Fragment {
    pub parts: Vec<(Identity, Value)>,
}

/// Why a fragment cannot be read, with the line within the fragment where toml says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", line.map(|l| format!("line {l} of the provisions: ")).unwrap_or_default())]
pub struct FragmentError {
    pub line: Option<usize>,
    pub message: String,
}

fn error_at(text: &str, span: Option<std::ops::Range<usize>>, message: String) -> FragmentError {
    let line = span.map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
    FragmentError { line, message }
}

impl Fragment {
    /// Read `text`, a fragment of `agreement.toml`.
    pub fn parse(text: &str) -> Result<Fragment, FragmentError> {
        let table: Table = toml::from_str(text).map_err(|e| error_at(text, e.span(), e.message().trim().to_owned()))?;
        toml::from_str::<Partial>(text).map_err(|e| {
            let mut bare = e.clone();
            bare.set_input(None);
            let rendered = bare.to_string();
            let field = rendered.lines().find_map(|l| l.strip_prefix("in `").and_then(|l| l.strip_suffix('`')));
            let message = match field {
                Some(field) => format!("{field}: {}", e.message().trim()),
                None => e.message().trim().to_owned(),
            };
            error_at(text, e.span(), message)
        })?;
        Self::from_table(table).map_err(|message| FragmentError { line: None, message })
    }

    /// The provisions of a whole agreement document or a fragment, as a TOML table.
    pub fn from_table(table: Table) -> Result<Fragment, String> {
        let mut parts = Vec::new();
        let mut seen = BTreeMap::new();
        for (key, value) in table {
            if SINGLE.contains(&key.as_str()) {
                parts.push((Identity { table: key, key: None }, value));
            } else if ARRAYS.contains(&key.as_str()) {
                let Value::Array(elements) = value else {
                    return Err(format!("`{key}` must be written as [[{key}]] tables"));
                };
                for element in elements {
                    let identity = identity(&key, &element)?;
                    if let Some(()) = seen.insert(identity.clone(), ()) {
                        return Err(format!("{identity} is written twice"));
                    }
                    parts.push((identity, element));
                }
            } else {
                return Err(format!("`{key}` is not a part of an agreement"));
            }
        }
        Ok(Fragment { parts })
    }

    pub fn identities(&self) -> impl Iterator<Item = &Identity> {
        self.parts.iter().map(|(identity, _)| identity)
    }
}

fn identity(table: &str, element: &Value) -> Result<Identity, String> {
    let Value::Table(fields) = element else {
        return Err(format!("a [[{table}]] must be a table"));
    };
    let key = if table == "provision" {
        let citation = fields.get("citation").and_then(Value::as_str).unwrap_or("?");
        let kind = fields.get("rule").and_then(Value::as_table).and_then(|r| r.keys().next().cloned());
        format!("{citation} {}", kind.unwrap_or_else(|| "?".to_owned()))
    } else {
        match fields.get("id").and_then(Value::as_str) {
            Some(id) => id.to_owned(),
            None => return Err(format!("a [[{table}]] needs an id")),
        }
    };
    Ok(Identity { table: table.to_owned(), key: Some(key) })
}

/// Provisions in order, a later one replacing an earlier one of the same identity in
/// place.
#[derive(Debug, Clone, Default)]
pub struct Merged {
    order: Vec<Identity>,
    values: BTreeMap<Identity, Value>,
}

impl Merged {
    /// Add `value` as `identity`; true when it replaced one already there.
    pub fn insert(&mut self, identity: Identity, value: Value) -> bool {
        let replaced = self.values.insert(identity.clone(), value).is_some();
        if !replaced {
            self.order.push(identity);
        }
        replaced
    }

    pub fn contains(&self, identity: &Identity) -> bool {
        self.values.contains_key(identity)
    }

    pub fn get(&self, identity: &Identity) -> Option<&Value> {
        self.values.get(identity)
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The agreement document: single keys first (in the format's order), then each
    /// array's elements in the order they were first agreed.
    pub fn to_table(&self) -> Table {
        let mut table = Table::new();
        for key in SINGLE {
            let identity = Identity { table: key.to_owned(), key: None };
            if let Some(value) = self.values.get(&identity) {
                table.insert(key.to_owned(), value.clone());
            }
        }
        for array in ARRAYS {
            let elements: Vec<Value> = self
                .order
                .iter()
                .filter(|i| i.table == array && i.key.is_some())
                .filter_map(|i| self.values.get(i).cloned())
                .collect();
            if !elements.is_empty() {
                table.insert(array.to_owned(), Value::Array(elements));
            }
        }
        table
    }
}

impl Merged {
    /// The provisions of a whole `agreement.toml`, to compare with another.
    pub fn of_agreement(text: &str) -> Result<Merged, String> {
        let table: Table = toml::from_str(text).map_err(|e| e.message().trim().to_owned())?;
        Fragment::from_table(table).map(|f| Merged::from(&f))
    }
}

impl From<&Fragment> for Merged {
    fn from(fragment: &Fragment) -> Self {
        let mut merged = Merged::default();
        for (identity, value) in &fragment.parts {
            merged.insert(identity.clone(), value.clone());
        }
        merged
    }
}

/// How two sets of provisions differ.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    /// In the second, not the first.
    pub added: Vec<Identity>,
    /// In the first, not the second.
    pub removed: Vec<Identity>,
    /// In both, with the fields (dotted paths) whose values differ.
    pub changed: Vec<(Identity, Vec<String>)>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The difference from `a` to `b`, by identity, in identity order.
pub fn diff(a: &Merged, b: &Merged) -> Diff {
    let mut out = Diff::default();
    for (identity, value) in &a.values {
        match b.values.get(identity) {
            None => out.removed.push(identity.clone()),
            Some(other) if other != value => {
                let mut fields = Vec::new();
                changed_fields(value, other, &mut String::new(), &mut fields);
                out.changed.push((identity.clone(), fields));
            }
            Some(_) => {}
        }
    }
    out.added = b.values.keys().filter(|i| !a.values.contains_key(*i)).cloned().collect();
    out
}

fn changed_fields(a: &Value, b: &Value, path: &mut String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Table(x), Value::Table(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                let before = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                match (x.get(key), y.get(key)) {
                    (Some(p), Some(q)) => changed_fields(p, q, path, out),
                    _ => out.push(path.clone()),
                }
                path.truncate(before);
            }
        }
        _ if a != b => out.push(if path.is_empty() { "(value)".to_owned() } else { path.clone() }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PORTS: &str = r#"
[[port]]
id = "inchon"
name = "Inchon"
side = "unc"
position = [126.6, 37.5]
citation = "II.43"

[[provision]]
citation = "I.6"
summary = "No hostile act in the zone."
rule.hostile-act = { from = "effective", zone = "dmz" }
"#;

    #[test]
    fn provisions_are_known_by_id_or_citation_and_rule() {
        let fragment = Fragment::parse(PORTS).unwrap();
        let names: Vec<String> = fragment.identities().map(ToString::to_string).collect();
        assert_eq!(names, ["port inchon", "provision I.6 hostile-act"]);
    }

    #[test]
    fn a_bad_fragment_names_the_line_and_field() {
        let error = Fragment::parse(
            "[[port]]\nid = \"inchon\"\nname = \"Inchon\"\nposition = [126.6, 37.5]\ncitation = \"II.43\"\n",
        )
        .unwrap_err();
        assert!(error.message.contains("side"), "{error}");
        let error = Fragment::parse("[[harbour]]\nid = \"x\"\n").unwrap_err();
        assert!(error.to_string().contains("harbour"), "{error}");
        let error = Fragment::parse("[[port]\n").unwrap_err();
        assert_eq!(error.line, Some(1), "{error}");
        let twice = format!(
            "{PORTS}\n[[port]]\nid = \"inchon\"\nname = \"Inchon 2\"\nside = \"unc\"\nposition = [126.6, 37.5]\ncitation = \"II.43\"\n"
        );
        assert!(Fragment::parse(&twice).unwrap_err().message.contains("port inchon is written twice"));
    }

    #[test]
    fn diff_names_added_removed_and_changed_fields() {
        let a = Merged::from(&Fragment::parse(PORTS).unwrap());
        let b_text = PORTS.replace("126.6", "126.7").replace("[[provision]]", "[[zone]]\nid = \"z\"\nname = \"Z\"\ncitation = \"I.1\"\narea = { file = \"z.geojson\" }\n\n[[provision]]").replace("I.6", "I.7");
        let b = Merged::from(&Fragment::parse(&b_text).unwrap());
        let d = diff(&a, &b);
        assert_eq!(
            d.added.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["provision I.7 hostile-act", "zone z"]
        );
        assert_eq!(d.removed.iter().map(ToString::to_string).collect::<Vec<_>>(), ["provision I.6 hostile-act"]);
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].0.to_string(), "port inchon");
        assert_eq!(d.changed[0].1, ["position"]);
        assert!(diff(&a, &a).is_empty());
    }

    #[test]
    fn a_later_provision_replaces_an_earlier_one_in_place() {
        let mut merged = Merged::from(&Fragment::parse(PORTS).unwrap());
        let newer = Fragment::parse(&PORTS.replace("Inchon\"", "Incheon\"")).unwrap();
        for (identity, value) in newer.parts {
            assert!(merged.insert(identity, value));
        }
        assert_eq!(merged.len(), 2);
        let table = merged.to_table();
        assert_eq!(table["port"][0]["name"].as_str(), Some("Incheon"));
    }
}
