//! The exercise's checks (`tests/checks`) against this chapter's own code:
//! the book's solution passes what the reader's starter must
//! (`cargo test -p ex09-concurrency`).
use ch09_concurrency as subject;
mod checks;
