//! A list entry's names as canonical keys, and how alike two entries' names are.
//!
//! Each entry gets a few keys: its Latin name reduced the Korean way and the Chinese way
//! (and once more after reading it as Wade–Giles), its Hangul in Revised Romanization,
//! its Chinese characters read in Korean (hanja) and in Pinyin. Nationality narrows the
//! choice: a Korean's name is not read as Chinese, nor a Chinese name as Korean. Two
//! entries are compared on the keys of the same reduction, in both name orders, with
//! Jaro–Winkler similarity (`strsim`) for typos; the best pair of keys says how the names
//! were equated. Plain string similarity fails on romanizations (Jaro–Winkler gives
//! Lee/Yi 0 and Chung/Jeong 0.6); on the keys both are 1.

use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;

use super::list::ListEntry;
use super::romanize::{hangul, hanja, is_han, pinyin_of, skeleton, wade_giles};

/// Which reduction a key was made by; keys compare only within one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Tradition {
    Korean,
    Chinese,
}

/// How a key was read from what the list wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum How {
    /// Latin letters as written (any romanization; diacritics and apostrophes folded).
    AsWritten,
    /// Latin letters read as Wade–Giles and converted to Pinyin.
    WadeGiles,
    /// Cyrillic letters transliterated.
    Cyrillic,
    /// Hangul in Revised Romanization.
    Hangul,
    /// Chinese characters read in Korean (hanja readings).
    HanjaReading,
    /// Chinese characters read in Pinyin.
    Pinyin,
}

impl fmt::Display for How {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            How::AsWritten => "as written",
            How::WadeGiles => "Wade-Giles to Pinyin",
            How::Cyrillic => "Cyrillic transliterated",
            How::Hangul => "Hangul romanized",
            How::HanjaReading => "characters read in Korean",
            How::Pinyin => "characters in Pinyin",
        })
    }
}

/// A name reduced to its canonical key: the surname and the given name, each a string of
/// sound symbols (see [`skeleton`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NameKey {
    pub tradition: Tradition,
    pub family: String,
    pub given: String,
    pub how: How,
}

/// Whose naming customs apply, from the nationality column or the script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    Korean,
    Chinese,
    Unknown,
}

impl Hint {
    /// Read a nationality as written on a list (`KOR`, `North Korean`, `DPRK`, `ROK`,
    /// `KPA`, `CHN`, `Chinese`, `PRC`, `CPV`, ...).
    pub fn from_nationality(nationality: Option<&str>) -> Self {
        let Some(text) = nationality else { return Hint::Unknown };
        let text = text.trim().to_ascii_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| text == *w || text.contains(w));
        if has(&["kor", "dprk", "rok", "kpa", "조선", "한국", "韓", "朝"]) {
            Hint::Korean
        } else if has(&["chin", "prc", "cpv", "chn", "中", "华"]) {
            Hint::Chinese
        } else {
            Hint::Unknown
        }
    }

    fn korean(self) -> bool {
        self != Hint::Chinese
    }

    fn chinese(self) -> bool {
        self != Hint::Korean
    }
}

/// All the keys of one entry's names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameKeys {
    pub keys: Vec<NameKey>,
}

impl NameKeys {
    /// The keys of a list entry: its Latin name (`family_name`/`given_name`, or `name`
    /// split into surname and given name) and its `name_native`.
    pub fn of_entry(entry: &ListEntry) -> Self {
        let hint = Hint::from_nationality(entry.nationality.as_deref());
        let mut keys = NameKeys::default();
        let latin = match (&entry.family_name, &entry.given_name, &entry.name) {
            (None, None, Some(name)) => Some(split_name(name)),
            (None, None, None) => None,
            (family, given, _) => {
                Some((family.as_deref().unwrap_or("").to_owned(), given.as_deref().unwrap_or("").to_owned()))
            }
        };
        if let Some((family, given)) = latin {
            keys.add_written(&family, &given, hint);
        }
        if let Some(native) = &entry.name_native {
            let (family, given) = split_name(native);
            keys.add_written(&family, &given, hint);
        }
        keys.keys
            .sort_by(|x, y| (x.tradition, x.how, &x.family, &x.given).cmp(&(y.tradition, y.how, &y.family, &y.given)));
        keys.keys.dedup_by(|x, y| x.tradition == y.tradition && x.family == y.family && x.given == y.given);
        keys
    }

