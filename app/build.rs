//! Generates the typed i18n module from `locales/*.json` (English and Simplified Chinese).
use leptos_i18n_build::{Config, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    let out = std::env::var_os("OUT_DIR").ok_or("OUT_DIR not set")?;
    let i18n_mod_directory = PathBuf::from(out).join("i18n");
    let cfg = Config::new("en")?.add_locale("zh")?;
    let translations_infos = TranslationsInfos::parse(cfg)?;
    translations_infos.emit_diagnostics();
    translations_infos.rerun_if_locales_changed();
    translations_infos.generate_i18n_module(i18n_mod_directory)?;
    Ok(())
}
