//! Wade–Giles (as in Giles's dictionary, 1912, and the usual postal-era practice) to
//! Hanyu Pinyin, syllable by syllable: the initial and the final are read from the
//! published tables below and rewritten, with the context rules the system needs
//! (`ch` is `j` before i/ü but `zh` elsewhere; `-ih` and `-ŭ` are Pinyin `-i`; `ko` is
//! `ge`; `ien` is `ian`; `ung` is `ong`; ...). Apostrophes mark aspiration; when a writer
//! dropped them the unaspirated reading is taken (the name keys merge the two anyway).

/// Wade–Giles initials, longest first, with their Pinyin before i/ü and elsewhere.
const INITIALS: [(&str, &str, &str); 26] = [
    ("ch'", "q", "ch"),
    ("ts'", "c", "c"),
    ("tz'", "c", "c"),
    ("ch", "j", "zh"),
    ("hs", "x", "x"),
    ("k'", "k", "k"),
    ("p'", "p", "p"),
    ("t'", "t", "t"),
    ("ts", "z", "z"),
    ("tz", "z", "z"),
    ("sh", "sh", "sh"),
    ("ss", "s", "s"),
    ("sz", "s", "s"),
    ("k", "g", "g"),
    ("p", "b", "b"),
    ("t", "d", "d"),
    ("s", "s", "s"),
    ("j", "r", "r"),
    ("m", "m", "m"),
    ("f", "f", "f"),
    ("n", "n", "n"),
    ("l", "l", "l"),
    ("h", "h", "h"),
    ("y", "y", "y"),
    ("w", "w", "w"),
    ("", "", ""),
];

/// Wade–Giles finals and their Pinyin spelling (ü written u, as Pinyin does after j, q, x
/// and y; lü and nü lose the umlaut here, which the keys tolerate).
const FINALS: [(&str, &str); 43] = [
    ("a", "a"),
    ("ai", "ai"),
    ("an", "an"),
    ("ang", "ang"),
    ("ao", "ao"),
    ("e", "e"),
    ("eh", "e"),
    ("ei", "ei"),
    ("en", "en"),
    ("eng", "eng"),
    ("erh", "er"),
    ("i", "i"),
    ("ia", "ia"),
    ("iang", "iang"),
    ("iao", "iao"),
    ("ieh", "ie"),
    ("ien", "ian"),
    ("in", "in"),
    ("ing", "ing"),
    ("iu", "iu"),
    ("iung", "iong"),
    ("ih", "i"),
    ("o", "o"),
    ("ou", "ou"),
    ("u", "u"),
    ("ua", "ua"),
    ("uai", "uai"),
    ("uan", "uan"),
    ("uang", "uang"),
    ("uei", "ui"),
    ("ui", "ui"),
    ("un", "un"),
    ("ung", "ong"),
    ("uo", "uo"),
    ("ü", "u"),
    ("üan", "uan"),
    ("üeh", "ue"),
    ("ueh", "ue"),
    ("ün", "un"),
    ("ŭ", "i"),
    ("uen", "un"),
    ("iai", "iai"),
    ("io", "io"),
];

/// `y-` syllables whose Pinyin is not the plain letters.
const Y_SYLLABLES: [(&str, &str); 9] = [
    ("yu", "you"),
    ("yü", "yu"),
    ("yen", "yan"),
    ("yeh", "ye"),
    ("yung", "yong"),
    ("yüan", "yuan"),
    ("yün", "yun"),
    ("yüeh", "yue"),
    ("yi", "yi"),
];