    /// Keys of a name already split into surname and given name, in any script.
    pub fn of_name(family: &str, given: &str, hint: Hint) -> Self {
        let mut keys = NameKeys::default();
        keys.add_written(family, given, hint);
        keys
    }

    fn push(&mut self, tradition: Tradition, family: String, given: String, how: How) {
        if family.is_empty() && given.is_empty() {
            return;
        }
        self.keys.push(NameKey { tradition, family, given, how });
    }

    fn add_written(&mut self, family: &str, given: &str, hint: Hint) {
        let text = || family.chars().chain(given.chars());
        if text().any(hangul::is_syllable) {
            self.push(Tradition::Korean, hangul_key(family), hangul_key(given), How::Hangul);
        } else if text().any(is_han) {
            if hint.korean()
                && let Some((family_hangul, given_hangul)) = hanja::read_name(family, given)
            {
                self.push(Tradition::Korean, hangul_key(&family_hangul), hangul_key(&given_hangul), How::HanjaReading);
            }
            if hint.chinese()
                && let (Some(f), Some(g)) = (pinyin_of(family), pinyin_of(given))
            {
                self.push(Tradition::Chinese, skeleton::chinese(&f), skeleton::chinese(&g), How::Pinyin);
            }
        } else {
            let how = if text().any(|c| ('\u{400}'..='\u{4ff}').contains(&c)) { How::Cyrillic } else { How::AsWritten };
            let (f, g) = (skeleton::fold(family), skeleton::fold(given));
            if hint.korean() {
                let key = |part: &str| skeleton::korean(&skeleton::fold_syllables(part));
                self.push(Tradition::Korean, key(family), key(given), how);
            }
            if hint.chinese() {
                let as_written = (skeleton::chinese(&f), skeleton::chinese(&g));
                let read = |part: &str, folded: &str| {
                    wade_giles::word_to_pinyin(&part.to_lowercase())
                        .map_or_else(|| skeleton::chinese(folded), |p| skeleton::chinese(&skeleton::fold(&p)))
                };
                let wade_giles = (read(family, &f), read(given, &g));
                if wade_giles != as_written {
                    self.push(Tradition::Chinese, wade_giles.0, wade_giles.1, How::WadeGiles);
                }
                self.push(Tradition::Chinese, as_written.0, as_written.1, how);
            }
        }
    }
}

/// The Korean key of a name part in Hangul, read syllable by syllable: the syllables are
/// known, so no vowel pair is read across them.
fn hangul_key(part: &str) -> String {
    skeleton::korean(&skeleton::fold_syllables(&hangul::romanize(part, hangul::System::Revised, "-")))
}

const DOUBLE_SURNAMES: [&str; 24] = [
    "남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방", "南宮", "皇甫", "諸葛", "鮮于", "獨孤", "司空",
    "西門", "東方", "欧阳", "歐陽", "司马", "司馬", "诸葛", "上官", "夏侯", "慕容",
];

/// Common Chinese surnames (simplified), to tell which end of a Latin name is the surname.
const CHINESE_SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤聂";

struct SurnameKeys {
    korean: HashSet<String>,
    chinese: HashSet<String>,
}

fn surname_keys() -> &'static SurnameKeys {
    static KEYS: OnceLock<SurnameKeys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let korean = hanja::surname_readings()
            .map(|c| skeleton::korean(&skeleton::fold(&hangul::romanize(&c.to_string(), hangul::System::Revised, ""))))
            .collect();
        let chinese =
            CHINESE_SURNAMES.chars().filter_map(|c| pinyin_of(&c.to_string())).map(|p| skeleton::chinese(&p)).collect();
        SurnameKeys { korean, chinese }
    })
}

