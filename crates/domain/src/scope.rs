//! Who is acting and what they may see. Every repository read takes the scope and turns it into
//! an SQL predicate; a record outside it is `NotFound`.

use crate::auth::{self, BUREAU_LEADER, DEPARTMENT_HANDLER, SPECIALIST, STATION_MANAGER};
use crate::error::Error;
use serde::Serialize;
use std::collections::BTreeSet;
use uuid::Uuid;

/// The organisational reach of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// System-wide configuration reach (the system and security admins): organisation and accounts.
    All,
    Bureau {
        bureau: Uuid,
    },
    Station {
        bureau: Uuid,
        station: Uuid,
    },
    Department {
        bureau: Uuid,
        station: Option<Uuid>,
        department: Uuid,
    },
    /// Sees no organisational records (the auditor, enterprise and member-unit users).
    None,
}

impl Scope {
    pub fn kind(&self) -> &'static str {
        match self {
            Scope::All => "all",
            Scope::Bureau { .. } => "bureau",
            Scope::Station { .. } => "station",
            Scope::Department { .. } => "department",
            Scope::None => "none",
        }
    }
    pub fn bureau(&self) -> Option<Uuid> {
        match *self {
            Scope::Bureau { bureau } | Scope::Station { bureau, .. } | Scope::Department { bureau, .. } => Some(bureau),
            _ => None,
        }
    }
    pub fn station(&self) -> Option<Uuid> {
        match *self {
            Scope::Station { station, .. } => Some(station),
            Scope::Department { station, .. } => station,
            _ => None,
        }
    }
    pub fn department(&self) -> Option<Uuid> {
        match *self {
            Scope::Department { department, .. } => Some(department),
            _ => None,
        }
    }

    /// Derives the scope from roles and where the account belongs. The widest business role
    /// wins; an admin role gives the configuration reach; an affiliation that is missing for the
    /// role gives nothing.
    pub fn derive(roles: &[String], bureau: Option<Uuid>, station: Option<Uuid>, department: Option<Uuid>) -> Scope {
        let has = |r: &str| roles.iter().any(|x| x == r);
        if has(auth::SYSTEM_ADMIN) || has(auth::SECURITY_ADMIN) {
            return Scope::All;
        }
        if has(BUREAU_LEADER) {
            if let Some(bureau) = bureau {
                return Scope::Bureau { bureau };
            }
        }
        if has(STATION_MANAGER) || has(SPECIALIST) {
            if let (Some(bureau), Some(station)) = (bureau, station) {
                return Scope::Station { bureau, station };
            }
        }
        if has(DEPARTMENT_HANDLER) {
            if let (Some(bureau), Some(department)) = (bureau, department) {
                return Scope::Department { bureau, station, department };
            }
        }
        Scope::None
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ScopeView {
    pub kind: &'static str,
    pub bureau_id: Option<Uuid>,
    pub station_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
}

impl From<Scope> for ScopeView {
    fn from(s: Scope) -> Self {
        ScopeView { kind: s.kind(), bureau_id: s.bureau(), station_id: s.station(), department_id: s.department() }
    }
}

/// The authenticated caller of a service function.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub permissions: BTreeSet<String>,
    pub scope: Scope,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn can(&self, perm: &str) -> bool {
        self.permissions.contains(perm)
    }
    /// `Forbidden` unless the actor holds `perm`.
    pub fn require(&self, perm: &str) -> Result<(), Error> {
        if self.can(perm) { Ok(()) } else { Err(Error::forbidden().with("permission", perm)) }
    }
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derive_scope() {
        let b = Uuid::now_v7();
        let s = Uuid::now_v7();
        let d = Uuid::now_v7();
        let r = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(Scope::derive(&r(&["system_admin"]), None, None, None), Scope::All);
        assert_eq!(Scope::derive(&r(&["auditor"]), Some(b), None, None), Scope::None);
        assert_eq!(Scope::derive(&r(&["bureau_leader"]), Some(b), Some(s), None), Scope::Bureau { bureau: b });
        assert_eq!(Scope::derive(&r(&["specialist"]), Some(b), Some(s), None), Scope::Station { bureau: b, station: s });
        // a specialist without a station sees nothing rather than everything
        assert_eq!(Scope::derive(&r(&["specialist"]), Some(b), None, None), Scope::None);
        assert_eq!(
            Scope::derive(&r(&["department_handler"]), Some(b), None, Some(d)),
            Scope::Department { bureau: b, station: None, department: d }
        );
    }
}
