//! Korean readings of Chinese characters (hanja) for names: Korean names written in
//! characters must be read the Korean way (金日成 is 김일성, Kim Il-sung), never in Pinyin.
//!
//! Source: the standard Sino-Korean readings (eum) of each character, as listed in South
//! Korean dictionaries and in the Supreme Court's table of characters allowed in personal
//! names (인명용 한자). The table was compiled by hand for this project from those
//! readings; the Unicode Unihan database (field `kHangul`) is the reference to check it
//! against when it is extended. It holds the common Korean surnames (in traditional and
//! simplified forms, since the other side may write either) and the characters that occur
//! most in given names. Readings are given in their dictionary form (리, 렬); the name keys
//! apply the initial-sound rule (리 → 이) themselves.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Surnames, traditional then simplified forms, as (character, reading) pairs.
const SURNAMES: &str = "\
金김李리朴박崔최鄭정姜강趙조尹윤張장林림韓한吳오徐서申신權권黃황安안宋송柳류全전洪홍\
高고孫손文문梁량裵배白백曺조曹조許허劉류南남沈심盧로丁정河하郭곽成성車차朱주禹우具구\
閔민辛신任임羅라田전陳진池지嚴엄元원蔡채千천方방孔공玄현康강咸함卞변楊양廉렴邊변呂려\
秋추魯로都도蘇소愼신石석宣선薛설馬마吉길周주延연房방表표魏위明명奇기潘반王왕琴금玉옥\
陸륙印인孟맹諸제卓탁睦목鞠국余여片편龍룡彭팽毛모\
郑정赵조张장韩한吴오孙손许허卢로刘류罗라陈진严엄杨양吕려苏소马마龙룡陆륙黄황权권闵민\
车차裴배边변蒋장";

/// Characters frequent in given names, traditional then simplified forms.
const GIVEN: &str = "\
一일二이三삼四사五오六륙七칠八팔九구十십百백千천萬만\
日일月월星성成성聖성誠성盛성性성晟성正정貞정政정廷정庭정禎정晶정定정\
恩은銀은殷은永영英영榮영泳영映영秀수洙수壽수守수水수樹수修수哲철喆철鐵철\
浩호鎬호虎호昊호湖호好호豪호鎭진鎮진珍진眞진真진振진震진晋진俊준峻준濬준準준駿준浚준\
東동童동明명命명光광廣광國국基기起기琪기箕기紀기民민敏민珉민玟민旻민\
相상尙상祥상上상商상錫석碩석善선先선仙선世세昌창泰태太태載재在재宰재才재材재\
炳병秉병丙병兵병炯형亨형衡형馨형兄형賢현鉉현炫현顯현勳훈薰훈熏훈訓훈\
熙희喜희姬희希희禧희淑숙順순淳순舜순純순子자慈자美미鍾종宗종鐘종種종植식湜식根근\
龜구求구武무茂무容용勇용用용湧용庸용雲운運운源원遠원媛원允윤潤윤仁인寅인\
柱주宙주珠주重중中중仲중志지智지之지贊찬燦찬天천春춘忠충致치澤택學학漢한海해\
奎규圭규男남大대德덕道도斗두得득範범福복鳳봉奉봉富부士사思사承승昇승勝승時시\
信신心심良량彦언然연燕연淵연烈렬完완旭욱雄웅有유裕유義의益익長장章장濟제朝조\
燮섭淸청清청平평夏하恒항憲헌赫혁惠혜慧혜弘홍和화華화花화煥환孝효輝휘興흥\
京경敬경慶경景경庚경卿경炅경桂계坤곤寬관貴귀均균極극來래律률里리滿만模모\
培배伯백寶보甫보輔보復복本본彬빈斌빈山산瑞서小소昭소素소松송實실甲갑岩암巖암\
愛애陽양如여禮례旺왕堯요溶용佑우宇우雨우祐우乙을應응壬임作작祚조存존直직集집\
采채彩채處처初초就취兌태杓표弼필必필行행香향爀혁活활晃황會회厚후休휴欽흠\
鶴학蓮련梅매蘭란竹죽健건建건乾건槿근錦금洛락樂락朗랑亮량麗려力력連련路로\
老로祿록論론雷뢰倫륜陵릉利리理리立립達달傑걸偉위豊풍\
东동国국华화荣영寿수镇진钟종锡석学학汉한贤현铉현勋훈焕환济제龟구万만凤봉宝보\
圣성顺순义의应응长장贞정祯정载재庆경赞찬灿찬兴흥辉휘会회宪헌范범泽택爱애实실\
云운远원铁철杰걸伟위纪기乐락丽려莲련兰란礼례镐호骏준显현达달丰풍";

