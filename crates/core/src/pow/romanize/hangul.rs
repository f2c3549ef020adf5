//! Hangul syllables to Latin letters, by decomposing each syllable into its initial,
//! vowel and final (Unicode's arithmetic over the block U+AC00–U+D7A3), in the Revised
//! Romanization of Korean (2000) and in McCune–Reischauer (1939).
//!
//! Names are romanized syllable by syllable, as both systems do for personal names: no
//! sound changes across syllables.

const FIRST: u32 = 0xAC00;
const LAST: u32 = 0xD7A3;
const N_VOWELS: u32 = 21;
const N_FINALS: u32 = 28;

const RR_INITIALS: [&str; 19] =
    ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"];
const RR_VOWELS: [&str; 21] = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu",
    "ui", "i",
];
const FINALS: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t",
    "t", "k", "t", "p", "t",
];
const MR_INITIALS: [&str; 19] =
    ["k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch'", "k'", "t'", "p'", "h"];
const MR_VOWELS: [&str; 21] = [
    "a", "ae", "ya", "yae", "ŏ", "e", "yŏ", "ye", "o", "wa", "wae", "oe", "yo", "u", "wŏ", "we", "wi", "yu", "ŭ", "ŭi",
    "i",
];

/// The three parts of a Hangul syllable as table indices, or `None` for any other character.
pub fn decompose(c: char) -> Option<(usize, usize, usize)> {
    let code = u32::from(c);
    if !(FIRST..=LAST).contains(&code) {
        return None;
    }
    let index = code - FIRST;
    let initial = index / (N_VOWELS * N_FINALS);
    let vowel = (index % (N_VOWELS * N_FINALS)) / N_FINALS;
    let last = index % N_FINALS;
    Some((initial as usize, vowel as usize, last as usize))
}

/// Whether `c` is a precomposed Hangul syllable.
pub fn is_syllable(c: char) -> bool {
    (FIRST..=LAST).contains(&u32::from(c))
}

/// A Latin romanization system for Hangul.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum System {
    /// Revised Romanization of Korean (South Korea, 2000).
    Revised,
    /// McCune–Reischauer with its breves and apostrophes.
    McCuneReischauer,
}

/// One syllable in `system`; characters that are not Hangul syllables pass through.
pub fn syllable(c: char, system: System, out: &mut String) {
    let Some((initial, vowel, last)) = decompose(c) else {
        out.push(c);
        return;
    };
    match system {
        System::Revised => {
            out.push_str(RR_INITIALS[initial]);
            out.push_str(RR_VOWELS[vowel]);
        }
        System::McCuneReischauer => {
            // ㅅ before i and wi is written sh.
            let sh = initial == 9 && matches!(vowel, 16 | 20);
            out.push_str(if sh { "sh" } else { MR_INITIALS[initial] });
            out.push_str(MR_VOWELS[vowel]);
        }
    }
    out.push_str(FINALS[last]);
}

/// A run of Hangul in `system`, syllables joined with `separator` (`"-"` for given names
/// in the McCune–Reischauer habit, `""` in the Revised habit).
pub fn romanize(text: &str, system: System, separator: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut previous_syllable = false;
    for c in text.chars() {
        let now = is_syllable(c);
        if now && previous_syllable {
            out.push_str(separator);
        }
        syllable(c, system, &mut out);
        previous_syllable = now;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_in_both_systems() {
        let cases = [
            ("김", "gim", "kim"),
            ("일성", "ilseong", "il-sŏng"),
            ("정", "jeong", "chŏng"),
            ("최", "choe", "ch'oe"),
            ("박", "bak", "pak"),
            ("이", "i", "i"),
            ("리", "ri", "ri"),
            ("신", "sin", "shin"),
            ("은", "eun", "ŭn"),
            ("희", "hui", "hŭi"),
            ("쯔", "jjeu", "tchŭ"),
            ("권", "gwon", "kwŏn"),
            ("태", "tae", "t'ae"),
            ("닭", "dak", "tak"),
        ];
        for (hangul, rr, mr) in cases {
            assert_eq!(romanize(hangul, System::Revised, ""), rr, "{hangul}");
            assert_eq!(romanize(hangul, System::McCuneReischauer, "-"), mr, "{hangul}");
        }
    }

    #[test]
    fn other_characters_pass_through() {
        assert_eq!(romanize("김 A", System::Revised, ""), "gim A");
        assert_eq!(decompose('A'), None);
        assert_eq!(decompose('가'), Some((0, 0, 0)));
        assert_eq!(decompose('힣'), Some((18, 20, 27)));
    }
}
