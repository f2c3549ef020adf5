//! Romanization: the writing systems prisoners' names arrive in, turned into Latin
//! letters and then into canonical keys that equate the spellings of one name.
//!
//! - `hangul`: Hangul syllables decomposed and written in Revised Romanization or
//!   McCune–Reischauer.
//! - `hanja`: Korean readings of Chinese characters, for Korean names written in them.
//! - `wade_giles`: Wade–Giles syllables to Pinyin.
//! - `skeleton`: the canonical keys (one Korean, one Chinese reduction) and the folding
//!   of diacritics, punctuation and Cyrillic that comes first.
//!
//! Chinese characters are read in Pinyin by the `pinyin` crate (see [`pinyin_of`]).

pub mod hangul;
pub mod hanja;
pub mod skeleton;
pub mod wade_giles;

use pinyin::ToPinyin;

/// The Pinyin of Chinese characters, syllables run together, each character's most
/// common reading; `None` if a character has no reading.
pub fn pinyin_of(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars().filter(|c| !c.is_whitespace() && !matches!(c, '-' | '·' | '・')) {
        out.push_str(c.to_pinyin()?.plain());
    }
    Some(out)
}

/// Whether `c` is a CJK unified ideograph (a Chinese character, hanja or kanji).
pub fn is_han(c: char) -> bool {
    matches!(u32::from(c), 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_in_pinyin() {
        let cases = [("毛泽东", Some("maozedong")), ("彭德怀", Some("pengdehuai")), ("金日成", Some("jinricheng"))];
        for (text, pinyin) in cases {
            assert_eq!(pinyin_of(text).as_deref(), pinyin, "{text}");
        }
        assert_eq!(pinyin_of("A"), None);
        assert!(is_han('金') && !is_han('김') && !is_han('K'));
    }
}
