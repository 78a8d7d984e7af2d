//! Presence between instances at scale: a view's heartbeats stay on its instance (the others
//! hear a fact when it comes or goes and a digest every heartbeat period), and a flood of
//! presence reports is dropped and repaired by the next digest, never a resynchronisation of
//! every socket. Needs `VIGIL_TEST_NATS` (a loud skip otherwise).
use crate::cluster::{nats_url, page, snapshot, tile_where, two_instances};
use backend::bus::wire::{WIRE_VERSION, WireBody, WireMsg, encode};
use backend::presence::{HeldView, PresenceFact};
use domain::Phase;
use domain::View;
use domain::presence::{HEARTBEAT_INTERVAL_SECS, OFFLINE_AFTER_SECS};
use domain::protocol::{CandidateClientMsg, ProctorServerMsg};
use futures::StreamExt;
use std::time::{Duration, Instant};

/// The value of a counter line in `/metrics`.
fn counter(metrics: &str, name: &str) -> u64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("{name} not in {metrics}"))
}

#[tokio::test]
async fn heartbeats_keep_a_view_online_on_the_other_instance_with_a_digest_not_a_message_each() {
    let Some(url) = nats_url() else { return };
    let (a, b, prefix) = two_instances(&url).await;
    let id = crate::common::candidate_id(&a, "T-0003").await;
    let pa = a.staff_cookie("proctorb").await;
    let mut feed = a.ws(&format!("/ws/proctor?room={}", a.room_b), Some(&pa)).await.expect("feed");
    snapshot(&mut feed).await;
    // What the instances say about presence, heard by this test on NATS.
    let nats = async_nats::connect(url.as_str()).await.expect("NATS");
    let mut heard = nats.subscribe(format!("{prefix}.presence")).await.expect("subscribe");
    nats.flush().await.expect("flush");

    let cand = a.candidate_cookie("T-0003").await;
    crate::common::jump(&a, id, Phase::InExam).await;
    let mut pc = page(&b, &cand, View::Pc).await;
    tile_where(&mut feed, id, |t| t.pc.online).await;
    // Ten seconds of heartbeats, four a second (the page sends one every two seconds).
    let beats = 40;
    for _ in 0..beats {
        pc.send(&CandidateClientMsg::Heartbeat).await;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // A's proctor never saw the PC go offline.
    for text in feed.texts_within(500).await {
        let msg: ProctorServerMsg = serde_json::from_str(&text).expect("proctor message");
        let offline = matches!(&msg, ProctorServerMsg::Delta { tile, .. } if tile.id == id && !tile.pc.online);
        assert!(!offline, "{text}");
    }
    assert!(a.state.presence.get(id).pc.online);
    // What crossed NATS: the view coming, then one digest per heartbeat period.
    let mut messages = 0;
    while let Ok(Some(_)) = tokio::time::timeout(Duration::from_millis(300), heard.next()).await {
        messages += 1;
    }
    let period = HEARTBEAT_INTERVAL_SECS as usize;
    let most = 1 + 11 / period + 2;
    assert!((3..=most).contains(&messages), "{messages} presence messages for {beats} heartbeats");
}

#[tokio::test]
async fn a_flood_of_presence_reports_is_dropped_and_repaired_by_a_digest_without_resynchronising() {
    let Some(url) = nats_url() else { return };
    let (a, _b, prefix) = two_instances(&url).await;
    let (flooded, held) = (
        crate::common::candidate_id(&a, "T-0003").await,
        crate::common::candidate_id(&a, "T-0004").await,
    );
    let room = a.room_b;
    let pb = a.staff_cookie("proctorb").await;
    // A proctor on A watches the room: each report that changes a view is re-announced.
    let mut feed = a.ws(&format!("/ws/proctor?room={room}"), Some(&pb)).await.expect("feed");
    snapshot(&mut feed).await;
    // A third instance (this test) floods: one view comes and goes 12,000 times at once,
    // more than A can act on.
    let nats = async_nats::connect(url.as_str()).await.expect("NATS");
    let subject = format!("{prefix}.presence");
    let say = |body| encode(&WireMsg { v: WIRE_VERSION, origin: 99, body });
    for i in 0..12_000 {
        let fact = PresenceFact { candidate: flooded, room, view: View::Pc, online: i % 2 == 0 };
        nats.publish(subject.clone(), say(WireBody::Presence { fact }).into())
            .await
            .expect("publish");
    }
    nats.flush().await.expect("flush");
    drop(feed);
    // Then, like an instance, it says every second that it holds another view, which no
    // fact announced: only its digest can bring that view online on A.
    let digest = say(WireBody::Digest { views: vec![HeldView(held, room, View::Pc)] });
    let digests = {
        let (nats, subject) = (nats.clone(), subject.clone());
        tokio::spawn(async move {
            loop {
                let _ = nats.publish(subject.clone(), digest.clone().into()).await;
                let _ = nats.flush().await;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    };
    // The proctor who opens the room sees it (once A has worked through what it kept).
    let mut online = false;
    for _ in 0..90 {
        let mut feed = a.ws(&format!("/ws/proctor?room={room}"), Some(&pb)).await.expect("feed");
        online = snapshot(&mut feed).await.iter().any(|t| t.id == held && t.pc.online);
        if online {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    digests.abort();
    assert!(online, "the digest did not bring the view online");
    let admin = a.staff_cookie("admin").await;
    let metrics = a.metrics(&admin).await;
    assert!(counter(&metrics, "vigil_bus_presence_dropped") > 0, "{metrics}");
    assert_eq!(counter(&metrics, "vigil_bus_gaps"), 0, "{metrics}");
}

#[tokio::test]
async fn a_page_on_the_other_instance_that_stops_beating_goes_offline_as_soon_as_on_its_own() {
    let Some(url) = nats_url() else { return };
    let (a, b, _) = two_instances(&url).await;
    let id = crate::common::candidate_id(&a, "T-0003").await;
    let pb = a.staff_cookie("proctorb").await;
    let mut feed = a.ws(&format!("/ws/proctor?room={}", a.room_b), Some(&pb)).await.expect("feed");
    snapshot(&mut feed).await;
    let cand = a.candidate_cookie("T-0003").await;
    crate::common::jump(&a, id, Phase::InExam).await;
    // The phone on B loses its network without closing: one beat, then silence.
    let phone_cookie = a.phone_cookie(&cand).await;
    let mut phone = page(&b, &phone_cookie, View::Phone).await;
    phone.send(&CandidateClientMsg::Heartbeat).await;
    let last_beat = Instant::now();
    tile_where(&mut feed, id, |t| t.phone.online).await;
    tile_where(&mut feed, id, |t| !t.phone.online).await;
    // B says "gone" when its own sweep finds the silence; A does not wait out B's digests too.
    let after = last_beat.elapsed();
    assert!(
        after < Duration::from_secs(OFFLINE_AFTER_SECS as u64 + 3),
        "offline on A after {after:?}"
    );
    drop(phone);
}
