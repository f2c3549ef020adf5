#!/usr/bin/env python3
"""Romanization benchmark: two sides' prisoner lists of the same people, written the way
each side would write them, with the true pairs.

Usage: gen_names.py OUT_DIR [--people N] [--seed S]

Writes OUT_DIR/a.csv (the side holding prisoners), OUT_DIR/b.csv (the other side's list
of its missing) and OUT_DIR/truth.csv (a_id,b_id), all in the CSV format of
docs/pow-lists.md, with columns id, family_name, given_name, name_native, birth_date,
unit, nationality.

How the people are made (all from one seeded random.Random, so a seed gives one file):

- 70 % Korean, 30 % Chinese. Korean surnames are drawn with their approximate share of
  the population (Kim about a fifth, Lee a seventh, Park a twelfth, ...), given names as
  two syllables from about 60 common name syllables; Chinese surnames from the 90 most
  common, given names of one or two characters from about 80.
- List A writes Korean names in McCune-Reischauer (breves and apostrophes kept in 40 %,
  dropped in 60 %) or in popular ad-hoc spellings (Lee, Park, Choi, Young-soo), and
  Chinese names in Wade-Giles (apostrophes dropped half the time). Given names are
  hyphenated, spaced or run together.
- List B writes Korean names in Revised Romanization or ad-hoc spellings, with Hangul
  (or hanja) in name_native, and Chinese names in Pinyin with the characters.
- Noise: 12 % of people have one typo (substitution, deletion, insertion or swap of
  neighbouring letters) in a name on one side; 8 % have surname and given name swapped
  on one side; B gives the full birth date for 55 %, year and month for 30 %, the year
  only for 15 %; the unit is given on each side for half of the people.
- Overlap: 80 % of A's people are on B; B also lists people A does not hold.
- Near misses (not matches): for 10 % of A's people, B lists another person with the
  same name written the same way but born 1-3 years apart in another unit; for another
  5 %, a person with the same surname and birth date whose given name differs in one
  syllable.

The three tools get the same files; armistice reads name_native too, the peers read the
Latin columns (they have no use for Hangul or characters).
"""

import argparse
import csv
import os
import random

# Hangul syllable tables (Unicode decomposition), Revised Romanization and
# McCune-Reischauer, written independently of the Rust code.
RR_I = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
MR_I = ["k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch'", "k'", "t'", "p'", "h"]
RR_V = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu",
        "eu", "ui", "i"]
MR_V = ["a", "ae", "ya", "yae", "ŏ", "e", "yŏ", "ye", "o", "wa", "wae", "oe", "yo", "u", "wŏ", "we", "wi", "yu",
        "ŭ", "ŭi", "i"]
FINAL = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng",
         "t", "t", "k", "t", "p", "t"]
# MR voices plain stops between voiced sounds inside a given name (Yŏng-gil, not Yŏng-kil).
MR_VOICED = {"k": "g", "t": "d", "p": "b", "ch": "j"}


def parts(syllable):
    code = ord(syllable) - 0xAC00
    return code // 588, (code % 588) // 28, code % 28


def rr(text):
    out = []
    for s in text:
        i, v, f = parts(s)
        out.append(RR_I[i] + RR_V[v] + FINAL[f])
    return "".join(out)


def mr(text, medial=False):
    out = []
    previous_final = None
    for n, s in enumerate(text):
        i, v, f = parts(s)
        initial = MR_I[i]
        if i == 9 and v in (16, 20):
            initial = "sh"
        if (n > 0 or medial) and previous_final in ("", "n", "l", "m", "ng") and initial in MR_VOICED:
            initial = MR_VOICED[initial]
        out.append(initial + MR_V[v] + FINAL[f])
        previous_final = FINAL[f]
    return out


