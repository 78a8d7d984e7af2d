//! Exam instructions are written in Markdown and rendered here, on the server, to HTML that
//! is safe to show as it is: raw HTML in the source is shown as text, and links or images
//! whose address is not http(s), mailto or relative lose it.
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        // A colon before any `/`, `?` or `#` is a scheme: only these.
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            matches!(scheme, "http" | "https" | "mailto")
        }
        _ => true,
    }
}

/// Markdown (with tables and strikethrough) to safe HTML.
pub fn to_safe_html(markdown: &str) -> String {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, opts).map(|e| match e {
        Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) if !safe_url(&dest_url) => {
            Event::Start(Tag::Link { link_type, dest_url: CowStr::from(""), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) if !safe_url(&dest_url) => {
            Event::Start(Tag::Image { link_type, dest_url: CowStr::from(""), title, id })
        }
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_and_html_does_not() {
        let html =
            to_safe_html("# Rules\n\n- **No** phones\n- Desk clear\n\n<script>alert(1)</script>");
        assert!(html.contains("<h1>Rules</h1>"), "{html}");
        assert!(html.contains("<li><strong>No</strong> phones</li>"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn only_safe_link_targets_stay() {
        assert!(to_safe_html("[a](https://example.org)").contains("href=\"https://example.org\""));
        assert!(to_safe_html("[a](/help)").contains("href=\"/help\""));
        let bad = to_safe_html("[a](javascript:alert(1)) ![i](data:image/png;base64,xx)");
        assert!(!bad.contains("javascript"), "{bad}");
        assert!(!bad.contains("data:"), "{bad}");
    }
}
