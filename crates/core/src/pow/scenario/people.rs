//! Generated people: a small deterministic random source, and names as each side
//! would write them (Hangul and a romanization for Koreans, characters and Wade-Giles
//! for Chinese, Latin letters for everyone else).

use crate::pow::prisoner::{Name, PartialDate};

/// SplitMix64: small, fast and the same on every machine.
#[derive(Debug, Clone)]
pub struct Random(u64);

impl Random {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Korean surnames: Hangul, McCune-Reischauer, Revised Romanization.
const KOREAN_FAMILY: [(&str, &str, &str); 12] = [
    ("김", "Kim", "Gim"),
    ("이", "Yi", "I"),
    ("박", "Pak", "Bak"),
    ("최", "Ch'oe", "Choe"),
    ("정", "Chŏng", "Jeong"),
    ("강", "Kang", "Gang"),
    ("조", "Cho", "Jo"),
    ("윤", "Yun", "Yun"),
    ("장", "Chang", "Jang"),
    ("임", "Im", "Im"),
    ("한", "Han", "Han"),
    ("오", "O", "O"),
];

/// Syllables of Korean given names, in the same three ways.
const KOREAN_SYLLABLE: [(&str, &str, &str); 14] = [
    ("철", "ch'ŏl", "cheol"),
    ("수", "su", "su"),
    ("영", "yŏng", "yeong"),
    ("호", "ho", "ho"),
    ("민", "min", "min"),
    ("성", "sŏng", "seong"),
    ("준", "chun", "jun"),
    ("광", "kwang", "gwang"),
    ("동", "tong", "dong"),
    ("기", "ki", "gi"),
    ("남", "nam", "nam"),
    ("석", "sŏk", "seok"),
    ("용", "yong", "yong"),
    ("일", "il", "il"),
];

/// Chinese surnames: characters, Pinyin, Wade-Giles.
const CHINESE_FAMILY: [(&str, &str, &str); 10] = [
    ("王", "Wang", "Wang"),
    ("李", "Li", "Li"),
    ("张", "Zhang", "Chang"),
    ("刘", "Liu", "Liu"),
    ("陈", "Chen", "Ch'en"),
    ("杨", "Yang", "Yang"),
    ("赵", "Zhao", "Chao"),
    ("黄", "Huang", "Huang"),
    ("周", "Zhou", "Chou"),
    ("吴", "Wu", "Wu"),
];

const CHINESE_SYLLABLE: [(&str, &str, &str); 12] = [
    ("建", "jian", "chien"),
    ("国", "guo", "kuo"),
    ("明", "ming", "ming"),
    ("华", "hua", "hua"),
    ("志", "zhi", "chih"),
    ("军", "jun", "chün"),
    ("文", "wen", "wen"),
    ("德", "de", "te"),
    ("春", "chun", "ch'un"),
    ("海", "hai", "hai"),
    ("福", "fu", "fu"),
    ("林", "lin", "lin"),
];

const LATIN_FAMILY: [&str; 16] = [
    "Smith", "Johnson", "Brown", "Miller", "Davis", "Wilson", "Taylor", "Clark", "Walker", "Young", "Hall", "Allen",
    "King", "Wright", "Green", "Baker",
];

const LATIN_GIVEN: [&str; 12] = [
    "John", "James", "Robert", "William", "Charles", "George", "Thomas", "Edward", "Frank", "Harold", "Joseph", "Henry",
];

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Names for one prisoner: the detaining side's spelling and the prisoner's own side's.
pub fn names(random: &mut Random, nationality: &str, detaining_side: &str, own_side: &str) -> Vec<Name> {
    let written = |text: String, by: &str, script: &str| Name {
        text,
        written_by: Some(by.to_owned()),
        script: Some(script.to_owned()),
    };
    if nationality.contains("Korea") {
        let (fh, fm, fr) = *random.pick(&KOREAN_FAMILY);
        let (ah, am, ar) = *random.pick(&KOREAN_SYLLABLE);
        let (bh, bm, br) = *random.pick(&KOREAN_SYLLABLE);
        let hangul = format!("{fh}{ah}{bh}");
        let mccune = format!("{fm} {}-{bm}", capitalize(am));
        let revised = format!("{fr} {}{br}", capitalize(ar));
        // The UN Command's clerks wrote McCune-Reischauer; the other side, Hangul. A
        // South Korean's own side writes the Revised Romanization of today.
        if detaining_side == "unc" {
            vec![written(mccune, detaining_side, "mccune-reischauer"), written(hangul, own_side, "hangul")]
        } else {
            vec![written(hangul, detaining_side, "hangul"), written(revised, own_side, "revised-romanization")]
        }
    } else if nationality == "China" {
        let (fc, fp, fw) = *random.pick(&CHINESE_FAMILY);
        let (ac, ap, aw) = *random.pick(&CHINESE_SYLLABLE);
        let (bc, bp, bw) = *random.pick(&CHINESE_SYLLABLE);
        let han = format!("{fc}{ac}{bc}");
        let wade = format!("{fw} {}-{bw}", capitalize(aw));
        let pinyin = format!("{fp} {}{bp}", capitalize(ap));
        vec![
            written(wade, detaining_side, "wade-giles"),
            written(han, own_side, "han"),
            written(pinyin, own_side, "pinyin"),
        ]
    } else {
        let family = *random.pick(&LATIN_FAMILY);
        let given = *random.pick(&LATIN_GIVEN);
        vec![
            written(format!("{} {given}", family.to_uppercase()), detaining_side, "latin"),
            written(format!("{given} {family}"), own_side, "latin"),
        ]
    }
}

/// A birth date known to the year, the month or the day.
pub fn birth_date(random: &mut Random) -> PartialDate {
    let year = 1915 + random.below(20) as u16;
    match random.below(4) {
        0 => PartialDate { year, month: None, day: None },
        1 => PartialDate { year, month: Some(1 + random.below(12) as u8), day: None },
        _ => PartialDate { year, month: Some(1 + random.below(12) as u8), day: Some(1 + random.below(28) as u8) },
    }
}

pub const RANKS: [&str; 6] = ["private", "private first class", "corporal", "sergeant", "lieutenant", "captain"];