# (Hangul, hanja, share of the population in per mille, roughly)
KOREAN_SURNAMES = [
    ("김", "金", 215), ("이", "李", 147), ("박", "朴", 84), ("최", "崔", 47), ("정", "鄭", 44), ("강", "姜", 23),
    ("조", "趙", 21), ("윤", "尹", 20), ("장", "張", 20), ("임", "林", 16), ("한", "韓", 15), ("오", "吳", 15),
    ("서", "徐", 14), ("신", "申", 14), ("권", "權", 14), ("황", "黃", 13), ("안", "安", 13), ("송", "宋", 13),
    ("류", "柳", 12), ("전", "全", 11), ("홍", "洪", 11), ("고", "高", 9), ("문", "文", 9), ("양", "梁", 9),
    ("손", "孫", 9), ("배", "裵", 8), ("백", "白", 8), ("허", "許", 6), ("유", "劉", 6), ("남", "南", 5),
    ("심", "沈", 5), ("노", "盧", 5), ("하", "河", 5), ("곽", "郭", 4), ("성", "成", 4), ("차", "車", 4),
    ("주", "朱", 4), ("우", "禹", 4), ("구", "具", 4), ("민", "閔", 3), ("나", "羅", 3), ("진", "陳", 3),
    ("지", "池", 3), ("엄", "嚴", 3), ("채", "蔡", 3), ("원", "元", 3), ("천", "千", 2), ("방", "方", 2),
    ("공", "孔", 2), ("현", "玄", 2),
]
KOREAN_GIVEN = [
    ("영", "永"), ("수", "秀"), ("철", "哲"), ("성", "成"), ("민", "敏"), ("호", "浩"), ("진", "鎭"), ("준", "俊"),
    ("동", "東"), ("현", "賢"), ("정", "正"), ("일", "日"), ("광", "光"), ("상", "相"), ("석", "錫"), ("재", "載"),
    ("병", "炳"), ("희", "熙"), ("순", "順"), ("숙", "淑"), ("자", "子"), ("종", "鍾"), ("용", "容"), ("명", "明"),
    ("기", "基"), ("태", "泰"), ("훈", "勳"), ("우", "宇"), ("원", "源"), ("학", "學"), ("국", "國"), ("문", "文"),
    ("춘", "春"), ("길", "吉"), ("만", "萬"), ("복", "福"), ("남", "男"), ("덕", "德"), ("봉", "鳳"), ("인", "仁"),
    ("창", "昌"), ("한", "漢"), ("화", "和"), ("환", "煥"), ("효", "孝"), ("흥", "興"), ("경", "京"), ("규", "奎"),
    ("근", "根"), ("식", "植"), ("옥", "玉"), ("윤", "允"), ("은", "恩"), ("승", "承"), ("선", "善"), ("세", "世"),
    ("혁", "赫"), ("택", "澤"), ("웅", "雄"), ("범", "範"), ("대", "大"), ("형", "亨"),
]
# Popular spellings, syllable by syllable (passport and newspaper habits).
AD_HOC = {
    "이": "Lee", "박": "Park", "최": "Choi", "정": "Jung", "김": "Kim", "강": "Kang", "조": "Cho", "윤": "Yoon",
    "장": "Jang", "임": "Lim", "한": "Han", "오": "Oh", "서": "Seo", "신": "Shin", "권": "Kwon", "황": "Hwang",
    "안": "Ahn", "송": "Song", "류": "Ryu", "전": "Jeon", "홍": "Hong", "고": "Ko", "문": "Moon", "양": "Yang",
    "손": "Son", "배": "Bae", "백": "Baek", "허": "Heo", "유": "Yoo", "남": "Nam", "심": "Shim", "노": "Roh",
    "하": "Ha", "곽": "Kwak", "성": "Sung", "차": "Cha", "주": "Joo", "우": "Woo", "구": "Koo", "민": "Min",
    "나": "Na", "진": "Jin", "지": "Ji", "엄": "Um", "채": "Chae", "원": "Won", "천": "Chun", "방": "Bang",
    "공": "Kong", "현": "Hyun", "영": "Young", "수": "Soo", "철": "Chul", "호": "Ho", "준": "Joon", "동": "Dong",
    "일": "Il", "광": "Kwang", "상": "Sang", "석": "Suk", "재": "Jae", "병": "Byung", "희": "Hee", "순": "Soon",
    "숙": "Sook", "자": "Ja", "종": "Jong", "용": "Yong", "명": "Myung", "기": "Ki", "태": "Tae", "훈": "Hoon",
    "학": "Hak", "국": "Kook", "춘": "Choon", "길": "Gil", "만": "Man", "복": "Bok", "덕": "Duk", "봉": "Bong",
    "인": "In", "창": "Chang", "화": "Hwa", "환": "Hwan", "효": "Hyo", "흥": "Heung", "경": "Kyung", "규": "Kyu",
    "근": "Keun", "식": "Sik", "옥": "Ok", "은": "Eun", "승": "Seung", "선": "Sun", "세": "Se", "혁": "Hyuk",
    "택": "Taek", "웅": "Woong", "범": "Bum", "대": "Dae", "형": "Hyung",
}
# (simplified character, Pinyin, Wade-Giles)
CHINESE_SURNAMES = [
    ("王", "Wang", "Wang"), ("李", "Li", "Li"), ("张", "Zhang", "Chang"), ("刘", "Liu", "Liu"), ("陈", "Chen", "Ch'en"),
    ("杨", "Yang", "Yang"), ("黄", "Huang", "Huang"), ("赵", "Zhao", "Chao"), ("吴", "Wu", "Wu"), ("周", "Zhou", "Chou"),
    ("徐", "Xu", "Hsü"), ("孙", "Sun", "Sun"), ("马", "Ma", "Ma"), ("朱", "Zhu", "Chu"), ("胡", "Hu", "Hu"),
    ("郭", "Guo", "Kuo"), ("何", "He", "Ho"), ("高", "Gao", "Kao"), ("林", "Lin", "Lin"), ("罗", "Luo", "Lo"),
    ("郑", "Zheng", "Cheng"), ("梁", "Liang", "Liang"), ("谢", "Xie", "Hsieh"), ("宋", "Song", "Sung"),
    ("唐", "Tang", "T'ang"), ("许", "Xu", "Hsü"), ("韩", "Han", "Han"), ("冯", "Feng", "Feng"), ("邓", "Deng", "Teng"),
    ("曹", "Cao", "Ts'ao"), ("彭", "Peng", "P'eng"), ("曾", "Zeng", "Tseng"), ("田", "Tian", "T'ien"),
    ("董", "Dong", "Tung"), ("潘", "Pan", "P'an"), ("袁", "Yuan", "Yüan"), ("蔡", "Cai", "Ts'ai"),
    ("蒋", "Jiang", "Chiang"), ("余", "Yu", "Yü"), ("杜", "Du", "Tu"), ("叶", "Ye", "Yeh"), ("程", "Cheng", "Ch'eng"),
    ("魏", "Wei", "Wei"), ("苏", "Su", "Su"), ("吕", "Lü", "Lü"), ("丁", "Ding", "Ting"), ("任", "Ren", "Jen"),
    ("沈", "Shen", "Shen"), ("姚", "Yao", "Yao"), ("卢", "Lu", "Lu"), ("钟", "Zhong", "Chung"), ("崔", "Cui", "Ts'ui"),
    ("谭", "Tan", "T'an"), ("范", "Fan", "Fan"), ("廖", "Liao", "Liao"), ("石", "Shi", "Shih"), ("金", "Jin", "Chin"),
    ("贾", "Jia", "Chia"), ("夏", "Xia", "Hsia"), ("方", "Fang", "Fang"), ("邹", "Zou", "Tsou"),
    ("熊", "Xiong", "Hsiung"), ("白", "Bai", "Pai"), ("孟", "Meng", "Meng"), ("秦", "Qin", "Ch'in"),
    ("邱", "Qiu", "Ch'iu"), ("侯", "Hou", "Hou"), ("江", "Jiang", "Chiang"), ("尹", "Yin", "Yin"),
    ("薛", "Xue", "Hsüeh"), ("段", "Duan", "Tuan"), ("雷", "Lei", "Lei"), ("史", "Shi", "Shih"), ("龙", "Long", "Lung"),
    ("陶", "Tao", "T'ao"), ("贺", "He", "Ho"), ("顾", "Gu", "Ku"), ("毛", "Mao", "Mao"), ("郝", "Hao", "Hao"),
    ("邵", "Shao", "Shao"), ("钱", "Qian", "Ch'ien"), ("严", "Yan", "Yen"), ("戴", "Dai", "Tai"),
    ("孔", "Kong", "K'ung"), ("汤", "Tang", "T'ang"), ("武", "Wu", "Wu"), ("万", "Wan", "Wan"), ("黎", "Li", "Li"),
]
CHINESE_GIVEN = [
    ("伟", "wei", "wei"), ("明", "ming", "ming"), ("华", "hua", "hua"), ("建", "jian", "chien"), ("国", "guo", "kuo"),
    ("军", "jun", "chün"), ("文", "wen", "wen"), ("德", "de", "te"), ("志", "zhi", "chih"), ("强", "qiang", "ch'iang"),
    ("平", "ping", "p'ing"), ("东", "dong", "tung"), ("海", "hai", "hai"), ("林", "lin", "lin"),
    ("成", "cheng", "ch'eng"), ("荣", "rong", "jung"), ("学", "xue", "hsüeh"), ("庆", "qing", "ch'ing"),
    ("福", "fu", "fu"), ("生", "sheng", "sheng"), ("金", "jin", "chin"), ("山", "shan", "shan"),
    ("春", "chun", "ch'un"), ("兴", "xing", "hsing"), ("贵", "gui", "kuei"), ("发", "fa", "fa"), ("永", "yong", "yung"),
    ("宝", "bao", "pao"), ("长", "chang", "ch'ang"), ("忠", "zhong", "chung"), ("义", "yi", "i"),
    ("元", "yuan", "yüan"), ("光", "guang", "kuang"), ("玉", "yu", "yü"), ("清", "qing", "ch'ing"),
    ("顺", "shun", "shun"), ("俊", "jun", "chün"), ("立", "li", "li"), ("新", "xin", "hsin"), ("红", "hong", "hung"),
    ("刚", "gang", "kang"), ("勇", "yong", "yung"), ("泽", "ze", "tse"), ("恩", "en", "en"), ("怀", "huai", "huai"),
    ("少", "shao", "shao"), ("小", "xiao", "hsiao"), ("家", "jia", "chia"), ("树", "shu", "shu"), ("才", "cai", "ts'ai"),
    ("子", "zi", "tzu"), ("思", "si", "ssu"), ("祖", "zu", "tsu"), ("仁", "ren", "jen"), ("友", "you", "yu"),
    ("云", "yun", "yün"), ("风", "feng", "feng"), ("秀", "xiu", "hsiu"), ("世", "shi", "shih"),
    ("章", "zhang", "chang"), ("之", "zhi", "chih"), ("洪", "hong", "hung"), ("和", "he", "ho"), ("克", "ke", "k'o"),
    ("铁", "tie", "t'ieh"), ("彪", "biao", "piao"), ("振", "zhen", "chen"), ("虎", "hu", "hu"), ("先", "xian", "hsien"),
    ("天", "tian", "t'ien"), ("青", "qing", "ch'ing"), ("全", "quan", "ch'üan"), ("连", "lian", "lien"),
    ("保", "bao", "pao"), ("富", "fu", "fu"), ("玉", "yu", "yü"), ("敬", "jing", "ching"), ("恒", "heng", "heng"),
]

