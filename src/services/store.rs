//! The database as the web side holds it: the pool, a connection handed to a service call,
//! the group commit and write gate the survey's write path shares, and what a call may fail
//! with. The web side names these and the services' functions, never `db`'s queries.

pub use crate::db::group_commit::{Batch, GroupCommit, GroupError};
pub use crate::db::write_gate::WriteGate;
pub use crate::db::{
    classify, server, DbConnection, DbError, DbPool, Failure, PoolError, QueryResult, Rollback,
};
