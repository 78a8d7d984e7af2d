//! QR codes for the phone pairing link, drawn on the server as SVG.
use qrcode::QrCode;
use qrcode::render::svg;

/// The QR code of `text` as an SVG document, or `None` if it is too long for a QR code.
pub fn svg(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .min_dimensions(220, 220)
            .quiet_zone(true)
            .dark_color(svg::Color("#0f172a"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_pairing_link_becomes_an_svg() {
        let svg = super::svg("http://127.0.0.1:3000/phone?t=0123456789abcdef").expect("fits");
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"));
    }
}