fn is_known_surname(word: &str) -> bool {
    let folded = skeleton::fold(word);
    let keys = surname_keys();
    keys.korean.contains(&skeleton::korean(&folded)) || keys.chinese.contains(&skeleton::chinese(&folded))
}

/// Split a name written in one cell into (surname, given name). `Family, Given` is
/// explicit; an all-capitals word among mixed-case ones is the surname (`Il Sung KIM`);
/// otherwise the surname comes first (the Korean and Chinese order) unless only the last
/// word is a known surname. Hangul and Chinese characters written without spaces give
/// their first syllable (two for the double surnames) as the surname.
pub fn split_name(name: &str) -> (String, String) {
    let name = name.trim();
    if let Some((family, given)) = name.split_once(',') {
        return (family.trim().to_owned(), given.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.as_slice() {
        [] => (String::new(), String::new()),
        [one] => {
            if one.chars().any(|c| hangul::is_syllable(c) || is_han(c)) {
                let width = if DOUBLE_SURNAMES.iter().any(|d| one.starts_with(d)) { 2 } else { 1 };
                let cut = one.char_indices().nth(width).map_or(one.len(), |(at, _)| at);
                (one[..cut].to_owned(), one[cut..].to_owned())
            } else {
                ((*one).to_owned(), String::new())
            }
        }
        [first, .., last] => {
            let capitals = |w: &str| w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase);
            let n_capitals = words.iter().filter(|w| capitals(w)).count();
            let last_is_family =
                if n_capitals == 1 { capitals(last) } else { !is_known_surname(first) && is_known_surname(last) };
            if last_is_family {
                ((*last).to_owned(), words[..words.len() - 1].join(" "))
            } else {
                ((*first).to_owned(), words[1..].join(" "))
            }
        }
    }
}

/// How two entries' names agreed: the best pair of keys.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NameAgreement {
    /// 0–1: 0.4 × surname + 0.6 × given name (the surname alone when a given name is
    /// missing), Jaro–Winkler on the keys.
    pub similarity: f64,
    pub family: f64,
    pub given: Option<f64>,
    /// The surname of one matched the given name of the other.
    pub swapped: bool,
    pub tradition: Tradition,
    pub how_a: How,
    pub how_b: How,
}

impl fmt::Display for NameAgreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tradition = match self.tradition {
            Tradition::Korean => "Korean",
            Tradition::Chinese => "Chinese",
        };
        let level = if self.similarity >= 0.9999 { "same" } else { "similar" };
        write!(f, "{level} {tradition} key ({:.2}; {} ~ {}", self.similarity, self.how_a, self.how_b)?;
        if self.swapped {
            f.write_str(", order swapped")?;
        }
        f.write_str(")")
    }
}

fn combine(family: f64, given: Option<f64>) -> f64 {
    match given {
        Some(g) => 0.4 * family + 0.6 * g,
        None => family,
    }
}

fn compare_keys(x: &NameKey, y: &NameKey) -> (f64, f64, Option<f64>, bool) {
    if x.family == y.family && x.given == y.given {
        let given = (!x.given.is_empty()).then_some(1.0);
        return (1.0, 1.0, given, false);
    }
    let jw = strsim::jaro_winkler;
    match (x.given.is_empty(), y.given.is_empty()) {
        (false, false) => {
            let (f, g) = (jw(&x.family, &y.family), jw(&x.given, &y.given));
            let direct = combine(f, Some(g));
            if direct >= 0.95 {
                return (direct, f, Some(g), false);
            }
            let (f2, g2) = (jw(&x.family, &y.given), jw(&x.given, &y.family));
            // A swap must explain both halves, and is trusted a little less.
            let swapped = combine(f2, Some(g2)) - 0.02;
            if swapped > direct { (swapped, f2, Some(g2), true) } else { (direct, f, Some(g), false) }
        }
        (true, true) => {
            let f = jw(&x.family, &y.family);
            (f, f, None, false)
        }
        // One side gave no given name, or wrote the whole name as one word: the better
        // of surname against surname and whole against whole.
        _ => {
            let whole = |k: &NameKey| format!("{}{}", k.family, k.given);
            let f = jw(&x.family, &y.family).max(jw(&whole(x), &whole(y)) - 0.02);
            (f, f, None, false)
        }
    }
}

