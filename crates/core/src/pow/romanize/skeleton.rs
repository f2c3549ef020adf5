//! Canonical keys: a name written in any Latin romanization, reduced to the sounds that
//! every system writes the same way, so that spellings of one name become one string.
//!
//! Two reductions, because Korean and Chinese romanizations differ in different places:
//!
//! - [`korean`]: Revised Romanization, McCune–Reischauer (with or without breves and
//!   apostrophes) and ad-hoc spellings meet. Plain and aspirated stops merge (k/g/k',
//!   t/d/t', p/b/p', ch/j/ch'), ŏ/eo/o/u/oo/ŭ/eu merge (Sung, Seong, Sŏng, Song), ee and
//!   i merge, oi and oe merge (Choi, Choe), r before a consonant is silent (Park, Pak),
//!   h after a vowel and before a consonant is silent (Ahn, Oh), and a name's initial
//!   r/l is dropped before i/y and read n elsewhere, as South Korea writes it (Rhee, Lee,
//!   Ri, Yi and I are one name; Ryu is Yu; Roh is No).
//! - [`chinese`]: Pinyin after Wade–Giles conversion. Aspirated and plain stops and
//!   affricates merge in pairs (b/p, d/t, g/k, zh/ch, z/c, j/q), because writers drop the
//!   Wade–Giles apostrophe that tells them apart; vowels are kept.
//!
//! The output is a string of symbols, not a spelling: compare keys only with keys of the
//! same reduction.

/// Lowercase ASCII letters of a Latin name, with McCune–Reischauer breves spelled as the
/// Revised Romanization spells them (ŏ → eo, but wŏ → wo; ŭ → eu), other diacritics dropped (ü → u,
/// Pinyin tone marks), apostrophes, hyphens and other punctuation removed, and Cyrillic
/// transliterated letter by letter.
pub fn fold(text: &str) -> String {
    fold_with(text, false)
}

/// [`fold`], but keeping the syllable breaks the writer marked: each run of hyphens and
/// spaces becomes one `-`. [`korean`] reads them: a vowel pair across a break is two
/// sounds (MR ka-ŏ is 가어, not 개오), while consonants read through it.
pub fn fold_syllables(text: &str) -> String {
    fold_with(text, true)
}

fn fold_with(text: &str, breaks: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'a'..='z' => out.push(c),
            '-' | '\u{2010}' | '\u{2011}' | ' ' | '\t' if breaks && !out.is_empty() && !out.ends_with('-') => {
                out.push('-')
            }
            '-' | '\u{2010}' | '\u{2011}' | ' ' | '\t' if breaks => {}
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            // McCune–Reischauer wŏ is Revised wo.
            'ŏ' | 'Ŏ' if out.ends_with('w') => out.push('o'),
            'ŏ' | 'Ŏ' => out.push_str("eo"),
            'ŭ' | 'Ŭ' => out.push_str("eu"),
            'á' | 'à' | 'â' | 'ä' | 'ā' | 'ǎ' | 'ã' | 'å' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ā' | 'Ǎ' => {
                out.push('a')
            }
            'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ě' | 'É' | 'È' | 'Ê' | 'Ë' | 'Ē' | 'Ě' => out.push('e'),
            'í' | 'ì' | 'î' | 'ï' | 'ī' | 'ǐ' | 'Í' | 'Ì' | 'Î' | 'Ï' | 'Ī' | 'Ǐ' => out.push('i'),
            'ó' | 'ò' | 'ô' | 'ö' | 'ō' | 'ǒ' | 'õ' | 'ø' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Ō' | 'Ǒ' => {
                out.push('o')
            }
            'ú' | 'ù' | 'û' | 'ü' | 'ū' | 'ǔ' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' | 'Ú' | 'Ù' | 'Û' | 'Ü' | 'Ū' | 'Ǔ' => {
                out.push('u')
            }
            'ñ' | 'Ñ' => out.push('n'),
            'ç' | 'Ç' => out.push('c'),
            'ß' => out.push_str("ss"),
            c if ('\u{400}'..='\u{44f}').contains(&c) || c == 'ё' || c == 'Ё' => out.push_str(cyrillic(c)),
            _ => {}
        }
    }
    if out.ends_with('-') {
        out.pop();
    }
    out
}

