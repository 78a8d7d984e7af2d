//! How the candidates of an exam sign in: the ticket number alone (as the seed university's
//! client does), or the ticket with a second credential: the last digits of the ID card
//! number, or a per-candidate access code printed on the admission slip. Pure rules; the
//! server generates codes and counts failures.
use serde::{Deserialize, Serialize};

/// What a candidate gives besides the exam ID and the ticket number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInMode {
    /// The ticket number alone.
    #[default]
    Ticket,
    /// The ticket number and the last [`ID_DIGITS`] characters of the ID card number.
    TicketIdDigits,
    /// The ticket number and the candidate's access code.
    TicketAccessCode,
}

impl SignInMode {
    pub const ALL: [SignInMode; 3] =
        [SignInMode::Ticket, SignInMode::TicketIdDigits, SignInMode::TicketAccessCode];

    pub fn as_str(self) -> &'static str {
        match self {
            SignInMode::Ticket => "ticket",
            SignInMode::TicketIdDigits => "ticket_id_digits",
            SignInMode::TicketAccessCode => "ticket_access_code",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Whether a second credential is asked for.
    pub fn needs_secret(self) -> bool {
        self != SignInMode::Ticket
    }
}

/// How many trailing characters of the ID card number the `TicketIdDigits` mode asks for.
pub const ID_DIGITS: usize = 6;
/// Characters of an access code: no 0/O, 1/I/L, so a printed code is read back right.
pub const ACCESS_CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Length of an access code (31^8 ≈ 8.5 × 10^11 codes).
pub const ACCESS_CODE_LEN: usize = 8;

/// What a person typed, without spaces and dashes, upper-case.
fn normalise(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_uppercase()
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `given` is the second credential of a candidate with `id_card` and `access_code`
/// under `mode`. Always true for `Ticket`; an empty stored value never matches.
pub fn secret_matches(mode: SignInMode, id_card: &str, access_code: &str, given: &str) -> bool {
    let given = normalise(given);
    match mode {
        SignInMode::Ticket => true,
        SignInMode::TicketIdDigits => {
            let card = normalise(id_card);
            let tail: String =
                card.chars().rev().take(ID_DIGITS).collect::<Vec<_>>().into_iter().rev().collect();
            card.chars().count() >= ID_DIGITS && same(tail.as_bytes(), given.as_bytes())
        }
        SignInMode::TicketAccessCode => {
            let code = normalise(access_code);
            !code.is_empty() && same(code.as_bytes(), given.as_bytes())
        }
    }
}

/// Whether `code` is a well-formed access code (as stored: upper-case, no dash).
pub fn valid_access_code(code: &str) -> bool {
    code.len() == ACCESS_CODE_LEN && code.bytes().all(|b| ACCESS_CODE_ALPHABET.contains(&b))
}

/// An access code from `ACCESS_CODE_LEN` random bytes (each taken modulo the alphabet; the
/// bias of 256 mod 31 is negligible against the sign-in limits).
pub fn access_code_from(random: [u8; ACCESS_CODE_LEN]) -> String {
    random
        .iter()
        .map(|b| ACCESS_CODE_ALPHABET[usize::from(*b) % ACCESS_CODE_ALPHABET.len()] as char)
        .collect()
}

/// An access code as printed: two groups of four (`ABCD-EFGH`).
pub fn format_access_code(code: &str) -> String {
    if code.len() == ACCESS_CODE_LEN && code.is_ascii() {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_round_trip_and_only_ticket_needs_no_secret() {
        for m in SignInMode::ALL {
            assert_eq!(SignInMode::parse(m.as_str()), Some(m));
        }
        assert!(!SignInMode::Ticket.needs_secret());
        assert!(SignInMode::TicketIdDigits.needs_secret());
        assert_eq!(SignInMode::parse("password"), None);
    }

    #[test]
    fn id_digits_are_the_last_six_characters_in_any_case() {
        let card = "11010519491231002X";
        let m = SignInMode::TicketIdDigits;
        assert!(secret_matches(m, card, "", "31002x"));
        assert!(secret_matches(m, card, "", " 31002X "));
        assert!(!secret_matches(m, card, "", "1002X"));
        assert!(!secret_matches(m, card, "", "231002X"));
        assert!(!secret_matches(m, card, "", ""));
        assert!(!secret_matches(m, "123", "", "123"));
    }

    #[test]
    fn access_codes_match_with_or_without_the_dash_and_never_when_unset() {
        let m = SignInMode::TicketAccessCode;
        assert!(secret_matches(m, "", "ABCDEFGH", "abcd-efgh"));
        assert!(secret_matches(m, "", "ABCDEFGH", "ABCD EFGH"));
        assert!(!secret_matches(m, "", "ABCDEFGH", "ABCDEFGJ"));
        assert!(!secret_matches(m, "", "", ""));
        assert!(secret_matches(SignInMode::Ticket, "", "", "anything"));
    }

    #[test]
    fn generated_codes_are_valid_and_print_in_two_groups() {
        let code = access_code_from([0, 30, 31, 255, 7, 8, 9, 100]);
        assert!(valid_access_code(&code), "{code}");
        assert_eq!(format_access_code(&code).len(), ACCESS_CODE_LEN + 1);
        assert!(!valid_access_code("ABCDEFG0"));
        assert!(!valid_access_code("ABC"));
    }
}
