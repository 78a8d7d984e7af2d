//! Fast on a phone, the transfer: `/pkg` files are served from their brotli or gzip copies by
//! `Accept-Encoding` and, when their names carry a content hash, cached for a year; pages and
//! JSON are compressed on the fly; everything else revalidates.
use crate::common::{TestApp, spawn_app_with};
use server::{Application, Settings};
use std::io::Read;

const HASHED: &str = "vigil.AbCdEfGhIjKlMnOpQrStUv.wasm";

/// An app whose site root holds one hashed WASM file (with `.br` and `.gz` copies that differ
/// from it, so the answer shows which was sent) and one CSS file without a hash.
async fn app_with_site() -> (TestApp, tempfile::TempDir) {
    let site = tempfile::tempdir().expect("tempdir");
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg");
    std::fs::write(pkg.join(HASHED), b"plain wasm").expect("write");
    std::fs::write(pkg.join(format!("{HASHED}.br")), b"brotli copy").expect("write");
    std::fs::write(pkg.join(format!("{HASHED}.gz")), b"gzip copy").expect("write");
    std::fs::write(pkg.join("vigil.css"), b"body { color: black }").expect("write");
    let root = site.path().to_path_buf();
    (spawn_app_with(move |s| s.site_root = root).await, site)
}

async fn get(app: &TestApp, path: &str, encoding: Option<&str>) -> reqwest::Response {
    let mut req = reqwest::Client::new().get(app.url(path));
    if let Some(e) = encoding {
        req = req.header("accept-encoding", e);
    }
    req.send().await.expect("get")
}

fn header(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

#[tokio::test]
async fn precompressed_pkg_files_follow_accept_encoding_and_hashed_names_are_immutable() {
    let (app, _site) = app_with_site().await;
    let path = format!("/pkg/{HASHED}");
    for (accept, encoding, body) in [
        (Some("gzip, deflate, br, zstd"), Some("br"), "brotli copy"),
        (Some("gzip"), Some("gzip"), "gzip copy"),
        (None, None, "plain wasm"),
    ] {
        let res = get(&app, &path, accept).await;
        assert_eq!(res.status().as_u16(), 200, "{accept:?}");
        assert_eq!(header(&res, "content-encoding").as_deref(), encoding, "{accept:?}");
        assert_eq!(header(&res, "content-type").as_deref(), Some("application/wasm"));
        assert_eq!(
            header(&res, "cache-control").as_deref(),
            Some("public, max-age=31536000, immutable")
        );
        assert!(header(&res, "vary").is_some_and(|v| v.contains("accept-encoding")));
        assert_eq!(res.text().await.expect("body"), body);
    }
    // A file without a hash in its name revalidates; a missing file is a plain 404.
    let css = get(&app, "/pkg/vigil.css", Some("br")).await;
    assert_eq!(css.status().as_u16(), 200);
    assert_eq!(header(&css, "cache-control").as_deref(), Some("no-cache"));
    assert_eq!(get(&app, "/pkg/vigil.OldOldOldOldOldOldOld0.wasm", None).await.status(), 404);
}

#[tokio::test]
async fn pages_and_json_are_compressed_on_the_fly_and_revalidate() {
    let (app, _site) = app_with_site().await;
    // The sign-in page, as Chromium asks for it.
    let page = get(&app, "/", Some("gzip, deflate, br, zstd")).await;
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(header(&page, "content-encoding").as_deref(), Some("br"));
    assert_eq!(header(&page, "cache-control").as_deref(), Some("private, no-cache"));
    let plain = get(&app, "/", None).await;
    assert!(header(&plain, "content-encoding").is_none());
    let html = plain.text().await.expect("html");
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..80.min(html.len())]);

    // A server function's JSON, gzip only: it decodes to the same answer.
    let res = reqwest::Client::new()
        .post(app.url("/api/admin/exams"))
        .header("cookie", app.staff_cookie("admin").await)
        .header("accept-encoding", "gzip")
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(header(&res, "content-encoding").as_deref(), Some("gzip"));
    assert_eq!(header(&res, "cache-control").as_deref(), Some("private, no-cache"));
    let zipped = res.bytes().await.expect("body");
    let mut json = String::new();
    flate2::read::GzDecoder::new(&zipped[..]).read_to_string(&mut json).expect("gzip");
    let exams: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(exams[0]["code"], "TEST01");
}

