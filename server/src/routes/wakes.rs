//! The rare wakes of a socket loop (drain, revocation, bus events, profile changes) as one
//! stream that looks at its sources only after one of them woke. A camera socket's loop turns
//! once per frame and heartbeat; a `SelectAll` polled on each turn, even with nothing ready,
//! was about a tenth of the server's CPU over the bare relay's at 5,000 candidates (perf,
//! BENCHMARKS.md). Here a turn with nothing woken costs one flag check.
use futures::stream::{BoxStream, SelectAll, Stream, StreamExt};
use futures::task::{ArcWake, AtomicWaker, waker_ref};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

/// Streams merged like `SelectAll`, polled only when woken.
pub struct Wakes<'a, T> {
    streams: SelectAll<BoxStream<'a, T>>,
    flag: Arc<Flag>,
}

/// Set by any source's wake; wakes the socket's task.
struct Flag {
    woken: AtomicBool,
    task: AtomicWaker,
}

impl ArcWake for Flag {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.woken.store(true, Ordering::Release);
        arc_self.task.wake();
    }
}

impl<T> Default for Wakes<'_, T> {
    fn default() -> Self {
        let flag = Flag { woken: AtomicBool::new(true), task: AtomicWaker::new() };
        Self { streams: SelectAll::new(), flag: Arc::new(flag) }
    }
}

impl<'a, T> Wakes<'a, T> {
    /// Adds a source (polled at the next turn, which registers its wake).
    pub fn push(&mut self, stream: BoxStream<'a, T>) {
        self.streams.push(stream);
        self.flag.woken.store(true, Ordering::Release);
    }
}

impl<T> Stream for Wakes<'_, T> {
    type Item = T;

    /// `Ready(None)` once every source has ended, as `SelectAll`.
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.get_mut();
        this.flag.task.register(cx.waker());
        if !this.flag.woken.swap(false, Ordering::AcqRel) {
            return Poll::Pending;
        }
        let waker = waker_ref(&this.flag);
        let mut inner = Context::from_waker(&waker);
        let item = this.streams.poll_next_unpin(&mut inner);
        if item.is_ready() {
            // More may be ready: look again at the next turn.
            this.flag.woken.store(true, Ordering::Release);
        }
        item
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::stream;
    use std::sync::atomic::AtomicUsize;

    #[tokio::test]
    async fn sources_are_polled_only_after_they_woke() {
        let polls = Arc::new(AtomicUsize::new(0));
        let counted = {
            let polls = polls.clone();
            stream::poll_fn(move |_| {
                polls.fetch_add(1, Ordering::Relaxed);
                Poll::<Option<u32>>::Pending
            })
        };
        let (tx, rx) = futures::channel::mpsc::unbounded::<u32>();
        let mut wakes = Wakes::default();
        wakes.push(counted.boxed());
        wakes.push(rx.boxed());
        let noop = futures::task::noop_waker();
        let mut cx = Context::from_waker(&noop);
        for _ in 0..5 {
            assert!(Pin::new(&mut wakes).poll_next(&mut cx).is_pending());
        }
        assert_eq!(polls.load(Ordering::Relaxed), 1, "one look at the start, none after");
        tx.unbounded_send(7).expect("send");
        tx.unbounded_send(8).expect("send");
        assert_eq!(Pin::new(&mut wakes).poll_next(&mut cx), Poll::Ready(Some(7)));
        assert_eq!(Pin::new(&mut wakes).poll_next(&mut cx), Poll::Ready(Some(8)));
        assert!(Pin::new(&mut wakes).poll_next(&mut cx).is_pending());
        let polled = polls.load(Ordering::Relaxed);
        assert!(
            polled <= 4,
            "the silent source was looked at only on turns after a wake: {polled}"
        );
    }

    #[tokio::test]
    async fn the_stream_ends_when_every_source_has_ended() {
        let mut wakes = Wakes::default();
        wakes.push(stream::once(async { 1 }).boxed());
        wakes.push(stream::iter([2]).boxed());
        let mut got = vec![wakes.next().await, wakes.next().await];
        got.sort();
        assert_eq!(got, vec![Some(1), Some(2)]);
        assert_eq!(wakes.next().await, None);
    }
}