fn pairs(table: &'static str) -> impl Iterator<Item = (char, char)> {
    let chars: Vec<char> = table.chars().collect();
    (0..chars.len() / 2).map(move |i| (chars[2 * i], chars[2 * i + 1]))
}

struct Tables {
    surname: HashMap<char, char>,
    given: HashMap<char, char>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut given: HashMap<char, char> = pairs(GIVEN).collect();
        let surname: HashMap<char, char> = pairs(SURNAMES).collect();
        // A surname character read in a given name keeps its ordinary reading, except
        // 金, which is 김 only as a surname (금 elsewhere).
        for (&hanja, &reading) in &surname {
            given.entry(hanja).or_insert(if hanja == '金' { '금' } else { reading });
        }
        Tables { surname, given }
    })
}

/// The Korean reading of `c` as a surname, if the table knows it.
pub fn surname_reading(c: char) -> Option<char> {
    tables().surname.get(&c).copied()
}

/// The Korean reading of `c` in a given name, if the table knows it.
pub fn given_reading(c: char) -> Option<char> {
    tables().given.get(&c).copied()
}

/// Read a whole name in Hangul: the first character as a surname, the rest as a given
/// name. `None` when any character is missing from the table (the name is then probably
/// not Korean, or uses a rarer character).
pub fn read_name(family: &str, given: &str) -> Option<(String, String)> {
    let family: Option<String> = family.chars().map(surname_reading).collect();
    let given: Option<String> = given.chars().map(given_reading).collect();
    Some((family?, given?))
}

/// The Hangul readings of the surnames in the table (with repeats).
pub fn surname_readings() -> impl Iterator<Item = char> {
    pairs(SURNAMES).map(|(_, reading)| reading)
}

/// Whether the character is a known Korean surname.
pub fn is_surname(c: char) -> bool {
    tables().surname.contains_key(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_pairs_of_a_character_and_a_hangul_syllable() {
        for table in [SURNAMES, GIVEN] {
            assert_eq!(table.chars().count() % 2, 0);
            for (hanja, reading) in pairs(table) {
                assert!(!super::super::hangul::is_syllable(hanja), "{hanja}");
                assert!(super::super::hangul::is_syllable(reading), "{hanja}{reading}");
            }
        }
    }

    #[test]
    fn korean_readings_of_names() {
        let cases = [
            ("金", "日成", "김", "일성"),
            ("金", "正恩", "김", "정은"),
            ("朴", "憲永", "박", "헌영"),
            ("崔", "庸健", "최", "용건"),
            ("李", "承晩", "", ""),
            ("南", "日", "남", "일"),
            ("郑", "日龙", "정", "일룡"),
            ("金", "金", "김", "금"),
        ];
        for (family, given, hangul_family, hangul_given) in cases {
            let read = read_name(family, given);
            if hangul_family.is_empty() {
                // 晩 is not in the table: the whole name is refused, not half read.
                assert_eq!(read, None, "{family}{given}");
            } else {
                assert_eq!(read, Some((hangul_family.to_owned(), hangul_given.to_owned())), "{family}{given}");
            }
        }
    }
}
