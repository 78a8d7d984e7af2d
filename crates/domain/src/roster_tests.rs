use super::*;

fn row(line: usize, ticket: &str, name: &str, id: &str, room: &str) -> RawRow {
    RawRow { line, ticket: ticket.into(), name: name.into(), id_card: id.into(), room: room.into() }
}

fn codes(errors: &[RowError]) -> Vec<(usize, RowField, RowErrorCode)> {
    errors.iter().map(|e| (e.line, e.field, e.code)).collect()
}

#[test]
fn id_card_checksum_follows_gb_11643() {
    assert_eq!(id_card_check_char("11010519491231002"), Some('X'));
    assert_eq!(id_card_check_char("44052418800101001"), Some('4'));
    assert!(id_card_valid("11010519491231002X"));
    assert!(id_card_valid(&normalise_id_card(" 11010519491231002x ")));
    assert!(id_card_valid("440524188001010014"));
    assert!(!id_card_valid("110105194912310021"), "wrong check character");
    assert!(!id_card_valid("110105194913310028"), "month 13");
    assert!(!id_card_valid("11010519491231002"), "17 characters");
    assert!(!id_card_valid("1101051949123100２X"), "not ASCII");
    assert_eq!(id_card_check_char("1101051949123100A"), None);
}

#[test]
fn headers_in_english_or_chinese() {
    assert_eq!(column_of("Ticket Number"), Some(Column::Ticket));
    assert_eq!(column_of("准考证号"), Some(Column::Ticket));
    assert_eq!(column_of(" 姓名 "), Some(Column::Name));
    assert_eq!(column_of("ID_card"), Some(Column::IdCard));
    assert_eq!(column_of("身份证号码"), Some(Column::IdCard));
    assert_eq!(column_of("考场"), Some(Column::Room));
    assert_eq!(column_of("email"), None);
}

#[test]
fn photo_names_give_tickets() {
    assert_eq!(photo_ticket("t-0001.JPG").as_deref(), Some("T-0001"));
    assert_eq!(photo_ticket("photos/T-0002.png").as_deref(), Some("T-0002"));
    assert_eq!(photo_ticket("__MACOSX/._T-0002.jpg"), None);
    assert_eq!(photo_ticket("readme.txt"), None);
    assert_eq!(photo_ticket("photos/"), None);
}

#[test]
fn every_rejected_row_kind_is_reported_with_its_line() {
    let rows = vec![
        row(2, "T-0001", "Li Lei", "11010519491231002X", "Room A"),
        row(3, "t-0001", "Han Meimei", "440524188001010014", "Room A"),
        row(4, "T-0003", "", "110105194912310021", "Room C"),
        row(5, "T 4", "Wang", "12345", "Room B"),
        row(6, "T-0006", "Zhao", "11010519491231002X", "Room B"),
        row(7, "T-0007", "Qian", "110101200001011232", "Room B"),
    ];
    let photos = HashMap::from([
        ("T-0001".to_string(), PhotoCheck::Image),
        ("T-0003".to_string(), PhotoCheck::Image),
        ("T-0006".to_string(), PhotoCheck::Image),
        ("T-0007".to_string(), PhotoCheck::NotImage),
        ("T-0099".to_string(), PhotoCheck::Image),
    ]);
    let rooms = vec!["Room A".to_string(), "Room B".to_string()];
    let existing = HashMap::new();
    let ctx = RosterContext { rooms: &rooms, photos: &photos, existing: &existing };
    let (preview, errors) = validate(&rows, &ctx);
    use RowErrorCode as C;
    use RowField as F;
    assert_eq!(
        codes(&errors),
        vec![
            (3, F::Ticket, C::DuplicateTicket),
            (4, F::Name, C::Required),
            (4, F::IdCard, C::BadChecksum),
            (4, F::Room, C::UnknownRoom),
            (5, F::Ticket, C::BadFormat),
            (5, F::IdCard, C::BadFormat),
            (5, F::Photo, C::PhotoMissing),
            (6, F::IdCard, C::DuplicateIdCard),
            (7, F::Photo, C::PhotoNotImage),
        ]
    );
    assert_eq!(errors[0].other, Some(2));
    assert_eq!(errors[7].other, Some(2));
    assert_eq!(preview.len(), 6);
    assert_eq!(preview[1].ticket, "T-0001", "tickets are compared upper-case");
    assert_eq!(unused_photos(&preview, &photos), vec!["T-0099".to_string()]);
}

#[test]
fn reimport_updates_and_keeps_stored_photos() {
    let rows = vec![
        row(2, "T-0001", "Li Lei", "11010519491231002X", "Room A"),
        row(3, "T-0002", "Han Meimei", "440524188001010014", "Room A"),
    ];
    let rooms = vec!["Room A".to_string()];
    let photos = HashMap::new();
    let existing = HashMap::from([("T-0001".to_string(), true), ("T-0002".to_string(), false)]);
    let ctx = RosterContext { rooms: &rooms, photos: &photos, existing: &existing };
    let (preview, errors) = validate(&rows, &ctx);
    assert!(preview.iter().all(|r| r.update));
    assert_eq!(codes(&errors), vec![(3, RowField::Photo, RowErrorCode::PhotoMissing)]);
}