/// Russian Cyrillic letter by letter (a plain scholarly-style table; Korean names in
/// Cyrillic follow the Kontsevich system, which this approximates: Ким → kim).
fn cyrillic(c: char) -> &'static str {
    let lower = c.to_lowercase().next().unwrap_or(c);
    match lower {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'ё' => "yo",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ы' => "y",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        _ => "",
    }
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'w')
}

fn push(out: &mut String, symbol: char) {
    if !out.ends_with(symbol) {
        out.push(symbol);
    }
}

/// The Korean key of one name part (a surname, or a whole given name), from text already
/// [`fold`]ed.
pub fn korean(folded: &str) -> String {
    // The letters alone, and where the writer marked a syllable break before a letter.
    let mut b = Vec::with_capacity(folded.len());
    let mut cut = Vec::with_capacity(folded.len());
    let mut broken = false;
    for &byte in folded.as_bytes() {
        if byte == b'-' {
            broken = !b.is_empty();
        } else {
            b.push(byte);
            cut.push(broken);
            broken = false;
        }
    }
    let b = b.as_slice();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    // A vowel's neighbour within its syllable: nothing across a marked break.
    let joined = |i: usize| if cut.get(i).copied().unwrap_or(false) { 0 } else { at(i) };
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    // The initial-sound rule: a name's initial r/l is dropped before i and y, and is n
    // before other vowels.
    let liquid = if b.starts_with(b"rh") {
        2
    } else if matches!(at(0), b'r' | b'l') {
        1
    } else {
        0
    };
    if liquid > 0 {
        match at(liquid) {
            b'i' | b'y' => i = liquid,
            b'e' if joined(liquid + 1) == b'e' => i = liquid,
            b'a' | b'e' | b'o' | b'u' | b'w' => {
                out.push('N');
                i = liquid;
            }
            _ => {}
        }
    }
    // Ad-hoc Woo for 우 (u): a name's initial w before oo or u is not a sound of its
    // own (but Won, 원, keeps it).
    if i == 0 && at(0) == b'w' && (joined(1) == b'u' || (joined(1) == b'o' && joined(2) == b'o')) {
        i = 1;
    }
    while i < b.len() {
        let c = b[i];
        let next = at(i + 1);
        // Vowel pairs are read within a syllable only; consonants read through a break.
        let (vnext, vafter) = (joined(i + 1), if joined(i + 1) == 0 { 0 } else { joined(i + 2) });
        let step = match c {
            b'e' if vnext == b'u' && vafter == b'i' => (Some('I'), 3),
            b'e' if vnext == b'o' || vnext == b'u' => (Some('O'), 2),
            b'e' if vnext == b'e' => (Some('I'), 2),
            b'e' => (Some('E'), 1),
            b'a' if vnext == b'e' || vnext == b'i' => (Some('E'), 2),
            b'a' => (Some('A'), 1),
            // oe/oi (Choe, Choi), but not o + eo/eu across a syllable (gwo-eo).
            // No w + oe either: Korean has no such syllable, so gwoe is gwo-e.
            b'o' if ((vnext == b'e' && !matches!(vafter, b'o' | b'u')) || vnext == b'i')
                && (i == 0 || b[i - 1] != b'w') =>
            {
                push(&mut out, 'W');
                (Some('E'), 2)
            }
            b'o' | b'u' if vnext == b'i' && c == b'u' => (Some('I'), 2),
            b'o' | b'u' => (Some('O'), 1),
            b'i' => (Some('I'), 1),
            b'y' if vnext == b'i' || (vnext == b'e' && vafter == b'e') => (None, 1),
            b'y' if is_vowel(next) => (Some('Y'), 1),
            b'y' => (Some('I'), 1),
            b'w' if is_vowel(next) => (Some('W'), 1),
            b'w' => (None, 1),
            b'c' if next == b'h' => (Some('C'), 2),
            b'c' if next == b'k' => (Some('K'), 2),
            // An affricate spelled tch/ts/tz is one sound only within a syllable.
            b't' if joined(i + 1) == b'c' && at(i + 2) == b'h' => (Some('C'), 3),
            b't' if joined(i + 1) == b's' || joined(i + 1) == b'z' => (Some('C'), 2),
            b'c' | b'j' | b'z' => (Some('C'), 1),
            b'k' | b'g' | b'q' if next == b'h' => (Some('K'), 2),
            b'k' | b'g' | b'q' => (Some('K'), 1),
            b't' | b'd' if next == b'h' => (Some('T'), 2),
            b't' | b'd' => (Some('T'), 1),
            b'p' | b'b' | b'f' | b'v' if next == b'h' => (Some('P'), 2),
            b'p' | b'b' | b'f' | b'v' => (Some('P'), 1),
            b's' | b'x' if next == b'h' => (Some('S'), 2),
            b's' | b'x' => (Some('S'), 1),
            b'h' if i > 0 && is_vowel(b[i - 1]) && !is_vowel(next) => (None, 1),
            b'h' => (Some('H'), 1),
            b'r' if is_vowel(next) => (Some('L'), 1),
            b'r' => (None, 1),
            b'l' => (Some('L'), 1),
            // ng before a vowel is ambiguous (hang-a or han-ga): read it as n + g, the
            // same whichever way the syllables were cut.
            b'n' if next == b'g' && !is_vowel(at(i + 2)) => (Some('G'), 2),
            b'n' => (Some('N'), 1),
            b'm' => (Some('M'), 1),
            _ => (None, 1),
        };
        if let Some(symbol) = step.0 {
            push(&mut out, symbol);
        }
        i += step.1;
    }
    out
}

