//! A citation of a provision: article and paragraph, e.g. `II.13(a)`, `III.51(a)`,
//! `Annex.4`, as printed in findings and reports.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::rules::report::Text;

/// An article (a Roman numeral, or a named part such as `Annex`), a paragraph number and
/// optional sub-paragraph letters: `II.13(a)`, `I.10`, `Annex.11`, `II.42(e)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Citation {
    pub article: Text,
    pub paragraph: u32,
    pub subparagraph: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a citation such as II.13(a), I.10 or Annex.4: {reason}")]
pub struct CitationError {
    pub text: String,
    pub reason: &'static str,
}

impl Citation {
    /// The article's position for sorting: Roman numerals (I to XXXIX) in order, named
    /// parts after them.
    pub fn article_rank(&self) -> u32 {
        roman_value(&self.article).unwrap_or(1000)
    }
}

fn roman_value(text: &str) -> Option<u32> {
    let digit = |c| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        // L and C stop here: a single `C` is far likelier an article named C than 100.
        _ => None,
    };
    let values: Vec<u32> = text.chars().map(digit).collect::<Option<_>>()?;
    let mut total = 0;
    for (i, v) in values.iter().enumerate() {
        if values.get(i + 1).is_some_and(|next| next > v) {
            total -= *v as i64;
        } else {
            total += *v as i64;
        }
    }
    u32::try_from(total).ok().filter(|&t| t > 0)
}

impl FromStr for Citation {
    type Err = CitationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = |reason| CitationError { text: text.to_owned(), reason };
        let (article, rest) = text.split_once('.').ok_or_else(|| fail("it needs ARTICLE.PARAGRAPH"))?;
        let article_ok = roman_value(article).is_some()
            || (article.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && article.chars().all(|c| c.is_ascii_alphanumeric()));
        if !article_ok {
            return Err(fail("the article is a Roman numeral or a capitalised name such as Annex"));
        }
        let (number, sub) = match rest.split_once('(') {
            Some((number, sub)) => {
                let sub = sub.strip_suffix(')').ok_or_else(|| fail("a sub-paragraph closes with )"))?;
                if sub.is_empty() || !sub.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) {
                    return Err(fail("a sub-paragraph is lower-case letters or digits, e.g. (a)"));
                }
                (number, Some(Text::from(sub)))
            }
            None => (rest, None),
        };
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
            return Err(fail("the paragraph is a whole number"));
        }
        let paragraph = number.parse().map_err(|_| fail("the paragraph number is too large"))?;
        Ok(Self { article: Text::from(article), paragraph, subparagraph: sub })
    }
}

impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.article, self.paragraph)?;
        if let Some(sub) = &self.subparagraph {
            write!(f, "({sub})")?;
        }
        Ok(())
    }
}

impl Serialize for Citation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Citation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_agreements_citations() {
        for text in ["II.13(a)", "I.1", "III.51(a)", "Annex.11", "II.42(e)", "IV.60", "II.13(c)"] {
            let citation: Citation = text.parse().unwrap();
            assert_eq!(citation.to_string(), text);
        }
        let c: Citation = "II.13(a)".parse().unwrap();
        assert_eq!((c.article.as_str(), c.paragraph, c.subparagraph.as_deref()), ("II", 13, Some("a")));
        assert_eq!(c.article_rank(), 2);
        assert_eq!("IV.60".parse::<Citation>().unwrap().article_rank(), 4);
    }

    #[test]
    fn rejects_malformed_citations() {
        for text in ["", "13", "II", "II.", "ii.13", "II.13a", "II.13(A)", "II.13(a", "II.x", "II.13()", "2.13"] {
            assert!(text.parse::<Citation>().is_err(), "{text} should be rejected");
        }
    }
}
