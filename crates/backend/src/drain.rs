//! Draining: an instance told to stop (SIGTERM) stops taking connections, closes its live
//! sockets with "service restart" (the pages reconnect, through the load balancer, to another
//! instance), lets the requests in flight finish, and exits. Connections and sockets hold the
//! drain ([`Drain::hold`]) while they run, so the instance knows when it is done.
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{Notify, watch};

struct Inner {
    flag: watch::Sender<bool>,
    live: AtomicUsize,
    idle: Notify,
}

#[derive(Clone)]
pub struct Drain(Arc<Inner>);

impl Default for Drain {
    fn default() -> Self {
        Self(Arc::new(Inner {
            flag: watch::channel(false).0,
            live: AtomicUsize::new(0),
            idle: Notify::new(),
        }))
    }
}

/// A connection or socket at work; the drain waits for it.
pub struct Hold(Drain);

impl Drop for Hold {
    fn drop(&mut self) {
        if self.0.0.live.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.0.idle.notify_waiters();
        }
    }
}

impl Drain {
    /// Starts draining (once; later calls change nothing).
    pub fn begin(&self) {
        self.0.flag.send_replace(true);
    }

    pub fn draining(&self) -> bool {
        *self.0.flag.borrow()
    }

    /// Resolves once draining has begun (at once if it has).
    pub async fn started(&self) {
        let mut rx = self.0.flag.subscribe();
        let _ = rx.wait_for(|d| *d).await;
    }

    /// Counts a connection or socket until the returned hold is dropped.
    pub fn hold(&self) -> Hold {
        self.0.live.fetch_add(1, Ordering::SeqCst);
        Hold(self.clone())
    }

    /// Connections and sockets still at work.
    pub fn live(&self) -> usize {
        self.0.live.load(Ordering::SeqCst)
    }

    /// Resolves when nothing holds the drain.
    pub async fn idle(&self) {
        loop {
            let woken = self.0.idle.notified();
            if self.live() == 0 {
                return;
            }
            woken.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn waiters_wake_when_draining_begins_and_idle_waits_for_every_hold() {
        let d = Drain::default();
        let waiting = tokio::spawn({
            let d = d.clone();
            async move { d.started().await }
        });
        assert!(!d.draining());
        d.begin();
        waiting.await.expect("woken");
        d.started().await;
        assert!(d.draining());

        let (a, b) = (d.hold(), d.hold());
        let idle = tokio::spawn({
            let d = d.clone();
            async move { d.idle().await }
        });
        drop(a);
        tokio::task::yield_now().await;
        assert!(!idle.is_finished());
        drop(b);
        idle.await.expect("idle");
        assert_eq!(d.live(), 0);
    }
}
