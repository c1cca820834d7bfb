//! Policy eligibility (M8): rules as trees of conditions on typed enterprise fields, checked when
//! saved, compiled once per evaluation date, and evaluated either over columns of a million
//! enterprises (bit sets, every condition's counts, near misses) or for one enterprise with a
//! plain-language explanation of each condition. Three-valued: a missing value makes a
//! condition undetermined, and the verdict says what is missing.

pub mod bits;
pub mod date;
pub mod eval;
pub mod explain;
pub mod rule;
pub mod schema;
pub(crate) mod simd;
#[doc(hidden)]
pub use simd::limit_kernels;
pub mod synth;
pub mod table;

pub use date::{Day, parse_day};
pub use eval::{MatchAll, Outcome, PolicyCounts, Verdict, match_all, reference};
pub use explain::{Lang, PolicyResult, explain};
pub use rule::{Compiled, RuleError, RuleSet};
pub use schema::{Field, FieldType, Schema};
pub use table::{Table, Val};
