//! Pure, WASM-safe domain types and rules shared by the server and the browser.
//! Nothing here touches I/O; every rule is a function of its inputs and is unit tested.
pub mod answer;
pub mod audit;
pub mod camera;
pub mod candidate;
pub mod console;
pub mod device;
pub mod error;
pub mod exam;
pub mod exam_settings;
pub mod face;
pub mod flag;
pub mod grid;
pub mod ids;
pub mod journey;
pub mod paper;
pub mod phase;
pub mod presence;
pub mod protocol;
pub mod recording;
pub mod report;
pub mod retention;
pub mod review;
pub mod roster;
pub mod sitting;
pub mod staffing;
pub mod throttle;
pub mod timeline;
pub mod user;

pub use candidate::{Candidate, CandidateSelf, CandidateTile, TicketNumber, VerificationStatus};
pub use error::{AppError, Field, Missing, ValidationCode};
pub use exam::{Exam, ExamCode, ExamTimes};
pub use ids::{CandidateId, ExamId, RoomId, StaffId};
pub use phase::{Phase, PhaseCommand, SubmitKind, TransitionError};
pub use presence::{Presence, View, ViewPresence};
pub use user::{Role, RoomSummary, StaffUser};