#[tokio::test]
async fn every_page_names_the_build_that_rendered_it_and_build_says_the_servers_own() {
    let (app, _site) = app_with_site().await;
    let res = get(&app, "/build", None).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(header(&res, "cache-control").as_deref(), Some("no-store"));
    let build = res.text().await.expect("body");
    assert!(!build.is_empty());
    for path in ["/", "/staff/login", "/phone"] {
        let html = get(&app, path, None).await.text().await.expect("html");
        let meta = format!(r#"<meta name="vigil-build" content="{build}""#);
        assert!(html.contains(&meta), "{path}: no {meta}");
    }
}

#[tokio::test]
async fn a_hash_file_kept_elsewhere_names_the_hashed_assets_and_the_build() {
    let (js, wasm) = ("JsHashJsHashJsHashJsHa", "WaHashWaHashWaHashWaHa");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("hash.txt");
    std::fs::write(&file, format!("js: {js}\nwasm: {wasm}\ncss: CsHashCsHashCsHashCsHa\n"))
        .expect("write");
    let app = spawn_app_with(move |s| s.hash_file = Some(file)).await;
    let build = get(&app, "/build", None).await.text().await.expect("body");
    assert_eq!(build.len(), 16, "a digest of the hash file, got {build:?}");
    let html = get(&app, "/staff/login", None).await.text().await.expect("html");
    assert!(html.contains(&format!(r#"<meta name="vigil-build" content="{build}""#)));
    assert!(html.contains(&format!("/pkg/vigil.{js}.js")), "the page loads the hashed JS");
    assert!(html.contains(&format!("vigil.{wasm}.wasm")), "the page loads the hashed WASM");
}

/// A directory holding the site's hash file (its JS and WASM named `JsHash…`, `WaHash…`), the
/// file, and the build name a server started with it alone gives.
async fn site_hash_file() -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("hash.txt");
    std::fs::write(&file, "js: JsHashJsHashJsHashJsHa\nwasm: WaHashWaHashWaHashWaHa\n")
        .expect("write");
    let build = {
        let file = file.clone();
        let app = spawn_app_with(move |s| s.hash_file = Some(file)).await;
        get(&app, "/build", None).await.text().await.expect("body")
    };
    (dir, file, build)
}

#[tokio::test]
async fn the_phone_page_loads_the_phone_bundle_named_by_its_hash_file_and_no_site_bundle() {
    let (dir, file, build_before) = site_hash_file().await;
    let (js, wasm) = ("PhJsPhJsPhJsPhJsPhJsPh", "PhWaPhWaPhWaPhWaPhWaPh");
    std::fs::write(dir.path().join("phone-hash.txt"), format!("js: {js}\nwasm: {wasm}\n"))
        .expect("write");
    let app = spawn_app_with(move |s| s.hash_file = Some(file)).await;
    let build = get(&app, "/build", None).await.text().await.expect("body");
    assert_ne!(build, build_before, "a new phone bundle is a new build (open phones reload)");
    let html = get(&app, "/phone?t=00", None).await.text().await.expect("html");
    assert!(html.contains(&format!("/pkg/phone/vigil.{js}.js")), "the phone's JS: {html}");
    assert!(html.contains(&format!("/pkg/phone/vigil.{wasm}.wasm")), "the phone's WASM");
    assert!(
        !html.contains("JsHashJsHashJsHashJsHa") && !html.contains("WaHashWaHashWaHashWaHa"),
        "no site bundle on the phone page"
    );
    assert!(html.contains(r#"id="phone-pair""#), "the pairing form is rendered");
    let home = get(&app, "/", None).await.text().await.expect("html");
    assert!(!home.contains("/pkg/phone/"), "the site's pages do not load the phone bundle");
}

#[tokio::test]
async fn candidate_pages_load_the_candidate_bundle_named_by_its_hash_file_and_their_routes_pieces()
{
    let (dir, file, build_before) = site_hash_file().await;
    // The candidate bundle's hash file names its pieces' manifest; the manifest names the
    // pieces each lazily loaded function needs.
    let (js, wasm) = ("CaJsCaJsCaJsCaJsCaJsCa", "CaWaCaWaCaWaCaWaCaWaCa");
    std::fs::write(
        dir.path().join("candidate-hash.txt"),
        format!("js: {js}\nwasm: {wasm}\nmanifest: MaMaMaMaMaMaMaMaMaMaMa\nsplit: SpSpSpSpSpSpSpSpSpSpSp\n"),
    )
    .expect("write");
    let site = dir.path().join("site");
    let pkg = site.join("pkg/candidate");
    std::fs::create_dir_all(&pkg).expect("mkdir");
    std::fs::write(
        pkg.join("__wasm_split_manifest.MaMaMaMaMaMaMaMaMaMaMa.json"),
        r#"{"__journey_view_1":["chunk_2.Ab","split___journey_view_1.Cd"],"__other_view_3":["split_other_3.Ef"]}"#,
    )
    .expect("write");
    let app = spawn_app_with(move |s| {
        s.hash_file = Some(file);
        s.site_root = site;
    })
    .await;
    let build = get(&app, "/build", None).await.text().await.expect("body");
    assert_ne!(build, build_before, "a new candidate bundle is a new build (open tabs reload)");
    for path in ["/", "/device-check"] {
        let html = get(&app, path, None).await.text().await.expect("html");
        assert!(html.contains(&format!("/pkg/candidate/vigil.{js}.js")), "{path}: {html}");
        assert!(html.contains(&format!("/pkg/candidate/vigil.{wasm}.wasm")), "{path}: the WASM");
        assert!(
            !html.contains("JsHashJsHashJsHashJsHa") && !html.contains("WaHashWaHashWaHashWaHa"),
            "{path}: no site bundle on a candidate page"
        );
    }
    // The journey fetches its route's pieces with the bundle, after the page has loaded (its
    // photo first); the sign-in page, with no pieces, fetches its bundle at once.
    let cookie = app.candidate_cookie("T-0001").await;
    let journey = reqwest::Client::new()
        .get(app.url("/exam"))
        .header("cookie", cookie)
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    for piece in ["/pkg/candidate/chunk_2.Ab.wasm", "/pkg/candidate/split___journey_view_1.Cd.wasm"]
    {
        assert!(journey.contains(piece), "the journey names its piece {piece}: {journey}");
    }
    assert!(!journey.contains("split_other_3"), "no other route's pieces");
    assert!(journey.contains("addEventListener('load'"), "fetched once the page has loaded");
    assert!(
        journey.contains("/pkg/candidate/__wasm_split.SpSpSpSpSpSpSpSpSpSpSp.js"),
        "the loader"
    );
    let home = get(&app, "/", None).await.text().await.expect("html");
    assert!(!home.contains("addEventListener('load'") && !home.contains("chunk_2"), "{home}");
    let staff = get(&app, "/staff/login", None).await.text().await.expect("html");
    assert!(!staff.contains("/pkg/candidate/"), "staff pages do not load the candidate bundle");
    assert!(staff.contains("/pkg/vigil.JsHashJsHashJsHashJsHa.js"), "they load the site's");
}

#[tokio::test]
async fn the_server_renders_exactly_the_candidate_applications_routes_with_its_shell() {
    let mut routes: Vec<String> =
        leptos_axum::generate_route_list(app::candidate_app::CandidateApp)
            .iter()
            .map(|r| r.path().to_string())
            .collect();
    let mut pages: Vec<String> =
        app::candidate_app::CANDIDATE_PAGES.iter().map(|(p, _)| p.to_string()).collect();
    routes.sort();
    pages.sort();
    assert_eq!(routes, pages, "a candidate route the server does not render with its shell");
}

#[tokio::test]
async fn a_hash_file_named_at_start_that_cannot_be_read_stops_the_server_with_its_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = Settings::in_dir(dir.path().to_path_buf());
    settings.hash_file = Some(dir.path().join("missing-hash.txt"));
    let Err(err) = Application::build(settings).await else {
        panic!("the server started without its hash file");
    };
    let msg = err.to_string();
    assert!(msg.contains("missing-hash.txt") && msg.contains("--hash-file"), "{msg}");
}