/// The best agreement between two entries' names over keys of the same tradition, or
/// `None` when they share no tradition (or one has no name keys).
pub fn compare(a: &NameKeys, b: &NameKeys) -> Option<NameAgreement> {
    let mut best: Option<NameAgreement> = None;
    for x in &a.keys {
        for y in b.keys.iter().filter(|y| y.tradition == x.tradition) {
            let (similarity, family, given, swapped) = compare_keys(x, y);
            if best.is_none_or(|b| similarity > b.similarity) {
                best = Some(NameAgreement {
                    similarity,
                    family,
                    given,
                    swapped,
                    tradition: x.tradition,
                    how_a: x.how,
                    how_b: y.how,
                });
                if similarity >= 1.0 {
                    return best;
                }
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, native: &str, nationality: &str) -> ListEntry {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        ListEntry {
            id: "x".into(),
            name: some(name),
            name_native: some(native),
            nationality: some(nationality),
            ..ListEntry::default()
        }
    }

    fn similarity(a: &ListEntry, b: &ListEntry) -> f64 {
        compare(&NameKeys::of_entry(a), &NameKeys::of_entry(b)).map_or(0.0, |m| m.similarity)
    }

    /// One way of writing a person: name, name in its own script, nationality.
    type Written<'a> = (&'a str, &'a str, &'a str);

    /// Each row: two ways of writing one person.
    #[test]
    fn one_person_in_every_system() {
        let same: &[(Written, Written)] = &[
            // Korean: Revised, McCune–Reischauer with and without breves, ad hoc, Hangul, hanja.
            (("Kim Il-sung", "", "KOR"), ("Gim Il-seong", "", "KOR")),
            (("Kim Il-sung", "", ""), ("Kim Il-sŏng", "", "")),
            (("Kim Il Song", "", "DPRK"), ("Gim Ilseong", "", "KOR")),
            (("Kim Il-sung", "", "KOR"), ("", "김일성", "KOR")),
            (("Kim Il-sung", "", "KOR"), ("", "金日成", "North Korean")),
            (("", "金日成", "KPA"), ("", "김일성", "")),
            (("Pak Hŏn-yŏng", "", ""), ("Park Heon-yeong", "", "")),
            (("Pak Hon-yong", "", "KOR"), ("", "朴憲永", "KOR")),
            (("Ch'oe Yong-gŏn", "", ""), ("Choi Yong-geon", "", "")),
            (("Choe Yong-gon", "", "KOR"), ("", "최용건", "")),
            (("Lee Sun-ok", "", ""), ("Yi Sun-ok", "", "")),
            (("Rhee Sun-ok", "", ""), ("I Sun-ok", "", "")),
            (("Ri Sun-ok", "", "KOR"), ("", "이순옥", "")),
            (("Chung Il-kwon", "", ""), ("Jeong Il-gwon", "", "")),
            (("Jung Il-kwon", "", ""), ("Chŏng Il-kwŏn", "", "")),
            (("Ryu Chang-sik", "", "KOR"), ("Yu Ch'ang-shik", "", "KOR")),
            // Chinese: Pinyin, Wade–Giles with and without apostrophes, characters.
            (("Mao Zedong", "", "CHN"), ("Mao Tse-tung", "", "CHN")),
            (("Mao Zedong", "", ""), ("", "毛泽东", "CPV")),
            (("Peng Dehuai", "", "Chinese"), ("P'eng Te-huai", "", "Chinese")),
            (("Peng Dehuai", "", "Chinese"), ("Peng Te-huai", "", "Chinese")),
            (("", "彭德怀", "CPV"), ("P'eng Te-huai", "", "")),
            (("Zhou Enlai", "", ""), ("Chou En-lai", "", "")),
            (("Deng Xiaoping", "", "PRC"), ("Teng Hsiao-p'ing", "", "PRC")),
            (("He Long", "", "CHN"), ("Ho Lung", "", "CHN")),
            (("Ren Bishi", "", "CHN"), ("Jen Pi-shih", "", "CHN")),
            // Order swapped, commas, capitals, hyphens and spaces.
            (("Il-sung Kim", "", ""), ("Kim Il-sung", "", "")),
            (("KIM, Il Sung", "", ""), ("Kim Il-sung", "", "")),
            (("Il Sung KIM", "", ""), ("kim ilsung", "", "")),
            (("Zedong Mao", "", "CHN"), ("Mao Tse-tung", "", "CHN")),
        ];
        for (a, b) in same {
            let (a, b) = (entry(a.0, a.1, a.2), entry(b.0, b.1, b.2));
            assert!(similarity(&a, &b) >= 0.99, "{a:?} {b:?}: {}", similarity(&a, &b));
            assert!(similarity(&b, &a) >= 0.99, "symmetric: {a:?} {b:?}");
        }
    }

    #[test]
    fn surnames_equal_under_the_keys_but_not_as_strings() {
        for (x, y) in
            [("Lee", "Yi"), ("Lee", "Rhee"), ("Yi", "I"), ("Chung", "Jeong"), ("Jung", "Chung"), ("Park", "Bak")]
        {
            let keys = |s: &str| NameKeys::of_name(s, "", Hint::Korean);
            assert_eq!(compare(&keys(x), &keys(y)).map(|m| m.similarity), Some(1.0), "{x} {y}");
        }
        assert_eq!(strsim::jaro_winkler("Lee", "Yi"), 0.0);
    }

    #[test]
    fn typos_are_close_and_other_people_are_far() {
        let close =
            [("Kim Il-sung", "Kim Il-sumg"), ("Park Chung-hee", "Prak Chung-hee"), ("Mao Zedong", "Mao Zedogn")];
        for (a, b) in close {
            let s = similarity(&entry(a, "", ""), &entry(b, "", ""));
            assert!((0.9..1.0).contains(&s), "{a} {b}: {s}");
        }
        let far = [("Kim Il-sung", "Pak Hon-yong"), ("Mao Zedong", "Zhou Enlai"), ("Lee Sun-ok", "Kim Chang-sik")];
        for (a, b) in far {
            let s = similarity(&entry(a, "", ""), &entry(b, "", ""));
            assert!(s < 0.75, "{a} {b}: {s}");
        }
    }

    #[test]
    fn korean_names_in_characters_are_not_read_as_pinyin() {
        let keys = NameKeys::of_entry(&entry("", "金日成", "KOR"));
        assert_eq!(keys.keys.len(), 1);
        assert_eq!(keys.keys[0].how, How::HanjaReading);
        let pinyin = NameKeys::of_entry(&entry("Jin Richeng", "", "KOR"));
        assert!(compare(&keys, &pinyin).is_none_or(|m| m.similarity < 0.8));
    }

    #[test]
    fn splitting_names() {
        let cases = [
            ("Kim Il-sung", ("Kim", "Il-sung")),
            ("Il-sung Kim", ("Kim", "Il-sung")),
            ("KIM, Il Sung", ("KIM", "Il Sung")),
            ("Il Sung KIM", ("KIM", "Il Sung")),
            ("Mao Zedong", ("Mao", "Zedong")),
            ("김일성", ("김", "일성")),
            ("남궁민", ("남궁", "민")),
            ("毛泽东", ("毛", "泽东")),
            ("Smith", ("Smith", "")),
        ];
        for (name, (family, given)) in cases {
            assert_eq!(split_name(name), (family.to_owned(), given.to_owned()), "{name}");
        }
    }
}
