//! One-door requests (一门式): the five process types of the Pudong platform, their stages, the
//! states a request moves through and which actions each state allows. Pure rules; the clock
//! arithmetic lives in [`crate::calendar`].

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessType {
    /// 窗口受理当场办理
    OnSpot,
    /// 窗口受理后台办结
    WindowBackofficeComplete,
    /// 窗口受理后台办理 (delivered back at the window)
    WindowBackofficeWindow,
    /// 窗口受理处室办理
    WindowDivision,
    /// 后台直接办理
    BackofficeDirect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Window,
    Backoffice,
    Division,
    /// Waiting at the window for the result to be handed out (窗口出件).
    Delivery,
}

pub const PROCESS_TYPES: [ProcessType; 5] = [
    ProcessType::OnSpot,
    ProcessType::WindowBackofficeComplete,
    ProcessType::WindowBackofficeWindow,
    ProcessType::WindowDivision,
    ProcessType::BackofficeDirect,
];

impl ProcessType {
    pub fn code(self) -> &'static str {
        match self {
            ProcessType::OnSpot => "on_spot",
            ProcessType::WindowBackofficeComplete => "window_backoffice_complete",
            ProcessType::WindowBackofficeWindow => "window_backoffice_window",
            ProcessType::WindowDivision => "window_division",
            ProcessType::BackofficeDirect => "backoffice_direct",
        }
    }

    pub fn parse(code: &str) -> Option<ProcessType> {
        PROCESS_TYPES.into_iter().find(|p| p.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ProcessType::OnSpot => "窗口受理当场办理",
            ProcessType::WindowBackofficeComplete => "窗口受理后台办结",
            ProcessType::WindowBackofficeWindow => "窗口受理后台办理",
            ProcessType::WindowDivision => "窗口受理处室办理",
            ProcessType::BackofficeDirect => "后台直接办理",
        }
    }

    /// The stages a request of this type passes, in order.
    pub fn stages(self) -> &'static [Stage] {
        match self {
            ProcessType::OnSpot => &[Stage::Window],
            ProcessType::WindowBackofficeComplete => &[Stage::Window, Stage::Backoffice],
            ProcessType::WindowBackofficeWindow => &[Stage::Window, Stage::Backoffice, Stage::Delivery],
            ProcessType::WindowDivision => &[Stage::Window, Stage::Division, Stage::Delivery],
            ProcessType::BackofficeDirect => &[Stage::Backoffice],
        }
    }

    /// Where a request starts (intake).
    pub fn first_stage(self) -> Stage {
        self.stages()[0]
    }

    /// The stage where the work is done and completed.
    pub fn work_stage(self) -> Stage {
        *self.stages().iter().rev().find(|s| **s != Stage::Delivery).expect("a work stage")
    }

    pub fn delivers_at_window(self) -> bool {
        self.stages().contains(&Stage::Delivery)
    }
}

impl Stage {
    pub fn code(self) -> &'static str {
        match self {
            Stage::Window => "window",
            Stage::Backoffice => "backoffice",
            Stage::Division => "division",
            Stage::Delivery => "delivery",
        }
    }
    pub fn parse(code: &str) -> Option<Stage> {
        [Stage::Window, Stage::Backoffice, Stage::Division, Stage::Delivery].into_iter().find(|s| s.code() == code)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Stage::Window => "窗口受理",
            Stage::Backoffice => "后台办理",
            Stage::Division => "处室办理",
            Stage::Delivery => "窗口出件",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Received,
    InProgress,
    AwaitingMaterials,
    Suspended,
    Completed,
    Delivered,
    Refused,
}

pub const STATES: [State; 7] =
    [State::Received, State::InProgress, State::AwaitingMaterials, State::Suspended, State::Completed, State::Delivered, State::Refused];

impl State {
    pub fn code(self) -> &'static str {
        match self {
            State::Received => "received",
            State::InProgress => "in_progress",
            State::AwaitingMaterials => "awaiting_materials",
            State::Suspended => "suspended",
            State::Completed => "completed",
            State::Delivered => "delivered",
            State::Refused => "refused",
        }
    }
    pub fn parse(code: &str) -> Option<State> {
        STATES.into_iter().find(|s| s.code() == code)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            State::Received => "待受理",
            State::InProgress => "办理中",
            State::AwaitingMaterials => "待补正",
            State::Suspended => "已挂起",
            State::Completed => "已办结",
            State::Delivered => "已出件",
            State::Refused => "不予受理",
        }
    }
    /// The clock runs or is paused, and the request still needs someone.
    pub fn is_open(self) -> bool {
        matches!(self, State::Received | State::InProgress | State::AwaitingMaterials | State::Suspended)
    }
}