LETTERS = "abcdefghijklmnoprstuy"


def typo(rng, word):
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(letters) < 3:
        return word
    i = rng.choice(letters[1:])
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + rng.choice(LETTERS) + word[i + 1:]
    if kind == 1:
        return word[:i] + word[i + 1:]
    if kind == 2:
        return word[:i] + rng.choice(LETTERS) + word[i:]
    if i + 1 < len(word) and word[i + 1].isalpha():
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + word[i + 1:]


def join_given(rng, syllables):
    style = rng.random()
    if style < 0.5:
        text = "-".join(syllables)
    elif style < 0.75:
        text = " ".join(syllables)
    else:
        text = "".join(syllables)
    return text[:1].upper() + text[1:].lower() if style >= 0.5 else text[:1].upper() + text[1:]


def korean_latin(rng, family, given, system):
    if system == "mr":
        keep_marks = rng.random() < 0.4
        f = mr(family)[0]
        g = mr(given, medial=True) if rng.random() < 0.5 else mr(given)
        if not keep_marks:
            f = f.replace("ŏ", "o").replace("ŭ", "u").replace("'", "")
            g = [s.replace("ŏ", "o").replace("ŭ", "u").replace("'", "") for s in g]
        return f.capitalize(), join_given(rng, g)
    if system == "rr":
        return rr(family).capitalize(), join_given(rng, [rr(s) for s in given])
    f = AD_HOC.get(family, rr(family).capitalize())
    g = [AD_HOC.get(s, rr(s)).lower() for s in given]
    return f, join_given(rng, g)