/// The Chinese key of one name part, from Pinyin already [`fold`]ed (convert Wade–Giles
/// first with [`super::wade_giles::word_to_pinyin`]).
pub fn chinese(folded: &str) -> String {
    let b = folded.as_bytes();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = at(i + 1);
        let (symbol, step) = match c {
            b'z' | b'c' if next == b'h' => ('C', 2),
            b'z' | b'c' => ('Z', 1),
            b's' if next == b'h' => ('S', 2),
            b'j' | b'q' => ('J', 1),
            b'b' | b'p' => ('B', 1),
            b'd' | b't' => ('D', 1),
            b'g' | b'k' => ('G', 1),
            b'n' if next == b'g' => ('N', 2),
            b'v' => ('u', 1),
            c => (char::from(c), 1),
        };
        // Doubled vowels and letters are typos or spelling habits, not sounds.
        push(&mut out, symbol);
        i += step;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pow::romanize::hangul;

    fn same_korean(spellings: &[&str]) {
        let keys: Vec<String> = spellings.iter().map(|s| korean(&fold_syllables(s))).collect();
        for (spelling, key) in spellings.iter().zip(&keys) {
            assert_eq!(key, &keys[0], "{spelling} vs {}", spellings[0]);
        }
    }

    #[test]
    fn korean_spellings_meet() {
        let groups: &[&[&str]] = &[
            &["Lee", "Yi", "Rhee", "I", "Ri", "Li", "LEE", "Yee"],
            &["Chung", "Jeong", "Jung", "Chŏng", "Cheong", "Chong"],
            &["Kim", "Gim", "KIM"],
            &["Park", "Pak", "Bak", "Pack", "Bahk"],
            &["Choi", "Choe", "Ch'oe", "Chʻoe"],
            &["Il-sung", "Ilseong", "Il-sŏng", "Il Song", "Ilsung", "il-seong"],
            &["Ryu", "Yu", "Yoo", "Yoo"],
            &["Roh", "No", "Noh"],
            &["Lim", "Im", "Rim", "Yim"],
            &["Ahn", "An"],
            &["Woo", "U", "Wu"],
            &["Won", "Wŏn", "Weon"],
            &["Gwoeo", "Kwŏ-ŏ", "Kwo-o"],
            &["Gwoe", "Kwŏ-e"],
            &["Shin", "Sin"],
            &["Hyun", "Hyeon", "Hyŏn"],
            &["Kwon", "Gwon", "Kwŏn", "K'won"],
            &["Young", "Yeong", "Yŏng", "Yong"],
            &["Hee", "Hui", "Hŭi", "Heui"],
            &["Jae", "Chae", "Jai"],
            &["Heon-yeong", "Hŏn-yŏng", "Hon-yong", "Honyong"],
        ];
        for group in groups {
            same_korean(group);
        }
    }

    /// Every two-syllable given name, in Hangul and in McCune–Reischauer with or without
    /// breves, gets one key: the join of the syllables is where spellings go wrong (ka-ŏ is
    /// 가어, not 개오), so every first syllable (each final sound) meets every second.
    #[test]
    fn hangul_and_mccune_reischauer_meet_at_every_join() {
        let syllable =
            |initial: u32, vowel: u32, last: u32| char::from_u32(0xAC00 + (initial * 21 + vowel) * 28 + last);
        let firsts: Vec<char> = (0..19)
            .flat_map(|i| (0..21).flat_map(move |v| [0, 1, 4, 7, 8, 16, 17, 21].map(|f| (i, v, f))))
            .filter_map(|(i, v, f)| syllable(i, v, f))
            .collect();
        let seconds: Vec<char> =
            (0..19).flat_map(|i| (0..21).map(move |v| (i, v))).filter_map(|(i, v)| syllable(i, v, 0)).collect();
        let mut wrong = Vec::new();
        for &a in &firsts {
            for &b in &seconds {
                let given = format!("{a}{b}");
                let key = korean(&fold_syllables(&hangul::romanize(&given, hangul::System::Revised, "-")));
                let mr = hangul::romanize(&given, hangul::System::McCuneReischauer, "-");
                let plain = mr.replace('ŏ', "o").replace('ŭ', "u").replace('\'', "");
                for spelling in [mr, plain] {
                    if korean(&fold_syllables(&spelling)) != key && wrong.len() < 10 {
                        wrong.push(format!("{given} {spelling}"));
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:?}");
    }

    #[test]
    fn syllable_breaks_are_kept_once_and_only_inside() {
        assert_eq!(fold_syllables(" Il-sŏng  Kim- "), "il-seong-kim");
        assert_eq!(fold("Il-sŏng"), "ilseong");
        // A marked break keeps o and i apart; unmarked, "oi" is the diphthong of Choi.
        assert_eq!(korean(&fold_syllables("Ko-i")), "KOI");
        assert_eq!(korean(&fold_syllables("Koi")), "KWE");
        assert_ne!(korean(&fold_syllables("ka-o")), korean(&fold_syllables("kae-o")));
    }

    #[test]
    fn different_korean_names_stay_apart() {
        let pairs = [("Kim", "Lee"), ("Park", "Pang"), ("Han", "Hwang"), ("Il-sung", "Il-sun"), ("Min", "Mun")];
        for (a, b) in pairs {
            assert_ne!(korean(&fold(a)), korean(&fold(b)), "{a} {b}");
        }
    }

    #[test]
    fn fold_spells_breves_the_revised_way() {
        let cases = [
            ("Ch'ŏng-ŭn", "cheongeun"),
            ("Nü", "nu"),
            ("Máo Zédōng", "maozedong"),
            ("Ким Ир Сен", "kimirsen"),
            ("O'Brien", "obrien"),
        ];
        for (text, folded) in cases {
            assert_eq!(fold(text), folded, "{text}");
        }
    }

    #[test]
    fn chinese_keys_merge_only_aspiration() {
        assert_eq!(chinese("zhang"), chinese("chang"));
        assert_eq!(chinese("zedong"), chinese("cedong"));
        assert_eq!(chinese("jiang"), chinese("qiang"));
        assert_ne!(chinese("xu"), chinese("su"));
        assert_ne!(chinese("lin"), chinese("yin"));
        assert_ne!(chinese("zhang"), chinese("zang"));
    }
}