fn normalise(syllable: &str) -> String {
    syllable
        .chars()
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' | '\u{02bc}' | '\u{02bb}' | '`' | '\u{b4}' => '\'',
            'ê' | 'é' | 'è' => 'e',
            'ǔ' => 'ŭ',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// One Wade–Giles syllable (lowercase, apostrophes and diacritics allowed) in Pinyin, or
/// `None` when it is not a Wade–Giles syllable.
pub fn syllable_to_pinyin(syllable: &str) -> Option<String> {
    let s = normalise(syllable);
    if let Some((_, pinyin)) = Y_SYLLABLES.iter().find(|(wg, _)| *wg == s) {
        return Some((*pinyin).to_owned());
    }
    for (initial, before_i, elsewhere) in INITIALS {
        let Some(rest) = s.strip_prefix(initial) else { continue };
        // Dropped apostrophes: "ts" and "t" must not swallow the aspiration mark.
        let rest = rest.strip_prefix('\'').unwrap_or(rest);
        if let Some(pinyin) = final_to_pinyin(initial, rest) {
            let front = rest.starts_with('i') && !rest.starts_with("ih") || rest.starts_with('ü');
            let pinyin_initial = if front { before_i } else { elsewhere };
            return Some(format!("{pinyin_initial}{pinyin}"));
        }
    }
    None
}

fn final_to_pinyin(initial: &str, rest: &str) -> Option<&'static str> {
    let bare = initial.trim_end_matches('\'');
    match rest {
        // -ih only after the retroflexes; -ŭ/-u as the "apical" vowel after the sibilants.
        "ih" if !matches!(bare, "ch" | "sh" | "j") => return None,
        "u" | "ŭ" if matches!(bare, "tz" | "ss" | "sz") => return Some("i"),
        "ŭ" if matches!(bare, "ts" | "s") => return Some("i"),
        "ŭ" => return None,
        "erh" if !initial.is_empty() => return None,
        "o" => {
            return Some(match bare {
                "k" | "h" | "" => "e",
                "p" | "m" | "f" | "w" | "y" => "o",
                _ => "uo",
            });
        }
        _ => {}
    }
    FINALS.iter().find(|(wg, _)| *wg == rest).map(|(_, pinyin)| *pinyin)
}

/// A word of one or more Wade–Giles syllables (`Tse-tung`, `Hsiao-p'ing`, `Tsetung`) in
/// Pinyin without separators, or `None` when it cannot be read as Wade–Giles.
pub fn word_to_pinyin(word: &str) -> Option<String> {
    let mut out = String::new();
    for part in word.split(['-', ' ']).filter(|p| !p.is_empty()) {
        if let Some(p) = syllable_to_pinyin(part) {
            out.push_str(&p);
            continue;
        }
        // Syllables written together: the first split where both halves are syllables.
        let chars: Vec<(usize, char)> = part.char_indices().collect();
        let split = chars.iter().skip(1).find_map(|&(at, _)| {
            let (head, tail) = part.split_at(at);
            Some((syllable_to_pinyin(head)?, syllable_to_pinyin(tail)?))
        });
        let (head, tail) = split?;
        out.push_str(&head);
        out.push_str(&tail);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wade_giles_names_in_pinyin() {
        let cases = [
            ("Mao", "mao"),
            ("Tse-tung", "zedong"),
            ("Chou", "zhou"),
            ("En-lai", "enlai"),
            ("Teng", "deng"),
            ("Hsiao-p'ing", "xiaoping"),
            ("P'eng", "peng"),
            ("Te-huai", "dehuai"),
            ("Chu", "zhu"),
            ("Teh", "de"),
            ("Lin", "lin"),
            ("Piao", "biao"),
            ("Kuo", "guo"),
            ("Mo-jo", "moruo"),
            ("Hsü", "xu"),
            ("Ssu-ma", "sima"),
            ("Tz'u-hsi", "cixi"),
            ("Ch'ing", "qing"),
            ("Chiang", "jiang"),
            ("Chang", "zhang"),
            ("Jen", "ren"),
            ("Ho", "he"),
            ("Lung", "long"),
            ("Yeh", "ye"),
            ("Chien-ying", "jianying"),
            ("Liu", "liu"),
            ("Shao-ch'i", "shaoqi"),
            ("Kao", "gao"),
            ("Kang", "gang"),
            ("Yüan", "yuan"),
            ("Hsieh", "xie"),
            ("Ch'en", "chen"),
            ("Yi", "yi"),
            ("Chih", "zhi"),
            ("Shih", "shi"),
            ("Tsetung", "zedong"),
            ("Hsiung", "xiong"),
            ("Kuei", "gui"),
            ("Erh", "er"),
            ("Tsu", "zu"),
            ("K'o", "ke"),
            ("Lo", "luo"),
        ];
        for (wade_giles, pinyin) in cases {
            assert_eq!(word_to_pinyin(&wade_giles.to_lowercase()).as_deref(), Some(pinyin), "{wade_giles}");
        }
    }

    #[test]
    fn not_wade_giles() {
        for word in ["zhang", "xiao", "qing", "gao", "dong", "smith", "tih"] {
            assert_eq!(word_to_pinyin(word), None, "{word}");
        }
    }
}