def chinese_latin(rng, family, given, system):
    if system == "wg":
        drop = rng.random() < 0.5
        f = family[2]
        g = "-".join(x[2] for x in given)
        if drop:
            f, g = f.replace("'", ""), g.replace("'", "")
        return f, g[:1].upper() + g[1:]
    f = family[1]
    g = "".join(x[1] for x in given)
    return f, g[:1].upper() + g[1:]


def birth_text(date, precision):
    y, m, d = date
    if precision == "day":
        return f"{y:04d}-{m:02d}-{d:02d}"
    if precision == "month":
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}"


def make_person(rng):
    korean = rng.random() < 0.7
    date = (rng.randint(1915, 1935), rng.randint(1, 12), rng.randint(1, 28))
    unit = f"{rng.randint(1, 60)} Div"
    if korean:
        family = rng.choices(KOREAN_SURNAMES, weights=[s[2] for s in KOREAN_SURNAMES])[0]
        given = [rng.choice(KOREAN_GIVEN) for _ in range(2)]
        return {"kind": "korean", "family": family, "given": given, "date": date, "unit": unit}
    family = rng.choice(CHINESE_SURNAMES)
    given = [rng.choice(CHINESE_GIVEN) for _ in range(rng.choice([1, 2, 2, 2]))]
    return {"kind": "chinese", "family": family, "given": given, "date": date, "unit": unit}


