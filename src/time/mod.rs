//! Legal time: the working-day [`Calendar`], and deadlines counted by the Civil Code.

pub(crate) mod calendar;
pub(crate) mod deadline;
pub(crate) mod lunar;

pub use calendar::{
    Amendment, Calendar, CalendarError, DayOff, Source, WorkingDay, WorkingDaysIter, YearCalendar,
    YearStatus,
};
pub use deadline::{
    CalendarGap, DayReading, Deadline, DeadlineError, Period, VIETNAM_OFFSET, deadline,
    latest_notice_before,
};
