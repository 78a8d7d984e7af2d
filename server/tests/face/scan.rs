//! The face checks' scan on camera pictures at the grid size (320×240, JPEG quality 60):
//! how many faces, and the distance of one face to a reference.
use super::{dlib, fixture, fixture_path};
use backend::face::FaceVerifier;
use server::face::scenes::{Scene, jpeg, load, picture};

fn person(name: &str) -> image::RgbImage {
    load(&fixture_path(name)).unwrap_or_else(|| panic!("{name}: run scripts/face-assets.sh"))
}

fn grid_picture(people: &[&str], scene: Scene) -> Vec<u8> {
    let imgs: Vec<image::RgbImage> = people.iter().map(|p| person(p)).collect();
    let refs: Vec<&image::RgbImage> = imgs.iter().collect();
    jpeg(&picture(&refs, 320, 240, scene), 60)
}

async fn faces(people: &[&str], scene: Scene) -> u32 {
    let scan = dlib().scan(&grid_picture(people, scene), None).await.expect("scan");
    eprintln!("{people:?} {scene:?}: {} faces", scan.faces);
    scan.faces
}

#[tokio::test]
async fn the_scan_counts_faces_in_grid_pictures() {
    assert_eq!(faces(&[], Scene::default()).await, 0);
    assert_eq!(faces(&["dogs.jpg"], Scene::default()).await, 0);
    assert_eq!(faces(&["obama.jpg"], Scene::default()).await, 1);
    assert_eq!(faces(&["obama3.jpg", "biden.jpg"], Scene::default()).await, 2);
}

#[tokio::test]
async fn two_people_side_by_side_count_two_in_any_light() {
    // Their faces are about 45 px here: smaller than HOG's 80 px window, which counted only
    // one of these pairs.
    for pair in [["obama.jpg", "biden.jpg"], ["obama3.jpg", "biden.jpg"]] {
        for light in [1.0, 0.5, 0.35] {
            assert_eq!(faces(&pair, Scene { light, shift: 0.0 }).await, 2, "{pair:?} {light}");
        }
    }
}

#[tokio::test]
async fn the_scan_measures_the_distance_to_the_reference() {
    let reference = dlib().embed(&fixture("obama2.jpg")).await.expect("reference");
    let same = dlib()
        .scan(&grid_picture(&["obama.jpg"], Scene::default()), Some(&reference))
        .await
        .expect("scan");
    let other = dlib()
        .scan(&grid_picture(&["biden.jpg"], Scene::default()), Some(&reference))
        .await
        .expect("scan");
    eprintln!("same {same:?}, other {other:?}");
    assert!(same.distance.expect("compared") < 0.6, "{same:?}");
    assert!(other.distance.expect("compared") >= 0.6, "{other:?}");
    // Two faces: counted, not compared.
    let two = dlib()
        .scan(&grid_picture(&["obama3.jpg", "biden.jpg"], Scene::default()), Some(&reference))
        .await
        .expect("scan");
    assert_eq!(two.distance, None);
}

#[tokio::test]
async fn a_picture_that_is_not_an_image_is_a_bad_image() {
    let e = dlib().scan(b"not a jpeg", None).await.expect_err("bad");
    assert!(matches!(e, domain::face::FaceError::BadImage { .. }), "{e:?}");
}