def write_side(rng, person, side, noise):
    """One row for `person` as `side` ("a" or "b") writes it."""
    kind = person["kind"]
    if kind == "korean":
        hangul_f = person["family"][0]
        hangul_g = "".join(s[0] for s in person["given"])
        system = rng.choice(["mr", "mr", "adhoc"]) if side == "a" else rng.choice(["rr", "rr", "adhoc"])
        family, given = korean_latin(rng, hangul_f, hangul_g, system)
        if side == "b":
            native = hangul_f + hangul_g if rng.random() < 0.8 else person["family"][1] + "".join(
                s[1] for s in person["given"])
        else:
            native = person["family"][1] + "".join(s[1] for s in person["given"]) if rng.random() < 0.2 else ""
        nationality = rng.choice(["DPRK", "North Korean", "KPA"]) if side == "a" else "KOR"
    else:
        system = "wg" if side == "a" else "pinyin"
        family, given = chinese_latin(rng, person["family"], person["given"], system)
        native = person["family"][0] + "".join(x[0] for x in person["given"]) if side == "b" else ""
        nationality = rng.choice(["CPV", "Chinese"]) if side == "a" else "CHN"
    if noise.get("typo"):
        if rng.random() < 0.6:
            given = typo(rng, given)
        else:
            family = typo(rng, family)
    if noise.get("swap"):
        family, given = given, family
    if side == "a":
        precision = "day"
    else:
        r = rng.random()
        precision = "day" if r < 0.55 else ("month" if r < 0.85 else "year")
    unit = person["unit"] if rng.random() < 0.5 else ""
    return {
        "family_name": family,
        "given_name": given,
        "name_native": native,
        "birth_date": birth_text(person["date"], precision),
        "unit": unit,
        "nationality": nationality,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out")
    parser.add_argument("--people", type=int, default=5000, help="people on list A (default 5000)")
    parser.add_argument("--seed", type=int, default=1953)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    rows_a, rows_b, truth = [], [], []
    for n in range(args.people):
        person = make_person(rng)
        on_b = rng.random() < 0.8
        noisy_side = rng.choice("ab")
        noise = {"typo": rng.random() < 0.12, "swap": rng.random() < 0.08}
        a_id = f"A{n:07d}"
        rows_a.append({"id": a_id, **write_side(rng, person, "a", noise if noisy_side == "a" else {})})
        if on_b:
            b_id = f"B{n:07d}"
            rows_b.append({"id": b_id, **write_side(rng, person, "b", noise if noisy_side == "b" else {})})
            truth.append((a_id, b_id))
        r = rng.random()
        if r < 0.10:
            # Same name, written the same way, another man: born 1-3 years apart elsewhere.
            twin = dict(person)
            y, m, d = person["date"]
            twin["date"] = (y + rng.choice([-3, -2, -1, 1, 2, 3]), rng.randint(1, 12), rng.randint(1, 28))
            twin["unit"] = f"{rng.randint(61, 90)} Div"
            rows_b.append({"id": f"N{n:07d}", **write_side(rng, twin, "b", {})})
        elif r < 0.15:
            # Same surname and birth date, one given-name syllable different.
            other = dict(person)
            given = list(person["given"])
            pool = KOREAN_GIVEN if person["kind"] == "korean" else CHINESE_GIVEN
            k = rng.randrange(len(given))
            given[k] = rng.choice([g for g in pool if g != given[k]])
            other["given"] = given
            other["unit"] = f"{rng.randint(61, 90)} Div"
            rows_b.append({"id": f"M{n:07d}", **write_side(rng, other, "b", {})})
    # People on B alone (missing, never held).
    for n in range(args.people // 5):
        person = make_person(rng)
        rows_b.append({"id": f"X{n:07d}", **write_side(rng, person, "b", {})})
    rng.shuffle(rows_b)
    columns = ["id", "family_name", "given_name", "name_native", "birth_date", "unit", "nationality"]
    for name, rows in (("a.csv", rows_a), ("b.csv", rows_b)):
        with open(os.path.join(args.out, name), "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=columns)
            w.writeheader()
            w.writerows(rows)
    with open(os.path.join(args.out, "truth.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["a_id", "b_id"])
        w.writerows(truth)
    print(f"{args.out}: {len(rows_a)} in A, {len(rows_b)} in B, {len(truth)} true pairs")


if __name__ == "__main__":
    main()
