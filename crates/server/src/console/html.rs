//! HTML building blocks: [`escape`] for every value put in a page, and the page frame
//! (head, navigation landmark, main) every console page shares.

use std::fmt::Write;

/// Escapes text for an HTML element's content or a quoted attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for a query-string value in a link (then [`escape`] it for the page).
pub fn url_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// The pages, in the navigation's order: path and label.
const NAV: [(&str, &str); 7] = [
    ("/", "Overview"),
    ("/map", "Map"),
    ("/findings", "Findings"),
    ("/cases", "Cases"),
    ("/prisoners", "Prisoners"),
    ("/timeline", "Timeline"),
    ("/record", "Record"),
];

/// A whole page: `title` is plain text (escaped here); `body` is HTML already escaped.
pub fn page(current: &str, title: &str, body: &str) -> String {
    let mut nav = String::new();
    for (path, label) in NAV {
        let here = if path == current { " aria-current=\"page\"" } else { "" };
        let _ = write!(nav, "<li><a href=\"{path}\"{here}>{label}</a></li>");
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · armistice</title><link rel=\"stylesheet\" href=\"/assets/console.css\">\
         <script src=\"/assets/console.js\" defer></script></head><body>\
         <a class=\"skip\" href=\"#main\">Skip to content</a>\
         <header><p class=\"brand\">armistice console</p><nav aria-label=\"Console\"><ul>{nav}</ul></nav></header>\
         <main id=\"main\"><h1>{title}</h1>{body}</main>\
         <footer><p>Public read: derived from the signed journal by replay.</p></footer></body></html>\n",
        title = escape(title)
    )
}

/// A table: headers are plain text; each cell is HTML already escaped.
pub fn table(caption: &str, headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("<table><caption>{}</caption><thead><tr>", escape(caption));
    for h in headers {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{cell}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_replaces_every_special_character() {
        let cases = [
            ("plain", "plain"),
            ("<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
            ("a & b", "a &amp; b"),
            ("\"quoted\"", "&quot;quoted&quot;"),
            ("", ""),
            ("한국 ¶13(a)", "한국 ¶13(a)"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape(input), expected, "{input}");
        }
    }

    #[test]
    fn url_component_keeps_unreserved_and_encodes_the_rest() {
        assert_eq!(url_component("13(a) & b"), "13%28a%29%20%26%20b");
        assert_eq!(url_component("kpa-cpv"), "kpa-cpv");
    }

    #[test]
    fn page_escapes_its_title_and_marks_the_current_link() {
        let html = page("/map", "<Map>", "");
        assert!(html.contains("<h1>&lt;Map&gt;</h1>"));
        assert!(html.contains("<a href=\"/map\" aria-current=\"page\">Map</a>"));
        assert!(html.contains("name=\"viewport\""));
    }
}