/// What a user may do to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Accept,
    Refuse,
    RequestMaterials,
    MaterialsReceived,
    Route,
    Suspend,
    Resume,
    Extend,
    Complete,
    Deliver,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Refuse => "refuse",
            Action::RequestMaterials => "request_materials",
            Action::MaterialsReceived => "materials_received",
            Action::Route => "route",
            Action::Suspend => "suspend",
            Action::Resume => "resume",
            Action::Extend => "extend",
            Action::Complete => "complete",
            Action::Deliver => "deliver",
        }
    }
}

/// Whether `action` is allowed on a request of type `pt` in `state` at `stage` (accepted or
/// not). The handlers turn a `false` into a 409 naming the state.
pub fn allowed(pt: ProcessType, state: State, stage: Stage, accepted: bool, action: Action) -> bool {
    use Action::*;
    match action {
        Accept | Refuse => state == State::Received,
        RequestMaterials => state == State::Received || (state == State::InProgress && stage != Stage::Delivery),
        MaterialsReceived => state == State::AwaitingMaterials,
        Route => state == State::InProgress && stage != Stage::Delivery,
        Suspend => state == State::InProgress && stage != Stage::Delivery,
        Resume => state == State::Suspended,
        Extend => accepted && matches!(state, State::InProgress | State::Suspended | State::AwaitingMaterials),
        Complete => state == State::InProgress && stage == pt.work_stage(),
        Deliver => state == State::Completed && stage == Stage::Delivery,
    }
}

/// The stage a route hands over to: the next work stage, or the same one (a hand-over to
/// another department or person within it).
pub fn route_target(pt: ProcessType, stage: Stage) -> Stage {
    let stages = pt.stages();
    let i = stages.iter().position(|s| *s == stage).unwrap_or(0);
    match stages.get(i + 1) {
        Some(Stage::Delivery) | None => stage,
        Some(next) => *next,
    }
}

/// How close a running deadline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Warning {
    None,
    NearDue,
    Overdue,
}

/// The warning for `remaining` working days left (negative: overdue by that many).
pub fn warning(remaining: i64, near_due_days: i64) -> Warning {
    if remaining < 0 {
        Warning::Overdue
    } else if remaining <= near_due_days {
        Warning::NearDue
    } else {
        Warning::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_process_type_has_its_stages() {
        assert_eq!(ProcessType::OnSpot.stages(), &[Stage::Window]);
        assert_eq!(ProcessType::WindowDivision.work_stage(), Stage::Division);
        assert_eq!(ProcessType::WindowBackofficeComplete.work_stage(), Stage::Backoffice);
        assert!(!ProcessType::WindowBackofficeComplete.delivers_at_window());
        assert!(ProcessType::WindowBackofficeWindow.delivers_at_window());
        assert_eq!(ProcessType::BackofficeDirect.first_stage(), Stage::Backoffice);
        for p in PROCESS_TYPES {
            assert_eq!(ProcessType::parse(p.code()), Some(p));
        }
    }

    #[test]
    fn routing_moves_to_the_work_stage_then_stays() {
        let p = ProcessType::WindowBackofficeWindow;
        assert_eq!(route_target(p, Stage::Window), Stage::Backoffice);
        assert_eq!(route_target(p, Stage::Backoffice), Stage::Backoffice);
        assert_eq!(route_target(ProcessType::WindowDivision, Stage::Window), Stage::Division);
        assert_eq!(route_target(ProcessType::OnSpot, Stage::Window), Stage::Window);
    }

    #[test]
    fn transitions_follow_the_state() {
        let p = ProcessType::WindowDivision;
        assert!(allowed(p, State::Received, Stage::Window, false, Action::Accept));
        assert!(!allowed(p, State::InProgress, Stage::Window, true, Action::Accept));
        assert!(!allowed(p, State::InProgress, Stage::Window, true, Action::Complete));
        assert!(allowed(p, State::InProgress, Stage::Division, true, Action::Complete));
        assert!(!allowed(p, State::Refused, Stage::Window, false, Action::Resume));
        assert!(allowed(p, State::Completed, Stage::Delivery, true, Action::Deliver));
        assert!(!allowed(p, State::Received, Stage::Window, false, Action::Extend));
        assert!(!allowed(p, State::Delivered, Stage::Delivery, true, Action::Suspend));
    }

    #[test]
    fn warnings() {
        assert_eq!(warning(5, 2), Warning::None);
        assert_eq!(warning(2, 2), Warning::NearDue);
        assert_eq!(warning(0, 2), Warning::NearDue);
        assert_eq!(warning(-1, 2), Warning::Overdue);
    }
}
