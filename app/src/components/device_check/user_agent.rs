//! Browser and operating system from `navigator.userAgent`, kept deliberately simple: the
//! first matching product token names the browser, its major version decides support.
//! Supported: Chromium-based browsers (Chrome, Chromium, Edge, Opera) from
//! [`MIN_CHROMIUM`], Firefox from [`MIN_FIREFOX`], Safari from [`MIN_SAFARI`] (all have
//! getUserMedia, Web Audio and `canvas.toBlob` with JPEG). Anything else fails the item,
//! which the candidate can still finish with; the proctor sees what it was.

/// Oldest Chromium major version accepted (2021).
pub const MIN_CHROMIUM: u32 = 90;
/// Oldest Firefox major version accepted (2021).
pub const MIN_FIREFOX: u32 = 90;
/// Oldest Safari major version accepted (2021).
pub const MIN_SAFARI: u32 = 15;

/// The browser family, as far as support goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Engine {
    Chromium,
    Firefox,
    Safari,
    Unknown,
}

/// What the user agent says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserInfo {
    /// "Chrome 126", "Edge 125", "Firefox 127", "Safari 17"; empty when unknown.
    pub browser: String,
    /// "Windows", "macOS", "Linux", "Android 14", "iOS 17", "ChromeOS"; empty when unknown.
    pub os: String,
    /// Whether the browser is one we support at a recent enough version.
    pub supported: bool,
}

/// The major version after `token/` (as in `Chrome/126.0.6478.61`).
fn major_after(ua: &str, token: &str) -> Option<u32> {
    let start = ua.find(token)? + token.len();
    let digits: String = ua[start..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn browser(ua: &str) -> (Engine, &'static str, u32) {
    // Order matters: Edge and Opera also say "Chrome/", Chrome also says "Safari/".
    let chrome = major_after(ua, "Chrome/").or_else(|| major_after(ua, "Chromium/"));
    let named = [
        ("Edg/", "Edge"),
        ("EdgA/", "Edge"),
        ("OPR/", "Opera"),
        ("Chromium/", "Chromium"),
        ("HeadlessChrome/", "Chrome"),
        ("Chrome/", "Chrome"),
    ];
    for (token, name) in named {
        if let Some(v) = major_after(ua, token) {
            return (Engine::Chromium, name, chrome.unwrap_or(v));
        }
    }
    if let Some(v) = major_after(ua, "Firefox/") {
        return (Engine::Firefox, "Firefox", v);
    }
    if ua.contains("Safari/")
        && let Some(v) = major_after(ua, "Version/")
    {
        return (Engine::Safari, "Safari", v);
    }
    (Engine::Unknown, "", 0)
}

fn os(ua: &str) -> String {
    let version = |token: &str| major_after(ua, token).map_or(String::new(), |v| format!(" {v}"));
    if ua.contains("iPhone") || ua.contains("iPad") {
        format!("iOS{}", version("OS "))
    } else if ua.contains("Android") {
        format!("Android{}", version("Android "))
    } else if ua.contains("Windows") {
        "Windows".into()
    } else if ua.contains("CrOS") {
        "ChromeOS".into()
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS".into()
    } else if ua.contains("Linux") || ua.contains("X11") {
        "Linux".into()
    } else {
        String::new()
    }
}

/// Reads a user agent string.
pub fn parse_user_agent(ua: &str) -> BrowserInfo {
    let (engine, name, major) = browser(ua);
    let supported = match engine {
        Engine::Chromium => major >= MIN_CHROMIUM,
        Engine::Firefox => major >= MIN_FIREFOX,
        Engine::Safari => major >= MIN_SAFARI,
        Engine::Unknown => false,
    };
    let browser = if name.is_empty() { String::new() } else { format!("{name} {major}") };
    BrowserInfo { browser, os: os(ua), supported }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(ua: &str, browser: &str, os: &str, supported: bool) {
        let info = parse_user_agent(ua);
        assert_eq!(info, BrowserInfo { browser: browser.into(), os: os.into(), supported }, "{ua}");
    }

    #[test]
    fn recent_desktop_browsers_are_supported() {
        check(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
            "Chrome 126",
            "Windows",
            true,
        );
        check(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0.2535.92",
            "Edge 125",
            "Windows",
            true,
        );
        check(
            "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
            "Firefox 127",
            "Linux",
            true,
        );
        check(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
            "Safari 17",
            "macOS",
            true,
        );
        check(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
            "Chrome 156",
            "Linux",
            true,
        );
    }

    #[test]
    fn chromium_based_browsers_are_judged_by_their_chrome_version() {
        check(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0",
            "Opera 124",
            "Windows",
            true,
        );
    }

    #[test]
    fn old_and_unknown_browsers_are_not_supported() {
        check(
            "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.88 Safari/537.36",
            "Chrome 79",
            "Windows",
            false,
        );
        check(
            "Mozilla/5.0 (Windows NT 10.0; Trident/7.0; rv:11.0) like Gecko",
            "",
            "Windows",
            false,
        );
        check("", "", "", false);
    }

    #[test]
    fn mobile_systems_carry_their_version() {
        check(
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
            "Chrome 126",
            "Android 14",
            true,
        );
        check(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari 17",
            "iOS 17",
            true,
        );
    }
}
